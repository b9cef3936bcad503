"""What closing a month would leave behind in a unit's books: payments still awaiting approval and bank
statement lines not yet matched, dated inside the period. The close page of the books lists them.
"""
from datetime import date

from flask import url_for
from sqlalchemy import select

from ledger.accounts.banking.models import BankAccount, BankStatementLine
from ledger.accounts.services import Pending
from ledger.accounts.treasury.models import Disbursement
from ledger.core.i18n import _
from ledger.core.money import format_vnd_short
from ledger.core.web import vi_date
from ledger.extensions import db
from ledger.units.models import Unit

LISTED = 50  # of each kind: enough to act on, without filling the page


def in_period(column, start: date | None, end: date):
    return (column <= end) if start is None else column.between(start, end)


def pending_payments(unit: Unit, start: date | None, end: date) -> list[Pending]:
    found = db.session.scalars(select(Disbursement).where(
        Disbursement.unit_id == unit.id, Disbursement.status == "pending_approval",
        in_period(Disbursement.dated_on, start, end)).order_by(Disbursement.dated_on, Disbursement.id)).all()
    return [Pending(_("Phiếu chi chờ duyệt"), _("%(date)s · %(payee)s · %(amount)s", date=vi_date(d.dated_on),
                                                payee=d.payee_name, amount=format_vnd_short(d.amount)),
                    url_for("treasury.disbursement_page", disbursement_id=d.id)) for d in found[:LISTED]]


def unmatched_bank_lines(unit: Unit, start: date | None, end: date) -> list[Pending]:
    found = db.session.scalars(select(BankStatementLine).join(BankAccount).where(
        BankAccount.unit_id == unit.id, BankStatementLine.status != "matched",
        in_period(BankStatementLine.dated_on, start, end))
        .order_by(BankStatementLine.dated_on, BankStatementLine.id)).all()
    return [Pending(_("Dòng sao kê chưa khớp"), _("%(date)s · %(text)s · %(amount)s", date=vi_date(line.dated_on),
                                                   text=line.description[:80],
                                                   amount=format_vnd_short(line.credit or line.debit)),
                    url_for("bank.reconcile_page", account_id=line.bank_account_id) + f"#line-{line.id}")
            for line in found[:LISTED]]
