"""Schemas of criteria sets (API.md "Learning society"), named by direction. The rules of a definition
(unique codes, points, pass mark, grades, computed criteria) are checked by rules.validate_definition."""
from marshmallow import fields, validate

from ledger.core.schemas import Schema
from ledger.learning.criteria.rules import MAX_POINTS, MEASURES
from ledger.learning.models import MODELS
from ledger.units.models import LEVELS

CODE = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,59}$")
YEAR = validate.Range(2000, 2200)
POINTS = validate.Range(0, MAX_POINTS)


class ComputedIn(Schema):
    measure = fields.String(required=True, validate=validate.OneOf(tuple(MEASURES)))
    percent = fields.Integer(strict=True, required=True, validate=validate.Range(1, 100))


class CriterionIn(Schema):
    code = fields.String(required=True, validate=validate.Length(1, 60))
    name = fields.String(required=True, validate=validate.Length(1, 500))
    points = fields.Integer(strict=True, load_default=None, allow_none=True, validate=POINTS)
    min_points = fields.Integer(strict=True, load_default=None, allow_none=True, validate=POINTS)
    computed = fields.Nested(ComputedIn, load_default=None, allow_none=True)


class GradeIn(Schema):
    name = fields.String(required=True, validate=validate.Length(1, 40))
    min_points = fields.Integer(strict=True, required=True, validate=POINTS)


class CriteriaSetIn(Schema):
    code = fields.String(required=True, validate=CODE)
    model = fields.String(required=True, validate=validate.OneOf(MODELS))
    name = fields.String(required=True, validate=validate.Length(1, 300))
    owner_unit = fields.String(required=True, validate=validate.Length(1, 40))
    year_from = fields.Integer(strict=True, required=True, validate=YEAR)
    criteria = fields.List(fields.Nested(CriterionIn), required=True, validate=validate.Length(1, 60))
    pass_mark = fields.Integer(strict=True, load_default=None, allow_none=True, validate=POINTS)
    grades = fields.List(fields.Nested(GradeIn), load_default=None, allow_none=True, validate=validate.Length(max=10))
    recognized_by = fields.String(load_default="commune", validate=validate.OneOf(LEVELS))
    note = fields.String(load_default="", validate=validate.Length(max=4000))


class CriteriaSetUpdateIn(Schema):
    """Every field optional: what is sent replaces what was there (pass_mark null makes the set all-of)."""
    name = fields.String(validate=validate.Length(1, 300))
    year_from = fields.Integer(strict=True, validate=YEAR)
    criteria = fields.List(fields.Nested(CriterionIn), validate=validate.Length(1, 60))
    pass_mark = fields.Integer(strict=True, allow_none=True, validate=POINTS)
    grades = fields.List(fields.Nested(GradeIn), allow_none=True, validate=validate.Length(max=10))
    recognized_by = fields.String(validate=validate.OneOf(LEVELS))
    note = fields.String(validate=validate.Length(max=4000))


class CriteriaQuery(Schema):
    model = fields.String(required=True, validate=validate.OneOf(MODELS))
    unit = fields.String(required=True, validate=validate.Length(1, 40))
    year = fields.Integer(required=True, validate=YEAR)


class CriteriaSetOut(Schema):
    id = fields.Integer()
    code = fields.String()
    model = fields.String()
    name = fields.String()
    owner_unit = fields.String()
    year_from = fields.Integer()
    scored = fields.Boolean()
    pass_mark = fields.Integer(allow_none=True)
    criteria = fields.Raw()
    grades = fields.Raw(allow_none=True)
    recognized_by = fields.String()
    default = fields.Boolean()
    note = fields.String()
