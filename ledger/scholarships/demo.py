"""Demo step: the Tô Hiệu scholarship round of Sơn La (paid from the endowment's interest) with a
recusal and a veto, a ceremony payout and a con nuôi sponsorship; a Bình Lư commune round; and an open
Sơn La round beyond grade 12 (university and college students, study abroad, adult learners).

Everything goes through the services the pages use; a program already there is left as it is.
"""
from datetime import timedelta

from sqlalchemy import select

from ledger.accounts.treasury.services.receipts import record_receipt
from ledger.core.dates import vn_today
from ledger.core.db import utcnow
from ledger.demo.places import BINH_LU, ensure_user
from ledger.extensions import db
from ledger.scholarships import decisions, nominations, payouts, programs, reviews, rules, schemas
from ledger.scholarships.forms import load as validated
from ledger.scholarships.models import Program
from ledger.units.models import Unit

YEAR = "2025-2026"
BANK = {"name": "Ngân hàng Nông nghiệp và Phát triển nông thôn chi nhánh Sơn La", "kind": "organization",
        "publish": "full"}
# (place, name, code, born, gender, grade, school, household, certificate, orphan, disability, result, conduct, prizes,
#  consent)
CHILDREN = [
    ("SL", "Lò Thị Mai", "1400100101", "2011-03-12", "female", 9, "Trường PTDTBT THCS Chiềng Sinh", "poor", "12/2025",
     "one_parent", False, "tot", "tot", [("province", "third", "Ngữ văn", 2025)], True),
    ("SL", "Cầm Văn Tú", "1400100102", "2012-07-01", "male", 8, "Trường THCS Tô Hiệu", "near_poor", "31/2025",
     "none", False, "tot", "tot", [], False),
    ("SL", "Quàng Thị Hoa", "1400100103", "2010-11-20", "female", 10, "Trường THPT Chiềng Sinh", "poor", "07/2025",
     "both_parents", False, "kha", "tot", [], True),
    ("SL", "Mùa A Páo", "1400100104", "2013-01-05", "male", 7, "Trường PTDTBT THCS Mường Bú", "poor", "44/2025",
     "none", True, "kha", "kha", [], False),
    ("SL", "Lường Văn Khánh", "1400100105", "2011-09-09", "male", 9, "Trường THCS Tô Hiệu", "near_poor", "52/2025",
     "none", False, "kha", "tot", [("district", "first", "Toán", 2025)], False),
    ("SL", "Vì Thị Ngọc", "1400100106", "2012-02-14", "female", 8, "Trường PTDTBT THCS Chiềng Sinh", "none", None,
     "none", False, "tot", "tot", [], True),
    ("SL", "Hà Thị Thu", "1400100107", "2011-05-30", "female", 9, "Trường THCS Mường Bú", "poor", "19/2025",
     "one_parent", False, "dat", "kha", [], False),
    (BINH_LU, "Tẩn Thị Mẩy", "1200200201", "2012-04-18", "female", 8, "Trường PTDTBT THCS Bình Lư", "poor", "08/2025",
     "none", False, "tot", "tot", [("district", "second", "Tiếng Anh", 2025)], True),
    (BINH_LU, "Vàng A Chứ", "1200200202", "2011-10-02", "male", 9, "Trường PTDTBT THCS Bình Lư", "poor", "15/2025",
     "one_parent", False, "kha", "tot", [], False),
    (BINH_LU, "Lý Thị Sểnh", "1200200203", "2014-06-25", "female", 6, "Trường PTDTBT THCS Bình Lư", "near_poor",
     "23/2025", "none", False, "kha", "kha", [], False),
    (BINH_LU, "Giàng A Dũng", "1200200204", "2010-12-11", "male", 10, "Trường THPT Tam Đường", "none", None,
     "none", False, "kha", "dat", [], False),
]


