"""Demo step: the learning society's registry and yearly cycle, through the services only.

- xã Bình Lư and phường Bồ Đề, the current year: households recorded for the village branches; families of
  bản Nà An, bản Thèn Sin, TDP số 1 and TDP số 7 (with dòng họ Lò, Giàng, Nguyễn, Lê and their families
  linked, so the clan's computed "≥ 50% families recognised" shows), the villages themselves, schools and
  offices, and learning citizens. The branch heads (chihoi.naan, chihoi.tdp7) and the commune treasurers
  assess; the commune chairs (chutich.binhlu, chutich.bode) recognise. Bản Thèn Sin's families are
  registered but not yet assessed (its branch's to-do) and a few passed subjects wait for a decision.
- Sơn La, 2025 (the emulation year of seed 004): six communes with population recorded and a registry
  assessed and recognised in 2025, their percentages different so the emulation board ranks them.

Idempotent: a commune whose subtree already has registrations for the year is left alone (the demo is one
unit of work, so a commune has all of its part or none). Each family row: head, members, outcome, consent;
outcomes: P passed and recognised, W passed and waiting for a decision, F failed, R registered only.
"""
from datetime import date

from sqlalchemy import exists, select

from ledger.accounts.community.services import members as population
from ledger.core.dates import vn_today
from ledger.demo.places import BINH_LU, BO_DE, this_year_on
from ledger.extensions import db
from ledger.learning.criteria.defaults import CITIZEN_CODES
from ledger.learning.cycle.services import assessments, recognitions
from ledger.learning.models import Registration
from ledger.learning.registry import services as registry
from ledger.units.models import Unit
from ledger.units.services import get_unit, subtree_ids

# ---- answers ------------------------------------------------------------------------------------

FAMILY_CODES = ("tre_em_hoc_tap", "nguoi_lon_hoc_tap", "dieu_kien_hoc_tap", "tac_dong_hoc_tap")
FAMILY_PASS = ((28, 26, 16, 17), (30, 27, 18, 18), (25, 22, 14, 14), (27, 24, 15, 16), (29, 28, 17, 19),
               (26, 23, 12, 15))
FAMILY_FAIL = (((15, 22, 12, 14), "Có con bỏ học giữa năm lớp 8, gia đình chưa vận động cháu đi học lại."),
               ((24, 14, 8, 12), "Người lớn chưa tham gia sinh hoạt học tập ở bản; chưa có góc học tập cho con."),
               ((22, 20, 10, 8), "Kinh tế gia đình còn khó khăn, năm nay chưa đạt Gia đình văn hóa."))
ORGANISATION_CODES = ("dieu_kien_xay_dung", "ket_qua_hoc_tap", "hieu_qua_tac_dong")
CLAN_CODES = ("quy_khuyen_hoc", "giup_do_hoc_sinh_ngheo", "khong_bo_hoc", "kinh_te_phat_trien")
COMMUNITY_CODES = ("hoat_dong_hoc_tap", "noi_hoc_tap", "tac_dong")
CITIZEN_PASS = ((9, 8, 8, 9, 8, 6, 8, 8, 9, 9), (9, 9, 8, 8, 9, 7, 8, 8, 9, 9), (10, 9, 9, 9, 9, 9, 9, 9, 9, 9),
                (8, 9, 8, 8, 10, 9, 9, 8, 8, 9))
CITIZEN_FAIL = (((9, 9, 9, 9, 9, 4, 9, 9, 9, 9), "Chưa học ngoại ngữ (chỉ số dưới 5 điểm)."),
                ((8, 8, 9, 8, 7, 5, 8, 8, 9, 8), "Tổng điểm dưới 80."),
                ((7, 6, 8, 7, 5, 2, 7, 6, 9, 8), "Chưa dùng được ngoại ngữ, ít tham gia học tập ở cộng đồng."))


def scored(codes, points) -> dict:
    return dict(zip(codes, points, strict=True))


def family_answers(outcome: str, n: int) -> tuple[dict, str]:
    if outcome == "F":
        points, note = FAMILY_FAIL[n % len(FAMILY_FAIL)]
        return scored(FAMILY_CODES, points), note
    return scored(FAMILY_CODES, FAMILY_PASS[n % len(FAMILY_PASS)]), ""


