"""Login and logout pages."""
from urllib.parse import urlparse

from flask import Blueprint, flash, redirect, render_template, request, session, url_for

from ledger.auth import services
from ledger.core.errors import Unauthorized
from ledger.core.i18n import _

auth_pages = Blueprint("auth", __name__, template_folder="templates")


@auth_pages.route("/login", methods=["GET", "POST"])
def login():
    error = None
    if request.method == "POST":
        try:
            user = services.authenticate(request.form.get("username", ""), request.form.get("password", ""))
        except Unauthorized as exc:
            error = exc.detail
        else:
            session.clear()
            session["user_id"] = user.id
            return redirect(safe_next(request.args.get("next")))
    return render_template("auth/login.html", error=error), 401 if error else 200


@auth_pages.post("/logout")
def logout():
    session.clear()
    flash(_("Đã đăng xuất."))
    return redirect(url_for("units.home"))


def safe_next(target: str | None) -> str:
    """Only local paths, so the login page cannot be used to send people elsewhere."""
    if target and not urlparse(target).netloc and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("units.home")
