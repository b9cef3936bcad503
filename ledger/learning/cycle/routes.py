"""Pages of the yearly cycle: the branch head's assessment form for a subject (one input per criterion of the
applying set, computed criteria shown as their figure) and its result; the commune chair's recognition page
(passed, unrecognised subjects of the subtree, ticked), the decision page with its PDFs, and the list."""
from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from ledger.accounts.community.routes import chosen_year, status_of
from ledger.accounts.treasury.routes import shown_again
from ledger.accounts.treasury.schemas import load_form
from ledger.core import permissions
from ledger.core.dates import vn_today
from ledger.core.edge import refusable, unit_of_work
from ledger.core.i18n import _
from ledger.core.inputs import parse_id
from ledger.core.judging import verdict
from ledger.core.web import login_required
from ledger.learning.criteria import rules
from ledger.learning.criteria import services as criteria
from ledger.learning.cycle import figures, pdfs, schemas
from ledger.learning.cycle.services import assessments, recognitions
from ledger.learning.models import MODELS
from ledger.learning.registry.services import get_subject
from ledger.units.access import permitted, unit_for

cycle_pages = Blueprint("learning_cycle", __name__, template_folder="templates")


def chosen_model() -> str:
    model = request.values.get("model") or "family"
    if model not in MODELS:
        abort(404)
    return model


# ---- assessing a subject ------------------------------------------------------------------------

@cycle_pages.get("/learning/subjects/<int:subject_id>/assess")
@login_required
def assess_form(subject_id, problem: dict | None = None):
    subject = get_subject(subject_id)
    permitted(subject, "read", subject.unit)
    year = chosen_year()
    return render_template("learning/cycle/assess.html", subject=subject, year=year, problem=problem,
                           form=assess_form_context(subject, year), values=request.form,
                           current=assessments.current_assessment(subject, year),
                           frozen=assessments.is_recognized(subject, year), today=vn_today(),
                           model_label=criteria.model_label(subject.model),
                           can_assess=permissions.allowed(g.user, "assess", subject.unit)), status_of(problem)


def assess_form_context(subject, year: int) -> dict:
    """The applying set's criteria for the form (asked ones) and the computed ones with their figure."""
    criteria_set = criteria.nearest_set(subject.unit, subject.model, year)
    if criteria_set is None:
        return {"set": None, "missing": criteria.no_set_message(subject.unit, subject.model, year)}
    definition = criteria.definition(criteria_set)
    shown = figures.computed_figures(subject, year, definition)
    return {"set": criteria_set, "scored": rules.is_scored(definition), "criteria": definition["criteria"],
            "figures": shown, "default_banner": criteria.DEFAULT_BANNER}


@cycle_pages.post("/learning/subjects/<int:subject_id>/assess")
@login_required
@unit_of_work
def assess_save(subject_id):
    subject = get_subject(subject_id)
    permitted(subject, "assess", subject.unit)
    return refusable(lambda: save_assessment(subject), shown_again(assess_form, subject_id))


def save_assessment(subject):
    made = assessments.assess(subject, load_form(schemas.AssessmentIn, assessment_form_data(subject)), by=g.user)
    flash(_("Đã lưu kết quả đánh giá năm %(year)s: %(verdict)s.", year=made.year,
            verdict=verdict(made.is_passed)))
    return redirect(url_for("learning_cycle.assessment_page", assessment_id=made.id), 303)


def assessment_form_data(subject) -> dict:
    """The posted form as AssessmentIn reads it: a number per scored criterion, a tick per all-of criterion."""
    form, year = request.form, chosen_year()
    data = {"year": year, "assessed_on": form.get("assessed_on") or None, "self": form.get("self") == "1",
            "note": form.get("note", "")}
    criteria_set = criteria.nearest_set(subject.unit, subject.model, year)
    if criteria_set is None:
        return {**data, "answers": {}}  # the service refuses it with the reason
    scored, answers = criteria_set.pass_mark is not None, {}
    for criterion in criteria_set.criteria:
        code = criterion["code"]
        if criterion.get("computed"):
            continue
        if scored:
            typed = form.get(f"answer_{code}", "").strip()
            if typed:
                answers[code] = int(typed) if typed.isascii() and typed.isdigit() else typed  # "²" stays text: 422
        else:
            answers[code] = form.get(f"answer_{code}") == "1"
    return {**data, "answers": answers}


@cycle_pages.get("/learning/assessments/<int:assessment_id>")
@login_required
def assessment_page(assessment_id):
    found = assessments.get_assessment(assessment_id)
    subject = permitted(found, "read", found.subject.unit).subject
    return render_template("learning/cycle/assessment.html", assessment=found, subject=subject,
                           model_label=criteria.model_label(subject.model),
                           can_assess=permissions.allowed(g.user, "assess", subject.unit))


# ---- recognising ------------------------------------------------------------------------------------

@cycle_pages.get("/units/<code>/learning/recognitions")
@login_required
def recognition_list(code):
    unit = unit_for(code, "read")
    year, model = request.args.get("year", type=int), request.args.get("model") or None
    found, total = recognitions.recognitions_of(unit, year=year, model=model if model in MODELS else None,
                                                limit=200)
    return render_template("learning/cycle/recognitions.html", unit=unit, found=found, total=total, year=year,
                           model=model, models=MODELS, label=criteria.model_label, this_year=vn_today().year,
                           can_approve=permissions.allowed(g.user, "approve", unit))


@cycle_pages.get("/units/<code>/learning/recognitions/new")
@login_required
def recognition_form(code, problem: dict | None = None):
    unit = unit_for(code, "approve")
    year, model = chosen_year(), chosen_model()
    candidates = recognitions.recognisable(unit, model, year)
    return render_template("learning/cycle/recognition_form.html", unit=unit, year=year, model=model,
                           models=MODELS, label=criteria.model_label, candidates=candidates, problem=problem,
                           values=request.form, today=vn_today(), me=g.user), status_of(problem)


@cycle_pages.post("/units/<code>/learning/recognitions")
@login_required
@unit_of_work
def recognition_create(code):
    unit = unit_for(code, "approve")
    return refusable(lambda: save_recognition(unit), shown_again(recognition_form, code))


def save_recognition(unit):
    form = request.form
    data = {"year": chosen_year(), "model": chosen_model(), "decision_number": form.get("decision_number", ""),
            "decided_on": form.get("decided_on", ""),
            "subjects": [number for value in form.getlist("subjects") if (number := parse_id(value))]}
    made = recognitions.recognise(unit, load_form(schemas.RecognitionIn, data), by=g.user)
    flash(_("Đã công nhận %(count)s đối tượng theo Quyết định số %(number)s.", count=len(made.items),
            number=made.decision_number))
    for refused in made.refused:
        flash(_("Không công nhận mã %(id)s: %(reason)s", id=refused["id"], reason=refused["reason"]))
    return redirect(url_for("learning_cycle.recognition_page", recognition_id=made.id), 303)


@cycle_pages.get("/learning/recognitions/<int:recognition_id>")
@login_required
def recognition_page(recognition_id):
    found = recognitions.get_recognition(recognition_id)
    permitted(found, "read", found.unit)
    return render_template("learning/cycle/recognition.html", recognition=found,
                           rows=recognitions.item_rows(found), title=criteria.model_label(found.model))


@cycle_pages.get("/learning/recognitions/<int:recognition_id>/pdf")
@login_required
def recognition_pdf(recognition_id):
    found = recognitions.get_recognition(recognition_id)
    part = request.args.get("part") if request.args.get("part") in schemas.PARTS else None
    return pdfs.recognition_pdf(permitted(found, "read", found.unit), part)