def citizen_answers(passed: bool, n: int) -> tuple[dict, str]:
    if passed:
        return scored(CITIZEN_CODES, CITIZEN_PASS[n % len(CITIZEN_PASS)]), ""
    points, note = CITIZEN_FAIL[n % len(CITIZEN_FAIL)]
    return scored(CITIZEN_CODES, points), note


def all_of(codes, failing: str | None = None) -> dict:
    return {code: code != failing for code in codes}


# ---- Bình Lư and Bồ Đề, the current year --------------------------------------------------------

NA_AN = [("Lò Văn Pành", 6, "P", True), ("Lò Thị Xiêng", 4, "P", True), ("Lò Văn Tiến", 5, "P", False),
         ("Lò Văn Ính", 7, "P", True), ("Lò Văn Khăm", 5, "P", False), ("Lò Thị Ơn", 3, "P", False),
         ("Lò Văn Chung", 6, "P", True), ("Lò Văn Hặc", 5, "P", False), ("Lò Văn Thanh", 4, "P", False),
         ("Lò Văn Dũng", 6, "F", False), ("Tẩn Văn Phin", 6, "P", True), ("Tẩn Thị Mai", 4, "P", False),
         ("Chảo Láo Lở", 8, "P", False), ("Chảo Ông Mẩy", 7, "F", False), ("Giàng A Páo", 9, "P", True),
         ("Giàng A Sử", 8, "F", False), ("Vàng A Chá", 7, "P", False), ("Vàng Thị Dua", 5, "P", False),
         ("Lý A Chín", 6, "P", False), ("Lý Thị Mai", 4, "W", False), ("Hoàng Văn Thắng", 5, "P", True),
         ("Hoàng Thị Nhung", 4, "P", False), ("Lường Văn Biên", 5, "P", False), ("Lường Thị Ươi", 3, "W", False),
         ("Sùng A Lồng", 9, "R", False), ("Điêu Văn Hiếu", 4, "P", False), ("Quàng Văn Toản", 5, "R", False),
         ("Tẩn Văn Sài", 5, "P", False)]
THEN_SIN = [(name, size, "R", False) for name, size in (
    ("Lò Văn Nhất", 6), ("Lò Thị Phương", 4), ("Lò Văn Xuân", 5), ("Lò Văn Ngoan", 7), ("Lò Văn Chiến", 5),
    ("Giàng A Dế", 8), ("Giàng Thị Mỷ", 6), ("Tẩn Láo San", 7), ("Tẩn Thị Sếnh", 4), ("Chảo Văn Lìn", 6),
    ("Chảo Thị Phấy", 5), ("Vàng A Nủ", 9), ("Vàng Thị Sua", 5), ("Lý Văn Quyết", 5), ("Lý Thị Sinh", 3),
    ("Hoàng Văn Phúc", 4), ("Hoàng Thị Hằng", 4), ("Lường Văn Hải", 5), ("Sùng A Tủa", 8), ("Sùng Thị Mai", 6),
    ("Phàn Văn Kiềm", 7), ("Phàn Thị Lở", 5), ("Đèo Văn Sinh", 4), ("Lù Văn Tòng", 5))]
TDP_1 = [("Nguyễn Văn Khải", 5, "P", True), ("Nguyễn Thị Hương", 4, "P", True), ("Nguyễn Văn Tuấn", 4, "P", False),
         ("Nguyễn Đức Mạnh", 3, "P", False), ("Nguyễn Thị Hoa", 3, "F", False), ("Nguyễn Văn Long", 5, "R", False),
         ("Lê Văn Hùng", 4, "P", False), ("Lê Thị Minh", 3, "F", False), ("Trần Văn Bảo", 4, "P", True),
         ("Trần Thị Hà", 3, "P", False), ("Phạm Văn Dũng", 5, "P", False), ("Phạm Thị Thu", 4, "P", False),
         ("Đỗ Văn Hải", 4, "P", False), ("Đỗ Thị Lan", 2, "F", False), ("Vũ Văn Thành", 5, "P", True),
         ("Vũ Thị Ngọc", 4, "P", False), ("Hoàng Văn Nam", 4, "P", False), ("Hoàng Thị Yến", 3, "P", False),
         ("Bùi Văn Toàn", 5, "P", False), ("Bùi Thị Huệ", 4, "R", False), ("Đặng Văn Quang", 4, "P", False),
         ("Đặng Thị Mai", 3, "P", False), ("Ngô Văn Sơn", 4, "P", False), ("Ngô Thị Hạnh", 2, "F", False),
         ("Dương Văn Tùng", 5, "P", False), ("Đinh Thị Phượng", 4, "P", False), ("Trịnh Văn Khoa", 4, "P", False),
         ("Lý Thị Nga", 3, "F", False), ("Tạ Văn Hiếu", 4, "P", False), ("Mai Thị Loan", 3, "R", False)]
