"""The demo's places and people, read by every feature's demo step: Sơn La province (all its 2025
communes, the Tô Hiệu fund), xã Bình Lư (Lai Châu) and phường Bồ Đề (Hà Nội) with their branches,
treasurers and funds, and the idempotent helpers that create them.
"""
from datetime import date, timedelta

from sqlalchemy import select

from ledger.accounts import services as accounts
from ledger.accounts.models import Fund
from ledger.auth import services as auth
from ledger.auth.models import User
from ledger.core.dates import vn_today
from ledger.extensions import db
from ledger.units import services as units
from ledger.units.models import Unit

PASSWORD = "khuyenhoc2026"
BINH_LU, BO_DE = "Xã Bình Lư", "Phường Bồ Đề"
BRANCHES = {
    BINH_LU: [("BL-BAN-NA-AN", "Chi hội khuyến học bản Nà An"), ("BL-BAN-THEN-SIN", "Chi hội khuyến học bản Thèn Sin"),
              ("BL-HO-LO", "Chi hội khuyến học dòng họ Lò"), ("BL-THCS", "Ban khuyến học Trường THCS Bình Lư")],
    BO_DE: [("BD-TDP-1", "Chi hội khuyến học tổ dân phố số 1"), ("BD-TDP-7", "Chi hội khuyến học tổ dân phố số 7"),
            ("BD-HO-NGUYEN", "Chi hội khuyến học dòng họ Nguyễn"), ("BD-THCS", "Ban khuyến học Trường THCS Bồ Đề")],
}
USERS = [  # username, full name, unit (code or commune name), role
    ("thuquy.sonla", "Lò Thị Mai", "SL", "treasurer"),
    ("chutich.sonla", "Cầm Văn Hùng", "SL", "approver"),
    ("thuquy.binhlu", "Tẩn Thị Dung", BINH_LU, "treasurer"),
    ("chutich.binhlu", "Lò Văn Thắng", BINH_LU, "approver"),
    ("thuquy.bode", "Nguyễn Thị Hạnh", BO_DE, "treasurer"),
    ("chutich.bode", "Trần Văn Bình", BO_DE, "approver"),
    ("kiemtra.sonla", "Quàng Thị Lan", "SL", "auditor"),
    ("xetduyet.sonla", "Đinh Văn Long", "SL", "reviewer"),
]


def commune(name: str) -> Unit:
    unit = db.session.scalar(select(Unit).where(Unit.name == "Hội Khuyến học " + name))
    if unit is None:
        raise LookupError(name)
    return unit


def ensure_unit(code, name, level, parent) -> Unit:
    found = db.session.scalar(select(Unit).where(Unit.code == code))
    return found or units.create_unit({"code": code, "name": name, "level": level, "parent": parent})


def ensure_user(username, full_name, unit, role) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        user = auth.create_user({"username": username, "password": PASSWORD, "full_name": full_name})
    auth.grant_role(user, unit, role)
    return user


def ensure_fund(data) -> Fund:
    found = db.session.scalar(select(Fund).where(Fund.code == data["code"]))
    return found or accounts.create_fund(data)


def ensure_funds(places) -> dict[str, Fund]:
    sl, binh_lu, bo_de = places["SL"], places[BINH_LU], places[BO_DE]
    specs = [
        {"code": "QKH-SL", "name": "Quỹ khuyến học, khuyến tài tỉnh Sơn La", "owner_unit": sl.code,
         "kind": "unrestricted", "purpose": "Khen thưởng, hỗ trợ học sinh nghèo vượt khó, học sinh giỏi"},
        {"code": "TOHIEU-THU", "name": "Quỹ học bổng Tô Hiệu — thu nhập (tiền lãi)", "owner_unit": sl.code,
         "kind": "restricted", "purpose": "Học bổng Tô Hiệu trả từ tiền lãi của vốn gốc", "pooled": True},
        {"code": "TOHIEU", "name": "Quỹ học bổng Tô Hiệu (vốn gốc)", "owner_unit": sl.code, "kind": "endowment",
         "purpose": "Vốn gốc không chi; tiền lãi vào quỹ thu nhập", "pooled": True, "income_fund": "TOHIEU-THU",
         "regime": "charity_fund"},
        {"code": "QKH-BL", "name": "Quỹ khuyến học xã Bình Lư", "owner_unit": binh_lu.code, "kind": "unrestricted",
         "purpose": "Hỗ trợ học sinh nghèo, khen thưởng học sinh giỏi xã Bình Lư"},
        {"code": "QKH-BD", "name": "Quỹ khuyến học, khuyến tài phường Bồ Đề", "owner_unit": bo_de.code,
         "kind": "unrestricted", "purpose": "Học bổng, khen thưởng trong phường Bồ Đề (50.000 đ/người/năm)"},
    ]
    return {spec["code"]: ensure_fund(spec) for spec in specs}


def this_year_on(month: int, day: int) -> date:
    """A date of the current year, never later than yesterday (the books take no future dates)."""
    today = vn_today()
    return max(min(date(today.year, month, day), today - timedelta(days=1)), date(today.year, 1, 1))
