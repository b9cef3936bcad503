"""Demo step: Sơn La's Tô Hiệu campaigns of 2024 and 2025 (+20%, targets for the communes, gifts at the
province, communes and branches, remittances, a day's pay and a piggy bank), Bồ Đề's 50.000 đ/người/năm
drive, and members, dues and allowances in branches of Bình Lư and Bồ Đề. Idempotent: each part is
loaded only when it is not there yet.
"""
from datetime import date, timedelta

from sqlalchemy import func, select

from ledger.accounts import allowances, campaigns, dues, members
from ledger.accounts.campaign_models import Campaign
from ledger.accounts.community_models import AllowanceRule
from ledger.accounts.member_models import DuesPolicy, Member
from ledger.accounts.receipts import record_receipt
from ledger.accounts.remittances import record_remittance
from ledger.core.dates import vn_today
from ledger.demo import BINH_LU, BO_DE, ensure_fund, ensure_unit, ensure_user
from ledger.extensions import db
from ledger.units.services import ensure_root, get_unit

TO_HIEU, MOC_CHAU, MAI_SON = "SL-03646", "SL-03980", "SL-04105"
TO_HIEU_BRANCHES = [("SL-TH-TO1", "Chi hội khuyến học tổ 1 phường Tô Hiệu"),
                    ("SL-TH-THCS", "Ban khuyến học Trường THCS Tô Hiệu")]
DONORS = {
    "thuydien": {"name": "Công ty Thủy điện Sơn La", "kind": "business", "address": "Mường La, Sơn La"},
    "miaduong": {"name": "Công ty Cổ phần Mía đường Sơn La", "kind": "business", "address": "Mai Sơn, Sơn La"},
    "agribank": {"name": "Agribank chi nhánh tỉnh Sơn La", "kind": "organization", "address": "Tô Hiệu, Sơn La"},
    "doan": {"name": "Cầm Văn Đoàn", "kind": "individual", "phone": "0912530001", "is_native_abroad": True},
    "andanh": {"name": "", "kind": "anonymous", "publish": "anonymous"},
    "hoa": {"name": "Lường Thị Hoa", "kind": "individual", "phone": "0912530002", "publish": "initials"},
    "khachsan": {"name": "Khách sạn Mường Thanh Sơn La", "kind": "business", "address": "Tô Hiệu, Sơn La"},
    "xaydung": {"name": "Công ty TNHH Xây dựng Chiềng An", "kind": "business", "address": "Chiềng An, Sơn La"},
    "cam": {"name": "Gia đình ông Cầm Văn Phong", "kind": "family", "phone": "0912530003"},
    "htx": {"name": "Hợp tác xã mía Mường Bú", "kind": "organization", "address": "Mường Bú, Sơn La"},
    "thpt": {"name": "Trường THPT Thuận Châu", "kind": "organization", "address": "Thuận Châu, Sơn La"},
    "che": {"name": "Công ty Chè Mộc Châu", "kind": "business", "address": "Mộc Châu, Sơn La"},
    "lo": {"name": "Dòng họ Lò xã Mai Sơn", "kind": "clan", "address": "Mai Sơn, Sơn La"},
    "pom": {"name": "Gia đình ông Lò Văn Pọm", "kind": "family", "phone": "0912530004"},
    "chame": {"name": "Ban đại diện cha mẹ học sinh Trường THCS Tô Hiệu", "kind": "organization",
              "address": "Tô Hiệu, Sơn La"},
    "sogd": {"name": "Sở Giáo dục và Đào tạo tỉnh Sơn La", "kind": "organization", "address": "Tô Hiệu, Sơn La"},
}
# (unit, donor, amount, "MM-DD", channel); 2024 adds up to 1.667.000.000 đ, so 2025's +20% is 2.000.400.000 đ.
GIFTS = {
    2024: [("SL", "thuydien", 400_000_000, "03-07", "ceremony"), ("SL", "miaduong", 300_000_000, "03-07", "ceremony"),
           ("SL", "agribank", 250_000_000, "03-07", "ceremony"), ("SL", "doan", 50_000_000, "05-19", "bank_transfer"),
           ("SL", "andanh", 100_000_000, "09-05", "direct"), ("SL", "hoa", 100_000_000, "11-20", "direct"),
           (TO_HIEU, "khachsan", 70_000_000, "03-07", "ceremony"), (TO_HIEU, "hoa", 50_000_000, "08-15", "direct"),
           ("SL-03667", "xaydung", 60_000_000, "04-10", "direct"), ("SL-03670", "cam", 45_000_000, "06-01", "direct"),
           ("SL-03847", "htx", 35_000_000, "07-20", "direct"), ("SL-03721", "thpt", 40_000_000, "09-05", "direct"),
           (MOC_CHAU, "che", 70_000_000, "10-10", "direct"), (MAI_SON, "lo", 50_000_000, "11-01", "direct"),
           ("SL-TH-TO1", "pom", 22_000_000, "11-30", "piggy_bank"), ("SL-TH-THCS", "chame", 25_000_000, "09-05", "direct")],
    2025: [("SL", "thuydien", 450_000_000, "03-07", "ceremony"), ("SL", "miaduong", 320_000_000, "03-07", "ceremony"),
           ("SL", "agribank", 260_000_000, "03-07", "ceremony"), ("SL", "doan", 60_000_000, "05-19", "bank_transfer"),
           ("SL", "andanh", 120_000_000, "09-05", "direct"), (TO_HIEU, "khachsan", 80_000_000, "03-07", "ceremony"),
           ("SL-TH-THCS", "chame", 30_000_000, "09-05", "direct"), ("SL-03667", "xaydung", 75_000_000, "04-10", "direct"),
           ("SL-03670", "cam", 30_000_000, "06-01", "direct"), ("SL-03847", "htx", 42_000_000, "07-20", "direct"),
           ("SL-03721", "thpt", 20_000_000, "09-05", "direct"), (MOC_CHAU, "che", 90_000_000, "10-10", "direct"),
           (MAI_SON, "lo", 55_000_000, "11-01", "direct")],
}
SO_GD_STAFF = [("Hoàng Văn Thắng", 14_300_000), ("Lò Thị Mai Anh", 9_900_000), ("Cầm Thị Hương", 8_800_000),
               ("Quàng Văn Tuấn", 7_700_000), ("Đinh Thị Ngọc", 6_600_000), ("Vì Văn Khánh", 6_600_000)]
