"""The edge of the app: errors as problem+json under /api/ and as pages elsewhere, template filters.

flask-smorest registers an app-wide HTTPException handler; ours replaces it so HTML pages keep
their own error pages and the API keeps the contract's problem+json.
"""
import functools
import logging

from flask import Flask, g, jsonify, make_response, redirect, render_template, request, send_from_directory, url_for
from flask_babel import get_locale
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException

from ledger.core import money
from ledger.core.edge import start_over
from ledger.core.errors import LedgerError
from ledger.core.i18n import _l
from ledger.core.inputs import IdConverter, refuse_unsafe_input
from ledger.core.schemas import day_text, localize_message

log = logging.getLogger(__name__)

TITLES = {
    400: _l("Yêu cầu sai định dạng"),
    401: _l("Chưa xác thực"),
    403: _l("Không có quyền"),
    404: _l("Không tìm thấy"),
    405: _l("Phương thức không được hỗ trợ"),
    409: _l("Xung đột"),
    413: _l("Tệp quá lớn"),
    415: _l("Kiểu dữ liệu không được hỗ trợ"),
    422: _l("Không thể xử lý"),
    429: _l("Quá nhiều yêu cầu"),
    500: _l("Lỗi hệ thống"),
    503: _l("Hệ thống đang bận"),
}
CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
         422: "validation", 429: "too_many_requests", 500: "internal", 503: "busy"}
DETAILS = {
    400: _l("Dữ liệu gửi lên không đọc được (JSON hỏng hoặc sai kiểu)."),
    401: _l("Cần đăng nhập (thiếu hoặc sai mã truy cập)."),
    403: _l("Bạn không có quyền thực hiện việc này."),
    404: _l("Không tìm thấy địa chỉ hoặc đối tượng này."),
    405: _l("Địa chỉ này không nhận phương thức đó."),
    409: _l("Dữ liệu xung đột với dữ liệu đã có."),
    413: _l("Tệp gửi lên quá lớn."),
    415: _l("Cần gửi dữ liệu JSON."),
    422: _l("Dữ liệu không hợp lệ, xin kiểm tra các trường được đánh dấu."),
    500: _l("Đã có lỗi hệ thống; không có gì được ghi."),
    503: _l("Hệ thống đang bận, xin thử lại sau giây lát."),
}


def login_required(view):
    """Pages only: an anonymous visitor goes to the login form and comes back after signing in."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if g.user is None:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)
    return wrapper


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def problem(status: int, detail: str, code: str | None = None, errors: dict | None = None):
    body = {"status": status, "title": str(TITLES.get(status, "")), "detail": detail,
            "code": code or CODES.get(status, "error")}
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def error_page(status: int, detail: str):
    return render_template("error.html", status=status, title=TITLES.get(status, ""),
                           detail=detail), status


def respond_error(status: int, detail: str, code: str | None = None, errors: dict | None = None):
    if is_api_request():
        return problem(status, detail, code, errors)
    return error_page(status, detail)


def field_errors(exc: HTTPException) -> dict | None:
    """webargs puts marshmallow messages under data['messages'][location]; flatten locations."""
    messages = (getattr(exc, "data", None) or {}).get("messages")
    if not messages:
        return None
    flat: dict = {}
    for location_messages in messages.values():
        if isinstance(location_messages, dict):
            flat.update(location_messages)
    return translate_messages(flat or messages)


def translate_messages(messages):
    if isinstance(messages, dict):
        return {key: translate_messages(value) for key, value in messages.items()}
    if isinstance(messages, list):
        return [translate_messages(item) for item in messages]
    return localize_message(str(messages)) if isinstance(messages, str) else messages


def handle_http_exception(exc: HTTPException):
    status = exc.code or 500
    errors = field_errors(exc)
    detail = str(DETAILS.get(status, exc.description or ""))
    response = make_response(respond_error(status, detail, errors=errors))
    for name, value in exc.get_headers():  # Allow on 405, WWW-Authenticate, Retry-After: keep what Werkzeug set
        if name.lower() not in ("content-type", "content-length"):
            response.headers[name] = value
    return response


def handle_ledger_error(exc: LedgerError):
    return respond_error(exc.status, exc.detail, exc.code, translate_messages(exc.errors))


def handle_integrity_error(exc: IntegrityError):
    start_over()
    log.warning("integrity error turned into 409: %s", exc.orig)
    return respond_error(409, str(DETAILS[409]), "conflict")


def handle_data_error(exc: DataError):
    """A value the database cannot store (out of range, malformed) that no schema caught: the input's fault."""
    start_over()
    log.warning("data error turned into 422: %s", exc.orig)
    return respond_error(422, str(DETAILS[422]), "validation")


def handle_operational_error(exc: OperationalError):
    start_over()
    log.warning("database busy: %s", exc.orig)
    return respond_error(503, str(DETAILS[503]), "busy")


def init_app(app: Flask) -> None:
    app.json.ensure_ascii = False  # Vietnamese as is in JSON, as the API contract says
    app.url_map.converters["int"] = IdConverter  # before the features add their routes
    app.before_request(refuse_unsafe_input)  # first of the before_request hooks: before logins read the body
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(LedgerError, handle_ledger_error)
    app.register_error_handler(IntegrityError, handle_integrity_error)
    app.register_error_handler(DataError, handle_data_error)
    app.register_error_handler(OperationalError, handle_operational_error)
    app.jinja_env.filters["vnd"] = money.format_vnd
    app.jinja_env.filters["vnd_short"] = money.format_vnd_short
    app.jinja_env.filters["number"] = money.format_number
    app.jinja_env.filters["words"] = money.in_words
    app.jinja_env.filters["vi_date"] = vi_date
    app.jinja_env.filters["day_text"] = day_text
    app.jinja_env.globals["current_user"] = lambda: g.get("user")
    app.jinja_env.globals["get_locale"] = get_locale

    @app.get("/api/swagger-ui/<path:filename>")
    def swagger_ui_asset(filename):
        """The docs page's scripts from the swagger-ui-bundle package, so /api/docs works offline."""
        import swagger_ui_bundle
        return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename, max_age=86400)


def vi_date(value) -> str:
    """dd/mm/yyyy, the way Vietnamese documents write dates."""
    return value.strftime("%d/%m/%Y") if value else ""
