"""Reading the kept balances: trial balances (one unit or a consolidated subtree) and fund positions.

Cost is O(accounts × funds × months after the date), never O(lines): the current totals are read,
and only movements dated after `as_of` (later months from the monthly table, the rest of as_of's
month from its lines) are taken off.
"""
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta

from sqlalchemy import and_, func, or_, select

from ledger.accounts.models import Account, Balance, Entry, Fund, Line, MonthlyBalance
from ledger.core.dates import next_month, vn_today
from ledger.core.errors import ValidationFailed
from ledger.core.i18n import _
from ledger.extensions import db
from ledger.units.models import Unit
from ledger.units.services import subtree_ids

# Other features add what a fund has promised but not paid yet (decided scholarships).
commitment_sources: list[Callable[[Fund], int]] = []


def scope_condition(unit: Unit, consolidated: bool, unit_col, on: date | None = None):
    """The unit alone, or its subtree: today's, or as the tree was on `on` (a past period's units)."""
    if not consolidated:
        return unit_col == unit.id
    return unit_col.in_(subtree_ids(unit, on))


def inside_condition(unit: Unit, consolidated: bool, cp_col, on: date | None = None):
    """Rows to drop in consolidation: inter-unit lines whose other side is inside the subtree (of `on`)."""
    if not consolidated:
        return None
    return and_(cp_col != 0, cp_col.in_(subtree_ids(unit, on)))


def totals_as_of(unit: Unit, as_of: date, consolidated: bool,
                 tree_on: date | None = None) -> dict[tuple[int, int], list[int]]:
    """(account_id, fund_id) → [debit_total, credit_total] as of the end of `as_of`. A consolidation counts
    the units of the subtree as the tree was on `tree_on` (default `as_of`): a period's opening is read
    over the units of its last day, so a unit that joined counts whole on both sides."""
    tree_on = tree_on or as_of
    result: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    for sign, rows in ((1, current_rows(unit, consolidated, tree_on)),
                       (-1, later_month_rows(unit, as_of, consolidated, tree_on)),
                       (-1, rest_of_month_rows(unit, as_of, consolidated, tree_on))):
        for account_id, fund_id, debit, credit in rows:
            bucket = result[(account_id, fund_id)]
            bucket[0] += sign * int(debit or 0)
            bucket[1] += sign * int(credit or 0)
    return {key: value for key, value in result.items() if value != [0, 0]}


def _grouped(table, debit_col, credit_col, unit: Unit, consolidated: bool, tree_on: date, *extra):
    conditions = [scope_condition(unit, consolidated, table.unit_id, tree_on), *extra]
    eliminate = inside_condition(unit, consolidated, table.cp_unit_id, tree_on)
    if eliminate is not None:
        conditions.append(~eliminate)
    return db.session.execute(
        select(table.account_id, table.fund_id, func.sum(debit_col), func.sum(credit_col))
        .where(*conditions).group_by(table.account_id, table.fund_id)).all()


def current_rows(unit, consolidated, tree_on):
    return _grouped(Balance, Balance.debit_total, Balance.credit_total, unit, consolidated, tree_on)


def later_month_rows(unit, as_of, consolidated, tree_on):
    return _grouped(MonthlyBalance, MonthlyBalance.debit, MonthlyBalance.credit, unit, consolidated, tree_on,
                    MonthlyBalance.month >= next_month(as_of))


def rest_of_month_rows(unit, as_of, consolidated, tree_on):
    month_end = next_month(as_of) - timedelta(days=1)
    if as_of >= month_end:
        return []
    conditions = [scope_condition(unit, consolidated, Entry.unit_id, tree_on),
                  Entry.dated_on > as_of, Entry.dated_on <= month_end]
    if consolidated:
        cp_inside = subtree_ids(unit, tree_on)
        conditions.append(or_(Line.counterparty_unit_id.is_(None), Line.counterparty_unit_id.not_in(cp_inside)))
    return db.session.execute(
        select(Line.account_id, Line.fund_id, func.sum(Line.debit), func.sum(Line.credit))
        .join(Entry, Line.entry_id == Entry.id).where(*conditions)
        .group_by(Line.account_id, Line.fund_id)).all()


SIX_COLUMNS = ("opening_debit", "opening_credit", "period_debit", "period_credit", "closing_debit", "closing_credit")


def trial_balance(unit: Unit, *, as_of: date | None = None, consolidated: bool = False,
                  start: date | None = None) -> dict:
    """Totals to the end of `as_of` per account and fund, and the standard six columns for the period from
    `start` (default: 1 January of as_of's year): opening, movements and closing balances, Nợ and Có."""
    as_of = as_of or vn_today()
    start = start or as_of.replace(month=1, day=1)
    if start > as_of:
        raise ValidationFailed(_("Ngày đầu kỳ phải trước hoặc bằng ngày cuối kỳ."), field="from")
    totals = totals_as_of(unit, as_of, consolidated)
    opening = totals_as_of(unit, start - timedelta(days=1), consolidated, tree_on=as_of)
    accounts = dict(db.session.execute(select(Account.id, Account.code)).all())
    funds = dict(db.session.execute(select(Fund.id, Fund.code)).all())
    rows = sorted(({"account": accounts[a], "fund": funds[f], "debit_total": d, "credit_total": c, "balance": d - c,
                    **six_columns(opening.get((a, f), (0, 0)), (d, c))} for (a, f), (d, c) in totals.items()),
                  key=lambda row: (row["account"], row["fund"]))
    return {"unit": unit.code, "as_of": as_of, "start": start, "consolidated": consolidated, "rows": rows,
            "totals": {"debit": sum(r["debit_total"] for r in rows), "credit": sum(r["credit_total"] for r in rows)},
            "period_totals": {column: sum(r[column] for r in rows) for column in SIX_COLUMNS}}


def six_columns(opening: tuple[int, int], closing: tuple[int, int]) -> dict:
    """Opening and closing balances each on its side (Nợ or Có), and what moved between them."""
    opened, closed = opening[0] - opening[1], closing[0] - closing[1]
    return {"opening_debit": max(opened, 0), "opening_credit": max(-opened, 0),
            "period_debit": closing[0] - opening[0], "period_credit": closing[1] - opening[1],
            "closing_debit": max(closed, 0), "closing_credit": max(-closed, 0)}


def fund_position(fund: Fund, unit: Unit | None = None) -> dict:
    """Net assets of the fund in one unit's books (the owner's by default), what is committed, what is free."""
    unit = unit or fund.owner_unit
    rows = db.session.execute(
        select(Account.type, func.sum(Balance.debit_total - Balance.credit_total))
        .join(Account, Balance.account_id == Account.id)
        .where(Balance.unit_id == unit.id, Balance.fund_id == fund.id,
               Account.type.in_(("asset", "liability")))
        .group_by(Account.type)).all()
    balance = sum(int(amount or 0) for _type, amount in rows)
    committed = sum(source(fund) for source in commitment_sources)
    return {"balance": balance, "committed": committed, "available": balance - committed}


def money_balance(unit: Unit, fund: Fund, account_code: str) -> int:
    """Debit minus credit of one account (with its sub-accounts) for a fund in a unit's books."""
    amount = db.session.scalar(
        select(func.sum(Balance.debit_total - Balance.credit_total))
        .join(Account, Balance.account_id == Account.id)
        .where(Balance.unit_id == unit.id, Balance.fund_id == fund.id, Account.code.like(account_code + "%")))
    return int(amount or 0)