TDP_7 = [("Nguyễn Văn Thịnh", 5, "P", True), ("Nguyễn Thị Lan", 4, "P", True), ("Nguyễn Văn Cường", 4, "P", False),
         ("Nguyễn Hữu Phước", 6, "P", False), ("Nguyễn Thị Bích", 3, "P", False), ("Nguyễn Văn Hoàng", 4, "W", False),
         ("Lê Quang Vinh", 4, "W", False), ("Trần Minh Đức", 4, "P", True), ("Trần Thị Mai", 3, "P", False),
         ("Phạm Quốc Bảo", 5, "P", False), ("Phạm Thị Hồng", 3, "F", False), ("Đỗ Văn Kiên", 4, "P", False),
         ("Đỗ Minh Tâm", 3, "P", False), ("Vũ Đức Anh", 4, "P", False), ("Vũ Thị Hằng", 5, "P", True),
         ("Hoàng Minh Tuấn", 4, "P", False), ("Hoàng Thị Thảo", 3, "R", False), ("Bùi Quang Huy", 4, "P", False),
         ("Bùi Thị Nhàn", 3, "P", False), ("Đặng Văn Lực", 5, "P", False), ("Đặng Thị Huyền", 2, "F", False),
         ("Ngô Quang Trung", 4, "P", False), ("Dương Thị Liên", 4, "P", False), ("Đinh Văn Hòa", 5, "P", False),
         ("Trịnh Thị Hương", 3, "P", False), ("Lưu Văn Thắng", 4, "P", False), ("Cao Thị Hiền", 3, "P", False),
         ("Phan Văn Đông", 5, "P", False), ("Tô Thị Vân", 4, "F", False), ("Kiều Văn Minh", 4, "P", False),
         ("Hà Thị Thủy", 3, "R", False), ("Chu Văn Lâm", 5, "P", False)]