def load(ctx: dict) -> None:

    users, sl, commune = ctx["users"], ctx["units"]["SL"], ctx["units"][BINH_LU]
    for username, full_name, unit in (("hoidong1.sonla", "Vì Thị Hằng", sl), ("hoidong2.sonla", "Lường Văn Quý", sl),
                                      ("hoidong.binhlu", "Lò Thị Xuân", commune)):
        users[username] = ensure_user(username, full_name, unit, "reviewer")
    if not exists("TOHIEU-HB"):
        tohieu(ctx)
    if not exists("BL-HB"):
        binh_lu(ctx, commune)
    if not exists("SV-SL"):
        beyond_grade_twelve(ctx, sl)


def exists(code: str) -> bool:
    return db.session.scalar(select(Program.id).where(Program.code == code)) is not None


def day(days_ago: int):
    return vn_today() - timedelta(days=days_ago)


def children_of(place: str) -> list[tuple]:
    return [row[1:] for row in CHILDREN if row[0] == place]


def student(row) -> dict:
    (name, code, born, gender, grade, school, household, certificate, orphan, disability, result, conduct,
     prizes, consent) = row
    return {"full_name": name, "student_code": code, "date_of_birth": born, "gender": gender, "grade": grade,
            "school": school, "household_status": household, "household_certificate": certificate,
            "household_certificate_year": 2025 if certificate else None, "orphan": orphan, "disability": disability,
            "ethnic_minority": True, "academic_result": result, "conduct": conduct, "publish_consent": consent,
            "prizes": [{"level": level, "rank": rank, "subject": subject, "year": year}
                       for level, rank, subject, year in prizes]}


def preset(code: str) -> dict:
    chosen = rules.PRESETS[code]
    return {"rules": chosen["rules"], "scoring": chosen["scoring"], "description": str(chosen["description"]),
            "preset": code}


def open_round(program, data, nominators, rows, by):
    """A round closed for nominations a few weeks ago, with the children nominated while it was open."""
    found = programs.create_round(program, validated(schemas.RoundIn, {
        **data, "nominations_close_on": vn_today().isoformat()}), by=by)
    for index, (row, unit) in enumerate(zip(rows, nominators)):
        candidate = nominations.nominate(found, validated(schemas.CandidateIn, {
            "nominated_by": unit.code, "student": student(row), "evidence": [
                "Giấy chứng nhận hộ nghèo/cận nghèo" if row[6] != "none" else "Giấy khen học sinh giỏi",
                "Học bạ năm học 2024-2025"]}), by=by)
        candidate.nominated_at = utcnow() - timedelta(days=30, hours=-index)  # as if sent before the deadline
    return programs.update_round(found, {"nominations_close_on": day(25)}, by=by)


def tohieu(ctx) -> None:
    users, sl = ctx["users"], ctx["units"]["SL"]
    treasurer, chair = users["thuquy.sonla"], users["chutich.sonla"]
    record_receipt(sl, {"date": day(40), "amount": 42_000_000, "method": "bank", "fund": "TOHIEU",
                        "category": "interest", "donor": BANK,
                        "memo": "Lãi tiền gửi vốn gốc Quỹ học bổng Tô Hiệu năm 2025"}, by=treasurer)
    record_receipt(sl, {"date": day(35), "amount": 20_000_000, "method": "cash", "fund": "TOHIEU-THU",
                        "category": "donation", "memo": "Ủng hộ lễ trao học bổng Tô Hiệu",
                        "donor": {"name": "Công ty Điện lực Sơn La", "kind": "business", "publish": "full"}},
                   by=treasurer)
    program = programs.create_program(validated(schemas.ProgramIn, {
        "code": "TOHIEU-HB", "name": "Học bổng Tô Hiệu", "owner_unit": sl.code, "fund": "TOHIEU-THU",
        "award_amount": 2_000_000, "tiers": [{"min_score": 60, "amount": 3_000_000}],
        **preset("hoc_khong_bao_gio_cung")}), by=treasurer)
    communes = db.session.scalars(select(Unit).where(Unit.parent_id == sl.id).order_by(Unit.code).limit(3)).all()
    children = children_of("SL")
    found = open_round(program, {"school_year": YEAR, "budget": 14_000_000, "quota": 5,
                                 "name": "Học bổng Tô Hiệu năm học 2025-2026 — Học không bao giờ cùng"},
                       [communes[i % len(communes)] for i in range(len(children))], children, treasurer)
    reviews.assign_reviewers(found, ["xetduyet.sonla", "hoidong1.sonla", "hoidong2.sonla"], by=treasurer)
    committee = [users["xetduyet.sonla"], users["hoidong1.sonla"], users["hoidong2.sonla"]]
    for index, candidate in enumerate(found.candidates):
        for member in committee:
            if member is committee[0] and index == 1:  # Cầm Văn Tú is the reviewer's nephew
                vote = {"is_conflicted": True, "note": "Cháu ruột, xin rút khỏi xét hồ sơ này"}
            elif index == 4 and member is not committee[2]:  # the committee doubts the papers of one child
                vote = {"is_recommended": False, "note": "Giấy chứng nhận hộ cận nghèo chưa khớp năm cấp"}
            else:
                vote = {"is_recommended": True}
            reviews.record_review(candidate, vote, by=member)
    decisions.decide(found, {"decision_number": "27/QĐ-KHSL", "decided_on": day(20)}, by=chair)
    payouts.pay_ceremony(found, {"date": day(15), "method": "cash"}, by=treasurer)
    sponsorship(ctx, sl, communes[0])


