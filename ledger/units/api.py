"""The association tree (API.md: Units and users)."""
from flask import g
from flask_smorest import Blueprint

from ledger.core import permissions
from ledger.core.schemas import page
from ledger.extensions import db
from ledger.units import schemas, services

units_api = Blueprint("units_api", __name__, url_prefix="/api/v1", description="Cây tổ chức Hội")


@units_api.post("/units")
@units_api.arguments(schemas.UnitIn)
@units_api.response(201, schemas.UnitOut)
def create_unit(data):
    if data.get("parent"):
        permissions.require(g.user, "manage", services.get_unit(data["parent"]))
    else:
        permissions.require_global_admin(g.user)
    unit = services.create_unit(data, by=g.user)
    db.session.commit()
    return unit


@units_api.get("/units")
@units_api.arguments(schemas.UnitQuery, location="query")
@units_api.response(200, schemas.UnitList)
def list_units(query):
    within = [unit.path for unit in permissions.visible_roots(g.user)]
    items, total = services.list_units(parent=query.get("parent"), query=query.get("q"), within=within,
                                       limit=query["limit"], offset=query["offset"])
    return page(items, total)


@units_api.get("/units/<code>")
@units_api.response(200, schemas.UnitOut)
def get_unit(code):
    unit = services.get_unit(code)
    permissions.require(g.user, "read", unit)
    return unit


@units_api.post("/units/<code>/move")
@units_api.arguments(schemas.MoveIn)
@units_api.response(200, schemas.UnitOut)
def move_unit(data, code):
    unit = services.get_unit(code)
    permissions.require(g.user, "manage", unit)
    permissions.require(g.user, "manage", services.get_unit(data["parent"]))
    services.move_unit(unit, data["parent"], by=g.user)
    db.session.commit()
    return services.get_unit(code)
