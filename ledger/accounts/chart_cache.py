"""Accounts and funds by code through the per-process cache (ledger.core.cache): posting resolves
its codes, and a receipt finds its fund, without a query. Any change to an account or a fund bumps
the "chart" version; a fund's owner is read from the units cache, so a unit moved is seen too."""
from typing import NamedTuple

from sqlalchemy import inspect, select
from sqlalchemy.orm.attributes import set_committed_value

from ledger.accounts.models import Account, Fund
from ledger.core import cache
from ledger.extensions import db
from ledger.units.cache import unit_by

cache.watch(Account, "chart")
cache.watch(Fund, "chart")


class AccountRow(NamedTuple):
    id: int
    code: str
    name: str
    type: str
    is_no_negative: bool


def account_rows(codes) -> dict[str, AccountRow]:
    """The accounts of these codes that exist, by code."""
    found = {}
    for code in codes:
        values = cache.cached(db.session, ("chart",), ("account", code), lambda code=code: account_row(code))
        if values is not None:
            found[code] = AccountRow(*values)
    return found


def account_row(code: str) -> tuple | None:
    row = db.session.execute(select(Account.id, Account.code, Account.name, Account.type, Account.is_no_negative)
                             .where(Account.code == code)).first()
    return tuple(row) if row else None


def fund_by_code(code: str) -> Fund | None:
    """The fund, a persistent object of this session, its owner unit attached too (no query when cached)."""
    values = cache.cached(db.session, ("chart",), ("fund", code),
                          lambda: cache.row_values(db.session, Fund, Fund.code == code))
    if values is None:
        return None
    fund = cache.attach(db.session, Fund, values)
    if "owner_unit" not in inspect(fund).dict:
        set_committed_value(fund, "owner_unit", unit_by("id", fund.owner_unit_id))
    return fund