def sponsorship(ctx, sl, commune) -> None:
    """Con nuôi khuyến học: one child supported monthly; the first month paid."""
    users = ctx["users"]
    program = programs.create_program(validated(schemas.ProgramIn, {
        "code": "CONNUOI-SL", "name": "Con nuôi khuyến học tỉnh Sơn La", "owner_unit": sl.code,
        "fund": "TOHIEU-THU", "award_amount": 3_600_000, "kind": "sponsorship", "schedule": "monthly",
        "sponsorship_years": 4, **preset("con_nuoi")}), by=users["thuquy.sonla"])
    row = ("Tòng Văn Sơn", "1400100199", "2015-08-08", "male", 5, "Trường Tiểu học Chiềng Sinh", "poor", "61/2025",
           "both_parents", False, "kha", "tot", [], False)
    found = open_round(program, {"school_year": YEAR, "budget": 3_600_000, "quota": 1}, [commune], [row],
                       users["thuquy.sonla"])
    _selection, [award] = decisions.decide(found, {"decision_number": "28/QĐ-KHSL", "decided_on": day(20)},
                                           by=users["chutich.sonla"])
    payouts.pay_award(award, {"date": day(15), "method": "cash"}, by=users["thuquy.sonla"])


def binh_lu(ctx, commune) -> None:
    users = ctx["users"]
    treasurer, chair = users["thuquy.binhlu"], users["chutich.binhlu"]
    record_receipt(commune, {"date": day(40), "amount": 3_000_000, "method": "cash", "fund": "QKH-BL",
                             "category": "donation", "memo": "Ủng hộ học bổng học sinh nghèo vượt khó xã Bình Lư",
                             "donor": {"name": "Dòng họ Tẩn xã Bình Lư", "kind": "clan", "publish": "full"}},
                   by=treasurer)
    program = programs.create_program(validated(schemas.ProgramIn, {
        "code": "BL-HB", "name": "Học bổng học sinh nghèo vượt khó xã Bình Lư", "owner_unit": commune.code,
        "fund": "QKH-BL", "award_amount": 1_000_000, **preset("ngheo_vuot_kho")}), by=treasurer)
    branches = {unit.code: unit for unit in db.session.scalars(select(Unit).where(Unit.parent_id == commune.id))}
    school = branches.get("BL-THCS", commune)
    nominators = [school, branches.get("BL-BAN-NA-AN", commune), school, branches.get("BL-BAN-THEN-SIN", commune)]
    found = open_round(program, {"school_year": YEAR, "budget": 3_000_000, "quota": 3}, nominators,
                       children_of(BINH_LU), treasurer)
    reviewer = users["hoidong.binhlu"]
    reviews.assign_reviewers(found, [reviewer.username], by=treasurer)
    for candidate in found.candidates:
        reviews.record_review(candidate, {"is_recommended": candidate.is_eligible}, by=reviewer)
    _selection, awards = decisions.decide(found, {"decision_number": "05/QĐ-KHBL", "decided_on": day(18)}, by=chair)
    for award in awards[:-1]:  # the last family collects later: its award stays a commitment of QKH-BL
        payouts.pay_award(award, {"date": day(12), "method": "cash"}, by=treasurer)


