"""Pages of the registry (for the branch head and the commune): a unit's subjects by model with search and
counts, the add form, Excel import (template per model) and export, the start-of-year registration; a subject
with its history (registrations, moves, assessments, recognitions) and its move form; a unit's population and
households, edited by hand or imported. Personal data (names, heads, addresses) only behind login.
"""
from flask import Blueprint, g, render_template, request, url_for

from ledger.accounts.community.routes import status_of
from ledger.accounts.community.schemas import optional_amount
from ledger.accounts.community.services.members import set_population
from ledger.accounts.treasury.routes import saved, shown_again
from ledger.accounts.treasury.schemas import load_form
from ledger.auth.routes import login_required
from ledger.core import permissions
from ledger.core.dates import vn_today
from ledger.core.edge import refusable, unit_of_work
from ledger.core.i18n import _
from ledger.learning.models import MODELS
from ledger.learning.registry import importer, pages, schemas, services
from ledger.units.access import permitted, unit_for

registry_pages = Blueprint("learning_registry", __name__, template_folder="templates")


def chosen_model() -> str:
    model = request.values.get("model")
    return model if model in MODELS else "family"


@registry_pages.get("/units/<code>/learning/subjects")
@login_required
def subject_list(code, problem: dict | None = None):
    unit = unit_for(code, "read")
    context = pages.list_context(unit, chosen_model(), request.args.get("year", type=int) or vn_today().year,
                                 request.args.get("q", ""), request.args.get("offset", 0, type=int))
    return render_template("learning/registry/subjects.html", unit=unit, problem=problem,
                           can_assess=permissions.allowed(g.user, "assess", unit), **context), status_of(problem)


@registry_pages.post("/units/<code>/learning/subjects")
@login_required
@unit_of_work
def subject_add(code):
    unit = unit_for(code, "assess")
    return refusable(lambda: add_subject(unit), shown_again(subject_list, code))


def add_subject(unit):
    data = pages.subject_form(request.form)
    subject = services.create_subject(unit, data, by=g.user)
    return saved(url_for("learning_registry.subject_list", code=unit.code, model=subject.model),
                 _("Đã đăng ký %(name)s.", name=subject.name))


@registry_pages.post("/units/<code>/learning/subjects/import")
@login_required
@unit_of_work
def subject_import(code):
    unit = unit_for(code, "assess")
    return refusable(lambda: import_subjects(unit), shown_again(subject_list, code))


def import_subjects(unit):
    model, upload = chosen_model(), pages.uploaded(request.files.get("file"))
    result = importer.import_subjects(unit, model, upload.read(importer.spreadsheets.MAX_FILE_BYTES + 1),
                                      upload.filename or "", by=g.user)
    pages.refuse_rows(result["errors"], _("Danh sách có dòng sai; chưa nhập đối tượng nào."))
    return saved(url_for("learning_registry.subject_list", code=unit.code, model=model),
                 _("Đã nhập %(created)s đối tượng; bỏ qua %(skipped)s đã có.", **result))


@registry_pages.get("/units/<code>/learning/subjects/template")
@login_required
def subject_template(code):
    unit_for(code, "read")
    model = chosen_model()
    return pages.xlsx_download(importer.template_bytes(model), f"mau-{model}.xlsx")


@registry_pages.get("/units/<code>/learning/subjects/export")
@login_required
def subject_export(code):
    unit, model = unit_for(code, "read"), chosen_model()
    year = request.args.get("year", type=int) or vn_today().year
    return pages.xlsx_download(importer.export_bytes(unit, model, year), f"{model}-{unit.code}-{year}.xlsx")


@registry_pages.post("/units/<code>/learning/registrations")
@login_required
@unit_of_work
def register_year(code):
    unit = unit_for(code, "assess")
    return refusable(lambda: register_all(unit), shown_again(subject_list, code))


