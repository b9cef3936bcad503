"""Pages of criteria sets: those a unit sees (its own and its ancestors'), a set as an editable form (rows of
criteria, pass mark, grades), and a new set for a unit copied from the one that applies (a province's own guide).
"""
import re

from flask import Blueprint, g, render_template, request, url_for

from ledger.accounts.treasury.routes import problem_of, saved
from ledger.accounts.treasury.schemas import load_form
from ledger.auth.routes import login_required
from ledger.core import permissions
from ledger.core.dates import vn_today
from ledger.core.edge import refusable, unit_of_work
from ledger.core.errors import LedgerError
from ledger.core.i18n import _
from ledger.learning.criteria import forms, schemas, services
from ledger.learning.models import MODELS
from ledger.units.access import unit_for

criteria_pages = Blueprint("learning_criteria", __name__, template_folder="templates")
ROW = re.compile(r"^criteria\[(\d+)\]\.?(.*)$")


@criteria_pages.get("/units/<code>/learning/criteria")
@login_required
def criteria_list(code):
    unit = unit_for(code, "read")
    year = vn_today().year
    applying = {model: services.nearest_set(unit, model, year) for model in MODELS}
    return render_template("learning/criteria/list.html", unit=unit, year=year, sets=services.visible_sets(unit),
                           applying=applying, model_labels=services.MODEL_LABELS, banner=services.DEFAULT_BANNER,
                           can_plan=permissions.allowed(g.user, "plan", unit))


@criteria_pages.get("/units/<code>/learning/criteria/new")
@login_required
def criteria_new(code, problem: dict | None = None):
    unit = unit_for(code, "plan")
    model = request.values.get("model") if request.values.get("model") in MODELS else "family"
    status = problem["status"] if problem else 200
    return render_template("learning/criteria/form.html", unit=unit, model=model, problem=problem, creating=True,
                           values=forms.values_for_new(unit, model, services.nearest_set(unit, model, vn_today().year),
                                                       request.form if problem else None),
                           **forms.choices()), status


@criteria_pages.post("/units/<code>/learning/criteria/new")
@login_required
@unit_of_work
def criteria_create(code):
    unit = unit_for(code, "plan")
    return refusable(lambda: _create(unit), lambda exc: criteria_new(code, problem=_problem(exc)))


@criteria_pages.get("/learning/criteria/<set_code>")
@login_required
def criteria_page(set_code, problem: dict | None = None):
    criteria_set = services.get_set(set_code)
    can_edit = permissions.allowed(g.user, "plan", criteria_set.owner_unit)
    values = forms.values_of(services.describe(criteria_set), request.form if problem else None)
    return render_template("learning/criteria/form.html", criteria_set=criteria_set, unit=criteria_set.owner_unit,
                           model=criteria_set.model, values=values, can_edit=can_edit, problem=problem,
                           creating=False, banner=services.DEFAULT_BANNER,
                           model_label=services.model_label(criteria_set.model), **forms.choices()), \
        problem["status"] if problem else 200


@criteria_pages.post("/learning/criteria/<set_code>")
@login_required
@unit_of_work
def criteria_update(set_code):
    criteria_set = services.get_set(set_code)
    permissions.require(g.user, "plan", criteria_set.owner_unit)
    return refusable(lambda: _update(criteria_set), lambda exc: criteria_page(set_code, problem=_problem(exc)))


def _create(unit):
    data = load_form(schemas.CriteriaSetIn, *forms.read(request.form, with_identity=True, owner=unit.code),
                     flatten=forms.flat)
    created = services.create_set(data, by=g.user, owner=unit)
    return saved(url_for("learning_criteria.criteria_page", set_code=created.code),
                 _("Đã tạo bộ tiêu chí %(code)s.", code=created.code))


def _update(criteria_set):
    data = load_form(schemas.CriteriaSetUpdateIn, *forms.read(request.form), flatten=forms.flat)
    services.update_set(criteria_set, data, by=g.user)
    return saved(url_for("learning_criteria.criteria_page", set_code=criteria_set.code),
                 _("Đã lưu bộ tiêu chí %(code)s.", code=criteria_set.code))


def _problem(exc: LedgerError) -> dict:
    """The refusal, each criterion's message prefixed with its row number as the form shows it."""
    problem = problem_of(exc)
    labelled = {}
    for key, texts in problem["errors"].items():
        match = ROW.match(key)
        prefix = _("Dòng %(n)s: ", n=int(match[1]) + 1) if match else ""
        labelled[key] = [prefix + str(text) for text in texts]
    return {**problem, "errors": labelled}
