"""Login and logout pages, the signed-in sessions, and the guard that sends anonymous visitors to the login form."""
import functools
from datetime import timedelta
from urllib.parse import urlparse

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError

from ledger.auth import services
from ledger.core.errors import LedgerError, Unauthorized
from ledger.core.i18n import _
from ledger.core.security import limit_failed_logins
from ledger.core.web import error_page
from ledger.extensions import db

auth_pages = Blueprint("auth", __name__, template_folder="templates")


def login_required(view):
    """Pages only: an anonymous visitor goes to the login form and comes back after signing in."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if g.user is None:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)
    return wrapper


@auth_pages.app_errorhandler(CSRFError)
def form_expired(_exc):
    """A page form without a valid CSRF token: usually a form left open too long, or cookies off."""
    return error_page(400, _("Biểu mẫu đã hết hạn hoặc trình duyệt chặn cookie; xin tải lại trang rồi gửi lại."))


@auth_pages.route("/login", methods=["GET", "POST"])
@limit_failed_logins
def login():
    if request.method == "GET" and g.user is not None:
        return redirect(safe_next(request.args.get("next")))
    error = None
    username = request.form.get("username", "").strip()
    if request.method == "POST":
        try:
            user = services.authenticate(username, request.form.get("password", ""))
        except Unauthorized as exc:
            error = exc.detail
        else:
            _row, secret = services.open_token(
                user, kind="web", lifetime=timedelta(hours=current_app.config["LEDGER_SESSION_HOURS"]))
            db.session.commit()
            fresh_session(sid=secret)  # a new session on login: no fixation
            flash(_("Xin chào %(name)s.", name=user.full_name))
            return redirect(safe_next(request.args.get("next")))
    return render_template("auth/login.html", error=error, username=username), 401 if error else 200


@auth_pages.post("/logout")
def logout():
    """Ends this browser's session only; the user's other sessions and API tokens stay."""
    if g.token is not None:
        services.revoke_token(g.user, g.token.id, by=g.user)
        db.session.commit()
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
def revoke_session(token_id):
    row = services.revoke_token(g.user, token_id, by=g.user)
    db.session.commit()
    if row is g.token:
        fresh_session()
        return redirect(url_for("auth.login"))
    flash(_("Đã thu hồi phiên đăng nhập."))
    return redirect(url_for("auth.sessions"))


@auth_pages.post("/sessions/password")
@limit_failed_logins
@login_required
def change_password():
    """The current password again (a wrong one counts as a failed login), then the new one; every other
    session and token is ended."""
    try:
        services.authenticate(g.user.username, request.form.get("current_password", ""))
        services.change_password(g.user, request.form.get("new_password", ""), keep=g.token, by=g.user)
    except LedgerError as exc:
        db.session.rollback()
        return sessions(problem=exc)
    db.session.commit()
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
