"""Schemas of members, dues and allowances (API.md "Members and dues"), named by direction.

The same *In schemas validate the JSON body and the page forms.
"""
from marshmallow import fields, validate

from ledger.accounts.community.models import ALLOWANCE_BASES
from ledger.accounts.treasury.schemas import blank_to_none, form_amount, form_date, load_form
from ledger.core.i18n import _
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
    """The unit's own counts; `households` may be left out (it stays as it was) or null (cleared)."""
    population = fields.Integer(strict=True, required=True, validate=validate.Range(0, 10**9))
    households = fields.Integer(strict=True, allow_none=True, validate=validate.Range(0, 10**9))


class YearQuery(Schema):
    year = fields.Integer(required=True, validate=YEAR_RANGE)


class OptionalYearQuery(Schema):
    year = fields.Integer(load_default=None, validate=YEAR_RANGE)


class MembershipOut(Schema):
    unit = fields.String()
    members = fields.Integer()
    population = fields.Integer(allow_none=True)
    percent = fields.Float(allow_none=True)


class PopulationOut(MembershipOut):
    """The answer of PUT /population: the membership figures and the unit's own number of households."""
    households = fields.Integer(allow_none=True)


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


# ---- page forms: flat form fields → the same *In schemas ---------------------------------------

def read_form(schema_cls, data_of, form, **extra) -> dict:
    """A page form through the API's *In schema; `data_of(form, errors, **extra)` gives it the schema's shape."""
    errors: dict = {}
    return load_form(schema_cls, data_of(form, errors, **extra), errors)


def optional_amount(text: str | None, errors: dict, field: str = "amount") -> int | None:
    return form_amount(text, errors, field) if (text or "").strip() else None


def member_form_data(form, errors: dict) -> dict:
    name = (form.get("full_name") or "").strip()
    if not name:
        errors["full_name"] = [_("Cần nhập họ và tên.")]
    return {"full_name": name, "birth_year": form.get("birth_year", type=int), "gender": form.get("gender") or None,
            **blank_to_none(form, "phone", "position"), "joined_on": form_date(form.get("joined_on"))}


def population_form_data(form, errors: dict) -> dict:
    data = {"population": form_amount(form.get("population"), errors, "population")}
    if "households" in form:  # the unit page's form has it; a blank box clears it
        data["households"] = optional_amount(form.get("households"), errors, "households")
    return data


def leave_form_data(form, _errors: dict) -> dict:
    return {"on": form_date(form.get("left_on"))}


def dues_policy_form_data(form, errors: dict, *, year: int) -> dict:
    return {"year": year, "amount": form_amount(form.get("amount"), errors), "fund": form.get("fund", ""),
            "split": {level: form.get(f"split-{level}", 0, type=int) for level in LEVELS}}


def dues_sheet_form_data(form, errors: dict, *, year: int) -> dict:
    """The members ticked on the collection sheet, one receipt for all of them."""
    ticked = form.getlist("member_id", type=int)
    if not ticked:
        errors["member_ids"] = [_("Chưa chọn hội viên nào.")]
    return {"member_ids": ticked, "year": year, "date": form_date(form.get("date")),
            "method": form.get("method", "cash")}


def allowance_rule_form_data(form, errors: dict) -> dict:
    basis = form.get("basis", "share")
    return {"position": form.get("position", "").strip(), "payee_name": form.get("payee_name", "").strip(),
            "basis": basis, "fund": form.get("fund", ""),
            "percent": form.get("percent", type=int) if basis == "share" else None,
            "amount": optional_amount(form.get("amount"), errors) if basis == "fixed" else None}


def allowance_pay_form_data(form, errors: dict, *, year: int) -> dict:
    return {"year": year, "date": form_date(form.get("date")), "method": form.get("method", "cash"),
            "amount": optional_amount(form.get("amount"), errors)}
