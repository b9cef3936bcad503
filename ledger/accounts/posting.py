"""The posting service: the only code that writes to the books.

A batch of transactions is checked in memory (balance per fund, no overdraft entry by entry),
then written with a few set-based statements: numbers from locked counters, one hash chain per
unit, kept balances upserted in sorted order. Each unit's chain-head row is locked (sorted) first,
so everything per unit is serialised and no read-modify-write can race.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ledger.accounts import ledger
from ledger.accounts.models import (Account, Balance, ChainHead, Entry, Fund, Line, MonthlyBalance,
                                    Transaction, VoucherCounter)
from ledger.core import audit, money
from ledger.core.dates import month_start
from ledger.core.db import is_postgres, utcnow
from ledger.core.errors import (EndowmentPrincipal, InsufficientFunds, InvalidState, PeriodClosed,
                                Unbalanced, UnbalancedFund, ValidationFailed)
from ledger.core.i18n import _
from ledger.extensions import db
from ledger.units.models import Unit

LINES_PER_STATEMENT = 900  # whole entries per INSERT: the PostgreSQL balance trigger sees complete entries


@dataclass
class EntryDraft:
    unit: Unit
    dated_on: date
    lines: list[ledger.LineDraft]
    memo: str = ""
    voucher_type: str = "BT"
    reverses: Entry | None = None


@dataclass
class TransactionDraft:
    entries: list[EntryDraft]
    kind: str = "entry"
    memo: str = ""


@dataclass
class _Resolved:
    """Codes turned into rows once per batch."""
    accounts: dict[str, Account] = field(default_factory=dict)
    funds: dict[str, Fund] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)


def post_transaction(draft: TransactionDraft, *, by=None) -> Transaction:
    return db.session.get(Transaction, post_batch([draft], by=by)[0])


def post_batch(drafts: list[TransactionDraft], *, by=None) -> list[int]:
    """Post every transaction of the batch or none; returns the transaction ids in order."""
    entries = [entry for draft in drafts for entry in draft.entries]
    if not entries:
        raise ValidationFailed(_("Giao dịch không có bút toán nào."))
    resolved = resolve_codes(entries)
    for entry in entries:
        check_entry(entry, resolved)
    unit_ids = sorted({entry.unit.id for entry in entries})
    heads = lock_units(unit_ids)
    check_open_periods(entries, unit_ids)
    keyed = [[line_key(entry, line, resolved) for line in entry.lines] for entry in entries]
    check_no_negative(entries, keyed, unit_ids, resolved)
    numbers = assign_numbers(entries)
    transaction_ids = insert_transactions(drafts, by)
    entry_rows = chain_entries(entries, numbers, heads, by)
    for row, draft_index in zip(entry_rows, entry_transaction_indexes(drafts)):
        row["transaction_id"] = transaction_ids[draft_index]
    entry_ids = db.session.execute(
        insert(Entry).returning(Entry.id, sort_by_parameter_order=True), entry_rows).scalars().all()
    insert_lines(entries, keyed, entry_ids)
    add_to_balances(entries, keyed)
    save_heads(heads)
    for tx_id, draft in zip(transaction_ids, drafts):
        audit.record("transaction.post", "transaction", tx_id, by=by,
                     after={"kind": draft.kind, "entries": [e.unit.code for e in draft.entries]})
    db.session.flush()
    return transaction_ids


def entry_transaction_indexes(drafts):
    return [i for i, draft in enumerate(drafts) for _entry in draft.entries]


def resolve_codes(entries: list[EntryDraft]) -> _Resolved:
    resolved = _Resolved()
    account_codes = {line.account for e in entries for line in e.lines}
    fund_codes = {line.fund for e in entries for line in e.lines}
    unit_codes = {line.counterparty_unit for e in entries for line in e.lines if line.counterparty_unit}
    resolved.accounts = {a.code: a for a in db.session.scalars(select(Account).where(Account.code.in_(account_codes)))}
    resolved.funds = {f.code: f for f in db.session.scalars(select(Fund).where(Fund.code.in_(fund_codes)))}
    resolved.units = {u.code: u for u in db.session.scalars(select(Unit).where(Unit.code.in_(unit_codes)))}
    for kind, codes, found in (("account", account_codes, resolved.accounts), ("fund", fund_codes, resolved.funds),
                               ("counterparty_unit", unit_codes, resolved.units)):
        missing = sorted(codes - found.keys())
        if missing:
            raise ValidationFailed(field=kind, message=_("Không có mã %(codes)s.", codes=", ".join(missing)))
    return resolved


def check_entry(entry: EntryDraft, resolved: _Resolved) -> None:
    """The pure rules of one entry: amounts, balance per fund, who may use the fund, endowments."""
    if len(entry.lines) < 2:
        raise ValidationFailed(field="lines", message=_("Một bút toán cần ít nhất hai dòng (Nợ và Có)."))
    bad = ledger.bad_amount_lines(entry.lines)
    if bad:
        raise ValidationFailed(field="lines", message=_(
            "Dòng %(rows)s: mỗi dòng ghi đúng một bên Nợ hoặc Có, số nguyên đồng dương tối đa 10^15.",
            rows=", ".join(str(i + 1) for i in bad)))
    problem = ledger.balance_problem(entry.lines)
    if problem and problem[0] == "unbalanced":
        raise Unbalanced(_("Bút toán không cân: tổng Nợ lệch tổng Có %(diff)s.", diff=money.format_vnd(abs(problem[1]))))
    if problem:
        raise UnbalancedFund(funds=", ".join(f"{fund} ({money.format_vnd(abs(v))})" for fund, v in problem[1].items()))
    if entry.unit.status != "active":
        raise InvalidState(_("Đơn vị %(code)s đã sáp nhập; sổ đã đóng.", code=entry.unit.code))
    for line in entry.lines:
        fund, account = resolved.funds[line.fund], resolved.accounts[line.account]
        if not entry.unit.is_within(fund.owner_unit):
            raise ValidationFailed(field="fund", message=_(
                "Quỹ %(fund)s thuộc %(owner)s, không dùng được trong sổ của %(unit)s.",
                fund=fund.code, owner=fund.owner_unit.name, unit=entry.unit.name))
        if fund.kind == "endowment" and account.type == "expense" and line.debit > 0 and entry.reverses is None:
            raise EndowmentPrincipal(fund=fund.code)


def lock_units(unit_ids: list[int]) -> dict[int, ChainHead]:
    """Create missing chain heads, then lock them in id order (no deadlock between batches)."""
    upsert = dialect_insert(ChainHead).values([{"unit_id": uid, "length": 0, "head": "0" * 64} for uid in unit_ids])
    db.session.execute(upsert.on_conflict_do_nothing(index_elements=["unit_id"]))
    rows = db.session.execute(select(ChainHead.unit_id, ChainHead.length, ChainHead.head)
                              .where(ChainHead.unit_id.in_(unit_ids))
                              .order_by(ChainHead.unit_id).with_for_update()).all()
    return {row.unit_id: {"length": row.length, "head": row.head} for row in rows}


def check_open_periods(entries: list[EntryDraft], unit_ids: list[int]) -> None:
    """Read closing dates after the lock so a concurrent close cannot slip between (Invariant 4)."""
    closed = dict(db.session.execute(select(Unit.id, Unit.closed_through).where(Unit.id.in_(unit_ids))).all())
    for entry in entries:
        through = closed.get(entry.unit.id)
        if through is not None and entry.dated_on <= through:
            raise PeriodClosed(unit=entry.unit.name, through=through.strftime("%d/%m/%Y"),
                               date=entry.dated_on.strftime("%d/%m/%Y"))


def line_key(entry: EntryDraft, line: ledger.LineDraft, resolved: _Resolved) -> tuple:
    cp = resolved.units[line.counterparty_unit].id if line.counterparty_unit else 0
    return (entry.unit.id, resolved.accounts[line.account].id, resolved.funds[line.fund].id, cp)


def check_no_negative(entries, keyed, unit_ids, resolved) -> None:
    """Apply the batch entry by entry to the locked balances; refuse the first overdraft (Invariant 5)."""
    guarded = {a.id for a in resolved.accounts.values() if a.no_negative}
    if not any(key[1] in guarded for keys in keyed for key in keys):
        return
    rows = db.session.execute(
        select(Balance.unit_id, Balance.account_id, Balance.fund_id, Balance.cp_unit_id,
               Balance.debit_total - Balance.credit_total)
        .where(Balance.unit_id.in_(unit_ids), Balance.is_no_negative.is_(True))
        .order_by(Balance.unit_id, Balance.account_id, Balance.fund_id, Balance.cp_unit_id)
        .with_for_update()).all()
    running = {tuple(row[:4]): row[4] for row in rows}
    for entry, keys in zip(entries, keyed):
        for line, key in zip(entry.lines, keys):
            if key[1] in guarded:
                running[key] = running.get(key, 0) + line.debit - line.credit
        for line, key in zip(entry.lines, keys):
            if key[1] in guarded and running[key] < 0:
                account, fund = resolved.accounts[line.account], resolved.funds[line.fund]
                available = running[key] + line.credit - line.debit
                raise InsufficientFunds(account=f"{account.code} {account.name}", fund=fund.code,
                                        available=money.format_vnd(max(available, 0)))


def assign_numbers(entries: list[EntryDraft]) -> list[tuple[int, int]]:
    """(fiscal year, sequence) per entry from locked counter rows: gapless, never reused (Invariant 6)."""
    needed: dict[tuple, int] = defaultdict(int)
    for entry in entries:
        needed[(entry.unit.id, entry.voucher_type, entry.dated_on.year)] += 1
    last: dict[tuple, int] = {}
    for key in sorted(needed):
        unit_id, voucher_type, year = key
        stmt = dialect_insert(VoucherCounter).values(unit_id=unit_id, voucher_type=voucher_type,
                                                     fiscal_year=year, last_seq=needed[key])
        stmt = stmt.on_conflict_do_update(
            index_elements=["unit_id", "voucher_type", "fiscal_year"],
            set_={"last_seq": VoucherCounter.last_seq + needed[key]}).returning(VoucherCounter.last_seq)
        last[key] = db.session.execute(stmt).scalar_one() - needed[key]
    numbers = []
    for entry in entries:
        key = (entry.unit.id, entry.voucher_type, entry.dated_on.year)
        last[key] += 1
        numbers.append((entry.dated_on.year, last[key]))
    return numbers


def insert_transactions(drafts, by) -> list[int]:
    rows = [{"kind": d.kind, "memo": d.memo, "created_by_id": getattr(by, "id", None)} for d in drafts]
    return db.session.execute(insert(Transaction).returning(Transaction.id, sort_by_parameter_order=True),
                              rows).scalars().all()


def chain_entries(entries, numbers, heads, by) -> list[dict]:
    """Entry rows with numbers and hashes, each unit's chain extended in batch order (Invariant 10)."""
    # The transaction's own clock: PostgreSQL's trigger accepts new lines only for entries posted now().
    posted_at = db.session.scalar(select(func.now())) if is_postgres(db.session) else utcnow()
    rows = []
    for entry, (year, seq) in zip(entries, numbers):
        head = heads[entry.unit.id]
        number = ledger.voucher_number(entry.voucher_type, year, seq)
        content = ledger.entry_content(
            unit=entry.unit.code, number=number, dated_on=entry.dated_on.isoformat(), memo=entry.memo,
            reverses=entry.reverses.number if entry.reverses else None,
            lines=[(line.account, line.fund, line.debit, line.credit, line.counterparty_unit) for line in entry.lines])
        digest = ledger.chain_hash(head["head"], content)
        rows.append({"unit_id": entry.unit.id, "voucher_type": entry.voucher_type, "fiscal_year": year,
                     "seq": seq, "number": number, "dated_on": entry.dated_on, "memo": entry.memo,
                     "reverses_id": entry.reverses.id if entry.reverses else None,
                     "chain_index": head["length"] + 1, "prev_hash": head["head"], "hash": digest,
                     "posted_at": posted_at, "posted_by_id": getattr(by, "id", None)})
        head["length"] += 1
        head["head"] = digest
    return rows