def register_all(unit):
    data = load_form(schemas.RegisterYearIn, {"year": request.form.get("year", type=int), "model": chosen_model()})
    count = services.register_year(unit, data["model"], data["year"], by=g.user)
    return saved(url_for("learning_registry.subject_list", code=unit.code, model=data["model"], year=data["year"]),
                 _("Đã đăng ký năm %(year)s thêm %(count)s đối tượng.", year=data["year"], count=count))


# ---- one subject ------------------------------------------------------------------------------

@registry_pages.get("/learning/subjects/<int:subject_id>")
@login_required
def subject_page(subject_id, problem: dict | None = None):
    subject = permitted(services.get_subject(subject_id), "read")
    return render_template("learning/registry/subject.html", subject=subject, problem=problem, year=vn_today().year,
                           can_assess=permissions.allowed(g.user, "assess", subject.unit),
                           **pages.subject_context(subject)), status_of(problem)


@registry_pages.post("/learning/subjects/<int:subject_id>")
@login_required
@unit_of_work
def subject_edit(subject_id):
    subject = permitted(services.get_subject(subject_id), "assess")
    return refusable(lambda: edit_subject(subject), shown_again(subject_page, subject_id))


def edit_subject(subject):
    data = pages.subject_update_form(request.form)
    services.update_subject(subject, data, by=g.user)
    return saved(url_for("learning_registry.subject_page", subject_id=subject.id), _("Đã lưu."))


@registry_pages.post("/learning/subjects/<int:subject_id>/move")
@login_required
@unit_of_work
def subject_move(subject_id):
    subject = permitted(services.get_subject(subject_id), "assess")
    return refusable(lambda: move_subject(subject), shown_again(subject_page, subject_id))


def move_subject(subject):
    code = load_form(schemas.SubjectMoveIn, {"unit": request.form.get("unit", "").strip()})["unit"]
    target = unit_for(code, "assess")
    services.move_subject(subject, target, by=g.user)
    return saved(url_for("learning_registry.subject_page", subject_id=subject.id),
                 _("Đã chuyển %(name)s sang %(unit)s.", name=subject.name, unit=target.name))


# ---- population -------------------------------------------------------------------------------

@registry_pages.get("/units/<code>/learning/population")
@login_required
def population_page(code, problem: dict | None = None):
    unit = unit_for(code, "read")
    return render_template("learning/registry/population.html", unit=unit, problem=problem,
                           can_setup=permissions.allowed(g.user, "setup", unit),
                           **pages.population_context(unit)), status_of(problem)


@registry_pages.post("/units/<code>/learning/population")
@login_required
@unit_of_work
def population_set(code):
    unit = unit_for(code, "setup")
    return refusable(lambda: save_population(unit), shown_again(population_page, code))


def save_population(unit):
    errors: dict = {}
    data = {"population": optional_amount(request.form.get("population"), errors, "population"),
            "households": optional_amount(request.form.get("households"), errors, "households")}
    data = load_form(pages.PopulationFormIn, data, errors)
    set_population(unit, data["population"], households=data["households"], by=g.user)
    return saved(url_for("learning_registry.population_page", code=unit.code),
                 _("Đã cập nhật dân số và số hộ của %(unit)s.", unit=unit.name))


@registry_pages.post("/units/<code>/learning/population/import")
@login_required
@unit_of_work
def population_import(code):
    unit = unit_for(code, "setup")
    return refusable(lambda: import_population(unit), shown_again(population_page, code))


def import_population(unit):
    upload = pages.uploaded(request.files.get("file"))
    result = importer.import_population(unit, upload.read(importer.spreadsheets.MAX_FILE_BYTES + 1),
                                        upload.filename or "", by=g.user)
    pages.refuse_rows(result["errors"], _("Tệp có dòng sai; chưa cập nhật đơn vị nào."))
    return saved(url_for("learning_registry.population_page", code=unit.code),
                 _("Đã cập nhật dân số của %(n)s đơn vị.", n=result["updated"]))


@registry_pages.get("/units/<code>/learning/population/template")
@login_required
def population_template(code):
    unit = unit_for(code, "read")
    return pages.xlsx_download(importer.population_template_bytes(unit), f"dan-so-{unit.code}.xlsx")

