"""Schemas of receipts, donors, disbursements, remittances and merges, named by direction (API.md).

The same *In schemas validate the JSON body and the page forms.
"""
import re

from marshmallow import ValidationError, fields, validate, validates_schema

from ledger.accounts.treasury.models import (
    DISBURSEMENT_CATEGORIES,
    DISBURSEMENT_STATUSES,
    DONOR_KINDS,
    PUBLISH_CHOICES,
    RECEIPT_CATEGORIES,
    RECEIPT_CHANNELS,
    RECEIPT_METHODS,
)
from ledger.accounts.treasury.services import cancellations, cost_cap, donors
from ledger.accounts.treasury.services.remittances import settled_amount
from ledger.core import money
from ledger.core.errors import ValidationFailed
from ledger.core.i18n import _
from ledger.core.schemas import Money, PageQuery, PublicName, Schema, list_schema, page_schema
from ledger.core.web import translate_messages


def optional_text(max_length: int):
    return fields.String(load_default=None, allow_none=True, validate=validate.Length(max=max_length))


class DonorRef(Schema):
    """{"id": …} for a known donor, or a new one: {name, kind, phone?, address?, publish}."""
    id = fields.Integer(strict=False, load_default=None, allow_none=True, validate=validate.Range(1, 2**62))
    name = PublicName(200, min_length=0, load_default=None, allow_none=True)
    kind = fields.String(load_default="individual", validate=validate.OneOf(DONOR_KINDS))
    phone = fields.String(load_default=None, allow_none=True, validate=validate.Regexp(r"^[0-9 +().-]{0,20}$"))
    address = optional_text(300)
    publish = fields.String(load_default="full", validate=validate.OneOf(PUBLISH_CHOICES))
    is_native_abroad = fields.Boolean(load_default=False)

    @validates_schema
    def named_or_known(self, data, **_kwargs):
        if data.get("id") is None and not (data.get("name") or "").strip() and data.get("kind") != "anonymous":
            raise ValidationError(_("Cần tên nhà hảo tâm, hoặc mã (id) của nhà hảo tâm đã có."), "name")


class ContributorIn(Schema):
    name = PublicName(200, required=True)
    amount = Money(required=True)


class ReceiptIn(Schema):
    date = fields.Date(required=True)
    amount = Money(required=True)
    method = fields.String(required=True, validate=validate.OneOf(RECEIPT_METHODS))
    fund = fields.String(required=True, validate=validate.Length(1, 40))
    category = fields.String(required=True, validate=validate.OneOf(RECEIPT_CATEGORIES))
    donor = fields.Nested(DonorRef, required=True)
    campaign = fields.String(load_default=None, allow_none=True)
    pledge = fields.Integer(strict=False, load_default=None, allow_none=True, validate=validate.Range(1, 2**62))
    memo = optional_text(500)
    goods_description = optional_text(1000)
    channel = fields.String(load_default="direct", validate=validate.OneOf(RECEIPT_CHANNELS))
    contributors = fields.List(fields.Nested(ContributorIn), load_default=None, allow_none=True,
                               validate=validate.Length(max=5000))


class DonorOut(Schema):
    id = fields.Integer()
    name = fields.String()
    display_name = fields.Function(donors.display_name)
    kind = fields.String()
    phone = fields.String()
    address = fields.String()
    publish = fields.String()
    is_native_abroad = fields.Boolean()
    unit = fields.Function(lambda d: d.unit.code if d.unit else None)


class ContributorOut(Schema):
    name = fields.String()
    amount = fields.Integer()


def entry_ids(document) -> list[int]:
    return [entry.id for entry in document.transaction.entries] if document.transaction else []


class CancelledOut(Schema):
    """The reversal that cancelled a voucher: its entry, number, date and the reason given."""
    entry_id = fields.Integer(attribute="id")
    number = fields.String()
    date = fields.Date(attribute="dated_on")
    reason = fields.Function(lambda entry: entry.transaction.memo)


