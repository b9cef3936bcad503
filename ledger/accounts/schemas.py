from marshmallow import ValidationError, fields, validate, validates_schema

from ledger.accounts.chart import ACCOUNT_TYPES
from ledger.accounts.models import FUND_KINDS, REGIMES
from ledger.core.i18n import _
from ledger.core.schemas import Money, PageQuery, PublicName, Schema, list_schema


class AccountOut(Schema):
    code = fields.String()
    name = fields.String()
    name_en = fields.String()
    type = fields.String(validate=validate.OneOf(ACCOUNT_TYPES))
    is_no_negative = fields.Boolean(data_key="no_negative")  # the API field keeps its name
    parent = fields.Function(lambda a: a.parent.code if a.parent else None)


class AccountIn(Schema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[0-9A-Za-z._-]{3,20}$"))
    name = fields.String(required=True, validate=validate.Length(1, 200))
    name_en = fields.String(load_default="")
    parent = fields.String(required=True)


class FundIn(Schema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$"))
    name = PublicName(200, required=True)
    owner_unit = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(FUND_KINDS))
    purpose = fields.String(load_default="")
    pooled = fields.Boolean(load_default=False)
    income_fund = fields.String(load_default=None, allow_none=True)
    regime = fields.String(load_default="association", validate=validate.OneOf(REGIMES))


class FundOut(Schema):
    code = fields.String()
    name = fields.String()
    owner_unit = fields.Function(lambda f: f.owner_unit.code)
    kind = fields.String()
    purpose = fields.String()
    pooled = fields.Boolean(attribute="is_pooled")
    income_fund = fields.Function(lambda f: f.income_fund.code if f.income_fund else None)
    regime = fields.String()


class FundDetailOut(FundOut):
    # The view dumps FundOut first and adds the position: read those resolved keys as they are.
    owner_unit = fields.String()
    pooled = fields.Boolean()
    income_fund = fields.String(allow_none=True)
    balance = fields.Integer()
    committed = fields.Integer()
    available = fields.Integer()


class LineIn(Schema):
    account = fields.String(required=True)
    fund = fields.String(required=True)
    debit = Money(load_default=None, allow_none=True)
    credit = Money(load_default=None, allow_none=True)
    counterparty = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))

    @validates_schema
    def one_side(self, data, **_kwargs):
        if bool(data.get("debit")) == bool(data.get("credit")):
            raise ValidationError(_("Mỗi dòng ghi đúng một trong hai: Nợ (debit) hoặc Có (credit)."), "debit")


class EntryIn(Schema):
    date = fields.Date(required=True)
    memo = fields.String(load_default="", validate=validate.Length(max=500))
    lines = fields.List(fields.Nested(LineIn), required=True, validate=validate.Length(2, 200))


class LineOut(Schema):
    account = fields.Function(lambda line: line.account.code)
    fund = fields.Function(lambda line: line.fund.code)
    debit = fields.Integer()
    credit = fields.Integer()
    counterparty_unit = fields.Function(lambda line: line.counterparty_unit.code if line.counterparty_unit else None)
    counterparty = fields.String()


class EntryOut(Schema):
    id = fields.Integer()
    number = fields.String()
    unit = fields.Function(lambda e: e.unit.code)
    date = fields.Date(attribute="dated_on")
    memo = fields.String()
    status = fields.Constant("posted")
    hash = fields.String()
    prev_hash = fields.String()
    reverses = fields.Function(lambda e: e.reverses_id)
    reversed_by = fields.Function(lambda e: e.reversed_by.id if e.reversed_by else None)
    transaction_id = fields.Integer()
    lines = fields.List(fields.Nested(LineOut))


class EntryQuery(PageQuery):
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    account = fields.String()
    fund = fields.String()


class ReverseIn(Schema):
    date = fields.Date(required=True)
    reason = fields.String(required=True, validate=validate.Length(1, 500))


class CloseIn(Schema):
    through = fields.Date(required=True)


class CloseOut(Schema):
    unit = fields.String(attribute="code")
    closed_through = fields.Date()


class TrialBalanceQuery(Schema):
    as_of = fields.Date(load_default=None)
    consolidated = fields.Boolean(load_default=False)


class TrialRow(Schema):
    account = fields.String()
    fund = fields.String()
    debit_total = fields.Integer()
    credit_total = fields.Integer()
    balance = fields.Integer()


class TrialBalanceOut(Schema):
    unit = fields.String()
    as_of = fields.Date()
    consolidated = fields.Boolean()
    rows = fields.List(fields.Nested(TrialRow))
    totals = fields.Dict(keys=fields.String(), values=fields.Integer())


class VerifyOut(Schema):
    valid = fields.Boolean()
    entries_checked = fields.Integer()
    head = fields.String(allow_none=True)
    problems = fields.List(fields.String())


AccountList = list_schema(AccountOut, "AccountList")
FundList = list_schema(FundOut, "FundList")
EntryList = list_schema(EntryOut, "EntryList")
