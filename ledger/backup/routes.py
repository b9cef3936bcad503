"""The page "Sao lưu dữ liệu" for global admins: the backups in LEDGER_BACKUP_DIR with their totals, a download of
each; on SQLite a button that backs up now, on PostgreSQL the command and the nightly timer to use instead.
"""
from flask import Blueprint, flash, g, redirect, render_template, send_from_directory, url_for
from werkzeug.exceptions import NotFound

from ledger.backup import services
from ledger.core import permissions
from ledger.core.edge import unit_of_work
from ledger.core.i18n import _
from ledger.core.web import login_required

backup_pages = Blueprint("backup", __name__, template_folder="templates")


@backup_pages.app_context_processor
def backup_link():
    """base.html shows the link to this page to admins over everything only."""
    return {"can_see_backups": lambda: permissions.is_global_admin(g.get("user"))}


@backup_pages.get("/admin/backups")
@login_required
def backups():
    permissions.require_global_admin(g.user)
    folder = services.backup_folder()
    return render_template("backup/list.html", backups=services.list_backups(folder), folder=folder,
                           is_sqlite=services.configured_url().get_backend_name() == "sqlite",
                           size_text=services.size_text)


@backup_pages.post("/admin/backups")
@login_required
@unit_of_work
def backup_now():
    permissions.require_global_admin(g.user)
    made = services.backup_now(by=g.user)
    flash(_("Đã sao lưu vào %(file)s (%(size)s).", file=made.path.name, size=services.size_text(made.size)))
    return redirect(url_for("backup.backups"))


@backup_pages.get("/admin/backups/<path:name>")
@login_required
def download(name):
    """Only a backup file lying in the folder itself: send_from_directory refuses `..` and absolute names."""
    permissions.require_global_admin(g.user)
    if not name.endswith(services.SUFFIX):
        raise NotFound()
    return send_from_directory(services.backup_folder().absolute(), name, as_attachment=True)
