"""Chart, funds, entries, closing, trial balance and verification (API.md)."""
from flask import g
from flask_smorest import Blueprint

from ledger.accounts import balances, schemas, services, verify
from ledger.accounts.idempotency import money_post
from ledger.core import permissions
from ledger.core.schemas import page
from ledger.extensions import db
from ledger.units.services import get_unit

accounts_api = Blueprint("accounts_api", __name__, url_prefix="/api/v1", description="Sổ sách kép")


@accounts_api.get("/accounts")
@accounts_api.response(200, schemas.AccountList)
def list_accounts():
    accounts = services.list_accounts()
    return page(accounts, len(accounts))


@accounts_api.post("/accounts")
@accounts_api.arguments(schemas.AccountIn)
@accounts_api.response(201, schemas.AccountOut)
def create_account(data):
    permissions.require_root_admin(g.user)
    account = services.create_account(data, by=g.user)
    db.session.commit()
    return account


@accounts_api.post("/funds")
@accounts_api.arguments(schemas.FundIn)
@accounts_api.response(201, schemas.FundOut)
def create_fund(data):
    permissions.require(g.user, "setup", get_unit(data["owner_unit"]))
    fund = services.create_fund(data, by=g.user)
    db.session.commit()
    return fund


@accounts_api.get("/funds/<code>")
@accounts_api.response(200, schemas.FundDetailOut)
def get_fund(code):
    fund = services.get_fund(code)
    permissions.require(g.user, "read", fund.owner_unit)
    return {**schemas.FundOut().dump(fund), **balances.fund_position(fund)}


@accounts_api.get("/units/<code>/funds")
@accounts_api.response(200, schemas.FundList)
def unit_funds(code):
    unit = get_unit(code)
    permissions.require(g.user, "read", unit)
    funds = services.funds_usable_in(unit)
    return page(funds, len(funds))


@accounts_api.post("/units/<code>/entries")
@money_post
@accounts_api.arguments(schemas.EntryIn)
@accounts_api.response(201, schemas.EntryOut)
def post_entry(data, code):
    unit = get_unit(code)
    permissions.require(g.user, "post", unit)
    return services.record_entry(unit, data, by=g.user)


@accounts_api.get("/units/<code>/entries")
@accounts_api.arguments(schemas.EntryQuery, location="query")
@accounts_api.response(200, schemas.EntryList)
def list_entries(query, code):
    unit = get_unit(code)
    permissions.require(g.user, "read", unit)
    items, total = services.list_entries(unit, date_from=query.get("from_"), date_to=query.get("to"),
                                         account=query.get("account"), fund=query.get("fund"),
                                         limit=query["limit"], offset=query["offset"])
    return page(items, total)


@accounts_api.get("/entries/<entry_id>")
@accounts_api.response(200, schemas.EntryOut)
def get_entry(entry_id):
    entry = services.get_entry(entry_id)
    permissions.require(g.user, "read", entry.unit)
    return entry


@accounts_api.post("/entries/<entry_id>/reverse")
@money_post
@accounts_api.arguments(schemas.ReverseIn)
@accounts_api.response(201, schemas.EntryOut)
def reverse_entry(data, entry_id):
    entry = services.get_entry(entry_id)
    permissions.require_each(g.user, "post", [e.unit for e in entry.transaction.entries])
    return services.reverse_entry(entry, on=data["date"], reason=data["reason"], by=g.user)


@accounts_api.post("/units/<code>/periods/close")
@accounts_api.arguments(schemas.CloseIn)
@accounts_api.response(200, schemas.CloseOut)
def close_period(data, code):
    unit = get_unit(code)
    permissions.require(g.user, "close", unit)
    services.close_books(unit, data["through"], by=g.user)
    db.session.commit()
    return unit


@accounts_api.get("/units/<code>/trial-balance")
@accounts_api.arguments(schemas.TrialBalanceQuery, location="query")
@accounts_api.response(200, schemas.TrialBalanceOut)
def trial_balance(query, code):
    unit = get_unit(code)
    permissions.require(g.user, "read", unit)
    return balances.trial_balance(unit, as_of=query["as_of"], consolidated=query["consolidated"])


@accounts_api.get("/units/<code>/verify")
@accounts_api.response(200, schemas.VerifyOut)
def verify_unit(code):
    unit = get_unit(code)
    permissions.require(g.user, "read", unit)
    return verify.verify_unit(unit)
