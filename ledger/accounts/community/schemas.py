"""Schemas of members, dues and allowances (API.md "Members and dues"), named by direction."""
from marshmallow import fields, validate

from ledger.accounts.community.models import ALLOWANCE_BASES
from ledger.core.schemas import Money, PageQuery, Schema, list_schema
from ledger.units.models import LEVELS

GENDERS = ("female", "male", "other")
YEAR_RANGE = validate.Range(2000, 2200)
YEAR = {"strict": True, "validate": YEAR_RANGE}  # in JSON bodies; query strings are text
METHODS = validate.OneOf(("cash", "bank"))


# ---- members --------------------------------------------------------------------------------

class MemberIn(Schema):
    full_name = fields.String(required=True, validate=validate.Length(1, 200))
    birth_year = fields.Integer(strict=True, load_default=None, allow_none=True, validate=validate.Range(1900, 2100))
    gender = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(GENDERS))
    phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=20))
    position = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=60))
    joined_on = fields.Date(load_default=None, allow_none=True)


class MemberUpdateIn(Schema):
    full_name = fields.String(validate=validate.Length(1, 200))
    birth_year = fields.Integer(strict=True, allow_none=True, validate=validate.Range(1900, 2100))
    gender = fields.String(allow_none=True, validate=validate.OneOf(GENDERS))
    phone = fields.String(allow_none=True, validate=validate.Length(max=20))
    position = fields.String(allow_none=True, validate=validate.Length(max=60))
    joined_on = fields.Date(allow_none=True)


class MemberOut(Schema):
    id = fields.Integer()
    unit = fields.Function(lambda m: m.unit.code)
    full_name = fields.String()
    birth_year = fields.Integer()
    gender = fields.String()
    phone = fields.String()
    position = fields.String()
    joined_on = fields.Date()
    left_on = fields.Date()


class MemberQuery(PageQuery):
    year = fields.Integer(validate=YEAR_RANGE)
    include_left = fields.Boolean(load_default=False)


class LeaveIn(Schema):
    on = fields.Date(required=True)


class MoveMemberIn(Schema):
    unit = fields.String(required=True)


class RosterImportOut(Schema):
    added = fields.Integer()
    skipped = fields.Integer()
    members = fields.List(fields.Nested(MemberOut))


class PopulationIn(Schema):
    population = fields.Integer(strict=True, required=True, validate=validate.Range(0, 10**9))


class YearQuery(Schema):
    year = fields.Integer(required=True, validate=YEAR_RANGE)


class OptionalYearQuery(Schema):
    year = fields.Integer(load_default=None, validate=YEAR_RANGE)


class MembershipOut(Schema):
    unit = fields.String()
    members = fields.Integer()
    population = fields.Integer(allow_none=True)
    percent = fields.Float(allow_none=True)


# ---- dues -----------------------------------------------------------------------------------

class DuesPolicyIn(Schema):
    year = fields.Integer(required=True, **YEAR)
    amount = Money(required=True)
    fund = fields.String(required=True)
    split = fields.Dict(keys=fields.String(validate=validate.OneOf(LEVELS)),
                        values=fields.Integer(strict=True, validate=validate.Range(0, 100)), required=True)


class DuesPolicyOut(Schema):
    unit = fields.Function(lambda p: p.unit.code)
    year = fields.Integer()
    amount = fields.Integer()
    fund = fields.Function(lambda p: p.fund.code)
    split = fields.Dict(keys=fields.String(), values=fields.Integer())


class ShareOut(Schema):
    unit = fields.String()
    name = fields.String()
    amount = fields.Integer()


class EffectivePolicyOut(Schema):
    unit = fields.String()
    year = fields.Integer()
    amount = fields.Integer()
    fund = fields.String()
    split = fields.Dict(keys=fields.String(), values=fields.Integer())
    shares = fields.List(fields.Nested(ShareOut))


class DuesIn(Schema):
    member_id = fields.Integer(strict=True, required=True)
    year = fields.Integer(required=True, **YEAR)
    date = fields.Date(required=True)
    method = fields.String(required=True, validate=METHODS)


class DuesSheetIn(Schema):
    member_ids = fields.List(fields.Integer(strict=True), required=True, validate=validate.Length(1, 5000))
    year = fields.Integer(required=True, **YEAR)
    date = fields.Date(required=True)
    method = fields.String(load_default="cash", validate=METHODS)


class DuesUnitRow(Schema):
    unit = fields.String()
    name = fields.String()
    members = fields.Integer()
    paid = fields.Integer()
    unpaid = fields.Integer()
    expected = fields.Integer()
    collected = fields.Integer()


class DuesStatusOut(Schema):
    unit = fields.String()
    year = fields.Integer()
    members = fields.Integer()
    paid = fields.Integer()
    unpaid = fields.Integer()
    expected = fields.Integer()
    collected = fields.Integer()
    by_unit = fields.List(fields.Nested(DuesUnitRow))


# ---- allowances -----------------------------------------------------------------------------

class AllowanceRuleIn(Schema):
    position = fields.String(required=True, validate=validate.Length(1, 80))
    payee_name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    member_id = fields.Integer(strict=True, load_default=None, allow_none=True)
    basis = fields.String(required=True, validate=validate.OneOf(ALLOWANCE_BASES))
    percent = fields.Integer(strict=True, load_default=None, allow_none=True, validate=validate.Range(1, 100))
    amount = Money(load_default=None, allow_none=True)
    fund = fields.String(required=True)


class AllowanceRuleOut(Schema):
    id = fields.Integer()
    unit = fields.Function(lambda r: r.unit.code)
    position = fields.String()
    payee_name = fields.String()
    member_id = fields.Integer(allow_none=True)
    basis = fields.String()
    percent = fields.Integer(allow_none=True)
    amount = fields.Integer(allow_none=True)
    fund = fields.Function(lambda r: r.fund.code)


class AllowanceRow(Schema):
    id = fields.Integer()
    unit = fields.String()
    position = fields.String()
    payee_name = fields.String()
    basis = fields.String()
    percent = fields.Integer(allow_none=True)
    retained = fields.Integer(allow_none=True)
    due = fields.Integer()
    paid = fields.Integer()
    pending = fields.Integer()
    outstanding = fields.Integer()


class AllowanceReportOut(Schema):
    unit = fields.String()
    year = fields.Integer()
    due = fields.Integer()
    paid = fields.Integer()
    pending = fields.Integer()
    outstanding = fields.Integer()
    rows = fields.List(fields.Nested(AllowanceRow))


class AllowancePayIn(Schema):
    year = fields.Integer(required=True, **YEAR)
    date = fields.Date(required=True)
    method = fields.String(load_default="cash", validate=METHODS)
    amount = Money(load_default=None, allow_none=True)


MemberList = list_schema(MemberOut, "MemberList")