THCS_STAFF = [("Nguyễn Thị Thanh Hương", 11_000_000), ("Trần Văn Minh", 9_240_000), ("Lê Thị Hồng", 8_360_000),
              ("Phạm Văn Đức", 7_480_000), ("Vũ Thị Ngân", 6_820_000)]
SURNAMES = {BINH_LU: ("Lò", "Tẩn", "Chảo", "Giàng", "Vàng", "Lý"), BO_DE: ("Nguyễn", "Trần", "Lê", "Phạm", "Đỗ", "Vũ")}
GIVEN = ("Văn Sương", "Thị Dung", "Văn Pao", "Thị Mỷ", "Văn Chứ", "Thị Hoa", "Văn Tòng", "Thị Lan", "Văn Hải",
         "Thị Mai", "Văn Quyết", "Thị Thu", "Văn Sinh", "Thị Hằng", "Văn Phúc", "Thị Nga")
# branch → (members, paid at the meeting); TDP 7 keeps most unpaid for its head to tick on the sheet.
ROLLS = {"BL-BAN-NA-AN": (14, 11), "BL-BAN-THEN-SIN": (12, 0), "BL-HO-LO": (10, 5),
         "BD-TDP-1": (16, 14), "BD-TDP-7": (12, 4), "BD-HO-NGUYEN": (10, 0)}
