"""What the registry's pages show and read: the list's context (counts from the kept tallies), a subject's
history read from the models, a unit's population table, and the page forms read into the API's *In schemas."""
import io

from flask import send_file
from marshmallow import fields, validate
from sqlalchemy import select

from ledger.accounts.treasury.schemas import load_form
from ledger.core.errors import ValidationFailed
from ledger.core.export import XLSX_MIMETYPE
from ledger.core.i18n import _
from ledger.core.schemas import Schema
from ledger.extensions import db
from ledger.learning import tallies
from ledger.learning.models import MODELS, Assessment, LearningSubject, Recognition, RecognitionItem, Registration
from ledger.learning.registry import importer, schemas, services
from ledger.units.models import Unit

PAGE_SIZE = 100
CLAN_CHOICES = 500


class PopulationFormIn(Schema):
    """The page's population form: both counts may be left blank (unknown)."""
    population = fields.Integer(strict=True, allow_none=True, validate=validate.Range(0, 10**9))
    households = fields.Integer(strict=True, allow_none=True, validate=validate.Range(0, 10**9))


def xlsx_download(data: bytes, filename: str):
    response = send_file(io.BytesIO(data), mimetype=XLSX_MIMETYPE, as_attachment=True, download_name=filename)
    response.headers["Cache-Control"] = "private, no-store"  # names of households: never in a shared cache
    return response


def uploaded(upload):
    if upload is None or not upload.filename:
        raise ValidationFailed(field="file", message=_("Chọn tệp Excel (.xlsx)."))
    return upload


def refuse_rows(errors: list[dict], message: str) -> None:
    """An import's row errors as a refusal of the page form: each row's messages under "Dòng N"."""
    if errors:
        by_row: dict[str, list[str]] = {}
        for error in errors:
            by_row.setdefault(_("Dòng %(row)s", row=error["row"]), []).append(error["message"])
        raise ValidationFailed(message, errors=by_row)


def clan_choices(unit: Unit) -> list[LearningSubject]:
    """The clans a family at `unit` may belong to: those registered in its commune."""
    scope = services.commune_of(unit)
    return list(db.session.scalars(services.subjects_query(scope, "clan").order_by(LearningSubject.name)
                                   .limit(CLAN_CHOICES)))


def list_context(unit: Unit, model: str, year: int, q: str, offset: int) -> dict:
    offset = max(offset, 0)
    subjects, total = services.list_subjects(unit, model=model, q=q, limit=PAGE_SIZE, offset=offset)
    shown = [subject.id for subject in subjects]
    registered = set(db.session.scalars(select(Registration.subject_id).where(
        Registration.subject_id.in_(shown), Registration.year == year))) if shown else set()
    return {"model": model, "year": year, "q": q, "offset": offset, "subjects": subjects, "total": total,
            "page_size": PAGE_SIZE, "registered": registered, "counts": tallies.tallies_of([unit.id], year)[unit.id],
            "base": tallies.bases_of([unit.id])[unit.id], "models": MODELS, "model_labels": services.MODEL_LABELS,
            "clans": clan_choices(unit) if model == "family" else [], "headers": importer.template_headers(model)}


def subject_context(subject: LearningSubject) -> dict:
    assessments = db.session.scalars(select(Assessment).where(Assessment.subject_id == subject.id)
                                     .order_by(Assessment.year.desc(), Assessment.id.desc())).all()
    recognitions = db.session.execute(select(RecognitionItem, Recognition).join(
        Recognition, RecognitionItem.recognition_id == Recognition.id).where(RecognitionItem.subject_id == subject.id)
        .order_by(RecognitionItem.year.desc())).all()
    unit_ids = {a.unit_id for a in assessments} | {item.unit_id for item, _r in recognitions} | {
        r.unit_id for _i, r in recognitions}
    units = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(unit_ids)))} if unit_ids else {}
    scope = services.commune_of(subject.unit)
    nearby = db.session.scalars(select(Unit).where(services.subtree_filter(scope.path), Unit.status == "active")
                                .order_by(Unit.path).limit(200)).all()
    return {"registrations": services.registration_rows(subject), "moves": services.moves_of(subject),
            "assessments": assessments, "recognitions": recognitions, "units_by_id": units,
            "model_labels": services.MODEL_LABELS, "nearby_units": nearby,
            "clans": clan_choices(subject.unit) if subject.model == "family" else []}


def population_context(unit: Unit) -> dict:
    children = db.session.scalars(select(Unit).where(Unit.parent_id == unit.id).order_by(Unit.name)).all()
    return {"children": children, "sums": tallies.bases_of([unit.id] + [child.id for child in children])}


# ---- forms ------------------------------------------------------------------------------------

def _members(form, errors: dict):
    try:
        return importer.whole_number(form.get("members"))
    except ValueError as exc:
        errors["members"] = [str(exc)]
        return None


def _clan(form, errors: dict):
    text = (form.get("clan") or "").strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()):
        errors["clan"] = [_("Chọn dòng họ trong danh sách.")]
        return None
    return int(text)


def subject_form(form) -> dict:
    """The add form, read by the API's SubjectIn ("1.500" accepted for members)."""
    errors: dict = {}
    data = {"model": form.get("model", ""), "name": (form.get("name") or "").strip(),
            "head_name": (form.get("head_name") or "").strip(), "address": (form.get("address") or "").strip(),
            "kind": (form.get("kind") or "").strip(), "members": _members(form, errors),
            "publish_consent": form.get("publish_consent") in ("1", "on", "yes"), "clan": _clan(form, errors)}
    if not data["name"]:
        errors["name"] = [_("Cần nhập tên.")]
    return load_form(schemas.SubjectIn, data, errors)


def subject_update_form(form) -> dict:
    errors: dict = {}
    data = {"name": (form.get("name") or "").strip(), "head_name": (form.get("head_name") or "").strip(),
            "address": (form.get("address") or "").strip(), "kind": (form.get("kind") or "").strip(),
            "members": _members(form, errors), "publish_consent": form.get("publish_consent") in ("1", "on", "yes")}
    if "clan" in form:
        data["clan"] = _clan(form, errors)
    if not data["name"]:
        errors["name"] = [_("Cần nhập tên.")]
    return load_form(schemas.SubjectUpdateIn, data, errors)
