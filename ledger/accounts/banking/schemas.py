"""Schemas of the books, bank reconciliation, fund payment details and Excel imports, by direction."""
from flask_smorest.fields import Upload
from marshmallow import fields, validate

from ledger.accounts.treasury.models import RECEIPT_CATEGORIES
from ledger.accounts.treasury.schemas import DonorRef
from ledger.core.schemas import PageQuery, Schema, list_schema


class BookQuery(Schema):
    fund = fields.String(load_default=None)
    from_ = fields.Date(data_key="from", load_default=None)
    to = fields.Date(load_default=None)


class BookRowOut(Schema):
    date = fields.Date(attribute="dated_on")
    number = fields.String()
    memo = fields.String()
    receipt = fields.Integer()
    payment = fields.Integer()
    balance = fields.Integer()
    entry_id = fields.Integer()


class BookOut(Schema):
    unit = fields.Function(lambda b: b.unit.code)
    kind = fields.String()
    account = fields.String()
    fund = fields.Function(lambda b: b.fund.code if b.fund else None)
    from_ = fields.Date(attribute="start", data_key="from")
    to = fields.Date(attribute="end")
    opening = fields.Integer()
    rows = fields.List(fields.Nested(BookRowOut))
    total_receipts = fields.Integer()
    total_payments = fields.Integer()
    closing = fields.Integer()


class ColumnMapping(Schema):
    date = fields.String(required=True, validate=validate.Length(1, 100))
    description = fields.String(required=True, validate=validate.Length(1, 100))
    credit = fields.String(required=True, validate=validate.Length(1, 100))
    debit = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    reference = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))


class BankAccountIn(Schema):
    name = fields.String(required=True, validate=validate.Length(1, 200))
    account_number = fields.String(required=True, validate=validate.Regexp(r"^[0-9A-Za-z ]{1,30}$"))
    bank_bin = fields.String(load_default=None, allow_none=True, validate=validate.Regexp(r"^[0-9]{6}$"))
    account_name = fields.String(load_default="", validate=validate.Length(max=120))
    default_fund = fields.String(load_default=None, allow_none=True)
    column_mapping = fields.Nested(ColumnMapping, load_default=None, allow_none=True)


class BankAccountOut(Schema):
    id = fields.Integer()
    unit = fields.Function(lambda a: a.unit.code)
    name = fields.String()
    bank_bin = fields.String()
    account_number = fields.String()
    account_name = fields.String()
    default_fund = fields.Function(lambda a: a.default_fund.code if a.default_fund else None)
    column_mapping = fields.Dict(keys=fields.String(), values=fields.String())


class StatementUpload(Schema):
    """multipart/form-data: the statement file and, optionally, the header name of each column
    (remembered for the account). Text parts are read from the form by the view."""
    file = Upload(required=True)
    date = fields.String(metadata={"description": "Header of the date column (dd/mm/yyyy dates)"})
    description = fields.String(metadata={"description": "Header of the memo column"})
    credit = fields.String(metadata={"description": "Header of the money-in column"})
    debit = fields.String(metadata={"description": "Header of the money-out column"})
    reference = fields.String(metadata={"description": "Header of the bank reference column"})


class StatementOut(Schema):
    id = fields.Integer()
    filename = fields.String()
    rows_read = fields.Integer()
    lines_added = fields.Integer()
    matched = fields.Integer()
    suggested = fields.Integer()
    unmatched = fields.Integer()


class LineQuery(PageQuery):
    status = fields.String(load_default=None, validate=validate.OneOf(("unmatched", "suggested", "matched")))


class StatementLineOut(Schema):
    id = fields.Integer()
    date = fields.Date(attribute="dated_on")
    description = fields.String()
    credit = fields.Integer()
    debit = fields.Integer()
    reference = fields.String()
    status = fields.String()
    receipt_id = fields.Function(lambda line: line.match.receipt_id if line.match else None)
    match_method = fields.Function(lambda line: line.match.method if line.match else None)


class ManualMatchIn(Schema):
    receipt_id = fields.Integer(required=True)


class LineReceiptIn(Schema):
    donor = fields.Nested(DonorRef, required=True)
    fund = fields.String(load_default=None, allow_none=True)
    campaign = fields.String(load_default=None, allow_none=True)
    category = fields.String(load_default="donation", validate=validate.OneOf(RECEIPT_CATEGORIES))
    memo = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class PaymentDetailsIn(Schema):
    memo_code = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=20))
    bank_bin = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=8))
    bank_account = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=30))
    bank_account_name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=120))


class VietQROut(Schema):
    fund = fields.String()
    memo_code = fields.String(allow_none=True)
    bank_bin = fields.String(allow_none=True)
    bank_account = fields.String(allow_none=True)
    bank_account_name = fields.String(allow_none=True)
    payload = fields.String(allow_none=True)


class ImportFile(Schema):
    file = Upload(required=True)


class OpeningUpload(ImportFile):
    """multipart/form-data: the file and the date of the opening entry (YYYY-MM-DD or dd/mm/yyyy)."""
    date = fields.String(metadata={"description": "Date of the opening balances entry (required)"})


class ImportOut(Schema):
    rows = fields.Integer()
    created = fields.Integer()
    existing = fields.Integer()
    entries = fields.List(fields.String())


BankAccountList = list_schema(BankAccountOut, "BankAccountList")
StatementLineList = list_schema(StatementLineOut, "StatementLineList")


# ---- page forms: the fields a page posts → the same *In schemas --------------------------------

def bank_account_form_data(form) -> dict:
    """The new-account form, blanks left out so the schema's defaults apply (and the form shows them again)."""
    return {name: value.strip() for name, value in form.items() if name != "csrf_token" and value.strip()}


def line_receipt_form_data(form) -> dict:
    """The one-step receipt under an unmatched line: donor_* fields become the nested donor."""
    donor = {name: form.get(f"donor_{name}", "").strip() for name in ("name", "kind", "phone", "publish")}
    return {"donor": {name: value for name, value in donor.items() if value}, "fund": form.get("fund") or None,
            "category": form.get("category") or "donation"}


def payment_details_form_data(form) -> dict:
    return {name: form.get(name, "").strip() for name in PaymentDetailsIn().fields}
