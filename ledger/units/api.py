"""The association tree (API.md: Units and users)."""
from flask import g

from ledger.core import permissions
from ledger.core.endpoints import Blueprint
from ledger.core.schemas import page
from ledger.units import history, schemas, services
from ledger.units.access import unit_for

units_api = Blueprint("units_api", __name__, url_prefix="/api/v1", description="Cây tổ chức Hội")


@units_api.write("/units", schemas.UnitOut, body=schemas.UnitIn)
def create_unit(data):
    if data.get("parent"):
        unit_for(data["parent"], "manage")
    else:
        permissions.require_global_admin(g.user)
    return services.create_unit(data, by=g.user)


@units_api.read("/units", schemas.UnitList, query=schemas.UnitQuery)
def list_units(query):
    within = [unit.path for unit in permissions.visible_roots(g.user)]
    items, total = services.list_units(parent=query.get("parent"), query=query.get("q"), within=within,
                                       limit=query["limit"], offset=query["offset"])
    return page(items, total)


@units_api.read("/units/<code>", schemas.UnitOut)
def get_unit(code):
    return unit_for(code, "read")


@units_api.write("/units/<code>/move", schemas.UnitOut, body=schemas.MoveIn, status=200)
def move_unit(data, code):
    unit, _parent = unit_for(code, "manage"), unit_for(data["parent"], "manage")  # both ends are managed
    return services.move_unit(unit, data["parent"], on=data["on"], by=g.user)


@units_api.read("/units/<code>/parents", schemas.ParentHistoryOut)
def parent_history(code):
    """The unit's parent history, newest period first (additive to API.md)."""
    return {"items": history.periods(unit_for(code, "read"))}