POPULATION = {BO_DE: 52_000, "BD-TDP-1": 1_250, "BD-TDP-7": 980, BINH_LU: 11_500, "BL-BAN-NA-AN": 620,
              "BL-BAN-THEN-SIN": 540}
BRANCH_HEADS = [("chihoi.tdp7", "Đỗ Thị Thu", "BD-TDP-7"), ("chihoi.naan", "Lò Văn Sương", "BL-BAN-NA-AN")]


def load(ctx: dict) -> None:
    sl = ctx["units"]["SL"]
    for code, name in TO_HIEU_BRANCHES:
        ensure_unit(code, name, "branch", TO_HIEU)
    for username, full_name, branch in BRANCH_HEADS:
        ctx["users"][username] = ensure_user(username, full_name, get_unit(branch), "treasurer")
    dues_fund = ensure_fund({"code": "HOIPHI", "name": "Hội phí (mỗi cấp giữ phần của mình)",
                             "owner_unit": ensure_root().code, "kind": "unrestricted",
                             "purpose": "Hội phí theo Điều lệ Hội; chi phụ cấp cán bộ Hội"})
    treasurer = ctx["users"]["thuquy.sonla"]
    if find_campaign("TOHIEU-2024") is None:
        tohieu_2024(sl, treasurer)
    if find_campaign("TOHIEU-2025") is None:
        tohieu_2025(sl, treasurer)
    load_dues(ctx, dues_fund.code)
    load_bo_de_drive(ctx)


def find_campaign(code: str) -> Campaign | None:
    return db.session.scalar(select(Campaign).where(Campaign.code == code))


def give(unit_code, donor_key, amount, day, channel, *, campaign: Campaign, by, **extra):
    data = {"date": day if isinstance(day, date) else date.fromisoformat(f"{campaign.starts_on.year}-{day}"),
            "amount": amount, "method": "bank" if channel == "bank_transfer" else "cash", "fund": campaign.fund.code,
            "category": "donation", "channel": channel, "campaign": campaign.code,
            "donor": {"publish": "full", **DONORS[donor_key]} if isinstance(donor_key, str) else donor_key, **extra}
    return record_receipt(get_unit(unit_code), data, by=by)


def tohieu_2024(sl, by) -> None:
    campaign = campaigns.create_campaign({
        "code": "TOHIEU-2024", "name": "Vận động Quỹ học bổng Tô Hiệu năm 2024", "owner_unit": sl.code,
        "fund": "TOHIEU", "starts_on": date(2024, 1, 1), "ends_on": date(2024, 12, 31),
        "target_amount": 1_650_000_000, "description": "Kỷ niệm 80 năm ngày mất anh hùng liệt sĩ Tô Hiệu."}, by=by)
    for gift in GIFTS[2024]:
        give(*gift, campaign=campaign, by=by)
    # Communes and branches send what they collected on behalf up to the province; Mai Sơn has not yet.
    for unit_code in {g[0] for g in GIFTS[2024]} - {"SL", MAI_SON}:
        owed = sum(g[2] for g in GIFTS[2024] if g[0] == unit_code)
        record_remittance(get_unit(unit_code), {"date": date(2024, 12, 20), "to_unit": sl.code, "fund": "TOHIEU",
                                                "amount": owed, "method": "cash"}, by=by)


