"""Criteria sets over the JSON API (API.md "Learning society"): create one, find the one that applies to a
unit in a year, read and edit one by code. Thin views: the permission check, then the service."""
from flask import g

from ledger.core import permissions
from ledger.core.endpoints import Blueprint
from ledger.learning.criteria import schemas, services
from ledger.units.access import unit_for

criteria_api = Blueprint("learning_criteria_api", __name__, url_prefix="/api/v1",
                         description="Bộ tiêu chí các mô hình học tập")


@criteria_api.write("/learning/criteria", schemas.CriteriaSetOut, body=schemas.CriteriaSetIn)
def create_set(data):
    owner = unit_for(data["owner_unit"], "plan")
    return services.describe(services.create_set(data, by=g.user, owner=owner))


@criteria_api.read("/learning/criteria", schemas.CriteriaSetOut, query=schemas.CriteriaQuery)
def applicable_set(query):
    unit = unit_for(query["unit"], "read")
    return services.describe(services.applicable_set(unit, query["model"], query["year"]))


@criteria_api.read("/learning/criteria/<code>", schemas.CriteriaSetOut)
def get_set(code):
    return services.describe(services.get_set(code))  # criteria are public knowledge: any signed-in user


@criteria_api.write("/learning/criteria/<code>", schemas.CriteriaSetOut, body=schemas.CriteriaSetUpdateIn,
                    status=200, method="PUT")
def update_set(data, code):
    criteria_set = services.get_set(code)
    permissions.require(g.user, "plan", criteria_set.owner_unit)
    return services.describe(services.update_set(criteria_set, data, by=g.user))
