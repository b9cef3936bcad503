"""Domain errors: each has a contract `code`, an HTTP status and a translatable message.

Services raise them; the API edge turns them into problem+json, pages into form errors.
"""
from ledger.core.i18n import _l


class LedgerError(Exception):
    """Base of every error a user can cause. Never becomes a 500."""

    code = "invalid"
    status = 422
    message = _l("Yêu cầu không hợp lệ.")

    def __init_subclass__(cls, *, code: str | None = None, status: int | None = None, message=None, **kwargs):
        """One line an error: `class NotFound(LedgerError, code="not_found", status=404, message=_l("…")): ...`"""
        super().__init_subclass__(**kwargs)
        for name, value in (("code", code), ("status", status), ("message", message)):
            if value is not None:
                setattr(cls, name, value)

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


class BadRequest(LedgerError, code="bad_request", status=400, message=_l("Dữ liệu gửi lên không đọc được.")): ...


class ValidationFailed(LedgerError, code="validation", status=422,
                       message=_l("Dữ liệu không hợp lệ, xin kiểm tra các trường được đánh dấu.")): ...


class NotFound(LedgerError, code="not_found", status=404, message=_l("Không tìm thấy.")): ...


class Unauthorized(LedgerError, code="unauthorized", status=401,
                   message=_l("Cần đăng nhập (thiếu hoặc sai mã truy cập).")): ...


class Forbidden(LedgerError, code="forbidden", status=403,
                message=_l("Bạn không có quyền thực hiện việc này ở đơn vị này.")): ...


class SameUser(LedgerError, code="same_user", status=403,
               message=_l("Người lập phiếu không được tự duyệt phiếu của mình.")): ...


class Conflict(LedgerError, code="conflict", status=409, message=_l("Xung đột dữ liệu.")): ...


class Duplicate(LedgerError, code="duplicate", status=409, message=_l("Đã tồn tại, không thể tạo trùng.")): ...


class IdempotencyMismatch(LedgerError, code="idempotency_mismatch", status=409,
                          message=_l("Khóa Idempotency-Key này đã dùng cho một yêu cầu khác nội dung.")): ...


class InvalidState(LedgerError, code="invalid_state", status=422,
                   message=_l("Thao tác không hợp lệ ở trạng thái hiện tại.")): ...


class Unbalanced(LedgerError, code="unbalanced", status=422,
                 message=_l("Bút toán không cân: tổng Nợ khác tổng Có.")): ...


class UnbalancedFund(LedgerError, code="unbalanced_fund", status=422,
                     message=_l("Bút toán không cân theo từng quỹ: %(funds)s.")): ...


class InsufficientFunds(LedgerError, code="insufficient_funds", status=422, message=_l(
        "Không đủ số dư: %(account)s của quỹ %(fund)s chỉ còn %(available)s.")): ...


class PeriodClosed(LedgerError, code="period_closed", status=422, message=_l(
        "Sổ của đơn vị %(unit)s đã khóa đến hết ngày %(through)s; không thể ghi ngày %(date)s.")): ...


class NotEligible(LedgerError, code="not_eligible", status=422, message=_l("Không đủ điều kiện.")): ...


class OverBudget(LedgerError, code="over_budget", status=422, message=_l("Vượt quá ngân sách.")): ...


class EndowmentPrincipal(LedgerError, code="endowment_principal", status=422, message=_l(
        "Không được chi từ vốn gốc của quỹ %(fund)s; chỉ chi từ quỹ thu nhập của nó.")): ...


class StateChanged(LedgerError, code="invalid_state", status=409, message=_l(
        "Đối tượng này vừa được người khác xử lý (trạng thái hiện tại: %(state)s); không có gì được ghi.")):
    """The loser of a race: another request already moved the object out of the state this one expected."""


class TooLarge(LedgerError, code="too_large", status=413, message=_l("Tệp quá lớn.")):
    """An uploaded file past a size limit (ledger.core.spreadsheets), refused before it is unpacked or parsed."""
