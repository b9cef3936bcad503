"""Demo step of the treasurer's work: donors, receipts of every kind, payments approved by the chair,
remittances from branches, and a Tô Hiệu donation a Sơn La ward collects on behalf of the province.

Runs through the same services as the pages; skipped for a commune whose subtree already has receipts.
"""
from datetime import timedelta

from sqlalchemy import select

from ledger.accounts.treasury.models import Receipt
from ledger.accounts.treasury.services.disbursements import approve_disbursement, create_disbursement
from ledger.accounts.treasury.services.receipts import record_receipt
from ledger.accounts.treasury.services.remittances import record_remittance
from ledger.core.dates import vn_today
from ledger.demo.places import BINH_LU, BO_DE
from ledger.extensions import db
from ledger.units.models import Unit
from ledger.units.services import get_unit, subtree_ids

BINH_LU_TEACHERS = [("Lò Văn Thành", 420000), ("Tẩn Thị Mẩy", 380000), ("Nguyễn Thị Thu Hà", 450000),
                    ("Vàng Văn Sử", 360000), ("Đỗ Minh Châu", 400000), ("Lý Thị Dung", 390000)]
NA_AN_HOUSEHOLDS = [("Hộ ông Lò Văn Pánh", 250000), ("Hộ bà Tòng Thị Xuân", 180000), ("Hộ ông Lường Văn Khiêm", 320000),
                    ("Hộ ông Tẩn A Lử", 150000), ("Hộ bà Lò Thị Hom", 350000)]
BO_DE_TEACHERS = [("Phạm Thị Lan Anh", 650000), ("Nguyễn Văn Dũng", 700000), ("Trần Thị Hồng Nhung", 620000),
                  ("Lê Quang Huy", 680000), ("Vũ Thị Minh Hằng", 600000)]


def load(ctx) -> None:

    days = recent_days()
    users, funds = ctx["users"], ctx["funds"]
    binh_lu, bo_de = ctx["units"][BINH_LU], ctx["units"][BO_DE]
    if not has_receipts(binh_lu):
        load_commune(binh_lu, "QKH-BL", users["thuquy.binhlu"], users["chutich.binhlu"], days, BINH_LU_PLAN)
    if not has_receipts(bo_de):
        load_commune(bo_de, "QKH-BD", users["thuquy.bode"], users["chutich.bode"], days, BO_DE_PLAN)
    ward = tohieu_ward(ctx["units"]["SL"])
    if "TOHIEU" in funds and not has_receipts(ward):
        receipt(ward, users["thuquy.sonla"], days[2], 3000000, "TOHIEU", "bank",
                {"name": "Công ty Cổ phần Mía đường Sơn La", "kind": "business", "phone": "0212 3852 123",
                 "address": "Xã Mai Sơn, tỉnh Sơn La", "publish": "full"},
                memo="Ủng hộ Quỹ học bổng Tô Hiệu năm 2026 (thu hộ Hội Khuyến học tỉnh)")


def recent_days() -> list:
    """Six dates of the last month, oldest first; the transparency step closes the books after this one."""
    today = vn_today()
    return [today - timedelta(days=5 * back) for back in range(6, 0, -1)]


def has_receipts(unit: Unit) -> bool:
    return db.session.scalar(select(Receipt.id).where(Receipt.unit_id.in_(subtree_ids(unit))).limit(1)) is not None


def tohieu_ward(province: Unit) -> Unit:
    ward = db.session.scalar(select(Unit).where(Unit.parent_id == province.id, Unit.name.like("%Tô Hiệu%")))
    return ward or db.session.scalar(select(Unit).where(Unit.parent_id == province.id).order_by(Unit.code))


def receipt(unit, by, on, amount, fund, method, donor, **extra):
    return record_receipt(unit, {"date": on, "amount": amount, "method": method, "fund": fund,
                                 "category": extra.pop("category", "donation"), "donor": donor, **extra}, by=by)


def payment(unit, by, approver, on, amount, fund, category, payee, memo, method="cash", **extra):
    made = create_disbursement(unit, {"date": on, "amount": amount, "method": method, "fund": fund,
                                      "category": category, "payee": {"name": payee}, "memo": memo, **extra}, by=by)
    return approve_disbursement(made, by=approver) if approver else made


def collected(unit, by, on, fund, donor_name, kind, rows, channel, memo):
    """A piggy-bank drive or a day's pay: one receipt listing who gave what."""
    people = [{"name": name, "amount": amount} for name, amount in rows]
    return receipt(unit, by, on, sum(amount for _name, amount in rows), fund, "cash",
                   {"name": donor_name, "kind": kind, "publish": "full"}, channel=channel, memo=memo,
                   contributors=people)


