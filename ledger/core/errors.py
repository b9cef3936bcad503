"""Domain errors: each has a contract `code`, an HTTP status and a translatable message.

Services raise them; the API edge turns them into problem+json, pages into form errors.
"""
from ledger.core.i18n import _l


class LedgerError(Exception):
    """Base of every error a user can cause. Never becomes a 500."""

    code = "invalid"
    status = 422
    message = _l("Yêu cầu không hợp lệ.")

    def __init__(self, message=None, *, field: str | None = None, errors: dict | None = None, **params):
        self.custom_message = message
        self.field = field
        self.params = params
        self.errors = errors or ({field: [message or self.message]} if field else None)
        super().__init__(str(self.detail))

    @property
    def detail(self) -> str:
        text = self.custom_message if self.custom_message is not None else self.message
        text = str(text)
        return text % self.params if self.params else text


class BadRequest(LedgerError):
    code, status, message = "bad_request", 400, _l("Dữ liệu gửi lên không đọc được.")


class ValidationFailed(LedgerError):
    code, status, message = "validation", 422, _l("Dữ liệu không hợp lệ, xin kiểm tra các trường được đánh dấu.")


class NotFound(LedgerError):
    code, status, message = "not_found", 404, _l("Không tìm thấy.")


class Unauthorized(LedgerError):
    code, status, message = "unauthorized", 401, _l("Cần đăng nhập (thiếu hoặc sai mã truy cập).")


class Forbidden(LedgerError):
    code, status, message = "forbidden", 403, _l("Bạn không có quyền thực hiện việc này ở đơn vị này.")


class SameUser(LedgerError):
    code, status, message = "same_user", 403, _l("Người lập phiếu không được tự duyệt phiếu của mình.")


class Conflict(LedgerError):
    code, status, message = "conflict", 409, _l("Xung đột dữ liệu.")


class Duplicate(LedgerError):
    code, status, message = "duplicate", 409, _l("Đã tồn tại, không thể tạo trùng.")


class IdempotencyMismatch(LedgerError):
    code, status, message = "idempotency_mismatch", 409, _l(
        "Khóa Idempotency-Key này đã dùng cho một yêu cầu khác nội dung.")


class InvalidState(LedgerError):
    code, status, message = "invalid_state", 422, _l("Thao tác không hợp lệ ở trạng thái hiện tại.")


class Unbalanced(LedgerError):
    code, status, message = "unbalanced", 422, _l("Bút toán không cân: tổng Nợ khác tổng Có.")


class UnbalancedFund(LedgerError):
    code, status, message = "unbalanced_fund", 422, _l("Bút toán không cân theo từng quỹ: %(funds)s.")


class InsufficientFunds(LedgerError):
    code, status, message = "insufficient_funds", 422, _l(
        "Không đủ số dư: %(account)s của quỹ %(fund)s chỉ còn %(available)s.")


class PeriodClosed(LedgerError):
    code, status, message = "period_closed", 422, _l(
        "Sổ của đơn vị %(unit)s đã khóa đến hết ngày %(through)s; không thể ghi ngày %(date)s.")


class NotEligible(LedgerError):
    code, status, message = "not_eligible", 422, _l("Không đủ điều kiện.")


class OverBudget(LedgerError):
    code, status, message = "over_budget", 422, _l("Vượt quá ngân sách.")


class EndowmentPrincipal(LedgerError):
    code, status, message = "endowment_principal", 422, _l(
        "Không được chi từ vốn gốc của quỹ %(fund)s; chỉ chi từ quỹ thu nhập của nó.")


class StateChanged(LedgerError):
    """The loser of a race: another request already moved the object out of the state this one expected."""
    code, status, message = "invalid_state", 409, _l(
        "Đối tượng này vừa được người khác xử lý (trạng thái hiện tại: %(state)s); không có gì được ghi.")


class TooLarge(LedgerError):
    """An uploaded file past a size limit (ledger.core.spreadsheets), refused before it is unpacked or parsed."""
    code, status, message = "too_large", 413, _l("Tệp quá lớn.")
