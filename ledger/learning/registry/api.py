"""The registry over the JSON API (API.md "Learning society": subjects; the population PUT lives with the
members in accounts/community). Thin views: load with the permission check, call the service."""
from flask import g, request

from ledger.core.endpoints import Blueprint
from ledger.core.errors import ValidationFailed
from ledger.core.i18n import _
from ledger.core.schemas import page
from ledger.learning.models import MODELS
from ledger.learning.registry import importer, schemas, services
from ledger.units.access import permitted, unit_for

registry_api = Blueprint("learning_registry_api", __name__, url_prefix="/api/v1",
                         description="Sổ đăng ký các mô hình học tập")


@registry_api.write("/units/<code>/learning/subjects", schemas.SubjectOut, body=schemas.SubjectIn)
def create_subject(data, code):
    return services.create_subject(unit_for(code, "assess"), data, by=g.user)


@registry_api.read("/units/<code>/learning/subjects", schemas.SubjectList, query=schemas.LearningSubjectQuery)
def list_subjects(query, code):
    items, total = services.list_subjects(unit_for(code, "read"), model=query.get("model"), year=query.get("year"),
                                          q=query.get("q"), limit=query["limit"], offset=query["offset"])
    return page(items, total)


@registry_api.read("/learning/subjects/<subject_id>", schemas.SubjectDetailOut)
def get_subject(subject_id):
    subject = permitted(services.get_subject(subject_id), "read")
    return {**services.describe(subject), "registrations": services.registration_rows(subject)}


@registry_api.write("/learning/subjects/<subject_id>", schemas.SubjectOut, body=schemas.SubjectUpdateIn,
                    status=200, method="PUT")
def update_subject(data, subject_id):
    return services.update_subject(permitted(services.get_subject(subject_id), "assess"), data, by=g.user)


@registry_api.write("/learning/subjects/<subject_id>/move", schemas.SubjectOut, body=schemas.SubjectMoveIn, status=200)
def move_subject(data, subject_id):
    subject = permitted(services.get_subject(subject_id), "assess")
    return services.move_subject(subject, unit_for(data["unit"], "assess"), by=g.user)


@registry_api.write("/learning/subjects/<subject_id>/registrations", schemas.SubjectRegistrationOut,
                    body=schemas.SubjectRegistrationIn)
def register(data, subject_id):
    subject = permitted(services.get_subject(subject_id), "assess")
    services.register(subject, data["year"], on=data.get("registered_on"), by=g.user)
    return next(row for row in services.registration_rows(subject) if row["year"] == data["year"])


@registry_api.write("/units/<code>/learning/registrations", schemas.RegisterYearOut, body=schemas.RegisterYearIn,
                    status=200)
def register_year(data, code):
    unit = unit_for(code, "assess")
    count = services.register_year(unit, data.get("model"), data["year"], by=g.user)
    return {"unit": unit.code, "year": data["year"], "model": data.get("model"), "registered": count}


@registry_api.write("/units/<code>/learning/subjects/import", schemas.SubjectImportOut, status=200)
def import_subjects(code):
    """Multipart: `file` (XLSX or CSV) and `model`. All or nothing: with any bad row, `created` is 0 and
    `errors` names each row and column."""
    unit = unit_for(code, "assess")
    model = request.form.get("model", "")
    if model not in MODELS:
        raise ValidationFailed(field="model", message=_("Mô hình phải là một trong: %(models)s.",
                                                        models=", ".join(MODELS)))
    upload = uploaded_file()
    return importer.import_subjects(unit, model, upload.read(importer.spreadsheets.MAX_FILE_BYTES + 1),
                                    upload.filename or "", by=g.user)


@registry_api.write("/units/<code>/population/import", schemas.PopulationImportOut, status=200)
def import_population(code):
    """Multipart `file`: rows (mã đơn vị, dân số, số hộ) of units in the subtree; all or nothing."""
    unit = unit_for(code, "setup")
    upload = uploaded_file()
    return importer.import_population(unit, upload.read(importer.spreadsheets.MAX_FILE_BYTES + 1),
                                      upload.filename or "", by=g.user)


def uploaded_file():
    upload = request.files.get("file")
    if upload is None:
        raise ValidationFailed(field="file", message=_("Cần gửi tệp Excel trong trường \"file\"."))
    return upload
