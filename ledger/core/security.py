"""Security headers (flask-talisman) and the limit on failed logins (Flask-Limiter).

Headers: a CSP with no inline script anywhere (pages load their scripts from /static), no framing
(frame-ancestors 'none' and X-Frame-Options DENY: pages with "Duyệt" buttons cannot be framed),
nosniff and a same-origin Referrer-Policy. style-src keeps 'unsafe-inline' because the print
layouts (statements, certificates, the cash book) carry <style> blocks and style attributes that
WeasyPrint reads too; styles cannot run code. /api/docs gets its own CSP allowing exactly the
hash of Swagger UI's one inline start-up script.

Logins: at most LOGIN_LIMITS failures per username and per address (API.md: Auth), counted only
when the answer is a 401, so signing in successfully costs nothing. The counters live in
LEDGER_RATELIMIT_STORAGE_URI: memory:// is per process, so several gunicorn workers need redis://.

Behind a reverse proxy LEDGER_PROXY_COUNT (the number of proxies in front) lets werkzeug's ProxyFix take
the client's address, scheme and host from their X-Forwarded-* headers: the limits count the client, not
the proxy, and an https request forwarded as http is still known to be https.
"""
import base64
import functools
import hashlib
import math
import re
import time

from flask import Flask, make_response, request
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address
from flask_talisman import Talisman
from werkzeug.middleware.proxy_fix import ProxyFix

from ledger.core.i18n import _

LOGIN_LIMITS = {"username": "5 per 15 minutes", "address": "20 per 15 minutes"}
COSTLY_READS = "30 per minute"
SWAGGER_ENDPOINT = "api-docs.openapi_swagger_ui"
CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

# One Limiter per process (the login views' decorators name it); init_app gives it a fresh storage.
limiter = Limiter(key_func=get_remote_address, strategy="moving-window")


def login_username() -> str:
    """The username a login attempt names, from the JSON body (API) or the form (page)."""
    body = request.get_json(silent=True) if request.is_json else request.form
    username = body.get("username") if hasattr(body, "get") else None
    return username.strip().casefold() if isinstance(username, str) else ""


def login_failed(response) -> bool:
    return response.status_code == 401


def limit_failed_logins(view):
    """Both limits on a login view; the scopes are shared, so the API and the page count together."""
    for name, key in (("username", login_username), ("address", get_remote_address)):
        view = limiter.shared_limit(LOGIN_LIMITS[name], scope=f"login-{name}", key_func=key,
                                    deduct_when=login_failed, methods=["POST"])(view)
    return view


def busy_for_this_address() -> str:
    return _("Địa chỉ này đã gửi quá nhiều yêu cầu kiểm tra; xin thử lại sau ít phút.")


def limit_costly_reads(view):
    """Views that recompute a lot for anyone (public verify re-hashes whole chains): a ceiling per address."""
    return limiter.limit(COSTLY_READS, error_message=busy_for_this_address)(view)


def too_many_attempts(exc: RateLimitExceeded):
    from ledger.core.web import respond_error

    current = limiter.current_limit
    wait = max(1, math.ceil(current.window.reset_time - time.time())) if current else 60
    if exc.limit.error_message:  # a costly read, not a login
        response = make_response(respond_error(429, exc.description, "too_many_requests"))
        response.headers["Retry-After"] = str(wait)
        return response
    detail = _("Đăng nhập sai quá nhiều lần; xin thử lại sau %(minutes)s phút.", minutes=math.ceil(wait / 60))
    response = make_response(respond_error(429, detail, "too_many_attempts"))
    response.headers["Retry-After"] = str(wait)
    return response


def swagger_script_hash(app: Flask) -> str:
    """The CSP source for Swagger UI's inline start-up script, as this app renders it."""
    with app.test_request_context("/api/docs"):
        html = app.view_functions[SWAGGER_ENDPOINT]()
    script = re.search(r"<script>(.*?)</script>", html, re.DOTALL).group(1)
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


def allow_swagger_ui(app: Flask, talisman: Talisman) -> None:
    if SWAGGER_ENDPOINT not in app.view_functions:
        return
    view = app.view_functions[SWAGGER_ENDPOINT]
    policy = {**CSP, "script-src": f"'self' {swagger_script_hash(app)}"}

    @functools.wraps(view)
    def docs():
        return view()

    app.view_functions[SWAGGER_ENDPOINT] = talisman(content_security_policy=policy)(docs)


def trust_proxies(app: Flask) -> None:
    """Believe only as many X-Forwarded-* values as there are proxies of ours: a client can prepend its own."""
    count = app.config["LEDGER_PROXY_COUNT"]
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)


def init_app(app: Flask) -> None:
    trust_proxies(app)
    secure = app.config["LEDGER_SECURE_COOKIES"]
    talisman = Talisman(app, content_security_policy=CSP, frame_options="DENY", referrer_policy="same-origin",
                        force_https=secure, strict_transport_security=secure, session_cookie_secure=secure,
                        session_cookie_http_only=True, session_cookie_samesite="Lax")
    allow_swagger_ui(app, talisman)
    limiter.init_app(app)  # a fresh storage per app: each test's app starts with no failures counted
    app.register_error_handler(RateLimitExceeded, too_many_attempts)