# A place: branches (code, households, village, families, the families' assessor or None: not assessed yet),
# clans (unit or None for the commune, name, head, members, the surname of its families, a failing criterion
# or None), villages (unit, name, head, kind, assessed?), organisations (unit, name, head, kind, points,
# outcome), citizens (branch, name, outcome) and the decision numbers per model.
PLACES = {
    BINH_LU: {
        "address": "xã Bình Lư, tỉnh Lai Châu", "treasurer": "thuquy.binhlu", "chair": "chutich.binhlu",
        "branches": [("BL-BAN-NA-AN", 34, "Bản Nà An", NA_AN, "chihoi.naan"),
                     ("BL-BAN-THEN-SIN", 30, "Bản Thèn Sin", THEN_SIN, None)],
        "clans": [("BL-HO-LO", "Dòng họ Lò", "Lò Văn Pành", 86, "Lò", None),
                  (None, "Dòng họ Giàng", "Giàng A Páo", 41, "Giàng", None)],
        "villages": [("BL-BAN-NA-AN", "Bản Nà An", "Lò Văn Khăm", "bản", True),
                     ("BL-BAN-THEN-SIN", "Bản Thèn Sin", "Tẩn Láo San", "bản", False)],
        "organisations": [("BL-THCS", "Trường THCS Bình Lư", "Nguyễn Văn Hòa", "trường học", (27, 26, 35), "P"),
                          (None, "Trường Tiểu học Bình Lư", "Lò Thị Hạnh", "trường học", (25, 22, 30), "P"),
                          (None, "UBND xã Bình Lư", "Tẩn Văn Chỉn", "cơ quan", (22, 20, 28), "P"),
                          (None, "Trạm Y tế xã Bình Lư", "Vàng Thị Lan", "cơ quan", (15, 12, 18), "F")],
        "citizens": [("BL-BAN-NA-AN", "Lò Thị Xiêng", "P"), ("BL-BAN-NA-AN", "Hoàng Văn Thắng", "P"),
                     ("BL-BAN-NA-AN", "Giàng A Páo", "F"), ("BL-BAN-NA-AN", "Lường Thị Ươi", "F"),
                     ("BL-BAN-NA-AN", "Vàng A Chá", "R"), ("BL-BAN-NA-AN", "Tẩn Văn Phin", "F")],
        "citizen_assessor": "chihoi.naan",
        "decisions": {"family": "15/QĐ-KH", "citizen": "16/QĐ-KH", "organisation": "17/QĐ-KH", "clan": "19/QĐ-KH",
                      "community": "20/QĐ-KH"},
    },
    BO_DE: {
        "address": "phường Bồ Đề, thành phố Hà Nội", "treasurer": "thuquy.bode", "chair": "chutich.bode",
        "branches": [("BD-TDP-1", 40, "Tổ dân phố số 1", TDP_1, "thuquy.bode"),
                     ("BD-TDP-7", 38, "Tổ dân phố số 7", TDP_7, "chihoi.tdp7")],
        "clans": [("BD-HO-NGUYEN", "Dòng họ Nguyễn", "Nguyễn Văn Khải", 120, "Nguyễn", None),
                  (None, "Dòng họ Lê", "Lê Văn Hùng", 37, "Lê", None)],
        "villages": [("BD-TDP-1", "Tổ dân phố số 1", "Phạm Văn Dũng", "tổ dân phố", True),
                     ("BD-TDP-7", "Tổ dân phố số 7", "Đỗ Minh Tâm", "tổ dân phố", True)],
        "organisations": [("BD-THCS", "Trường THCS Bồ Đề", "Trần Thị Thu Hà", "trường học", (28, 27, 36), "P"),
                          (None, "Trường Tiểu học Bồ Đề", "Nguyễn Thị Minh", "trường học", (26, 25, 32), "P"),
                          (None, "UBND phường Bồ Đề", "Lê Hồng Sơn", "cơ quan", (24, 24, 30), "P"),
                          (None, "Trường Mầm non Bồ Đề", "Vũ Thị Thu", "trường học", (20, 18, 22), "W")],
        "citizens": [("BD-TDP-7", "Nguyễn Thị Lan", "P"), ("BD-TDP-7", "Trần Minh Đức", "P"),
                     ("BD-TDP-7", "Phạm Thị Hồng", "F"), ("BD-TDP-7", "Lê Quang Vinh", "W"),
                     ("BD-TDP-7", "Vũ Thị Hằng", "P"), ("BD-TDP-7", "Kiều Văn Minh", "F")],
        "citizen_assessor": "chihoi.tdp7",
        "decisions": {"family": "42/QĐ-HKH", "citizen": "43/QĐ-HKH", "organisation": "44/QĐ-HKH",
                      "clan": "47/QĐ-HKH", "community": "48/QĐ-HKH"},
    },
}


def has_registrations(unit: Unit, year: int) -> bool:
    return bool(db.session.scalar(select(exists().where(
        Registration.year == year, Registration.unit_id.in_(subtree_ids(unit))))))


def family_name(head: str) -> str:
    return ("Gia đình bà " if " Thị " in f" {head} " else "Gia đình ông ") + head


def load(ctx: dict) -> None:
    year = vn_today().year
    for place, spec in PLACES.items():
        commune = ctx["units"][place]
        if not has_registrations(commune, year):
            load_place(commune, spec, year, ctx["users"])
    load_son_la(ctx)


