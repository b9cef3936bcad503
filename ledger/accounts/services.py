"""Chart, funds, general entries, reversals and closing the books — all posting through posting.py."""
import csv
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from ledger.accounts import ledger
from ledger.accounts.chart_cache import fund_by_code
from ledger.accounts.models import Account, ChainHead, Entry, Fund, Transaction
from ledger.accounts.posting import EntryDraft, TransactionDraft, lock_units, post_transaction
from ledger.core import audit
from ledger.core.dates import vn_today
from ledger.core.errors import Duplicate, InvalidState, NotFound, ValidationFailed
from ledger.core.i18n import _
from ledger.core.inputs import get_by_id
from ledger.core.state import claim
from ledger.extensions import db
from ledger.units.models import Unit
from ledger.units.services import get_unit

CHART_FILE = Path(__file__).parent / "data" / "chart.csv"


def seed_chart() -> int:
    """Insert the accounts of the template chart that are missing; safe to run again."""
    have = set(db.session.scalars(select(Account.code)))
    created = 0
    with CHART_FILE.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["code"] not in have:
                db.session.add(Account(code=row["code"], name=row["name_vi"], name_en=row["name_en"],
                                       type=row["type"], normal_side=row["normal_side"],
                                       is_no_negative=row["is_no_negative"] == "1"))
                created += 1
    db.session.flush()
    return created


def by_code(model, code: str, missing: str):
    """The row of `model` with this code, or 404 with the `missing` message."""
    found = db.session.scalar(select(model).where(model.code == code))
    if found is None:
        raise NotFound(missing)
    return found


def get_account(code: str) -> Account:
    return by_code(Account, code, _("Không có tài khoản %(code)s.", code=code))


def list_accounts():
    return db.session.scalars(select(Account).order_by(Account.code)).all()


def create_account(data: dict, *, by=None) -> Account:
    """A sub-account takes its parent's type, side and no-negative flag."""
    code = data["code"].strip()
    if db.session.scalar(select(Account.id).where(Account.code == code)):
        raise Duplicate(_("Tài khoản %(code)s đã có.", code=code), field="code")
    parent = get_account(data["parent"])
    if not code.startswith(parent.code):
        raise ValidationFailed(field="code", message=_(
            "Mã tài khoản con phải bắt đầu bằng mã tài khoản mẹ %(parent)s.", parent=parent.code))
    account = Account(code=code, name=data["name"].strip(), name_en=data.get("name_en", ""), type=parent.type,
                      normal_side=parent.normal_side, is_no_negative=parent.is_no_negative, parent=parent)
    db.session.add(account)
    db.session.flush()
    audit.record("account.create", "account", code, by=by, after={"code": code, "name": account.name,
                                                                  "parent": parent.code})
    return account


def get_fund(code: str) -> Fund:
    fund = fund_by_code(code)
    if fund is None:
        raise NotFound(_("Không có quỹ mã %(code)s.", code=code))
    return fund


def create_fund(data: dict, *, by=None) -> Fund:
    code = data["code"].strip()
    if db.session.scalar(select(Fund.id).where(Fund.code == code)):
        raise Duplicate(_("Mã quỹ %(code)s đã có.", code=code), field="code")
    owner = get_unit(data["owner_unit"])
    income = get_fund(data["income_fund"]) if data.get("income_fund") else None
    if data["kind"] == "endowment":
        if income is None:
            raise ValidationFailed(field="income_fund", message=_(
                "Quỹ vốn gốc (endowment) phải có quỹ thu nhập nhận tiền lãi."))
        if income.kind == "endowment" or not owner.is_within(income.owner_unit):
            raise ValidationFailed(field="income_fund", message=_(
                "Quỹ thu nhập phải là quỹ chi tiêu được, dùng được ở đơn vị sở hữu."))
    fund = Fund(code=code, name=data["name"].strip(), owner_unit=owner, kind=data["kind"],
                purpose=data.get("purpose") or "", is_pooled=bool(data.get("pooled")),
                income_fund=income, regime=data.get("regime") or "association")
    db.session.add(fund)
    db.session.flush()
    audit.record("fund.create", "fund", code, by=by, after=describe_fund(fund))
    return fund


def describe_fund(fund: Fund) -> dict:
    return {"code": fund.code, "name": fund.name, "owner_unit": fund.owner_unit.code, "kind": fund.kind,
            "purpose": fund.purpose, "pooled": fund.is_pooled,
            "income_fund": fund.income_fund.code if fund.income_fund else None, "regime": fund.regime}


def funds_usable_in(unit: Unit):
    """Funds owned by the unit or any of its ancestors."""
    owners = unit.ancestor_codes
    return db.session.scalars(select(Fund).join(Unit, Fund.owner_unit_id == Unit.id)
                              .where(Unit.code.in_(owners)).order_by(Unit.depth, Fund.code)).all()


def record_entry(unit: Unit, data: dict, *, by=None) -> Entry:
    """A general journal entry (bút toán, BT) typed by a treasurer."""
    lines = [ledger.LineDraft(account=line["account"], fund=line["fund"], debit=line.get("debit") or 0,
                              credit=line.get("credit") or 0, counterparty=line.get("counterparty"))
             for line in data["lines"]]
    draft = EntryDraft(unit=unit, dated_on=data["date"], memo=data.get("memo") or "", lines=lines)
    tx = post_transaction(TransactionDraft([draft], kind="entry", memo=draft.memo), by=by)
    return tx.entries[0]


