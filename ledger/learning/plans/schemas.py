"""Plans, targets, manual values and progress over the API (API.md "Learning society"), named by direction."""
from decimal import ROUND_HALF_UP

import marshmallow as ma
from marshmallow import fields, validate

from ledger.core.i18n import _
from ledger.core.money import format_number
from ledger.core.schemas import Schema
from ledger.learning.plans.services import MEASURES

YEAR_RANGE = validate.Range(2000, 2100)
MAX_TARGET = 10**15


class Figure(fields.Decimal):
    """A target or reported value: a JSON number (whole đồng, a count, a percentage with decimals), ≥ 0."""

    def __init__(self, **kwargs):
        # The range is checked here, not by a validator: apispec would write a Decimal bound as a string,
        # which is not a valid OpenAPI `maximum`.
        super().__init__(places=2, rounding=ROUND_HALF_UP, metadata={"minimum": 0, "maximum": MAX_TARGET}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ma.ValidationError(_("Phải là một số."))
        if not 0 <= value <= MAX_TARGET:
            raise ma.ValidationError(_("Phải từ 0 đến %(max)s.", max=format_number(MAX_TARGET)))
        return super()._deserialize(value, attr, data, **kwargs)


class PlanIndicatorIn(Schema):
    code = fields.String(required=True, validate=validate.Length(1, 60))
    name = fields.String(required=True, validate=validate.Length(1, 300))
    measure = fields.String(required=True, validate=validate.OneOf(MEASURES))
    target = Figure(required=True)
    params = fields.Dict(keys=fields.String(), values=fields.Raw(allow_none=True), load_default=dict)


class PlanIn(Schema):
    year = fields.Integer(strict=True, required=True, validate=YEAR_RANGE)
    name = fields.String(required=True, validate=validate.Length(1, 300))
    report_due = fields.Date(load_default=None, allow_none=True)
    indicators = fields.List(fields.Nested(PlanIndicatorIn), required=True, validate=validate.Length(1, 50))


class PlanIndicatorOut(Schema):
    code = fields.String()
    name = fields.String()
    measure = fields.String()
    target = fields.Raw()
    params = fields.Raw()


class PlanOut(Schema):
    id = fields.Integer()
    unit = fields.String()
    year = fields.Integer()
    name = fields.String()
    report_due = fields.String(allow_none=True)
    indicators = fields.List(fields.Nested(PlanIndicatorOut))


class PlanList(Schema):
    items = fields.List(fields.Nested(PlanOut))
    total = fields.Integer()


class PlanQuery(Schema):
    year = fields.Integer(load_default=None, validate=YEAR_RANGE)


class PlanTargetIn(Schema):
    unit = fields.String(required=True, validate=validate.Length(1, 40))
    indicator = fields.String(required=True, validate=validate.Length(1, 60))
    target = Figure(required=True)


class PlanTargetsIn(Schema):
    targets = fields.List(fields.Nested(PlanTargetIn), required=True, validate=validate.Length(1, 5000))


class PlanTargetOut(Schema):
    unit = fields.String()
    indicator = fields.String()
    target = fields.Raw()


class PlanTargetsOut(Schema):
    targets = fields.List(fields.Nested(PlanTargetOut))


class PlanValuesIn(Schema):
    unit = fields.String(required=True, validate=validate.Length(1, 40))
    values = fields.Dict(keys=fields.String(validate=validate.Length(1, 60)), values=Figure(), required=True,
                         validate=validate.Length(min=1))
    notes = fields.Dict(keys=fields.String(validate=validate.Length(1, 60)),
                        values=fields.String(validate=validate.Length(0, 2000)), load_default=dict)


class PlanValuesOut(Schema):
    unit = fields.String()
    values = fields.Raw()
    notes = fields.Raw()


class PlanProgressQuery(Schema):
    unit = fields.String(load_default=None, validate=validate.Length(1, 40))


class PlanIndicatorProgress(Schema):
    code = fields.String()
    name = fields.String()
    measure = fields.String()
    target = fields.Raw()
    actual = fields.Raw()
    percent = fields.Raw()
    met = fields.Boolean()


class PlanUnitIndicator(Schema):
    code = fields.String()
    target = fields.Raw()
    actual = fields.Raw()
    met = fields.Boolean()


class PlanUnitProgress(Schema):
    unit = fields.String()
    name = fields.String()
    met_count = fields.Integer()
    indicators = fields.List(fields.Nested(PlanUnitIndicator))


class PlanProgressOut(Schema):
    plan = fields.Integer()
    year = fields.Integer()
    unit = fields.String()
    name = fields.String()
    met_count = fields.Integer()
    indicators = fields.List(fields.Nested(PlanIndicatorProgress))
    by_unit = fields.List(fields.Nested(PlanUnitProgress))