def insert_lines(entries, keyed, entry_ids) -> None:
    """Multi-row INSERTs that never split an entry across statements."""
    chunk: list[dict] = []
    for entry, keys, entry_id in zip(entries, keyed, entry_ids):
        if chunk and len(chunk) + len(entry.lines) > LINES_PER_STATEMENT:
            db.session.execute(insert(Line).values(chunk))
            chunk = []
        chunk.extend({"entry_id": entry_id, "account_id": key[1], "fund_id": key[2], "debit": line.debit,
                      "credit": line.credit, "counterparty_unit_id": key[3] or None,
                      "counterparty": line.counterparty}
                     for line, key in zip(entry.lines, keys))
    if chunk:
        db.session.execute(insert(Line).values(chunk))


def add_to_balances(entries, keyed) -> None:
    """Upsert the batch's movements into kept balances, per key and per month, in sorted order."""
    guarded = set(db.session.scalars(select(Account.id).where(Account.no_negative.is_(True))))
    totals: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    monthly: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for entry, keys in zip(entries, keyed):
        month = month_start(entry.dated_on)
        for line, key in zip(entry.lines, keys):
            for bucket in (totals[key], monthly[key + (month,)]):
                bucket[0] += line.debit
                bucket[1] += line.credit
    balance_rows = [{"unit_id": k[0], "account_id": k[1], "fund_id": k[2], "cp_unit_id": k[3],
                     "is_no_negative": k[1] in guarded, "debit_total": d, "credit_total": c}
                    for k, (d, c) in sorted(totals.items())]
    month_rows = [{"unit_id": k[0], "account_id": k[1], "fund_id": k[2], "cp_unit_id": k[3], "month": k[4],
                   "debit": d, "credit": c} for k, (d, c) in sorted(monthly.items())]
    # A guarded row that only shrinks must already exist: UPDATE it, so the database's no-negative
    # check judges the new total (an upsert would first test the bare VALUES row and refuse it).
    growing = []
    for row in balance_rows:
        if not (row["is_no_negative"] and row["credit_total"] > row["debit_total"]):
            growing.append(row)
            continue
        result = db.session.execute(update(Balance).where(
            Balance.unit_id == row["unit_id"], Balance.account_id == row["account_id"],
            Balance.fund_id == row["fund_id"], Balance.cp_unit_id == row["cp_unit_id"])
            .values(debit_total=Balance.debit_total + row["debit_total"],
                    credit_total=Balance.credit_total + row["credit_total"]))
        if result.rowcount != 1:
            raise InvalidState(_("Số dư lưu sẵn không khớp khi ghi sổ; không có gì được ghi."))
    upsert_sums(Balance, growing, ("debit_total", "credit_total"))
    upsert_sums(MonthlyBalance, month_rows, ("debit", "credit"))


def upsert_sums(model, rows: list[dict], summed: tuple[str, str], chunk_size: int = 2000) -> None:
    keys = [col.name for col in model.__table__.primary_key.columns]
    for start in range(0, len(rows), chunk_size):
        stmt = dialect_insert(model).values(rows[start:start + chunk_size])
        stmt = stmt.on_conflict_do_update(
            index_elements=keys,
            set_={name: getattr(model, name) + getattr(stmt.excluded, name) for name in summed})
        db.session.execute(stmt)


def save_heads(heads: dict[int, dict]) -> None:
    for unit_id, head in sorted(heads.items()):
        db.session.execute(update(ChainHead).where(ChainHead.unit_id == unit_id)
                           .values(length=head["length"], head=head["head"]))


def dialect_insert(model):
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)
