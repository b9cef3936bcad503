"""Remittances (nộp cấp trên): money sent up to an ancestor, posted in both books at once.

What the sender owes the receiver in the fund (336, collected on behalf) is settled first; a pooled
fund allows nothing more. Of a fund the sender keeps its own part of, the rest is a transfer (621/521).
"""
from sqlalchemy import func, or_, select

from ledger.accounts.chart import DUE_FROM_UNIT, MONEY_ACCOUNTS, OWED_TO_UNIT, TRANSFERS_IN, TRANSFERS_OUT
from ledger.accounts.ledger import LineDraft
from ledger.accounts.models import Account, Balance
from ledger.accounts.posting import EntryDraft, TransactionDraft, lock_units, post_transaction
from ledger.accounts.services import get_fund
from ledger.accounts.treasury.models import Remittance
from ledger.accounts.treasury.services.receipts import check_fund_usable, referenced
from ledger.core import audit
from ledger.core.errors import InvalidState, ValidationFailed
from ledger.core.i18n import _
from ledger.core.money import format_vnd
from ledger.extensions import db
from ledger.units.models import Unit
from ledger.units.services import get_unit


def record_remittance(unit: Unit, data: dict, *, by) -> Remittance:
    to_unit = referenced(get_unit, data["to_unit"], "to_unit")
    if to_unit.id == unit.id or not unit.is_within(to_unit):
        raise ValidationFailed(field="to_unit", message=_(
            "Chỉ nộp lên đơn vị cấp trên của %(unit)s.", unit=unit.name))
    fund, amount = referenced(get_fund, data["fund"], "fund"), data["amount"]
    check_fund_usable(unit, fund)
    check_fund_usable(to_unit, fund)
    lock_units(sorted([unit.id, to_unit.id]))  # what is owed cannot change between reading and posting
    owed = owed_to(unit, to_unit, fund)
    settled = min(owed, amount)
    if fund.is_pooled and amount > owed:
        raise InvalidState(_(
            "Quỹ %(fund)s là quỹ tập trung: %(unit)s chỉ đang giữ hộ %(owed)s cho %(to)s, không nộp được %(amount)s.",
            fund=fund.code, unit=unit.name, owed=format_vnd(owed), to=to_unit.name, amount=format_vnd(amount)))
    memo = _("Nộp %(to)s (%(fund)s)", to=to_unit.name, fund=fund.code)
    tx = post_transaction(remittance_transaction(unit, to_unit, fund.code, data, settled, memo), by=by)
    remittance = Remittance(from_unit=unit, to_unit=to_unit, fund=fund, amount=amount, method=data["method"],
                            kind="settlement" if settled == amount else "transfer", dated_on=data["date"],
                            transaction=tx, created_by_id=getattr(by, "id", None))
    db.session.add(remittance)
    db.session.flush()
    audit.record("remittance.create", "remittance", remittance.id, by=by,
                 after={"from": unit.code, "to": to_unit.code, "fund": fund.code, "amount": amount,
                        "settled": settled, "method": data["method"]})
    return remittance


def owed_to(unit: Unit, creditor: Unit, fund) -> int:
    """What the unit's books owe the creditor in this fund (credit balance of 336 towards it)."""
    owed = db.session.scalar(
        select(func.sum(Balance.credit_total - Balance.debit_total)).join(Account, Balance.account_id == Account.id)
        .where(Balance.unit_id == unit.id, Balance.fund_id == fund.id, Balance.cp_unit_id == creditor.id,
               or_(Account.code == OWED_TO_UNIT, Account.code.like(OWED_TO_UNIT + "%"))))
    return max(int(owed or 0), 0)


def remittance_transaction(unit, to_unit, fund_code, data, settled: int, memo: str) -> TransactionDraft:
    """Sender pays out (PC), receiver takes in (PT); the settled part clears 336/136, the rest is 621/521."""
    money, amount = MONEY_ACCOUNTS[data["method"]], data["amount"]
    sent, received = [], [LineDraft(money, fund_code, debit=amount, counterparty=unit.name[:200])]
    if settled:
        sent.append(LineDraft(OWED_TO_UNIT, fund_code, debit=settled, counterparty_unit=to_unit.code))
        received.append(LineDraft(DUE_FROM_UNIT, fund_code, credit=settled, counterparty_unit=unit.code))
    if amount > settled:
        sent.append(LineDraft(TRANSFERS_OUT, fund_code, debit=amount - settled, counterparty_unit=to_unit.code))
        received.append(LineDraft(TRANSFERS_IN, fund_code, credit=amount - settled, counterparty_unit=unit.code))
    sent.append(LineDraft(money, fund_code, credit=amount, counterparty=to_unit.name[:200]))
    return TransactionDraft([EntryDraft(unit, data["date"], sent, memo=memo, voucher_type="PC"),
                             EntryDraft(to_unit, data["date"], received, memo=memo, voucher_type="PT")],
                            kind="remittance", memo=memo)


def settled_amount(remittance: Remittance) -> int:
    """The part of a remittance that cleared what was collected on behalf."""
    entry = next(e for e in remittance.transaction.entries if e.unit_id == remittance.from_unit_id)
    return sum(line.debit for line in entry.lines if line.account.code.startswith(OWED_TO_UNIT))


def list_remittances(unit: Unit, *, limit=50, offset=0):
    stmt = select(Remittance).where(or_(Remittance.from_unit_id == unit.id, Remittance.to_unit_id == unit.id))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    items = db.session.scalars(stmt.order_by(Remittance.dated_on.desc(), Remittance.id.desc())
                               .limit(limit).offset(offset)).all()
    return items, total
