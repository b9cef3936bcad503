"""Login and logout pages, the signed-in sessions, and the guard that sends anonymous visitors to the login form."""
from datetime import timedelta
from urllib.parse import urlparse

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError

from ledger.auth import services
from ledger.core.edge import refusable, unit_of_work
from ledger.core.errors import LedgerError, Unauthorized
from ledger.core.i18n import _
from ledger.core.security import limit_failed_logins
from ledger.core.web import error_page, login_required

auth_pages = Blueprint("auth", __name__, template_folder="templates")


@auth_pages.app_errorhandler(CSRFError)
def form_expired(_exc):
    """A page form without a valid CSRF token: usually a form left open too long, or cookies off."""
    return error_page(400, _("Biểu mẫu đã hết hạn hoặc trình duyệt chặn cookie; xin tải lại trang rồi gửi lại."))


@auth_pages.route("/login", methods=["GET", "POST"])
@unit_of_work
@limit_failed_logins
def login():
    if request.method == "GET" and g.user is not None:
        return redirect(safe_next(request.args.get("next")))
    username = request.form.get("username", "").strip()
    if request.method == "POST":
        try:
            user = services.authenticate(username, request.form.get("password", ""))
        except Unauthorized as exc:
            return render_template("auth/login.html", error=exc.detail, username=username), 401
        return start_session(user)
    return render_template("auth/login.html", error=None, username=username), 200


def start_session(user):
    """A new browser session (server side: a web token) for the user, then back where they were going."""
    _row, secret = services.open_token(
        user, kind="web", lifetime=timedelta(hours=current_app.config["LEDGER_SESSION_HOURS"]))
    fresh_session(sid=secret)  # a new session on login: no fixation
    flash(_("Xin chào %(name)s.", name=user.full_name))
    return redirect(safe_next(request.args.get("next")))


@auth_pages.post("/logout")
@unit_of_work
def logout():
    """Ends this browser's session only; the user's other sessions and API tokens stay."""
    if g.token is not None:
        services.revoke_token(g.user, g.token.id, by=g.user)
    fresh_session()
    flash(_("Đã đăng xuất."))
    return redirect(url_for("auth.login"))


@auth_pages.get("/sessions")
@login_required
def sessions(problem: LedgerError | None = None):
    return render_template("auth/sessions.html", tokens=services.live_tokens(g.user), current=g.token,
                           problem=problem, min_password=services.MIN_PASSWORD), problem.status if problem else 200


@auth_pages.post("/sessions/<int:token_id>/revoke")
@login_required
@unit_of_work
def revoke_session(token_id):
    row = services.revoke_token(g.user, token_id, by=g.user)
    if row is g.token:
        fresh_session()
        return redirect(url_for("auth.login"))
    flash(_("Đã thu hồi phiên đăng nhập."))
    return redirect(url_for("auth.sessions"))


@auth_pages.post("/sessions/password")
@limit_failed_logins
@login_required
@unit_of_work
def change_password():
    """The current password again (a wrong one counts as a failed login), then the new one; every other
    session and token is ended. A refusal shows the sessions page with its status: nothing is kept."""
    return refusable(password_changed, lambda exc: sessions(problem=exc))


def password_changed():
    services.authenticate(g.user.username, request.form.get("current_password", ""))
    services.change_password(g.user, request.form.get("new_password", ""), keep=g.token, by=g.user)
    flash(_("Đã đổi mật khẩu; các phiên đăng nhập khác đã bị thu hồi."))
    return redirect(url_for("auth.sessions"))


def fresh_session(**values) -> None:
    """An empty session keeping only the chosen language."""
    lang = session.get("lang")
    session.clear()
    session.update(values)
    if lang:
        session["lang"] = lang


def safe_next(target: str | None) -> str:
    """Only local paths, so the login page cannot be used to send people elsewhere."""
    if target and not urlparse(target).netloc and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return url_for("units.home")
