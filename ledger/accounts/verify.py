"""Recomputing a unit's books from its lines: the hash chain (Invariant 10) and the kept
balances, total and monthly (Invariant 9). Reports the first difference found.
"""
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select

from ledger.accounts import ledger
from ledger.accounts.models import Account, Balance, ChainHead, Entry, Fund, Line, MonthlyBalance
from ledger.core.dates import month_start
from ledger.core.i18n import _
from ledger.extensions import db
from ledger.units.models import Unit

GENESIS = "0" * 64
BATCH = 5000


@dataclass
class Verification:
    unit: str
    valid: bool = True
    entries_checked: int = 0
    head: str | None = None
    problems: list[str] = field(default_factory=list)

    def fail(self, message: str) -> None:
        self.valid = False
        self.problems.append(message)


def verify_unit(unit: Unit, codes=None) -> Verification:
    """`codes` from code_maps(): verify_all reads them once, not once per unit."""
    result = Verification(unit=unit.code)
    codes = codes or code_maps()
    totals, monthly = check_chain(unit, result, codes)
    check_kept_balances(unit, result, totals, monthly)
    head = db.session.get(ChainHead, unit.id)
    if head is not None and result.valid and (head.head != (result.head or GENESIS)
                                              or head.length != result.entries_checked):
        result.fail(_("Đầu chuỗi lưu (%(stored)s) khác đầu chuỗi tính lại.", stored=head.head[:12]))
    return result


def code_maps():
    return (dict(db.session.execute(select(Account.id, Account.code)).all()),
            dict(db.session.execute(select(Fund.id, Fund.code)).all()),
            dict(db.session.execute(select(Unit.id, Unit.code)).all()))


def check_chain(unit, result, codes):
    accounts, funds, units = codes
    prev, expected_index = GENESIS, 1
    totals: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    monthly: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    numbers = dict(db.session.execute(select(Entry.id, Entry.number).where(Entry.unit_id == unit.id)).all())
    for entry, lines in entries_with_lines(unit):
        content = ledger.entry_content(
            unit=unit.code, number=entry.number, dated_on=entry.dated_on.isoformat(), memo=entry.memo,
            reverses=numbers.get(entry.reverses_id) if entry.reverses_id else None,
            lines=[(accounts[l.account_id], funds[l.fund_id], l.debit, l.credit,
                    units.get(l.counterparty_unit_id), l.counterparty) for l in lines])
        if result.valid and (entry.chain_index != expected_index or entry.prev_hash != prev
                             or ledger.chain_hash(prev, content) != entry.hash):
            result.fail(_("Bút toán %(number)s (ngày %(date)s) đã bị thay đổi hoặc chuỗi băm bị đứt.",
                          number=entry.number, date=entry.dated_on.strftime("%d/%m/%Y")))
        if result.valid and sum(l.debit - l.credit for l in lines):
            result.fail(_("Bút toán %(number)s không cân.", number=entry.number))
        for line in lines:
            key = (line.account_id, line.fund_id, line.counterparty_unit_id or 0)
            for bucket in (totals[key], monthly[key + (month_start(entry.dated_on),)]):
                bucket[0] += line.debit
                bucket[1] += line.credit
        prev, expected_index = entry.hash, expected_index + 1
        result.entries_checked += 1
    result.head = prev if result.entries_checked else None
    return totals, monthly


def entries_with_lines(unit):
    """Entries in chain order with their lines, read in batches to bound memory."""
    last_index = 0
    while True:
        entries = db.session.execute(select(Entry.id, Entry.number, Entry.dated_on, Entry.memo, Entry.reverses_id,
                                            Entry.chain_index, Entry.prev_hash, Entry.hash)
                                     .where(Entry.unit_id == unit.id, Entry.chain_index > last_index)
                                     .order_by(Entry.chain_index).limit(BATCH)).all()
        if not entries:
            return
        grouped = defaultdict(list)
        for line in db.session.execute(select(Line.entry_id, Line.account_id, Line.fund_id, Line.debit, Line.credit,
                                              Line.counterparty_unit_id, Line.counterparty)
                                       .where(Line.entry_id.in_([e.id for e in entries])).order_by(Line.id)):
            grouped[line.entry_id].append(line)
        for entry in entries:
            yield entry, grouped[entry.id]
        last_index = entries[-1].chain_index


def check_kept_balances(unit, result, totals, monthly) -> None:
    kept = {(b.account_id, b.fund_id, b.cp_unit_id): [b.debit_total, b.credit_total]
            for b in db.session.scalars(select(Balance).where(Balance.unit_id == unit.id))}
    kept_monthly = {(m.account_id, m.fund_id, m.cp_unit_id, m.month): [m.debit, m.credit]
                    for m in db.session.scalars(select(MonthlyBalance).where(MonthlyBalance.unit_id == unit.id))}
    for name, computed, stored in ((_("số dư"), totals, kept), (_("số phát sinh tháng"), monthly, kept_monthly)):
        nonzero = {k: v for k, v in stored.items() if v != [0, 0]}
        if dict(computed) != nonzero:
            key = next(iter(sorted(set(computed) ^ set(nonzero) or
                                   {k for k in computed if computed[k] != nonzero.get(k)})), None)
            result.fail(_("Bảng %(name)s lưu sẵn khác tổng các dòng (tại %(key)s).", name=name, key=key))


def verify_all(progress=None):
    """Every unit's books; yields one Verification per unit that has a chain."""
    codes = code_maps()
    for unit in db.session.scalars(select(Unit).order_by(Unit.path)):
        result = verify_unit(unit, codes)
        if progress:
            progress(result)
        yield result
