"""Schemas of assessments and recognitions (API.md "Learning society"), named by direction."""
from marshmallow import fields, validate

from ledger.core.schemas import PageQuery, Schema
from ledger.learning.cycle.services.recognitions import item_rows, unit_code
from ledger.learning.models import MODELS

YEAR_RANGE = validate.Range(2000, 2200)
PARTS = ("decision", "certificates")


class AssessmentIn(Schema):
    year = fields.Integer(strict=True, required=True, validate=YEAR_RANGE)
    answers = fields.Dict(keys=fields.String(validate=validate.Length(1, 60)), values=fields.Raw(allow_none=True),
                          required=True, validate=validate.Length(max=100))
    assessed_on = fields.Date(load_default=None, allow_none=True)
    is_self = fields.Boolean(data_key="self", load_default=False)
    note = fields.String(load_default="", validate=validate.Length(max=2000))


class AssessmentOut(Schema):
    id = fields.Integer()
    subject = fields.Integer(attribute="subject_id")
    unit = fields.Function(lambda a: unit_code(a.unit_id))  # where the subject was when assessed
    year = fields.Integer()
    criteria_set = fields.Function(lambda a: a.criteria_set.code)
    score = fields.Integer(allow_none=True)
    passed = fields.Boolean(attribute="is_passed")
    grade = fields.String(allow_none=True)
    reasons = fields.List(fields.Dict())
    answers = fields.Dict()
    self = fields.Boolean(attribute="is_self")
    status = fields.String()
    recognized = fields.Boolean(attribute="is_recognized")
    assessed_on = fields.Date()
    note = fields.String()
    created_at = fields.DateTime()


class AssessmentList(Schema):
    items = fields.List(fields.Nested(AssessmentOut))
    total = fields.Integer()


class AssessmentQuery(PageQuery):
    year = fields.Integer(validate=YEAR_RANGE)


class RecognitionIn(Schema):
    year = fields.Integer(strict=True, required=True, validate=YEAR_RANGE)
    model = fields.String(required=True, validate=validate.OneOf(MODELS))
    decision_number = fields.String(required=True, validate=[validate.Length(1, 60), validate.Regexp(r"\s*\S")])
    decided_on = fields.Date(required=True)
    subjects = fields.List(fields.Integer(strict=True, validate=validate.Range(1, 2**63 - 1)), required=True,
                           validate=validate.Length(1, 5000))


class RecognitionItemOut(Schema):
    position = fields.Integer()
    subject = fields.Integer()
    name = fields.String()
    head_name = fields.String()
    address = fields.String()
    score = fields.Integer(allow_none=True)
    grade = fields.String(allow_none=True)
    unit = fields.Function(lambda row: row["unit"].code)
    assessment = fields.Integer()


class RecognitionSummaryOut(Schema):
    id = fields.Integer()
    unit = fields.Function(lambda r: r.unit.code)
    year = fields.Integer()
    model = fields.String()
    decision_number = fields.String()
    decided_on = fields.Date()
    count = fields.Function(lambda r: len(r.items))


class RecognitionOut(RecognitionSummaryOut):
    recognized = fields.Function(lambda r: [item.subject_id for item in r.items])
    refused = fields.Function(lambda r: getattr(r, "refused", []))
    items = fields.Function(lambda r: RecognitionItemOut(many=True).dump(item_rows(r)))
    created_at = fields.DateTime()


class RecognitionList(Schema):
    items = fields.List(fields.Nested(RecognitionSummaryOut))
    total = fields.Integer()


class RecognitionQuery(PageQuery):
    year = fields.Integer(validate=YEAR_RANGE)
    model = fields.String(validate=validate.OneOf(MODELS))


class RecognitionPdfQuery(Schema):
    part = fields.String(load_default=None, validate=validate.OneOf(PARTS))
