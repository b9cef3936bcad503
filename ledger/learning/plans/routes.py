"""Pages of yearly plans: the unit's plans with the new-plan form, a plan's progress and ranking of child
units, the grid that hands targets down to child units, and the values a unit reports for manual indicators.
Thin handlers: the same services as the API, the forms read through the API's *In schemas."""
from flask import Blueprint, g, render_template, request, url_for

from ledger.accounts.community.routes import chosen_year, status_of, typed_over
from ledger.accounts.treasury.routes import saved, shown_again
from ledger.auth.routes import login_required
from ledger.core import permissions
from ledger.core.edge import refusable, unit_of_work
from ledger.core.i18n import _
from ledger.learning.plans import forms, services
from ledger.units.access import permitted, unit_for
from ledger.units.services import get_unit

plan_pages = Blueprint("plans", __name__, template_folder="templates")


@plan_pages.app_context_processor
def plan_context():
    return {"plan_figure": forms.figure, "measure_labels": services.MEASURE_LABELS}


@plan_pages.get("/units/<code>/plans")
@login_required
def plan_list(code, problem: dict | None = None):
    unit, year = unit_for(code, "read"), chosen_year()
    return render_template("learning/plans/plans.html", unit=unit, year=year, plans=services.plans_of(unit),
                           form=typed_over({"year": year}), rows=forms.indicator_rows(request.form),
                           choices=forms.param_choices(unit), problem=problem,
                           can_plan=permissions.allowed(g.user, "plan", unit)), status_of(problem)


@plan_pages.post("/units/<code>/plans")
@login_required
@unit_of_work
def plan_create(code):
    unit = unit_for(code, "plan")
    return refusable(lambda: created(unit), shown_again(plan_list, code))


def created(unit):
    plan = services.create_plan(unit, forms.plan_from(request.form), by=g.user)
    return saved(url_for("plans.plan_page", plan_id=plan.id), _("Đã lập kế hoạch %(name)s.", name=plan.name))


def plan_in_view(plan_id, action: str):
    """(plan, the unit it is seen from: ?unit= or the plan's own), once the user may `action` there."""
    plan = services.get_plan(plan_id)
    unit = services.require_inside(plan, get_unit(request.values["unit"]), "unit") \
        if request.values.get("unit") else plan.unit
    return permitted(plan, action, unit), unit


@plan_pages.get("/plans/<plan_id>")
@login_required
def plan_page(plan_id, problem: dict | None = None):
    plan, unit = plan_in_view(plan_id, "read")
    manual = [i for i in plan.indicators if i.measure == "manual"]
    return render_template("learning/plans/plan.html", plan=plan, unit=unit, progress=services.progress(plan, unit),
                           manual=manual, reported=services.values_of(plan, unit), problem=problem,
                           can_plan=permissions.allowed(g.user, "plan", unit)), status_of(problem)


@plan_pages.post("/plans/<plan_id>/values")
@login_required
@unit_of_work
def plan_values(plan_id):
    plan, unit = plan_in_view(plan_id, "plan")
    return refusable(lambda: values_saved(plan, unit), shown_again(plan_page, plan_id))


def values_saved(plan, unit):
    data = forms.values_from(request.form, plan)
    services.set_values(plan, unit, data["values"], data["notes"], by=g.user)
    return saved(url_for("plans.plan_page", plan_id=plan.id, unit=unit.code), _("Đã lưu số liệu báo cáo."))


@plan_pages.get("/plans/<plan_id>/targets")
@login_required
def plan_targets(plan_id, problem: dict | None = None):
    plan, unit = plan_in_view(plan_id, "plan")
    return render_template("learning/plans/targets.html", plan=plan, unit=unit, grid=forms.target_grid(plan, unit),
                           problem=problem), status_of(problem)


@plan_pages.post("/plans/<plan_id>/targets")
@login_required
@unit_of_work
def plan_targets_save(plan_id):
    plan, unit = plan_in_view(plan_id, "plan")  # a unit hands targets down to its own child units
    return refusable(lambda: targets_saved(plan, unit), shown_again(plan_targets, plan_id))


def targets_saved(plan, unit):
    wanted = forms.targets_from(request.form, plan, unit)
    services.set_targets(plan, wanted, by=g.user)
    return saved(url_for("plans.plan_page", plan_id=plan.id, unit=unit.code),
                 _("Đã giao chỉ tiêu cho các đơn vị trực thuộc."))