def cancelled(document):
    reversal = cancellations.cancellation(document)
    return CancelledOut().dump(reversal) if reversal else None


class CostShareOut(Schema):
    """A management payment from a charity-regime fund: the regime's costs against revenue in its year."""
    year = fields.Integer()
    funds = fields.List(fields.String())
    revenue = fields.Integer()
    operations = fields.Integer()
    amount = fields.Integer()
    after = fields.Integer()
    cap_percent = fields.Integer()
    share_percent = fields.Float(allow_none=True)
    is_over_cap = fields.Boolean()
    crosses_cap = fields.Boolean()


def management_cost(disbursement):
    share = cost_cap.cost_share(disbursement)
    return CostShareOut().dump(share) if share else None


class ReceiptOut(Schema):
    id = fields.Integer()
    number = fields.String()
    unit = fields.Function(lambda r: r.unit.code)
    date = fields.Date(attribute="dated_on")
    amount = fields.Integer()
    amount_in_words = fields.Function(lambda r: money.in_words(r.amount))
    method = fields.String()
    fund = fields.Function(lambda r: r.fund.code)
    category = fields.String()
    channel = fields.String()
    donor_id = fields.Integer()
    donor = fields.Nested(DonorOut)
    campaign = fields.Function(lambda r: r.campaign.code if r.campaign else None)
    pledge = fields.Integer(attribute="pledge_id")
    collected_for = fields.Function(lambda r: r.collected_for.code if r.collected_for else None)
    memo = fields.String()
    goods_description = fields.String()
    contributors = fields.List(fields.Nested(ContributorOut))
    transaction_id = fields.Integer()
    entry_ids = fields.Function(entry_ids)
    cancelled = fields.Function(cancelled, metadata={"description": "null, or the reversal that cancelled it"})


class ReceiptQuery(PageQuery):
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    fund = fields.String()
    subtree = fields.Boolean(load_default=False)


class PayeeIn(Schema):
    name = PublicName(200, required=True)
    address = optional_text(300)
    phone = optional_text(20)
    id_number = optional_text(20)
    bank_account = optional_text(40)
    note = optional_text(300)


class DisbursementIn(Schema):
    date = fields.Date(required=True)
    amount = Money(required=True)
    method = fields.String(required=True, validate=validate.OneOf(RECEIPT_METHODS))
    fund = fields.String(required=True, validate=validate.Length(1, 40))
    category = fields.String(required=True, validate=validate.OneOf(DISBURSEMENT_CATEGORIES))
    payee = fields.Nested(PayeeIn, required=True)
    memo = optional_text(500)
    goods_description = optional_text(1000)


class DisbursementOut(Schema):
    id = fields.Integer()
    status = fields.String()
    number = fields.String(allow_none=True)
    unit = fields.Function(lambda d: d.unit.code)
    date = fields.Date(attribute="dated_on")
    amount = fields.Integer()
    amount_in_words = fields.Function(lambda d: money.in_words(d.amount))
    method = fields.String()
    fund = fields.Function(lambda d: d.fund.code)
    category = fields.String()
    payee = fields.Dict()
    memo = fields.String()
    goods_description = fields.String()
    created_by_id = fields.Integer()
    decided_by_id = fields.Integer()
    decided_at = fields.DateTime()
    rejected_reason = fields.String()
    entry_ids = fields.Function(entry_ids)
    payee_id_number = fields.String(allow_none=True)
    payee_address = fields.String(allow_none=True)
    cancelled = fields.Function(cancelled, metadata={"description": "null, or the reversal that cancelled it"})
    management_cost = fields.Function(management_cost, metadata={
        "description": "null, or the charity-fund management-cost share this payment leaves"})


class DisbursementQuery(PageQuery):
    status = fields.String(validate=validate.OneOf(DISBURSEMENT_STATUSES))
    subtree = fields.Boolean(load_default=False)


class RejectIn(Schema):
    reason = fields.String(required=True, validate=validate.Length(1, 500))