def tohieu_2025(sl, by) -> None:
    campaign = campaigns.create_campaign({
        "code": "TOHIEU-2025", "name": "Vận động Quỹ học bổng Tô Hiệu năm 2025", "owner_unit": sl.code,
        "fund": "TOHIEU", "starts_on": date(2025, 1, 1), "ends_on": date(2025, 12, 31),
        "growth_over": {"campaign": "TOHIEU-2024", "percent": 20},
        "description": "Kỷ niệm 81 năm ngày mất và 113 năm ngày sinh anh hùng liệt sĩ Tô Hiệu; phấn đấu đạt "
                       "2 tỷ đồng trở lên, tăng 20% so với năm 2024 ở tỉnh và mọi đơn vị trực thuộc."}, by=by)
    for gift in GIFTS[2025]:
        give(*gift, campaign=campaign, by=by)
    days_pay(campaign, {"publish": "full", **DONORS["sogd"]}, SO_GD_STAFF, sl.code, date(2025, 11, 10), by=by)
    piggy = campaigns.create_pledge(campaign, {"donor": {"publish": "full", **DONORS["pom"]}, "amount": 1_500_000,
                                               "due_on": date(2025, 11, 30), "unit": "SL-TH-TO1",
                                               "channel": "piggy_bank"}, by=by)
    give("SL-TH-TO1", {"id": piggy.donor_id}, 1_200_000, "11-28", "piggy_bank", campaign=campaign, by=by,
         pledge=piggy.id)
    campaigns.create_pledge(campaign, {"donor": {"publish": "full", **DONORS["che"]}, "amount": 30_000_000,
                                       "due_on": date(2025, 12, 20), "unit": MOC_CHAU}, by=by)


def days_pay(campaign, donor: dict, staff: list[tuple[str, int]], unit_code: str, on: date, *, by) -> None:
    """An agency pledges one day's pay of each person on its list, then hands it in with the list."""
    people = [{"full_name": name, "monthly_salary": salary} for name, salary in staff]
    pledge = campaigns.create_pledge(campaign, {"donor": donor, "staff": people, "due_on": on, "unit": unit_code},
                                     by=by)
    contributors = [{"name": p["full_name"], "amount": campaigns.day_pay(p["monthly_salary"])} for p in people]
    give(unit_code, {"id": pledge.donor_id}, pledge.amount, on, "days_pay", campaign=campaign, by=by,
         pledge=pledge.id, contributors=contributors)


def this_year_on(month: int, day: int) -> date:
    """A date of the current year, never later than yesterday (the books take no future dates)."""
    today = vn_today()
    return max(min(date(today.year, month, day), today - timedelta(days=1)), date(today.year, 1, 1))


def load_dues(ctx: dict, fund: str) -> None:
    year = vn_today().year
    places = ctx["units"]
    policies = [(get_unit("LC12"), 12_000, {"branch": 70, "commune": 20, "province": 10}, "thuquy.binhlu"),
                (places[BO_DE], 24_000, {"branch": 60, "commune": 30, "province": 10}, "thuquy.bode")]
    for unit, amount, split, who in policies:
        if db.session.scalar(select(DuesPolicy.id).where(DuesPolicy.unit_id == unit.id,
                                                         DuesPolicy.year == year)) is None:
            dues.set_dues_policy(unit, {"year": year, "amount": amount, "fund": fund, "split": split},
                                 by=ctx["users"][who])
    for code, population in POPULATION.items():
        unit = places.get(code) or get_unit(code)
        if unit.population is None:
            members.set_population(unit, population)
    for branch_code, (size, paid) in ROLLS.items():
        fill_branch(get_unit(branch_code), size, paid, year, ctx)
    load_allowances(ctx, fund, year)


def fill_branch(branch, size: int, paid: int, year: int, ctx: dict) -> None:
    if db.session.scalar(select(func.count(Member.id)).where(Member.unit_id == branch.id)):
        return
    place = BINH_LU if branch.code.startswith("BL-") else BO_DE
    who = ctx["users"]["thuquy.binhlu" if place == BINH_LU else "thuquy.bode"]
    surnames, offset = SURNAMES[place], sum(map(ord, branch.code))
    roll = []
    for i in range(size):
        given = GIVEN[(i * 5 + offset) % len(GIVEN)]
        roll.append(members.add_member(branch, {
            "full_name": f"{surnames[(i + offset) % len(surnames)]} {given}", "birth_year": 1955 + (i * 7) % 45,
            "gender": "female" if "Thị" in given else "male", "position": "Chi hội trưởng" if i == 0 else None,
            "joined_on": date(2012 + i % 12, 3, 26)}, by=who))
    if paid:
        dues.collect_dues(branch, roll[:paid], year=year, on=this_year_on(3, 26), method="cash", by=who)


