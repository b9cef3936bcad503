"""Demo step: the Sơn La province inspection board (kiemtra.sonla, auditor on the province) is inspecting phường Tô
Hiệu's books this year (seed 004: "Tỉnh hội tổ chức kiểm tra các Hội … trực thuộc"): one finding on a receipt of the
ward's Tô Hiệu collection, answered by the province's treasurer who keeps it, and one still open.
Idempotent: the ward's inspection is made once."""
from datetime import date

from sqlalchemy import select

from ledger.accounts.treasury.demo import tohieu_ward
from ledger.accounts.treasury.models import Receipt
from ledger.core.dates import vn_today
from ledger.extensions import db
from ledger.inspection.models import Inspection
from ledger.inspection.services import answer_finding, plan_inspection, record_finding


def load(ctx) -> None:
    unit, today = tohieu_ward(ctx["units"]["SL"]), vn_today()
    if db.session.scalar(select(Inspection.id).where(Inspection.unit_id == unit.id)):
        return
    board, treasurer = ctx["users"]["kiemtra.sonla"], ctx["users"]["thuquy.sonla"]
    inspection = plan_inspection(unit, {
        "period_start": date(today.year, 1, 1), "period_end": today, "scheduled_on": today,
        "scope": "Kiểm tra thu, chi và công khai Quỹ khuyến học, khuyến tài năm " + str(today.year),
        "members": "Quàng Thị Lan (trưởng ban), Lò Văn Tâm"}, by=board)
    receipt = db.session.scalar(select(Receipt).where(Receipt.unit_id == unit.id).order_by(Receipt.id))
    signed = record_finding(inspection, {
        "severity": "low", "description": "Phiếu thu chưa có chữ ký của người nộp tiền.",
        "follow_up": "Bổ sung chữ ký người nộp tiền trên phiếu thu lưu.", "due_on": None,
        "receipt_id": receipt.id if receipt else None}, by=board)
    answer_finding(signed, "Đã liên hệ người nộp, bổ sung chữ ký trên liên lưu.", by=treasurer)
    record_finding(inspection, {
        "severity": "medium", "description": "Chưa niêm yết công khai quyết toán quỹ quý IV tại trụ sở.",
        "follow_up": "Niêm yết công khai và gửi ảnh chụp bảng niêm yết cho ban kiểm tra.",
        "due_on": None}, by=board)