def load_place(commune: Unit, spec: dict, year: int, users: dict) -> None:
    """One commune's year: households, subjects, bình xét, then the decisions (families first, so the clans' and
    villages' computed share of recognised families counts them)."""
    treasurer, chair = users[spec["treasurer"]], users[spec["chair"]]
    units = {code: get_unit(code) for code, *_rest in spec["branches"]}
    for code, households, *_rest in spec["branches"]:
        if units[code].households is None:
            population.set_population(units[code], units[code].population, households=households, by=treasurer)
    clans = {surname: registry.create_subject(get_unit(code) if code else commune, {
        "model": "clan", "name": name, "head_name": head, "members": size, "kind": "dòng họ",
        "address": spec["address"].capitalize(), "publish_consent": True}, by=treasurer)
        for code, name, head, size, surname, _failing in spec["clans"]}
    villages = {code: village for code, _households, village, *_rest in spec["branches"]}
    passed: dict[str, list] = {model: [] for model in ("family", "citizen", "organisation", "clan", "community")}
    first_round = this_year_on(10, 15)
    for code, _households, village, families, assessor in spec["branches"]:
        for n, (head, size, outcome, consent) in enumerate(families):
            subject = registry.create_subject(units[code], {
                "model": "family", "name": family_name(head), "head_name": head, "members": size,
                "address": f"{village}, {spec['address']}", "clan": getattr(clans.get(head.split()[0]), "id", None),
                "publish_consent": consent}, by=users[assessor] if assessor else treasurer)
            if outcome != "R":
                answers, note = family_answers(outcome, n)
                assessments.assess(subject, {"year": year, "answers": answers, "assessed_on": first_round,
                                             "note": note}, by=users[assessor])
            if outcome == "P":
                passed["family"].append(subject)
    citizen_assessor = users[spec["citizen_assessor"]]
    for n, (code, name, outcome) in enumerate(spec["citizens"]):
        subject = registry.create_subject(units[code], {"model": "citizen", "name": name, "head_name": name,
                                                        "address": f"{villages[code]}, {spec['address']}"},
                                          by=citizen_assessor)
        if outcome != "R":
            answers, note = citizen_answers(outcome != "F", n)
            assessments.assess(subject, {"year": year, "answers": answers, "assessed_on": first_round, "note": note},
                               by=citizen_assessor)
        if outcome == "P":
            passed["citizen"].append(subject)
    for code, name, head, kind, points, outcome in spec["organisations"]:
        subject = registry.create_subject(get_unit(code) if code else commune, {
            "model": "organisation", "name": name, "head_name": head, "kind": kind,
            "address": spec["address"].capitalize()}, by=treasurer)
        assessments.assess(subject, {"year": year, "answers": scored(ORGANISATION_CODES, points),
                                     "assessed_on": first_round}, by=treasurer)
        if outcome == "P":
            passed["organisation"].append(subject)
    decide(commune, year, spec, ("family", "citizen", "organisation"), passed, chair, this_year_on(11, 20))
    load_collectives(commune, spec, year, units, clans, passed, treasurer)
    decide(commune, year, spec, ("clan", "community"), passed, chair, this_year_on(11, 28))


def load_collectives(commune, spec, year, units, clans, passed, treasurer) -> None:
    """Clans and villages, assessed once their families' decision is made (their share is computed)."""
    second_round = this_year_on(11, 24)
    for _code, _name, _head, _size, surname, failing in spec["clans"]:
        found = assessments.assess(clans[surname], {"year": year, "answers": all_of(CLAN_CODES, failing),
                                                    "assessed_on": second_round}, by=treasurer)
        if found.is_passed:
            passed["clan"].append(clans[surname])
    for code, name, head, kind, assessed in spec["villages"]:
        subject = registry.create_subject(units[code], {"model": "community", "name": name, "head_name": head,
                                                        "kind": kind, "address": f"{name}, {spec['address']}"},
                                          by=treasurer)
        if assessed:
            found = assessments.assess(subject, {"year": year, "answers": all_of(COMMUNITY_CODES),
                                                 "assessed_on": second_round}, by=treasurer)
            if found.is_passed:
                passed["community"].append(subject)


