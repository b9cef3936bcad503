"""Chart, funds, entries, closing, trial balance and verification (API.md)."""
from flask import g

from ledger.accounts import balances, schemas, services, verify
from ledger.accounts.idempotency import money_post
from ledger.core import permissions
from ledger.core.endpoints import Blueprint
from ledger.core.schemas import page
from ledger.units.access import owner_checked, permitted, unit_for

accounts_api = Blueprint("accounts_api", __name__, url_prefix="/api/v1", description="Sổ sách kép")


@accounts_api.read("/accounts", schemas.AccountList)
def list_accounts():
    accounts = services.list_accounts()
    return page(accounts, len(accounts))


@accounts_api.write("/accounts", schemas.AccountOut, body=schemas.AccountIn)
def create_account(data):
    permissions.require_root_admin(g.user)
    return services.create_account(data, by=g.user)


@accounts_api.write("/funds", schemas.FundOut, body=schemas.FundIn)
def create_fund(data):
    return services.create_fund(owner_checked(data), by=g.user)


@accounts_api.read("/funds/<code>", schemas.FundDetailOut)
def get_fund(code):
    fund = services.get_fund(code)
    permitted(fund, "read", fund.owner_unit)
    return {**schemas.FundOut().dump(fund), **balances.fund_position(fund)}


@accounts_api.read("/units/<code>/funds", schemas.FundList)
def unit_funds(code):
    unit = unit_for(code, "read")
    funds = services.funds_usable_in(unit)
    return page(funds, len(funds))


@accounts_api.write("/units/<code>/entries", schemas.EntryOut, body=schemas.EntryIn, edge=money_post)
def post_entry(data, code):
    unit = unit_for(code, "post")
    return services.record_entry(unit, data, by=g.user)


@accounts_api.read("/units/<code>/entries", schemas.EntryList, query=schemas.EntryQuery)
def list_entries(query, code):
    unit = unit_for(code, "read")
    items, total = services.list_entries(unit, date_from=query.get("from_"), date_to=query.get("to"),
                                         account=query.get("account"), fund=query.get("fund"),
                                         limit=query["limit"], offset=query["offset"])
    return page(items, total)


@accounts_api.read("/entries/<entry_id>", schemas.EntryOut)
def get_entry(entry_id):
    return permitted(services.get_entry(entry_id), "read")


@accounts_api.write("/entries/<entry_id>/reverse", schemas.EntryOut, body=schemas.ReverseIn, edge=money_post)
def reverse_entry(data, entry_id):
    entry = services.get_entry(entry_id)
    permissions.require_each(g.user, "post", [e.unit for e in entry.transaction.entries])
    return services.reverse_entry(entry, on=data["date"], reason=data["reason"], by=g.user)


@accounts_api.write("/units/<code>/periods/close", schemas.CloseOut, body=schemas.CloseIn, status=200)
def close_books(data, code):
    return services.close_books(unit_for(code, "close"), data["through"], by=g.user)


@accounts_api.read("/units/<code>/trial-balance", schemas.TrialBalanceOut, query=schemas.TrialBalanceQuery)
def trial_balance(query, code):
    return balances.trial_balance(unit_for(code, "read"), as_of=query["as_of"], consolidated=query["consolidated"])


@accounts_api.read("/units/<code>/verify", schemas.VerifyOut)
def verify_unit(code):
    return verify.verify_unit(unit_for(code, "read"))
