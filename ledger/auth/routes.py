"""Login and logout pages, and the guard that sends anonymous visitors of a page to the login form."""
import functools
from urllib.parse import urlparse

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError

from ledger.auth import services
from ledger.core.errors import Unauthorized
from ledger.core.i18n import _
from ledger.core.web import error_page

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
            lang = session.get("lang")
            session.clear()  # a fresh session on login: no fixation
            session["user_id"] = user.id
            if lang:
                session["lang"] = lang
            flash(_("Xin chào %(name)s.", name=user.full_name))
            return redirect(safe_next(request.args.get("next")))
    return render_template("auth/login.html", error=error, username=username), 401 if error else 200


@auth_pages.post("/logout")
def logout():
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("Đã đăng xuất."))
    return redirect(url_for("auth.login"))


def safe_next(target: str | None) -> str:
    """Only local paths, so the login page cannot be used to send people elsewhere."""
    if target and not urlparse(target).netloc and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return url_for("units.home")
