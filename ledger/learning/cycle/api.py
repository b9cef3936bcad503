"""Assessments and recognitions over the JSON API (API.md "Learning society"): thin views — load with the
permission check, call the service; the unit of work commits."""
from flask import g

from ledger.core.endpoints import Blueprint
from ledger.core.schemas import page
from ledger.learning.cycle import pdfs, schemas
from ledger.learning.cycle.services import assessments, recognitions
from ledger.learning.registry.services import get_subject
from ledger.units.access import permitted, unit_for

cycle_api = Blueprint("learning_cycle_api", __name__, url_prefix="/api/v1",
                      description="Học tập: bình xét và công nhận danh hiệu")
PDF_DOC = {"responses": {"200": {"description": "PDF", "content": {
    "application/pdf": {"schema": {"type": "string", "format": "binary"}}}}}}


@cycle_api.write("/learning/subjects/<subject_id>/assessments", schemas.AssessmentOut, body=schemas.AssessmentIn)
def assess(data, subject_id):
    subject = get_subject(subject_id)
    return assessments.assess(permitted(subject, "assess", subject.unit), data, by=g.user)


@cycle_api.read("/learning/subjects/<subject_id>/assessments", schemas.AssessmentList,
                query=schemas.AssessmentQuery)
def list_assessments(query, subject_id):
    subject = get_subject(subject_id)
    items, total = assessments.assessments_of(permitted(subject, "read", subject.unit), query.get("year"),
                                              limit=query["limit"], offset=query["offset"])
    return page(items, total)


@cycle_api.read("/learning/assessments/<assessment_id>", schemas.AssessmentOut)
def get_assessment(assessment_id):
    found = assessments.get_assessment(assessment_id)
    return permitted(found, "read", found.subject.unit)


@cycle_api.write("/units/<code>/learning/recognitions", schemas.RecognitionOut, body=schemas.RecognitionIn)
def recognise(data, code):
    return recognitions.recognise(unit_for(code, "approve"), data, by=g.user)


@cycle_api.read("/units/<code>/learning/recognitions", schemas.RecognitionList, query=schemas.RecognitionQuery)
def list_recognitions(query, code):
    items, total = recognitions.recognitions_of(unit_for(code, "read"), year=query.get("year"),
                                                model=query.get("model"), limit=query["limit"],
                                                offset=query["offset"])
    return page(items, total)


@cycle_api.read("/learning/recognitions/<recognition_id>", schemas.RecognitionOut)
def get_recognition(recognition_id):
    found = recognitions.get_recognition(recognition_id)
    return permitted(found, "read", found.unit)


@cycle_api.get("/learning/recognitions/<recognition_id>/pdf")
@cycle_api.arguments(schemas.RecognitionPdfQuery, location="query")
@cycle_api.doc(**PDF_DOC)
def recognition_pdf(query, recognition_id):
    found = recognitions.get_recognition(recognition_id)
    return pdfs.recognition_pdf(permitted(found, "read", found.unit), query["part"])
