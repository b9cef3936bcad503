from marshmallow import fields, validate

from ledger.core.schemas import PageQuery, Schema, list_schema
from ledger.units.models import BEGINNING, LEVELS


class UnitIn(Schema):
    code = fields.String(required=True, validate=validate.Length(1, 40))
    name = fields.String(required=True, validate=validate.Length(1, 200))
    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    parent = fields.String(load_default=None, allow_none=True)
    population = fields.Integer(strict=True, load_default=None, allow_none=True, validate=validate.Range(0, 10**9))


class UnitOut(Schema):
    code = fields.String()
    name = fields.String()
    level = fields.String()
    parent = fields.Function(lambda unit: unit.parent.code if unit.parent else None)
    path = fields.String()
    status = fields.String()
    merged_into = fields.Function(lambda unit: unit.merged_into.code if unit.merged_into else None)
    merged_on = fields.Date()
    closed_through = fields.Date()
    population = fields.Integer()


class UnitQuery(PageQuery):
    parent = fields.String()
    q = fields.String()


class MoveIn(Schema):
    parent = fields.String(required=True)
    on = fields.Date(load_default=None)  # the effective date; today (Vietnam time) when left out


def since(period) -> str | None:
    """null for the first period: the unit was under that parent since it was recorded (BEGINNING)."""
    return None if period.valid_from == BEGINNING else period.valid_from.isoformat()


class ParentPeriodOut(Schema):
    """One period of a unit's parent history; valid_to (excluded) is null for today's parent."""
    parent = fields.Function(lambda period: period.parent.code if period.parent else None)
    parent_name = fields.Function(lambda period: period.parent.name if period.parent else None)
    valid_from = fields.Function(since)
    valid_to = fields.Date()


class ParentHistoryOut(Schema):
    items = fields.List(fields.Nested(ParentPeriodOut))


UnitList = list_schema(UnitOut, "UnitList")