BINH_LU_PLAN = {
    "commune": [(2015000, "cash", {"name": "Tẩn Văn Sài", "kind": "individual", "phone": "0979 215 486",
                                    "address": "Bản Thèn Sin, xã Bình Lư", "publish": "full"}, {}),
                (10000000, "bank", {"name": "Công ty Cổ phần Chè Tam Đường", "kind": "business",
                                    "address": "Xã Bình Lư, tỉnh Lai Châu", "publish": "full"}, {}),
                (4500000, "in_kind", {"name": "Nhà sách Lai Châu", "kind": "organization", "publish": "full"},
                 {"goods_description": "50 bộ sách giáo khoa lớp 6"}),
                (500000, "cash", {"name": "", "kind": "anonymous", "publish": "anonymous"}, {})],
    "piggy": ("BL-BAN-NA-AN", "Các hộ gia đình bản Nà An", NA_AN_HOUSEHOLDS),
    "days_pay": ("BL-THCS", "Tập thể giáo viên, nhân viên Trường THCS Bình Lư", BINH_LU_TEACHERS),
    "payments": [(1000000, "scholarship", "Lò Thị Hoa", "Học bổng học sinh nghèo vượt khó, lớp 7A", "cash", {}),
                 (1000000, "scholarship", "Tẩn A Chinh", "Học bổng học sinh nghèo vượt khó, lớp 9B", "cash", {}),
                 (1800000, "gift", "Trường THCS Bình Lư", "Tặng sách cho học sinh lớp 6", "in_kind",
                  {"goods_description": "20 bộ sách giáo khoa lớp 6"})],
    "pending": (350000, "operations", "Cửa hàng văn phòng phẩm Bình Lư", "Mua sổ sách, văn phòng phẩm"),
    "remit": ("BL-BAN-NA-AN", 500000),
}
BO_DE_PLAN = {
    "commune": [(20000000, "bank", {"name": "Dòng họ Nguyễn Đình phường Bồ Đề", "kind": "clan", "publish": "full"}, {}),
                (5000000, "bank", {"name": "Trần Quốc Việt", "kind": "individual", "is_native_abroad": True,
                                   "address": "Quận 3, TP. Hồ Chí Minh", "publish": "initials"}, {}),
                (1500000, "cash", {"name": "Hoàng Thị Minh Thư", "kind": "individual", "phone": "0904 117 352",
                                   "address": "Tổ dân phố số 1, phường Bồ Đề", "publish": "full"}, {})],
    "piggy": ("BD-TDP-7", "Các hộ gia đình tổ dân phố số 7", [("Hộ ông Đặng Văn Hùng", 400000),
                                                              ("Hộ bà Ngô Thị Thanh", 350000),
                                                              ("Hộ ông Bùi Văn Quý", 500000)]),
    "days_pay": ("BD-THCS", "Tập thể giáo viên, nhân viên Trường THCS Bồ Đề", BO_DE_TEACHERS),
    "payments": [(5000000, "award", "Ban khuyến học Trường THCS Bồ Đề",
                  "Khen thưởng 10 học sinh giỏi cấp thành phố", "bank", {})],
    "pending": (800000, "operations", "Công ty In Long Biên", "In giấy khen, phong bì học bổng"),
    "remit": ("BD-TDP-7", 1000000),
}


def load_commune(commune, fund, treasurer, chair, days, plan) -> None:
    for (amount, method, donor, extra), on in zip(plan["commune"], days):
        receipt(commune, treasurer, on, amount, fund, method, donor, **extra)
    code, name, rows = plan["piggy"]
    collected(get_unit(code), treasurer, days[1], fund, name, "family", rows, "piggy_bank", "Mở lợn nhựa khuyến học")
    code, name, rows = plan["days_pay"]
    collected(get_unit(code), treasurer, days[2], fund, name, "organization", rows, "days_pay",
              "Ngày lương khuyến học năm 2026")
    for amount, category, payee, memo, method, extra in plan["payments"]:
        payment(commune, treasurer, chair, days[4], amount, fund, category, payee, memo, method, **extra)
    amount, category, payee, memo = plan["pending"]
    payment(commune, treasurer, None, days[5], amount, fund, category, payee, memo)
    code, amount = plan["remit"]
    record_remittance(get_unit(code), {"date": days[5], "to_unit": commune.code, "fund": fund, "amount": amount,
                                       "method": "cash"}, by=treasurer)