def get_entry(entry_id) -> Entry:
    entry = get_by_id(Entry, entry_id)
    if entry is None:
        raise NotFound(_("Không có bút toán %(id)s.", id=entry_id))
    return entry


def reverse_entry(entry: Entry, *, on: date, reason: str, by=None) -> Entry:
    """Mirror every entry of the transaction (both books of an inter-unit posting) and link each back.

    The transaction is claimed first: of two reversals of it (of the same entry or of its twin in
    another unit's books) the second waits, finds it reversed and gets 409 invalid_state.
    """
    if entry.reverses_id is not None:
        raise InvalidState(_("Không thể đảo một bút toán đảo."))
    if not reason or not reason.strip():
        raise ValidationFailed(field="reason", message=_("Cần ghi lý do đảo bút toán."))
    claim(entry.transaction, lambda tx: not reversed_numbers(tx),
          label=lambda _state: _("bút toán %(number)s đã được đảo", number=entry.number))
    siblings = entry.transaction.entries
    drafts = [EntryDraft(unit=s.unit, dated_on=on, reverses=s, memo=_("Đảo %(number)s: %(reason)s",
                                                                     number=s.number, reason=reason.strip()),
                         lines=[mirrored(line) for line in s.lines]) for s in siblings]
    tx = post_transaction(TransactionDraft(drafts, kind="reversal", memo=reason.strip()), by=by)
    audit.record("entry.reverse", "entry", entry.id, by=by, after={"reason": reason.strip(), "transaction": tx.id})
    return next(e for e in tx.entries if e.reverses_id == entry.id)


def reversed_numbers(tx: Transaction) -> list[str]:
    """Numbers of the transaction's entries that a reversal already mirrors (read afresh, not cached)."""
    reversal = aliased(Entry)
    return list(db.session.scalars(select(Entry.number).join(reversal, reversal.reverses_id == Entry.id)
                                   .where(Entry.transaction_id == tx.id)))


def mirrored(line) -> ledger.LineDraft:
    return ledger.LineDraft(account=line.account.code, fund=line.fund.code, debit=line.credit, credit=line.debit,
                            counterparty_unit=line.counterparty_unit.code if line.counterparty_unit else None,
                            counterparty=line.counterparty)


def close_books(unit: Unit, through: date, *, by=None) -> Unit:
    """Khóa sổ: no entry dated on or before `through` can be posted; the date only moves forward.

    Closing again through the date the books are already closed through is a repeat (two closers
    at once, a double click): 409 invalid_state, nothing changes. An earlier date is 422.
    """
    if through > vn_today():
        raise InvalidState(_("Không thể khóa sổ đến một ngày trong tương lai (%(date)s).",
                             date=through.strftime("%d/%m/%Y")), field="through")
    claim(unit, lambda found: found.closed_through != through, field="closed_through",
          label=lambda current: _("sổ đã khóa đến hết ngày %(date)s", date=current.strftime("%d/%m/%Y")))
    lock_units([unit.id])  # serialise with postings to this unit: they read the closing date under this lock
    current = unit.closed_through
    if current is not None and through < current:
        raise InvalidState(_("Sổ đã khóa đến %(current)s; ngày khóa sổ không được lùi lại.",
                             current=current.strftime("%d/%m/%Y")), field="through")
    unit.closed_through = through
    db.session.flush()
    audit.record("books.close", "unit", unit.code, by=by,
                 before={"closed_through": current.isoformat() if current else None},
                 after={"closed_through": through.isoformat()})
    return unit


class Pending(NamedTuple):
    """Something still open in a period about to be closed: what it is, a line saying which, where to see it."""
    kind: str
    text: str
    url: str


# Features above the books add what a closing would leave behind (payments awaiting approval, unmatched
# bank lines): each is called with (unit, first day not closed or None, last day to close).
close_pending_sources: list[Callable[[Unit, date | None, date], list[Pending]]] = []
MONTHS_OFFERED = 12


def months_to_close(unit: Unit, today: date) -> list[date]:
    """Ends of the whole months not yet closed, latest first: what the close page offers (never today's month)."""
    month_end = today.replace(day=1) - timedelta(days=1)
    ends = []
    while len(ends) < MONTHS_OFFERED and (unit.closed_through is None or month_end > unit.closed_through):
        ends.append(month_end)
        month_end = month_end.replace(day=1) - timedelta(days=1)
    return ends


def pending_before_close(unit: Unit, through: date) -> list[Pending]:
    """What is still open on or before `through` and after the current closing date."""
    start = unit.closed_through + timedelta(days=1) if unit.closed_through else None
    return [item for source in close_pending_sources for item in source(unit, start, through)]


def list_entries(unit: Unit, *, date_from=None, date_to=None, account=None, fund=None, limit=50, offset=0):
    from ledger.accounts.models import Line

    stmt = select(Entry).where(Entry.unit_id == unit.id)
    if date_from:
        stmt = stmt.where(Entry.dated_on >= date_from)
    if date_to:
        stmt = stmt.where(Entry.dated_on <= date_to)
    if account or fund:
        lines = select(Line.entry_id)
        if account:
            lines = lines.where(Line.account_id == get_account(account).id)
        if fund:
            lines = lines.where(Line.fund_id == get_fund(fund).id)
        stmt = stmt.where(Entry.id.in_(lines))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    items = db.session.scalars(stmt.order_by(Entry.dated_on.desc(), Entry.id.desc()).limit(limit).offset(offset)).all()
    return items, total


def chain_head(unit: Unit) -> ChainHead | None:
    return db.session.get(ChainHead, unit.id)