def decide(unit: Unit, year: int, spec: dict, models, passed: dict, chair, decided_on: date) -> None:
    for model in models:
        if passed[model]:
            recognitions.recognise(unit, {"year": year, "model": model, "decision_number": spec["decisions"][model],
                                          "decided_on": decided_on, "subjects": [s.id for s in passed[model]]},
                                   by=chair)


# ---- Sơn La, 2025 ---------------------------------------------------------------------------------

SON_LA_YEAR = 2025
SURNAMES = ("Lò", "Cầm", "Quàng", "Lường", "Điêu", "Tòng", "Hà", "Giàng", "Vàng", "Sùng", "Nguyễn", "Hoàng")
GIVEN = ("Văn Hùng", "Thị Ban", "Văn Ánh", "Thị Pặn", "Văn Chiến", "Thị Xuân", "A Dính", "Thị Mỷ", "Văn Lả",
         "Thị Ngoan", "Văn Thiết", "Thị Hương", "Văn Khiêm", "Thị Lả", "A Chồ", "Thị Dung", "Văn Tươi")
VILLAGES = ("Bản Hụm", "Bản Giảng", "Bản Cọ", "Bản Bó", "Bản Lay", "Bản Híp", "Bản Púng", "Bản Mòng", "Bản Nà Bó",
            "Bản Cang", "Bản Phiêng Ngùa", "Bản Có Nọi")
# code, population, families (registered, recognised, failed: the rest not assessed), clans (number, passed),
# villages (number, passed), organisations (number, passed), citizens (number, passed). All assessed subjects
# other than the families pass or fail; the ones that pass are recognised (the year is closed).
SON_LA = [
    ("SL-03646", 36_800, (20, 18, 2), (3, 3), (4, 4), (4, 4), (6, 4)),   # phường Tô Hiệu
    ("SL-03667", 14_200, (20, 17, 2), (3, 2), (4, 4), (3, 3), (6, 4)),   # phường Chiềng An
    ("SL-03980", 31_000, (20, 19, 1), (2, 2), (5, 4), (4, 3), (6, 3)),   # phường Mộc Châu
    ("SL-03808", 16_900, (20, 12, 6), (2, 1), (4, 3), (3, 3), (5, 2)),   # xã Mường La
    ("SL-03754", 12_600, (20, 15, 4), (2, 1), (4, 3), (3, 2), (5, 3)),   # xã Chiềng La
    ("SL-04105", 21_400, (20, 16, 3), (3, 2), (5, 4), (4, 4), (6, 4)),   # xã Mai Sơn
]
SON_LA_CODES = [row[0] for row in SON_LA]


def load_son_la(ctx: dict) -> None:
    assessor, chair = ctx["users"]["thuquy.sonla"], ctx["users"]["chutich.sonla"]
    for number, (code, people, families, clans, villages, organisations, citizens) in enumerate(SON_LA):
        commune = db.session.scalar(select(Unit).where(Unit.code == code))
        if commune is None or has_registrations(commune, SON_LA_YEAR):
            continue
        if commune.population is None:
            population.set_population(commune, people, by=assessor)
        place = commune.name.removeprefix("Hội Khuyến học ")
        year_book = SonLaYear(commune, place, number, assessor)
        year_book.families(*families, clans)
        year_book.citizens(*citizens)
        year_book.organisations(*organisations)
        year_book.decide(chair, ("family", "citizen", "organisation"), date(2025, 10, 28), number * 10 + 31)
        year_book.collectives(*villages)
        year_book.decide(chair, ("clan", "community"), date(2025, 11, 5), number * 10 + 36)


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