class CancelIn(Schema):
    reason = fields.String(required=True, validate=validate.Length(1, 500))
    date = fields.Date(load_default=None, allow_none=True)


class RedateIn(Schema):
    date = fields.Date(required=True)


class ApprovalPolicyIn(Schema):
    threshold = Money(required=True, allow_none=True)
    chair = fields.String(load_default=None, allow_none=True)


class ApprovalPolicyOut(Schema):
    unit = fields.String()
    threshold = fields.Integer(allow_none=True)
    chair = fields.String(allow_none=True)


class RemittanceIn(Schema):
    date = fields.Date(required=True)
    to_unit = fields.String(required=True, validate=validate.Length(1, 40))
    fund = fields.String(required=True, validate=validate.Length(1, 40))
    amount = Money(required=True)
    method = fields.String(required=True, validate=validate.OneOf(("cash", "bank")))


class RemittanceOut(Schema):
    id = fields.Integer()
    kind = fields.String()
    from_unit = fields.Function(lambda r: r.from_unit.code)
    to_unit = fields.Function(lambda r: r.to_unit.code)
    fund = fields.Function(lambda r: r.fund.code)
    date = fields.Date(attribute="dated_on")
    amount = fields.Integer()
    method = fields.String()
    settled = fields.Method("settled_part")
    transferred = fields.Method("transferred_part")
    entry_ids = fields.Function(entry_ids)
    numbers = fields.Function(lambda r: {e.unit.code: e.number for e in r.transaction.entries})

    def settled_part(self, remittance):
        return settled_amount(remittance)

    def transferred_part(self, remittance):
        return remittance.amount - self.settled_part(remittance)


class MergeIn(Schema):
    into = fields.String(required=True, validate=validate.Length(1, 40))
    on = fields.Date(required=True)


class MergeOut(Schema):
    status = fields.String()
    merged_into = fields.Function(lambda u: u.merged_into.code if u.merged_into else None)
    merged_on = fields.Date()


class DonorQuery(PageQuery):
    q = fields.String(validate=validate.Length(max=100))


class DonorDetailOut(DonorOut):
    """Dumps donors.DonorDetail: the totals count only gifts in units the caller may read."""
    total_given = fields.Integer()
    receipts_count = fields.Integer()
    merged_into = fields.Integer(attribute="merged_into_id", allow_none=True)


class DonorMergeIn(Schema):
    """Two records of one donor: `donor`'s gifts and pledges go to `into`, and `donor` stays as history."""
    donor = fields.Integer(strict=False, required=True, validate=validate.Range(1, 2**62))
    into = fields.Integer(strict=False, required=True, validate=validate.Range(1, 2**62))


class DonorMergeOut(Schema):
    donor = fields.Integer()
    merged_into = fields.Integer()
    moved = fields.Dict(keys=fields.String(), values=fields.Integer())  # table → rows moved


ReceiptList = list_schema(ReceiptOut, "ReceiptList")
DisbursementList = list_schema(DisbursementOut, "DisbursementList")
DonorList = list_schema(DonorOut, "DonorList")
RemittanceList = list_schema(RemittanceOut, "RemittanceList")


# ---- page forms: flat form fields → the same *In schemas ---------------------------------------

CONTRIBUTOR_LINE = re.compile(r"^(?P<name>.+?)\s*[:;\t]\s*(?P<amount>[^:;\t]+)$")


def load_form(schema_cls, data: dict, errors: dict | None = None, *, flatten=None) -> dict:
    """Validate form data with an *In schema; every problem, the parser's too, in one ValidationFailed.
    `flatten` names nested problems (default flat_errors: "donor_name"; a form of rows may keep positions).
    Dates are read as pages type them (dd/mm/yyyy); the API's schema itself keeps YYYY-MM-DD."""
    errors = dict(errors or {})
    try:
        loaded = page_schema(schema_cls)().load(data)
    except ValidationError as exc:
        loaded = None
        for key, messages in (flatten or flat_errors)(exc.messages).items():
            errors.setdefault(key, messages)
    if errors:
        raise ValidationFailed(errors=translate_messages(errors))
    return loaded