def load_allowances(ctx: dict, fund: str, year: int) -> None:
    places = ctx["units"]
    rules = [(places[BINH_LU], "Phó Chủ tịch Hội xã", "Tẩn Thị Dung", {"basis": "share", "percent": 50}),
             (get_unit("BL-BAN-NA-AN"), "Chi hội trưởng", "Lò Văn Sương", {"basis": "share", "percent": 30}),
             (places[BO_DE], "Phó Chủ tịch Hội phường", "Trần Văn Bình", {"basis": "fixed", "amount": 600_000}),
             (get_unit("BD-TDP-1"), "Chi hội trưởng", "Nguyễn Thị Hạnh", {"basis": "share", "percent": 30})]
    for unit, position, payee, value in rules:
        if db.session.scalar(select(AllowanceRule.id).where(AllowanceRule.unit_id == unit.id)) is None:
            who = ctx["users"]["thuquy.binhlu" if unit.is_within(places[BINH_LU]) else "thuquy.bode"]
            rule = allowances.create_rule(unit, {"position": position, "payee_name": payee, "fund": fund, **value},
                                          by=who)
            if unit.code == "BD-TDP-1":
                allowances.pay_allowance(rule, {"year": year, "date": this_year_on(4, 5), "method": "cash"}, by=who)


def load_bo_de_drive(ctx: dict) -> None:
    """Bồ Đề's plan: 50.000 đ per person per year, piggy banks in the TDPs and a day's pay at the school."""
    year = vn_today().year
    code = f"BD-QKH-{year}"
    if find_campaign(code) is not None:
        return
    by = ctx["users"]["thuquy.bode"]
    campaign = campaigns.create_campaign({
        "code": code, "name": f"Vận động xây dựng Quỹ khuyến học, khuyến tài phường Bồ Đề năm {year}",
        "owner_unit": ctx["units"][BO_DE].code, "fund": "QKH-BD", "starts_on": date(year, 1, 1),
        "ends_on": date(year, 12, 31), "per_capita_amount": 50_000,
        "description": "Mỗi người dân đóng góp 50.000 đ/năm; nuôi lợn nhựa khuyến học, ngày lương khuyến học."},
        by=by)
    households = [{"name": f"Hộ {name}", "amount": amount} for name, amount in
                  (("ông Nguyễn Văn Hùng", 450_000), ("bà Trần Thị Loan", 380_000), ("ông Lê Văn Nam", 520_000),
                   ("bà Phạm Thị Vân", 300_000))]
    give("BD-TDP-1", {"name": "Các hộ gia đình tổ dân phố số 1", "kind": "organization", "publish": "full",
                      "address": "Tổ dân phố số 1, phường Bồ Đề"}, sum(h["amount"] for h in households),
         this_year_on(2, 10), "piggy_bank", campaign=campaign, by=by, contributors=households)
    give(ctx["units"][BO_DE].code, {"name": "Công ty TNHH Thương mại Long Biên", "kind": "business",
                                    "publish": "full", "address": "Phường Bồ Đề, Hà Nội"},
         30_000_000, this_year_on(5, 19), "direct", campaign=campaign, by=by)
    days_pay(campaign, {"name": "Trường THCS Bồ Đề", "kind": "organization", "publish": "full",
                        "address": "Phường Bồ Đề, Hà Nội"}, THCS_STAFF, "BD-THCS", this_year_on(9, 5), by=by)
    campaigns.create_pledge(campaign, {"donor": {"name": "Gia đình bà Nguyễn Thị Lan", "kind": "family",
                                                 "publish": "initials", "phone": "0983100007"},
                                       "amount": 2_000_000, "due_on": date(year, 12, 15), "unit": "BD-TDP-7",
                                       "channel": "piggy_bank"}, by=by)
