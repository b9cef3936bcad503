"""Internal books for printing and Excel: the general ledger (sổ cái) of one account and the trial
balance (bảng cân đối tài khoản), as rows shared by the page, the A4 PDF and the XLSX file.

The opening balance comes from the kept balances; only the period's own lines are read.
"""
from datetime import date, timedelta

from sqlalchemy import select

from ledger.accounts.balances import totals_as_of, trial_balance
from ledger.accounts.models import Account, Entry, Fund, Line
from ledger.accounts.services import get_account
from ledger.core.i18n import _
from ledger.extensions import db
from ledger.units.models import Unit

LEDGER_LINES_LIMIT = 20_000  # one account of one unit over a period; more is a year of a big province


def account_ids(account: Account) -> list[int]:
    """The account and its sub-accounts (their codes start with its code)."""
    return list(db.session.scalars(select(Account.id).where(Account.code.like(account.code + "%"))))


def general_ledger(unit: Unit, account_code: str, start: date, end: date, fund_code: str | None = None) -> dict:
    """Opening balance, each line of the period with the running balance, and the closing balance."""
    account = get_account(account_code)
    ids = account_ids(account)
    fund_id = db.session.scalar(select(Fund.id).where(Fund.code == fund_code)) if fund_code else None
    before = totals_as_of(unit, start - timedelta(days=1), False)
    opening = sum(d - c for (a, f), (d, c) in before.items() if a in ids and fund_id in (None, f))
    stmt = (select(Entry.dated_on, Entry.number, Entry.memo, Fund.code, Line.counterparty, Line.debit, Line.credit)
            .join(Entry, Line.entry_id == Entry.id).join(Fund, Line.fund_id == Fund.id)
            .where(Entry.unit_id == unit.id, Line.account_id.in_(ids), Entry.dated_on >= start, Entry.dated_on <= end)
            .order_by(Entry.dated_on, Entry.id, Line.id).limit(LEDGER_LINES_LIMIT))
    if fund_id is not None:
        stmt = stmt.where(Line.fund_id == fund_id)
    rows, running = [], opening
    for dated_on, number, memo, fund, counterparty, debit, credit in db.session.execute(stmt):
        running += debit - credit
        rows.append({"date": dated_on, "number": number, "memo": memo, "fund": fund,
                     "counterparty": counterparty or "", "debit": debit, "credit": credit, "balance": running})
    return {"unit": unit, "account": account, "fund": fund_code, "start": start, "end": end, "opening": opening,
            "rows": rows, "debit": sum(r["debit"] for r in rows), "credit": sum(r["credit"] for r in rows),
            "closing": running, "truncated": len(rows) == LEDGER_LINES_LIMIT}


def ledger_sheet(book: dict) -> tuple[list[str], list[tuple]]:
    """Headers and rows for the XLSX: opening, lines, totals, closing."""
    headers = [_("Ngày"), _("Số chứng từ"), _("Diễn giải"), _("Quỹ"), _("Đối tượng"), _("Nợ"), _("Có"), _("Số dư")]
    rows = [(None, "", _("Số dư đầu kỳ"), "", "", None, None, book["opening"])]
    rows += [(r["date"], r["number"], r["memo"], r["fund"], r["counterparty"], r["debit"] or None,
              r["credit"] or None, r["balance"]) for r in book["rows"]]
    rows += [(None, "", _("Cộng phát sinh"), "", "", book["debit"], book["credit"], None),
             (None, "", _("Số dư cuối kỳ"), "", "", None, None, book["closing"])]
    return headers, rows


def trial_rows(unit: Unit, as_of: date, consolidated: bool) -> dict:
    """The trial balance with account and fund names, ready for print and Excel."""
    report = trial_balance(unit, as_of=as_of, consolidated=consolidated)
    names = dict(db.session.execute(select(Account.code, Account.name)).all())
    funds = dict(db.session.execute(select(Fund.code, Fund.name)).all())
    rows = [{**row, "account_name": names.get(row["account"], ""), "fund_name": funds.get(row["fund"], "")}
            for row in report["rows"]]
    return {**report, "unit": unit, "rows": rows}


def trial_sheet(report: dict) -> tuple[list[str], list[tuple]]:
    headers = [_("Tài khoản"), _("Tên tài khoản"), _("Quỹ"), _("Tổng phát sinh Nợ"), _("Tổng phát sinh Có"),
               _("Số dư (Nợ − Có)")]
    rows = [(r["account"], r["account_name"], r["fund"], r["debit_total"], r["credit_total"], r["balance"])
            for r in report["rows"]]
    rows.append(("", _("Cộng"), "", report["totals"]["debit"], report["totals"]["credit"], None))
    return headers, rows
