"""Pages: home, the unit tree with search, a unit with its panels (funds, books…), children, users, its parent
history and the move to another parent on a date."""
from collections.abc import Callable

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from marshmallow import ValidationError

from ledger.core import permissions
from ledger.core.edge import refusable, unit_of_work
from ledger.core.errors import ValidationFailed
from ledger.core.i18n import _, _l
from ledger.core.schemas import page_schema
from ledger.core.web import login_required, translate_messages
from ledger.units import history, schemas, search, services
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
def unit_page(code, problem: ValidationFailed | None = None):
    unit = unit_for(code, "read")
    children, _total = services.list_units(parent=code, limit=500)
    can_move = unit.parent_id is not None and unit.status == "active" and permissions.allowed(g.user, "manage", unit)
    return render_template("units/unit.html", unit=unit, ancestors=services.ancestors(unit)[:-1],
                           children=children, grants=[grant for holders in role_holders for grant in holders(unit)],
                           can_read=lambda other: permissions.allowed(g.user, "read", other),
                           panels=[panel(unit, g.user) for panel in unit_panels], periods=history.periods(unit),
                           parents=move_choices(unit) if can_move else [], problem=problem,
                           form=request.form), problem.status if problem else 200


def move_choices(unit: Unit) -> list[Unit]:
    """Where this user may move the unit: the nearby parents it could take (services.parent_choices) that the
    user manages too, since a move answers to both ends."""
    return [parent for parent in services.parent_choices(unit) if permissions.allowed(g.user, "manage", parent)]


@units_pages.post("/units/<code>/move")
@login_required
@unit_of_work
def unit_move(code):
    unit = unit_for(code, "manage")
    return refusable(lambda: moved(unit), lambda problem: unit_page(code, problem))


def moved(unit: Unit):
    data = move_form(request.form)
    parent = unit_for(data["parent"], "manage")
    services.move_unit(unit, parent.code, on=data["on"], by=g.user)
    flash(_("Đã chuyển %(unit)s về trực thuộc %(parent)s.", unit=unit.name, parent=parent.name))
    return redirect(url_for("units.unit_page", code=unit.code), 303)


def move_form(form) -> dict:
    """The move form through MoveIn (the date as pages type it); a blank date means today."""
    typed = {key: form[key] for key in ("parent", "on") if form.get(key, "").strip()}
    try:
        return page_schema(schemas.MoveIn)().load(typed)
    except ValidationError as exc:
        messages = translate_messages(exc.messages)
        raise ValidationFailed(next(iter(messages.values()))[0], errors=messages) from None
