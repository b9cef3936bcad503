"""Recomputing a unit's books from its lines: the hash chain (Invariant 10), the kept balances,
total and monthly (Invariant 9), and the anchors — heads of the chain frozen by published
statements and by the parent's books when a report went up (ChainAnchor): the chain recomputed
from the lines must pass through every one of them. Reports the first difference of each kind.
"""
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import aliased

from ledger.accounts import ledger
from ledger.accounts.models import Account, Balance, ChainHead, Entry, Fund, Line, MonthlyBalance
from ledger.core.dates import month_start
from ledger.core.i18n import _
from ledger.extensions import db
from ledger.units.models import Unit

GENESIS = "0" * 64
# The anchors are kept in the reports' tables (ChainAnchor, and the Statement that froze one), a layer above
# the books: the reports feature hands both models over in its init_app, so the books import nothing upward.
anchor_models: dict[str, type] = {}
BATCH = 5000
SHORT = 12  # characters of a hash quoted in a message


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


@dataclass
class Anchor:
    """One frozen head of a chain and who froze it (for the message when it no longer matches)."""
    index: int
    hash: str
    source: str


def verify_unit(unit: Unit, codes=None, recomputed: dict | None = None) -> Verification:
    """`codes` from code_maps(): verify_all reads them once, not once per unit. `recomputed` (unit id →
    {index: hash}) keeps what this verification recomputed at anchored places, for the parent's check."""
    result = Verification(unit=unit.code)
    codes = codes or code_maps()
    anchors = anchors_of(unit)
    totals, monthly, at_anchors = check_chain(unit, result, codes, {a.index for a in anchors})
    check_anchors(result, anchors, at_anchors)
    check_kept_balances(unit, result, totals, monthly, codes)
    head = db.session.get(ChainHead, unit.id)
    if head is not None and result.valid and (head.head != (result.head or GENESIS)
                                              or head.length != result.entries_checked):
        result.fail(_("Đầu chuỗi lưu (%(stored)s) khác đầu chuỗi tính lại.", stored=head.head[:SHORT]))
    check_child_anchors(unit, result, codes, recomputed or {})
    if recomputed is not None:
        recomputed[unit.id] = at_anchors
    return result


def code_maps():
    return (dict(db.session.execute(select(Account.id, Account.code)).all()),
            dict(db.session.execute(select(Fund.id, Fund.code)).all()),
            dict(db.session.execute(select(Unit.id, Unit.code)).all()))


def recompute_chain(unit: Unit, codes) -> Iterator[tuple]:
    """(entry, lines, hash) in chain order, each hash recomputed from the lines and the previous
    recomputed hash, never from what is stored: a rehashed rewrite gives other hashes than the anchors."""
    accounts, funds, units = codes
    numbers = dict(db.session.execute(select(Entry.id, Entry.number).where(Entry.unit_id == unit.id)).all())
    prev = GENESIS
    for entry, lines, anchor in entries_with_lines(unit):
        content = ledger.entry_content(
            unit=unit.code, number=entry.number, dated_on=entry.dated_on.isoformat(), memo=entry.memo,
            reverses=numbers.get(entry.reverses_id) if entry.reverses_id else None,
            anchor=(units[anchor.unit_id], anchor.chain_index, anchor.hash) if anchor else None,
            lines=[(accounts[ln.account_id], funds[ln.fund_id], ln.debit, ln.credit,
                    units.get(ln.counterparty_unit_id), ln.counterparty) for ln in lines])
        prev = ledger.chain_hash(prev, content)
        yield entry, lines, prev


