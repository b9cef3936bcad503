"""Small read helpers for the books' pages: a page of entries' amounts, reversals and moves of a fund in
one query each, names for codes, and the dates a page suggests.
"""
from datetime import date, timedelta

from sqlalchemy import exists, func, select
from sqlalchemy.orm import aliased

from ledger.accounts.models import Account, Entry, Fund, Line
from ledger.auth.models import User
from ledger.extensions import db


def entry_amounts(entries) -> dict[int, int]:
    """Entry id → Σ Nợ (the entry's amount), for a page of entries at once."""
    ids = [entry.id for entry in entries]
    if not ids:
        return {}
    rows = db.session.execute(select(Line.entry_id, func.sum(Line.debit)).where(Line.entry_id.in_(ids))
                              .group_by(Line.entry_id)).all()
    return {entry_id: int(total or 0) for entry_id, total in rows}


def reversals_of(entries) -> dict[int, tuple[int, str]]:
    """Entry id → (id, number) of the entry that reversed it, for the entries of a page that were reversed."""
    ids = [entry.id for entry in entries]
    if not ids:
        return {}
    rows = db.session.execute(select(Entry.reverses_id, Entry.id, Entry.number).where(Entry.reverses_id.in_(ids)))
    return {reversed_id: (entry_id, number) for reversed_id, entry_id, number in rows}


def fund_movements(fund, entries) -> dict[int, int]:
    """Entry id → how much the entry moved the fund's net assets (+ money in, − money out)."""
    if not entries:
        return {}
    rows = db.session.execute(
        select(Line.entry_id, func.sum(Line.debit - Line.credit)).join(Account, Line.account_id == Account.id)
        .where(Line.entry_id.in_([e.id for e in entries]), Line.fund_id == fund.id,
               Account.type.in_(("asset", "liability")))
        .group_by(Line.entry_id)).all()
    return {entry_id: int(amount or 0) for entry_id, amount in rows}


def user_name(user_id: int | None) -> str:
    if user_id is None:
        return ""
    return db.session.scalar(select(User.full_name).where(User.id == user_id)) or ""


def account_and_fund_names() -> dict[str, dict[str, str]]:
    return {"accounts": dict(db.session.execute(select(Account.code, Account.name)).all()),
            "funds": dict(db.session.execute(select(Fund.code, Fund.name)).all())}


def last_entry_date(unit) -> date | None:
    return db.session.scalar(select(func.max(Entry.dated_on)).where(Entry.unit_id == unit.id))


def last_month_end(today: date) -> date:
    """What a treasurer closes most often: the end of the month before."""
    return today.replace(day=1) - timedelta(days=1)


def reversed_by(transaction_id_col, end: date | None = None):
    """True for a document (receipt, payment) whose transaction was reversed, by `end` when given."""
    original, reversal = aliased(Entry), aliased(Entry)
    condition = exists().where(original.transaction_id == transaction_id_col, reversal.reverses_id == original.id)
    return condition.where(reversal.dated_on <= end) if end is not None else condition
