"""Pages: home, the unit tree with search, a unit with its panels (funds, books…), children and users."""
from collections.abc import Callable

from flask import Blueprint, g, redirect, render_template, request, url_for

from ledger.core import permissions
from ledger.core.i18n import _l
from ledger.core.web import login_required
from ledger.units import search, services
from ledger.units.access import unit_for
from ledger.units.models import Unit

units_pages = Blueprint("units", __name__, template_folder="templates")
# Features below in the dependency order (accounts, scholarships, reports) add sections to the
# unit page here: each is a function (unit, user) -> HTML markup.
unit_panels: list = []
# Who holds roles on the unit itself (its users section): ledger.auth registers it; units does not import auth.
role_holders: list[Callable[[Unit], list]] = []
SEARCH_LIMIT = 50
ROLE_LABELS = {"admin": _l("Quản trị"), "treasurer": _l("Thủ quỹ, kế toán"),
               "approver": _l("Chủ tịch, phó chủ tịch (duyệt chi)"), "reviewer": _l("Hội đồng xét duyệt"),
               "auditor": _l("Ban kiểm tra"), "viewer": _l("Xem")}


@units_pages.app_context_processor
def unit_labels():
    return {"level_label": services.level_label, "role_label": lambda role: ROLE_LABELS.get(role, role)}


@units_pages.get("/")
def home():
    if g.user is None:
        return redirect(url_for("auth.login"))
    return redirect(url_for("home.todo"))  # ledger.home (a higher layer) serves "Việc cần làm"


@units_pages.get("/units")
@login_required
def tree():
    query = request.args.get("q", "").strip()[:100]
    roots = permissions.visible_roots(g.user)
    found, more = search.search_units(query, [r.path for r in roots], limit=SEARCH_LIMIT) if query else ([], False)
    children = {root.id: services.list_units(parent=root.code, limit=500)[0] for root in roots}
    return render_template("units/tree.html", roots=roots, children=children, query=query, found=found,
                           more=more, trails=search.ancestry_names(found), limit=SEARCH_LIMIT)


@units_pages.get("/units/<code>")
@login_required
def unit_page(code):
    unit = unit_for(code, "read")
    children, _total = services.list_units(parent=code, limit=500)
    return render_template("units/unit.html", unit=unit, ancestors=services.ancestors(unit)[:-1],
                           children=children, grants=[grant for holders in role_holders for grant in holders(unit)],
                           can_read=lambda other: permissions.allowed(g.user, "read", other),
                           panels=[panel(unit, g.user) for panel in unit_panels])