def check_chain(unit, result, codes, wanted: set[int]):
    """Walk the chain once: links, balance per entry, movements for the kept balances, and the
    recomputed hashes at the `wanted` indexes."""
    prev, expected_index, at_wanted = GENESIS, 1, {}
    totals: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    monthly: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for entry, lines, digest in recompute_chain(unit, codes):
        if result.valid and (entry.chain_index != expected_index or entry.prev_hash != prev or digest != entry.hash):
            result.fail(_("Bút toán %(number)s (ngày %(date)s) đã bị thay đổi hoặc chuỗi băm bị đứt.",
                          number=entry.number, date=entry.dated_on.strftime("%d/%m/%Y")))
        if result.valid and sum(ln.debit - ln.credit for ln in lines):
            result.fail(_("Bút toán %(number)s không cân.", number=entry.number))
        for line in lines:
            key = (line.account_id, line.fund_id, line.counterparty_unit_id or 0)
            for bucket in (totals[key], monthly[key + (month_start(entry.dated_on),)]):
                bucket[0] += line.debit
                bucket[1] += line.credit
        if expected_index in wanted:
            at_wanted[expected_index] = digest
        prev, expected_index = entry.hash, expected_index + 1
        result.entries_checked += 1
    result.head = prev if result.entries_checked else None
    return totals, monthly, at_wanted


def hashes_at(unit: Unit, indexes: set[int], codes=None) -> dict[int, str]:
    """The unit's chain recomputed from its lines, at the given indexes (stops after the last one)."""
    found, last = {}, max(indexes, default=0)
    for position, (_entry, _lines, digest) in enumerate(recompute_chain(unit, codes or code_maps()), start=1):
        if position > last:
            break
        if position in indexes:
            found[position] = digest
    return found


def entries_with_lines(unit):
    """Entries in chain order with their lines and anchor (if the entry records one), read in batches."""
    chain_anchor, last_index = anchor_models["ChainAnchor"], 0
    while True:
        entries = db.session.execute(select(Entry.id, Entry.number, Entry.dated_on, Entry.memo, Entry.reverses_id,
                                            Entry.chain_index, Entry.prev_hash, Entry.hash)
                                     .where(Entry.unit_id == unit.id, Entry.chain_index > last_index)
                                     .order_by(Entry.chain_index).limit(BATCH)).all()
        if not entries:
            return
        ids = [e.id for e in entries]
        grouped = defaultdict(list)
        for line in db.session.execute(select(Line.entry_id, Line.account_id, Line.fund_id, Line.debit, Line.credit,
                                              Line.counterparty_unit_id, Line.counterparty)
                                       .where(Line.entry_id.in_(ids)).order_by(Line.id)):
            grouped[line.entry_id].append(line)
        anchors = {row.entry_id: row for row in db.session.execute(
            select(chain_anchor.entry_id, chain_anchor.unit_id, chain_anchor.chain_index, chain_anchor.hash)
            .where(chain_anchor.entry_id.in_(ids)))}
        for entry in entries:
            yield entry, grouped[entry.id], anchors.get(entry.id)
        last_index = entries[-1].chain_index


def anchors_of(unit: Unit) -> list[Anchor]:
    """Every frozen head of this unit's chain: published statements and entries in the parent's books."""
    recorder, parent = aliased(Entry), aliased(Unit)
    chain_anchor, statement = anchor_models["ChainAnchor"], anchor_models["Statement"]
    rows = db.session.execute(
        select(chain_anchor.chain_index, chain_anchor.hash, statement.id, statement.version, statement.period_start,
               statement.period_end, recorder.number, parent.name)
        .outerjoin(statement, statement.id == chain_anchor.statement_id)
        .outerjoin(recorder, recorder.id == chain_anchor.entry_id)
        .outerjoin(parent, parent.id == recorder.unit_id)
        .where(chain_anchor.unit_id == unit.id).order_by(chain_anchor.chain_index, chain_anchor.id)).all()
    return [Anchor(row[0], row[1], anchor_source(*row[2:])) for row in rows]


def anchor_source(statement_id, version, start, end, number, parent) -> str:
    if statement_id is not None:
        return _("Báo cáo công khai số %(id)s (kỳ %(start)s – %(end)s, phiên bản %(version)s)", id=statement_id,
                 start=start.strftime("%d/%m/%Y"), end=end.strftime("%d/%m/%Y"), version=version)
    return _("Bút toán %(number)s trong sổ của %(parent)s (mốc ghi khi nhận báo cáo định kỳ)",
             number=number, parent=parent)


def now_text(index: int, digest: str | None) -> str:
    if digest is None:
        return _("không còn bút toán thứ %(index)s", index=index)
    return _("ra mã %(hash)s…", hash=digest[:SHORT])