# Learners past grade 12 (seeds 002, 003): (name, national ID, born, gender, level, field, school, household,
# certificate, orphan, result)
LEARNERS = [
    ("Lò Văn Đại", "014203000111", "2005-02-11", "male", "university", "Y đa khoa", "Trường Đại học Y Hà Nội",
     "poor", "14/2025", "none", "kha"),
    ("Cầm Thị Hương", "014304000222", "2006-06-06", "female", "college", "Điều dưỡng", "Trường Cao đẳng Sơn La",
     "none", None, "one_parent", "tot"),
    ("Quàng Văn Nam", "014201000333", "2003-09-19", "male", "abroad", "Nông nghiệp", "Đại học Khon Kaen (Thái Lan)",
     "near_poor", "33/2025", "none", "tot"),
    ("Lường Thị Sen", "014185000444", "1985-03-03", "female", "adult", "Tin học văn phòng",
     "Trung tâm học tập cộng đồng xã Chiềng Sinh", "none", None, "none", "kha"),
]
BEYOND_RULES = {"all": [{"field": "level", "in": ["college", "university", "abroad", "adult"]},
                        {"any": [{"field": "household_status", "in": ["poor", "near_poor"]},
                                 {"field": "orphan", "ne": "none"}]},
                        {"field": "academic_result", "gte": "kha"}]}


def learner(row) -> dict:
    name, national_id, born, gender, level, field, school, household, certificate, orphan, result = row
    return {"full_name": name, "national_id": national_id, "date_of_birth": born, "gender": gender, "level": level,
            "field_of_study": field, "school": school, "household_status": household,
            "household_certificate": certificate, "household_certificate_year": 2025 if certificate else None,
            "orphan": orphan, "disability": False, "ethnic_minority": True, "academic_result": result,
            "conduct": "tot", "publish_consent": False, "prizes": []}


def beyond_grade_twelve(ctx, sl) -> None:
    """Open for nominations: students, study abroad and adult learners; the Lường family has no hardship."""
    treasurer = ctx["users"]["thuquy.sonla"]
    program = programs.create_program(validated(schemas.ProgramIn, {
        "code": "SV-SL", "name": "Học bổng sinh viên, du học sinh và người học vượt khó tỉnh Sơn La",
        "owner_unit": sl.code, "fund": "TOHIEU-THU", "award_amount": 5_000_000,
        "description": "Cho sinh viên cao đẳng, đại học, du học sinh và học viên người lớn có hoàn cảnh khó khăn.",
        "rules": BEYOND_RULES, "scoring": {"household_status": {"poor": 30, "near_poor": 20},
                                           "orphan": {"one_parent": 15, "both_parents": 30},
                                           "level": {"abroad": 10}, "academic_result": {"tot": 20, "kha": 10}},
        "levels": ["college", "university", "abroad", "adult"]}), by=treasurer)
    found = programs.create_round(program, validated(schemas.RoundIn, {
        "school_year": YEAR, "budget": 15_000_000, "quota": 3,
        "nominations_close_on": day(-20).isoformat()}), by=treasurer)
    for row in LEARNERS:
        nominations.nominate(found, validated(schemas.CandidateIn, {
            "nominated_by": sl.code, "student": learner(row),
            "evidence": ["Giấy xác nhận sinh viên, học viên", "Bảng điểm năm học 2024-2025"]}), by=treasurer)
