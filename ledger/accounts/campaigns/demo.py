"""Demo step: Sơn La's Tô Hiệu campaigns of 2024, 2025 (≥ 2 tỷ and +20%, targets for the communes, gifts at
the province, communes and branches, remittances, a day's pay and a piggy bank) and of this year (running, no
gifts yet) and Bồ Đề's 50.000 đ/người/năm drive. Idempotent: a campaign is loaded only when it is not there yet.
"""
from datetime import date

from sqlalchemy import select

from ledger.accounts.campaigns.models import Campaign
from ledger.accounts.campaigns.services import campaigns
from ledger.accounts.treasury.services.receipts import record_receipt
from ledger.accounts.treasury.services.remittances import record_remittance
from ledger.core.dates import vn_today
from ledger.demo.places import BO_DE, ensure_unit, this_year_on
from ledger.extensions import db
from ledger.units.services import get_unit

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
           ("SL-TH-TO1", "pom", 22_000_000, "11-30", "piggy_bank"),
           ("SL-TH-THCS", "chame", 25_000_000, "09-05", "direct")],
    2025: [("SL", "thuydien", 450_000_000, "03-07", "ceremony"), ("SL", "miaduong", 320_000_000, "03-07", "ceremony"),
           ("SL", "agribank", 260_000_000, "03-07", "ceremony"), ("SL", "doan", 60_000_000, "05-19", "bank_transfer"),
           ("SL", "andanh", 120_000_000, "09-05", "direct"), (TO_HIEU, "khachsan", 80_000_000, "03-07", "ceremony"),
           ("SL-TH-THCS", "chame", 30_000_000, "09-05", "direct"),
           ("SL-03667", "xaydung", 75_000_000, "04-10", "direct"), ("SL-03670", "cam", 30_000_000, "06-01", "direct"),
           ("SL-03847", "htx", 42_000_000, "07-20", "direct"), ("SL-03721", "thpt", 20_000_000, "09-05", "direct"),
           (MOC_CHAU, "che", 90_000_000, "10-10", "direct"), (MAI_SON, "lo", 55_000_000, "11-01", "direct")],
}
SO_GD_STAFF = [("Hoàng Văn Thắng", 14_300_000), ("Lò Thị Mai Anh", 9_900_000), ("Cầm Thị Hương", 8_800_000),
               ("Quàng Văn Tuấn", 7_700_000), ("Đinh Thị Ngọc", 6_600_000), ("Vì Văn Khánh", 6_600_000)]
THCS_STAFF = [("Nguyễn Thị Thanh Hương", 11_000_000), ("Trần Văn Minh", 9_240_000), ("Lê Thị Hồng", 8_360_000),
              ("Phạm Văn Đức", 7_480_000), ("Vũ Thị Ngân", 6_820_000)]
def load(ctx: dict) -> None:
    sl = ctx["units"]["SL"]
    for code, name in TO_HIEU_BRANCHES:
        ensure_unit(code, name, "branch", TO_HIEU)
    treasurer = ctx["users"]["thuquy.sonla"]
    if find_campaign("TOHIEU-2024") is None:
        tohieu_2024(sl, treasurer)
    if find_campaign("TOHIEU-2025") is None:
        tohieu_2025(sl, treasurer)
    tohieu_this_year(sl, treasurer)
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
        "target_amount": 2_000_000_000, "growth_over": {"campaign": "TOHIEU-2024", "percent": 20},
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


def tohieu_this_year(sl, by) -> None:
    """The campaign running now, so citizens find one on the portal: seed 004's two-part target, "2 tỷ đồng
    trở lên" and +20% over last year, where the floor binds (last year raised about 1,64 tỷ)."""
    year = vn_today().year
    earlier = find_campaign(f"TOHIEU-{year - 1}") or find_campaign("TOHIEU-2025")
    if year <= 2025 or find_campaign(f"TOHIEU-{year}") is not None:
        return
    campaigns.create_campaign({
        "code": f"TOHIEU-{year}", "name": f"Vận động Quỹ học bổng Tô Hiệu năm {year}", "owner_unit": sl.code,
        "fund": "TOHIEU", "starts_on": date(year, 1, 1), "ends_on": date(year, 12, 31),
        "target_amount": 2_000_000_000, "growth_over": {"campaign": earlier.code, "percent": 20},
        "description": "Phấn đấu đạt 2 tỷ đồng trở lên và tăng 20% so với năm trước; mỗi người dân, cơ quan, "
                       "doanh nghiệp ủng hộ theo khả năng."}, by=by)


def days_pay(campaign, donor: dict, staff: list[tuple[str, int]], unit_code: str, on: date, *, by) -> None:
    """An agency pledges one day's pay of each person on its list, then hands it in with the list."""
    people = [{"full_name": name, "monthly_salary": salary} for name, salary in staff]
    pledge = campaigns.create_pledge(campaign, {"donor": donor, "staff": people, "due_on": on, "unit": unit_code},
                                     by=by)
    contributors = [{"name": p["full_name"], "amount": campaigns.day_pay(p["monthly_salary"])} for p in people]
    give(unit_code, {"id": pledge.donor_id}, pledge.amount, on, "days_pay", campaign=campaign, by=by,
         pledge=pledge.id, contributors=contributors)


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