def check_anchors(result: Verification, anchors: list[Anchor], at_anchors: dict[int, str]) -> None:
    for anchor in anchors:
        now = at_anchors.get(anchor.index)
        if now != anchor.hash:
            result.fail(_("%(source)s đã chốt bút toán thứ %(index)s của sổ này với mã %(hash)s…, nhưng tính lại "
                          "từ các dòng hiện nay thì %(now)s: sổ đã bị viết lại sau thời điểm đó.",
                          source=anchor.source, index=anchor.index, hash=anchor.hash[:SHORT],
                          now=now_text(anchor.index, now)))


def check_child_anchors(unit: Unit, result: Verification, codes, recomputed: dict) -> None:
    """The heads of child units this unit's books recorded must still lie on the children's chains."""
    child, chain_anchor = aliased(Unit), anchor_models["ChainAnchor"]
    rows = db.session.execute(
        select(chain_anchor.unit_id, chain_anchor.chain_index, chain_anchor.hash, Entry.number, child)
        .join(Entry, Entry.id == chain_anchor.entry_id).join(child, child.id == chain_anchor.unit_id)
        .where(Entry.unit_id == unit.id).order_by(Entry.chain_index)).all()
    by_child = defaultdict(list)
    for row in rows:
        by_child[row.unit_id].append(row)
    for child_id, anchored in by_child.items():
        indexes = {row.chain_index for row in anchored}
        known = recomputed.get(child_id, {})
        hashes = known if indexes <= known.keys() else hashes_at(anchored[0][4], indexes, codes)
        for row in anchored:
            now = hashes.get(row.chain_index)
            if now != row.hash:
                result.fail(_("Bút toán %(number)s ghi mốc sổ của %(child)s (bút toán thứ %(index)s, mã %(hash)s…), "
                              "nhưng sổ của %(child)s tính lại từ các dòng hiện nay thì %(now)s: sổ cấp dưới đã bị "
                              "viết lại.", number=row.number, child=row[4].name, index=row.chain_index,
                              hash=row.hash[:SHORT], now=now_text(row.chain_index, now)))


def check_kept_balances(unit, result, totals, monthly, codes) -> None:
    kept = {(b.account_id, b.fund_id, b.cp_unit_id): [b.debit_total, b.credit_total]
            for b in db.session.scalars(select(Balance).where(Balance.unit_id == unit.id))}
    kept_monthly = {(m.account_id, m.fund_id, m.cp_unit_id, m.month): [m.debit, m.credit]
                    for m in db.session.scalars(select(MonthlyBalance).where(MonthlyBalance.unit_id == unit.id))}
    for name, computed, stored in ((_("số dư"), totals, kept), (_("số phát sinh tháng"), monthly, kept_monthly)):
        nonzero = {k: v for k, v in stored.items() if v != [0, 0]}
        if dict(computed) != nonzero:
            key = next(iter(sorted(set(computed) ^ set(nonzero) or
                                   {k for k in computed if computed[k] != nonzero.get(k)})), None)
            result.fail(_("Bảng %(name)s lưu sẵn khác tổng các dòng (tại %(where)s).", name=name,
                          where=balance_key_text(key, codes)))


def balance_key_text(key: tuple, codes) -> str:
    """(account, fund, counterparty unit or 0[, month]) ids → "tài khoản 111, quỹ QKH, tháng 03/2026"."""
    accounts, funds, units = codes
    parts = [_("tài khoản %(code)s", code=accounts.get(key[0], key[0])),
             _("quỹ %(code)s", code=funds.get(key[1], key[1]))]
    if key[2]:
        parts.append(_("đơn vị đối ứng %(code)s", code=units.get(key[2], key[2])))
    if len(key) > 3:
        parts.append(_("tháng %(month)s", month=key[3].strftime("%m/%Y")))
    return ", ".join(parts)


def verify_all(progress=None):
    """Every unit's books; yields one Verification per unit. Children come before their parent (paths
    descending), so a parent's check of the heads it recorded reuses what its children recomputed."""
    codes, recomputed = code_maps(), {}
    for unit in db.session.scalars(select(Unit).order_by(Unit.path.desc())):
        result = verify_unit(unit, codes, recomputed)
        if progress:
            progress(result)
        yield result
