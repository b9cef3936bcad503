"""The fund page: balance, committed and available money, recent movements, and the VietQR code
donors scan (the fund's bank account and memo code), with the form that sets them.
"""
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from markupsafe import Markup
from sqlalchemy import func, select

from ledger.accounts import balances, services
from ledger.accounts.banking import vietqr
from ledger.accounts.banking.services import bank_accounts
from ledger.accounts.models import Account, Line
from ledger.auth.routes import login_required
from ledger.core import permissions
from ledger.core.errors import LedgerError
from ledger.core.i18n import _
from ledger.extensions import db

fund_pages = Blueprint("funds", __name__, template_folder="templates")
RECENT = 20


def movements(fund, entries) -> dict[int, int]:
    """Entry id → how much the entry moved the fund's net assets (+ money in, − money out)."""
    if not entries:
        return {}
    rows = db.session.execute(
        select(Line.entry_id, func.sum(Line.debit - Line.credit)).join(Account, Line.account_id == Account.id)
        .where(Line.entry_id.in_([e.id for e in entries]), Line.fund_id == fund.id,
               Account.type.in_(("asset", "liability")))
        .group_by(Line.entry_id)).all()
    return {entry_id: int(amount or 0) for entry_id, amount in rows}


def render_fund(fund, error: LedgerError | None = None, typed: dict | None = None, status: int = 200):
    unit = fund.owner_unit
    entries, total = services.list_entries(unit, fund=fund.code, limit=RECENT)
    payload = bank_accounts.fund_payload(fund)
    return render_template(
        "banking/fund.html", fund=fund, unit=unit, position=balances.fund_position(fund), entries=entries,
        total=total, moved=movements(fund, entries), payload=payload,
        qr=Markup(vietqr.svg(payload)) if payload else None,
        can_setup=permissions.allowed(g.user, "setup", unit), error=error,
        typed=typed if typed is not None else bank_accounts.payment_details(fund)), status


@fund_pages.get("/funds/<code>")
@login_required
def fund_page(code):
    fund = services.get_fund(code)
    permissions.require(g.user, "read", fund.owner_unit)
    return render_fund(fund)


@fund_pages.post("/funds/<code>/payment-details")
@login_required
def payment_details(code):
    fund = services.get_fund(code)
    permissions.require(g.user, "setup", fund.owner_unit)
    typed = {name: request.form.get(name, "").strip() for name in ("memo_code", "bank_bin", "bank_account",
                                                                   "bank_account_name")}
    try:
        bank_accounts.set_fund_payment_details(fund, typed, by=g.user)
        db.session.commit()
    except LedgerError as exc:
        db.session.rollback()
        return render_fund(fund, exc, typed, exc.status)
    flash(_("Đã lưu tài khoản nhận tiền và mã chuyển khoản của quỹ."))
    return redirect(url_for("funds.fund_page", code=fund.code), 303)
