"""Pages: home, the unit tree with search, a unit with its funds and users."""
from flask import Blueprint, g, redirect, render_template, request, url_for
from sqlalchemy import select

from ledger.auth.models import RoleGrant
from ledger.core import permissions
from ledger.extensions import db
from ledger.units import services

units_pages = Blueprint("units", __name__, template_folder="templates")
# Features below in the dependency order (accounts, scholarships, reports) add sections to the
# unit page here: each is a function (unit, user) -> HTML markup.
unit_panels: list = []


def login_required():
    if g.user is None:
        return redirect(url_for("auth.login", next=request.full_path))
    return None


@units_pages.get("/")
def home():
    if g.user is None:
        return redirect(url_for("auth.login", next="/units"))
    return redirect(url_for("units.tree"))


@units_pages.get("/units")
def tree():
    if (redirect_to := login_required()) is not None:
        return redirect_to
    query = request.args.get("q", "").strip()
    roots = permissions.visible_roots(g.user)
    found, total = services.list_units(query=query, within=[r.path for r in roots], limit=100) if query else ([], 0)
    return render_template("units/tree.html", roots=roots, query=query, found=found, total=total)


@units_pages.get("/units/<code>")
def unit_page(code):
    if (redirect_to := login_required()) is not None:
        return redirect_to
    unit = services.get_unit(code)
    permissions.require(g.user, "read", unit)
    children, _total = services.list_units(parent=code, limit=500)
    grants = db.session.scalars(select(RoleGrant).where(RoleGrant.unit_id == unit.id)).all()
    return render_template("units/unit.html", unit=unit, ancestors=services.ancestors(unit)[:-1],
                           children=children, grants=grants,
                           panels=[panel(unit, g.user) for panel in unit_panels])