def flat_errors(messages, prefix: str = "") -> dict[str, list]:
    """{"donor": {"name": [...]}} → {"donor_name": [...]}; list positions fold into their field."""
    if not isinstance(messages, dict):
        return {prefix: messages if isinstance(messages, list) else [messages]}
    flat: dict[str, list] = {}
    for key, value in messages.items():
        name = prefix if isinstance(key, int) else f"{prefix}_{key}" if prefix else str(key)
        for field, texts in flat_errors(value, name).items():
            flat.setdefault(field, []).extend(texts)
    return flat


def form_date(text: str | None) -> str | None:
    """A date as typed (load_form's page schema reads dd/mm/yyyy), blank as None."""
    return (text or "").strip() or None


def form_amount(text: str | None, errors: dict, field: str = "amount") -> int:
    try:
        return money.parse_amount((text or "").strip())
    except ValidationFailed as exc:
        errors[field] = [exc.detail]
        return 1  # a stand-in so the schema checks the other fields; the error above wins


def blank_to_none(form, *names) -> dict:
    return {name: (form.get(name) or "").strip() or None for name in names}


def parse_contributors(text: str | None, errors: dict) -> list[dict] | None:
    """One contributor a line, "Họ tên: số tiền" (or ; or a tab, as pasted from a spreadsheet)."""
    rows = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        if not raw.strip():
            continue
        match = CONTRIBUTOR_LINE.match(raw.strip())
        try:
            if not match:
                raise ValidationFailed(_("cần dạng \"Họ tên: số tiền\""))
            rows.append({"name": match["name"].strip(), "amount": money.parse_amount(match["amount"].strip())})
        except ValidationFailed as exc:
            errors.setdefault("contributors", []).append(_("Dòng %(n)s: %(problem)s", n=number, problem=exc.detail))
    return rows or None


def prefixed(form, prefix: str, *names) -> dict:
    """The non-blank fields prefix_<name> of a form as {name: value}."""
    values = blank_to_none(form, *(f"{prefix}_{name}" for name in names))
    return {name: values[f"{prefix}_{name}"] for name in names if values[f"{prefix}_{name}"]}


def donor_form_data(form) -> dict:
    """The donor picked (shown chosen, or an existing one ticked in the lookup or the twin question), else typed."""
    picked = (form.get("donor_id") or "").strip() or (form.get("donor_choice") or "").strip()
    if picked and picked != "new":
        return {"id": picked}
    return {"name": (form.get("donor_name") or "").strip(), **prefixed(form, "donor", "phone", "address"),
            "kind": form.get("donor_kind") or "individual", "publish": form.get("donor_publish") or "full"}


def receipt_form_data(form, errors: dict) -> dict:
    return {"date": form_date(form.get("date")), "amount": form_amount(form.get("amount"), errors),
            "method": form.get("method"), "fund": form.get("fund"), "category": form.get("category"),
            "channel": form.get("channel") or "direct", "donor": donor_form_data(form),
            "contributors": parse_contributors(form.get("contributors"), errors),
            **blank_to_none(form, "campaign", "memo", "goods_description")}


def disbursement_form_data(form, errors: dict) -> dict:
    payee = {"name": (form.get("payee_name") or "").strip(), **prefixed(form, "payee", "address", "phone", "id_number")}
    return {"date": form_date(form.get("date")), "amount": form_amount(form.get("amount"), errors),
            "method": form.get("method"), "fund": form.get("fund"), "category": form.get("category"),
            "payee": payee, **blank_to_none(form, "memo", "goods_description")}


def remittance_form_data(form, errors: dict) -> dict:
    return {"date": form_date(form.get("date")), "amount": form_amount(form.get("amount"), errors),
            "to_unit": form.get("to_unit"), "fund": form.get("fund"), "method": form.get("method")}