class SonLaYear:
    """One Sơn La commune's 2025: subjects registered in February, bình xét in October, decisions after."""

    def __init__(self, commune: Unit, place: str, number: int, assessor):
        self.commune, self.place, self.number, self.by = commune, place, number, assessor
        self.passed: dict[str, list] = {"family": [], "citizen": [], "organisation": [], "clan": [], "community": []}
        self.clans: dict[str, object] = {}
        self.clan_passing = 0

    def subject(self, model: str, name: str, **data):
        data.setdefault("address", f"{self.place}, tỉnh Sơn La")
        return registry.create_subject(self.commune, {"model": model, "name": name, "year": SON_LA_YEAR,
                                                      "registered_on": date(SON_LA_YEAR, 2, 20), **data}, by=self.by)

    def assess(self, subject, answers: dict, on: date, note: str = "") -> None:
        found = assessments.assess(subject, {"year": SON_LA_YEAR, "answers": answers, "assessed_on": on,
                                             "note": note}, by=self.by)
        if found.is_passed:
            self.passed[subject.model].append(subject)

    def families(self, registered: int, recognised: int, failed: int, clans: tuple[int, int]) -> None:
        """Families' surnames cycle over five; the first ones are the clans', so a clan's share of recognised
        families stays at 50% or more whenever half the families are."""
        surnames = [SURNAMES[(self.number * 2 + k) % len(SURNAMES)] for k in range(5)]
        self.clan_passing = clans[1]
        for k in range(clans[0]):
            self.clans[surnames[k]] = self.subject("clan", f"Dòng họ {surnames[k]}", kind="dòng họ",
                                                   head_name=f"{surnames[k]} {GIVEN[(self.number + k * 3) % 17]}",
                                                   members=40 + 13 * k, publish_consent=True)
        for n in range(registered):
            head = f"{surnames[n % 5]} {GIVEN[(n * 5 + self.number) % len(GIVEN)]}"
            subject = self.subject("family", family_name(head), head_name=head, members=3 + (n * 7) % 5,
                                   clan=getattr(self.clans.get(surnames[n % 5]), "id", None),
                                   publish_consent=n % 4 == 0)
            if n < recognised + failed:
                answers, note = family_answers("P" if n < recognised else "F", n)
                self.assess(subject, answers, date(2025, 10, 10), note)

    def citizens(self, count: int, passing: int) -> None:
        for n in range(count):
            name = f"{SURNAMES[(self.number + n + 5) % len(SURNAMES)]} {GIVEN[(n * 3 + self.number * 2) % 17]}"
            answers, note = citizen_answers(n < passing, n)
            self.assess(self.subject("citizen", name, head_name=name), answers, date(2025, 10, 10), note)

    def organisations(self, count: int, passing: int) -> None:
        short = self.place.split(" ", 1)[1]
        names = [(f"Trường THCS {short}", "trường học"), (f"Trường Tiểu học {short}", "trường học"),
                 (f"UBND {lower_first(self.place)}", "cơ quan"), (f"Trường Mầm non {short}", "trường học")]
        for n, (name, kind) in enumerate(names[:count]):
            points = (27, 25, 33) if n < passing else (14, 12, 16)
            self.assess(self.subject("organisation", name, kind=kind), scored(ORGANISATION_CODES, points),
                        date(2025, 10, 12))

    def collectives(self, count: int, passing: int) -> None:
        """The clans (their families recognised by now) and `count` villages, `passing` of them passing."""
        for k, clan in enumerate(self.clans.values()):
            failing = "khong_bo_hoc" if k >= self.clan_passing else None
            self.assess(clan, all_of(CLAN_CODES, failing), date(2025, 10, 30),
                        "Còn một cháu trong họ bỏ học lớp 9." if failing else "")
        is_ward = self.place.startswith("Phường")
        for n in range(count):
            name = f"Tổ dân phố số {n + 1}" if is_ward else VILLAGES[(self.number * 3 + n) % len(VILLAGES)]
            subject = self.subject("community", name, kind="tổ dân phố" if is_ward else "bản",
                                   address=f"{name}, {lower_first(self.place)}, tỉnh Sơn La")
            failing = "noi_hoc_tap" if n >= passing else None
            self.assess(subject, all_of(COMMUNITY_CODES, failing), date(2025, 10, 30),
                        "Nhà văn hóa đang xây lại, chưa có tủ sách." if failing else "")

    def decide(self, chair, models, decided_on: date, first_number: int) -> None:
        for offset, model in enumerate(models):
            if self.passed[model]:
                recognitions.recognise(self.commune, {
                    "year": SON_LA_YEAR, "model": model, "decision_number": f"{first_number + offset}/QĐ-HKH",
                    "decided_on": decided_on, "subjects": [s.id for s in self.passed[model]]}, by=chair)
