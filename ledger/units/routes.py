"""Pages: home, the unit tree with search, a unit with its panels (funds, books…), children and users."""
from flask import Blueprint, g, redirect, render_template, request, url_for
from sqlalchemy import select

from ledger.auth.models import RoleGrant
from ledger.auth.routes import login_required
from ledger.core import permissions
from ledger.core.i18n import _l
from ledger.extensions import db
from ledger.units import search, services

units_pages = Blueprint("units", __name__, template_folder="templates")
# Features below in the dependency order (accounts, scholarships, reports) add sections to the
# unit page here: each is a function (unit, user) -> HTML markup.
unit_panels: list = []
SEARCH_LIMIT = 50
ROLE_LABELS = {"admin": _l("Quản trị"), "treasurer": _l("Thủ quỹ, kế toán"), "approver": _l("Chủ tịch, phó chủ tịch (duyệt chi)"),
               "reviewer": _l("Hội đồng xét duyệt"), "auditor": _l("Ban kiểm tra"), "viewer": _l("Xem")}


@units_pages.app_context_processor
def unit_labels():
    return {"level_label": services.level_label, "role_label": lambda role: ROLE_LABELS.get(role, role)}


@units_pages.get("/")
def home():
    if g.user is None:
        return redirect(url_for("auth.login"))
    return redirect(url_for("units.tree"))


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
    unit = services.get_unit(code)
    permissions.require(g.user, "read", unit)
    children, _total = services.list_units(parent=code, limit=500)
    grants = db.session.scalars(select(RoleGrant).where(RoleGrant.unit_id == unit.id)
                                .order_by(RoleGrant.role, RoleGrant.id)).all()
    return render_template("units/unit.html", unit=unit, ancestors=services.ancestors(unit)[:-1],
                           children=children, grants=grants,
                           can_read=lambda other: permissions.allowed(g.user, "read", other),
                           panels=[panel(unit, g.user) for panel in unit_panels])
