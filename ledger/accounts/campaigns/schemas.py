"""Schemas of campaigns, targets, pledges, progress and the honor roll (API.md "Campaigns").

The same *In schemas validate the JSON body and the page forms.
"""
from marshmallow import fields, validate

from ledger.accounts.community.schemas import optional_amount
from ledger.accounts.treasury.schemas import DonorRef, donor_form_data, form_amount, form_date
from ledger.core import money
from ledger.core.errors import ValidationFailed
from ledger.core.i18n import _
from ledger.core.schemas import Money, PublicName, Schema, list_schema


class GrowthIn(Schema):
    campaign = fields.String(required=True)
    percent = fields.Integer(strict=True, required=True, validate=validate.Range(-100, 1000))


class CampaignIn(Schema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$"))
    name = PublicName(200, required=True)
    owner_unit = fields.String(required=True)
    fund = fields.String(required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    target_amount = Money(load_default=None, allow_none=True)  # with growth_over: the floor of a two-part target
    growth_over = fields.Nested(GrowthIn, load_default=None, allow_none=True)
    per_capita_amount = Money(load_default=None, allow_none=True)
    description = fields.String(load_default="", validate=validate.Length(max=2000))



class TargetIn(Schema):
    unit = fields.String(required=True)
    amount = fields.Integer(strict=True, required=True, validate=validate.Range(0, 10**15))


class TargetsIn(Schema):
    targets = fields.List(fields.Nested(TargetIn), required=True, validate=validate.Length(1, 5000))


class TargetOut(Schema):
    unit = fields.Function(lambda t: t.unit.code)
    amount = fields.Integer()


class CampaignOut(Schema):
    code = fields.String()
    name = fields.String()
    owner_unit = fields.Function(lambda c: c.owner_unit.code)
    fund = fields.Function(lambda c: c.fund.code)
    starts_on = fields.Date()
    ends_on = fields.Date()
    target_amount = fields.Integer(allow_none=True)
    growth_over = fields.Function(lambda c: {"campaign": c.growth_over.code, "percent": c.growth_percent}
                                  if c.growth_over else None)
    per_capita_amount = fields.Integer(allow_none=True)
    target_floor = fields.Integer(allow_none=True)
    growth_target = fields.Integer(allow_none=True)
    binding = fields.String(attribute="binding_part", allow_none=True)  # "floor" | "growth" | null
    targets = fields.List(fields.Nested(TargetOut))


class TargetsOut(Schema):
    targets = fields.List(fields.Nested(TargetOut))


class StaffIn(Schema):
    full_name = fields.String(required=True, validate=validate.Length(1, 200))
    monthly_salary = Money(load_default=None, allow_none=True)
    day_pay = Money(load_default=None, allow_none=True)


class PledgeIn(Schema):
    donor = fields.Nested(DonorRef, required=True)
    amount = Money(load_default=None, allow_none=True)
    due_on = fields.Date(required=True)
    unit = fields.String(load_default=None, allow_none=True)
    channel = fields.String(load_default="direct", validate=validate.OneOf(("direct", "piggy_bank", "days_pay")))
    note = fields.String(load_default="", validate=validate.Length(max=500))
    staff = fields.List(fields.Nested(StaffIn), load_default=list, validate=validate.Length(max=5000))


class PledgeOut(Schema):
    id = fields.Integer(attribute="pledge.id")
    campaign = fields.Function(lambda row: row["pledge"].campaign.code)
    donor_id = fields.Integer(attribute="pledge.donor_id")
    unit = fields.Function(lambda row: row["pledge"].unit.code)
    amount = fields.Integer(attribute="pledge.amount")
    due_on = fields.Date(attribute="pledge.due_on")
    channel = fields.String(attribute="pledge.channel")
    fulfilled = fields.Integer()
    outstanding = fields.Integer()


class ProgressQuery(Schema):
    unit = fields.String(load_default=None)
    as_of = fields.Date(load_default=None)


class ProgressRow(Schema):
    unit = fields.String()
    name = fields.String()
    target = fields.Integer(allow_none=True)
    raised = fields.Integer()
    percent = fields.Float(allow_none=True)
    rank = fields.Integer()


class ProgressOut(Schema):
    campaign = fields.String()
    unit = fields.String()
    target = fields.Integer(allow_none=True)
    raised = fields.Integer()
    pledged_outstanding = fields.Integer()
    percent = fields.Float(allow_none=True)
    by_unit = fields.List(fields.Nested(ProgressRow))


class HonorRow(Schema):
    display_name = fields.String()
    amount = fields.Integer()
    gifts = fields.Integer()


class HonorRollOut(Schema):
    items = fields.List(fields.Nested(HonorRow))
    total = fields.Integer()
    amount = fields.Integer()


class GiftOut(Schema):
    id = fields.Integer()
    number = fields.String()
    unit = fields.Function(lambda r: r.unit.code)
    date = fields.Date(attribute="dated_on")
    amount = fields.Integer()
    campaign = fields.Function(lambda r: r.campaign.code if r.campaign_id else None)


class GivingSummaryOut(Schema):
    donor_id = fields.Integer(attribute="donor.id")
    name = fields.String(attribute="donor.name")
    unit = fields.String(attribute="unit.code")
    year = fields.Integer()
    receipts = fields.List(fields.Nested(GiftOut))
    total = fields.Integer()


PledgeList = list_schema(PledgeOut, "PledgeList")


# ---- page forms: flat form fields → the same *In schemas ---------------------------------------

def campaign_form_data(form, errors: dict, *, owner_unit: str) -> dict:
    earlier = form.get("growth_over", "").strip()
    return {"code": form.get("code", "").strip(), "name": form.get("name", "").strip(), "owner_unit": owner_unit,
            "fund": form.get("fund", ""), "starts_on": form_date(form.get("starts_on")),
            "ends_on": form_date(form.get("ends_on")),
            "target_amount": optional_amount(form.get("target_amount"), errors, "target_amount"),
            "per_capita_amount": optional_amount(form.get("per_capita_amount"), errors, "per_capita_amount"),
            "growth_over": {"campaign": earlier, "percent": form.get("percent", 0, type=int)} if earlier else None}


def targets_form_data(form, errors: dict) -> dict:
    """The filled-in "target-<unit code>" fields; a blank one keeps its target, "0" clears it."""
    return {"targets": [{"unit": name.removeprefix("target-"),
                         "amount": 0 if text.strip() == "0" else form_amount(text, errors, name)}
                        for name, text in form.items() if name.startswith("target-") and text.strip()]}


def pledge_form_data(form, errors: dict, *, unit: str) -> dict:
    return {"donor": donor_form_data(form), "amount": optional_amount(form.get("amount"), errors),
            "due_on": form_date(form.get("due_on")), "unit": unit, "channel": form.get("channel") or "direct",
            "note": form.get("note", "").strip(), "staff": staff_lines(form.get("staff", ""), errors)}


def staff_lines(text: str, errors: dict) -> list[dict]:
    """"Họ tên; lương tháng" per line, as pasted from the agency's payroll."""
    staff = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, _sep, salary = line.replace("\t", ";").partition(";")
        if not name.strip() or not salary.strip():
            errors.setdefault("staff", []).append(_("Dòng %(n)s: cần \"Họ tên; lương tháng\".", n=number))
            continue
        try:
            staff.append({"full_name": name.strip(), "monthly_salary": money.parse_amount(salary)})
        except ValidationFailed as exc:
            errors.setdefault("staff", []).append(_("Dòng %(n)s: %(problem)s", n=number, problem=exc.detail))
    return staff
