"""Coverage in and out of the API (API.md "Learning society")."""
from marshmallow import fields, validate

from ledger.core.schemas import MAX_YEAR, MIN_YEAR, Schema


class CoverageQuery(Schema):
    year = fields.Integer(load_default=None, validate=validate.Range(MIN_YEAR, MAX_YEAR))


class ModelCoverageOut(Schema):
    subjects = fields.Integer()
    assessed = fields.Integer()
    passed = fields.Integer()
    recognized = fields.Integer()
    base = fields.Integer()
    percent = fields.Float()


def _models_field():
    return fields.Dict(keys=fields.String(), values=fields.Nested(ModelCoverageOut))


class UnitCoverageOut(Schema):
    unit = fields.String()
    unit_name = fields.String()
    models = _models_field()


class CoverageOut(Schema):
    year = fields.Integer()
    unit = fields.String()
    unit_name = fields.String()
    models = _models_field()
    by_unit = fields.List(fields.Nested(UnitCoverageOut))
