"""Inspections and findings over the API, named by direction; the pages' forms load the same *In schemas."""
from marshmallow import fields, validate

from ledger.core.inputs import MAX_ID
from ledger.core.schemas import Schema, list_schema
from ledger.inspection.models import FINDING_STATUSES, SEVERITIES

TEXT = validate.Length(1, 4000)
DOCUMENT_ID = {"strict": True, "load_default": None, "allow_none": True, "validate": validate.Range(1, MAX_ID)}


class InspectionIn(Schema):
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    scheduled_on = fields.Date(required=True)
    scope = fields.String(required=True, validate=TEXT)
    members = fields.String(required=True, validate=validate.Length(1, 500))


class FindingIn(Schema):
    severity = fields.String(required=True, validate=validate.OneOf(SEVERITIES))
    description = fields.String(required=True, validate=TEXT)
    follow_up = fields.String(required=True, validate=TEXT)
    due_on = fields.Date(load_default=None, allow_none=True)
    entry_id = fields.Integer(**DOCUMENT_ID)
    receipt_id = fields.Integer(**DOCUMENT_ID)
    disbursement_id = fields.Integer(**DOCUMENT_ID)


class FindingAnswerIn(Schema):
    answer = fields.String(required=True, validate=TEXT)


class FindingCloseIn(Schema):
    note = fields.String(load_default="", validate=validate.Length(0, 4000))


class FindingOut(Schema):
    id = fields.Integer()
    inspection_id = fields.Integer()
    unit = fields.String()
    entry_id = fields.Integer(allow_none=True)
    receipt_id = fields.Integer(allow_none=True)
    disbursement_id = fields.Integer(allow_none=True)
    severity = fields.String(validate=validate.OneOf(SEVERITIES))
    description = fields.String()
    follow_up = fields.String()
    due_on = fields.String(allow_none=True)
    status = fields.String(validate=validate.OneOf(FINDING_STATUSES))
    answer = fields.String(allow_none=True)
    answered_at = fields.String(allow_none=True)
    closing_note = fields.String(allow_none=True)
    closed_at = fields.String(allow_none=True)


class InspectionOut(Schema):
    id = fields.Integer()
    unit = fields.String()
    period_start = fields.String()
    period_end = fields.String()
    scheduled_on = fields.String()
    scope = fields.String()
    members = fields.String()
    findings = fields.List(fields.Nested(FindingOut))


InspectionList = list_schema(InspectionOut, "InspectionList")
