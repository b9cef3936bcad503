"""Plans over the JSON API (API.md "Learning society"): a unit's yearly plan with its indicators, targets
handed down to child units, manual values, and live progress. Thin views; the unit of work commits."""
from flask import g

from ledger.core.endpoints import Blueprint
from ledger.core.errors import NotFound, ValidationFailed
from ledger.core.schemas import page
from ledger.learning.plans import schemas, services
from ledger.units.access import permitted, unit_for
from ledger.units.services import get_unit

plans_api = Blueprint("plans_api", __name__, url_prefix="/api/v1",
                      description="Kế hoạch năm với các chỉ tiêu, giao chỉ tiêu cho đơn vị cấp dưới và tiến độ")


@plans_api.write("/units/<code>/plans", schemas.PlanOut, body=schemas.PlanIn)
def create_plan(data, code):
    return services.describe(services.create_plan(unit_for(code, "plan"), data, by=g.user))


@plans_api.read("/units/<code>/plans", schemas.PlanList, query=schemas.PlanQuery)
def list_plans(query, code):
    plans = services.plans_of(unit_for(code, "read"), query["year"])
    return page([services.describe(plan) for plan in plans], len(plans))


@plans_api.read("/plans/<plan_id>", schemas.PlanOut)
def get_plan(plan_id):
    plan = services.get_plan(plan_id)
    return services.describe(permitted(plan, "read"))


@plans_api.write("/plans/<plan_id>/targets", schemas.PlanTargetsOut, body=schemas.PlanTargetsIn, status=200,
                 method="PUT")
def set_targets(data, plan_id):
    plan = services.get_plan(plan_id)
    wanted = []
    for n, item in enumerate(data["targets"]):
        unit = services.require_inside(plan, named_unit(item["unit"], f"targets.{n}.unit"), f"targets.{n}.unit")
        permitted(plan, "plan", unit if unit.id == plan.unit_id else unit.parent)  # handed down from above
        wanted.append((unit, item["indicator"], item["target"]))
    return {"targets": services.set_targets(plan, wanted, by=g.user)}


@plans_api.write("/plans/<plan_id>/values", schemas.PlanValuesOut, body=schemas.PlanValuesIn, status=200, method="PUT")
def set_values(data, plan_id):
    plan = services.get_plan(plan_id)
    unit = services.require_inside(plan, named_unit(data["unit"], "unit"), "unit")
    permitted(plan, "plan", unit)
    return services.set_values(plan, unit, data["values"], data["notes"], by=g.user)


@plans_api.read("/plans/<plan_id>/progress", schemas.PlanProgressOut, query=schemas.PlanProgressQuery)
def plan_progress(query, plan_id):
    plan = services.get_plan(plan_id)
    unit = services.require_inside(plan, named_unit(query["unit"], "unit"), "unit") if query["unit"] else plan.unit
    permitted(plan, "read", unit)
    return services.progress(plan, unit)


def named_unit(code: str, field: str):
    """A unit named in a body or query: an unknown code is that field's error (422)."""
    try:
        return get_unit(code)
    except NotFound as exc:
        raise ValidationFailed(exc.detail, field=field) from None
