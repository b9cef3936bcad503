"""The posting service: the only code that writes to the books.

A batch of transactions is checked in memory (balance per fund, no overdraft entry by entry, no
kept balance past ledger.BALANCE_CEILING), then written with a few set-based statements: numbers
from locked counters, one hash chain per unit, kept balances upserted in sorted order. Each unit's
chain-head row is locked (sorted) first, so everything per unit is serialised and no
read-modify-write can race.

Round trips are counted (tests/accounts/test_statement_budget.py): codes come from the per-process
chart cache, the units' state and the largest kept balance are re-read in one query after the lock,
counters answer with RETURNING, and what was written comes back as attached objects, not re-read.
"""
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from ledger.accounts import bulk, ledger
from ledger.accounts.chart_cache import account_rows, fund_by_code
from ledger.accounts.models import (
    Account,
    Balance,
    ChainHead,
    Entry,
    Fund,
    Line,
    MonthlyBalance,
    Transaction,
    VoucherCounter,
)
from ledger.core import group_commit, money
from ledger.core.audit import AuditEvent
from ledger.core.dates import month_start, vn_today
from ledger.core.db import is_postgres, utcnow
from ledger.core.errors import (
    EndowmentPrincipal,
    InsufficientFunds,
    InvalidState,
    LedgerError,
    PeriodClosed,
    Unbalanced,
    UnbalancedFund,
    ValidationFailed,
)
from ledger.core.i18n import _
from ledger.extensions import db
from ledger.units.cache import unit_by
from ledger.units.models import Unit

LINE_COLUMNS = ("entry_id", "account_id", "fund_id", "debit", "credit", "counterparty_unit_id", "counterparty")
BALANCE_KEYS = ("unit_id", "account_id", "fund_id", "cp_unit_id")
ENTRY_COLUMNS = ("id", "transaction_id", "unit_id", "voucher_type", "fiscal_year", "seq", "number", "dated_on", "memo",
                 "reverses_id", "chain_index", "prev_hash", "hash", "posted_at", "posted_by_id")
AUDIT_COLUMNS = ("at", "user_id", "action", "object_type", "object_id", "after")


@dataclass
class EntryDraft:
    unit: Unit
    dated_on: date
    lines: list[ledger.LineDraft]
    memo: str = ""
    voucher_type: str = "BT"
    reverses: Entry | None = None
    anchor: tuple[str, int, str] | None = None  # (unit, index, hash) of another chain: see post_anchor


@dataclass
class TransactionDraft:
    entries: list[EntryDraft]
    kind: str = "entry"
    memo: str = ""


@dataclass
class _Resolved:
    """Codes turned into rows once per batch (accounts as chart_cache.AccountRow: id, code, name, type, flag)."""
    accounts: dict = field(default_factory=dict)
    funds: dict[str, Fund] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)
    ids: dict[tuple[str, str], int] = field(default_factory=dict)  # ("account"|"fund"|"unit", code) → id
    usable: set[tuple[Unit, str]] = field(default_factory=set)  # (unit, fund code) pairs already checked


def post_transaction(draft: TransactionDraft, *, by=None) -> Transaction:
    """Post one transaction; returns it with its entries (numbers, hashes), built from what was written."""
    return post_drafts([draft], by=by)[0]


def post_batch(drafts: list[TransactionDraft], *, by=None) -> list[int]:
    """Post every transaction of the batch or none; returns the transaction ids in order."""
    return [tx.id for tx in post_drafts(drafts, by=by)]


def post_drafts(drafts: list[TransactionDraft], *, by=None) -> list[Transaction]:
    """Post every transaction of the batch or none; returns them in order, each with its entries, as
    persistent objects of the session built from the rows written (no query reads them back).

    In a group commit (core/group_commit.py) the leader posts this request's drafts with the other
    members' in one `post_requests` call and hands back this request's own transactions."""
    return group_commit.batched(post_requests, (drafts, by))


def post_requests(requests: list[tuple[list[TransactionDraft], object]]) -> list[list[Transaction]]:
    """Post the drafts of one or more requests, each (drafts, by), as one batch: every request's rules are
    checked on its own, in order, so a refusal is that request's own error — raised as it is for a lone
    request, as group_commit.MemberRefused(index) when several share the batch — and nothing is written
    unless all pass. Then numbers, chains, kept balances and audit rows are written once for all of them.
    Returns each request's transactions."""
    own_entries = [[entry for draft in drafts for entry in draft.entries] for drafts, _by in requests]
    checked = []
    for index, entries in enumerate(own_entries):
        with refusal_of(index, len(requests)):
            checked.append(check_request(entries))
    drafts = [draft for request_drafts, _by in requests for draft in request_drafts]
    users = [getattr(by, "id", None) for request_drafts, by in requests for _draft in request_drafts]
    entries = [entry for each in own_entries for entry in each]
    resolved = checked[0] if len(requests) == 1 else resolve_codes(entries)
    unit_ids = sorted({entry.unit.id for entry in entries})
    heads = lock_units(unit_ids)
    largest_stored, ids = recheck_units([], unit_ids, draw=(len(drafts), len(entries)))
    keyed = [line_keys(entry, resolved) for entry in entries]
    check_requests_under_lock(own_entries, entries, keyed, unit_ids, resolved)
    moves = movements(entries, keyed)
    check_ceiling(moves, unit_ids, resolved, largest_stored)
    numbers = assign_numbers(entries)
    tx_of_entry = entry_transaction_indexes(drafts)
    rows = chain_entries(entries, numbers, heads, [users[i] for i in tx_of_entry], ids.entries,
                         [ids.transactions[i] for i in tx_of_entry], ids.now)
    with bulk.one_statement():
        write_transactions(drafts, users, ids)
        bulk.insert_rows(Entry.__table__, ENTRY_COLUMNS, rows)
        insert_lines(entries, keyed, ids.entries)
        add_to_balances(moves, guarded=guarded_ids(resolved))
        save_heads(heads)
        record_posted(drafts, ids.transactions, users)
    posted = iter(attach_posted(drafts, entries, ids, rows, users))
    return [[next(posted) for _draft in request_drafts] for request_drafts, _by in requests]


def check_request(entries: list[EntryDraft]) -> _Resolved:
    """One request's rules that need no lock: codes known, and each entry's own rules."""
    if not entries:
        raise ValidationFailed(_("Giao dịch không có bút toán nào."))
    resolved = resolve_codes(entries)
    for entry in entries:
        check_entry(entry, resolved)
    return resolved


def check_requests_under_lock(own_entries, entries, keyed, unit_ids, resolved) -> None:
    """Each request's rules against the locked books, in order: open periods, then no overdraft with the
    requests before it applied (the first refusal ends the batch)."""
    for index, own in enumerate(own_entries):
        with refusal_of(index, len(own_entries)):
            for entry in own:
                check_books_open(entry.unit, entry.dated_on)
    running = guarded_balances(entries, keyed, unit_ids, resolved)
    if running is None:
        return
    start = 0
    for index, own in enumerate(own_entries):
        with refusal_of(index, len(own_entries)):
            fold_no_negative(own, keyed[start:start + len(own)], running, resolved)
        start += len(own)


@contextmanager
def refusal_of(index: int, requests: int):
    """A refusal raised inside, as is for a lone request, or naming request `index` of several."""
    try:
        yield
    except LedgerError as exc:
        if requests == 1:
            raise
        raise group_commit.MemberRefused(index) from exc


@dataclass
class NewIds:
    """Primary keys drawn for a batch, and the clock its rows carry."""
    transactions: list[int]
    entries: list[int]
    now: object


def id_columns(transactions: int, entries: int) -> list:
    """Columns drawing both tables' ids, and the transaction's clock, for a query made anyway (bulk.new_ids
    explains the SQLite way). PostgreSQL's trigger accepts new lines only for entries posted now()."""
    if is_postgres(db.session):
        return [*(select(func.array_agg(func.nextval(func.pg_get_serial_sequence(table.name, "id"))))
                  .select_from(func.generate_series(1, count)).scalar_subquery()
                  for table, count in ((Transaction.__table__, transactions), (Entry.__table__, entries))),
                func.now()]
    return [select(func.coalesce(func.max(table.c.id), 0)).scalar_subquery()
            for table in (Transaction.__table__, Entry.__table__)]


def drawn_ids(values, transactions: int, entries: int) -> NewIds:
    if len(values) == 3:
        return NewIds(*values)
    return NewIds(list(range(values[0] + 1, values[0] + 1 + transactions)),
                  list(range(values[1] + 1, values[1] + 1 + entries)), utcnow())


def attach_posted(drafts, entries, ids: NewIds, rows, users: list) -> list[Transaction]:
    """The transactions and entries just written, as persistent objects of the session: callers read
    numbers, ids and hashes from them without a query (nothing reverses a fresh entry yet).
    `users`: the id of who posted each draft."""
    built = []
    for draft, tx_id, user_id in zip(drafts, ids.transactions, users, strict=True):
        tx = persistent(Transaction(id=tx_id, kind=draft.kind, memo=draft.memo, created_at=ids.now,
                                    created_by_id=user_id))
        set_committed_value(tx, "entries", [])
        built.append(tx)
    for entry, row, tx_index in zip(entries, rows, entry_transaction_indexes(drafts), strict=True):
        posted = persistent(Entry(**dict(zip(ENTRY_COLUMNS, row, strict=True))))
        for name, value in (("unit", entry.unit), ("transaction", built[tx_index]), ("reversed_by", None),
                            ("reverses", entry.reverses)):
            set_committed_value(posted, name, value)
        built[tx_index].entries.append(posted)
    return built


def persistent(obj):
    make_transient_to_detached(obj)
    db.session.add(obj)
    return obj


def record_posted(drafts, transaction_ids, users: list) -> None:
    """One audit row per transaction (Invariant 11), written like audit.record would, in one statement;
    `users`: the id of who posted each."""
    at = utcnow()
    bulk.insert_rows(AuditEvent.__table__, AUDIT_COLUMNS, [
        (at, user_id, "transaction.post", "transaction", str(tx_id),
         {"kind": draft.kind, "entries": [e.unit.code for e in draft.entries]})
        for tx_id, draft, user_id in zip(transaction_ids, drafts, users, strict=True)])


def entry_transaction_indexes(drafts):
    return [i for i, draft in enumerate(drafts) for _entry in draft.entries]


def resolve_codes(entries: list[EntryDraft]) -> _Resolved:
    """Accounts, funds and counterparty units of the batch, from the per-process caches (no query when warm)."""
    resolved = _Resolved()
    account_codes = {line.account for e in entries for line in e.lines}
    fund_codes = {line.fund for e in entries for line in e.lines}
    unit_codes = {line.counterparty_unit for e in entries for line in e.lines if line.counterparty_unit}
    resolved.accounts = account_rows(account_codes)
    resolved.funds = {code: fund for code in fund_codes if (fund := fund_by_code(code)) is not None}
    resolved.units = {code: unit for code in unit_codes if (unit := unit_by("code", code)) is not None}
    for kind, codes, found in (("account", account_codes, resolved.accounts), ("fund", fund_codes, resolved.funds),
                               ("counterparty_unit", unit_codes, resolved.units)):
        missing = sorted(codes - found.keys())
        if missing:
            raise ValidationFailed(field=kind, message=_("Không có mã %(codes)s.", codes=", ".join(missing)))
    for kind, found in (("account", resolved.accounts), ("fund", resolved.funds), ("unit", resolved.units)):
        resolved.ids.update(((kind, code), row.id) for code, row in found.items())
    return resolved


def check_entry(entry: EntryDraft, resolved: _Resolved) -> None:
    """The pure rules of one entry: open books, date, amounts, balance per fund, who may use the fund, endowments."""
    check_unit_active(entry.unit)  # first: a merged unit's funds have moved on, so the fund check would mislead
    check_date_ahead(entry.dated_on)
    if len(entry.lines) < 2:
        raise ValidationFailed(field="lines", message=_("Một bút toán cần ít nhất hai dòng (Nợ và Có)."))
    bad = ledger.bad_amount_lines(entry.lines)
    if bad:
        raise ValidationFailed(field="lines", message=_(
            "Dòng %(rows)s: mỗi dòng ghi đúng một bên Nợ hoặc Có, số nguyên đồng dương tối đa 10^15.",
            rows=", ".join(str(i + 1) for i in bad)))
    if ledger.entry_total(entry.lines) > ledger.MAX_AMOUNT:
        raise ValidationFailed(field="lines", message=_(
            "Tổng một bút toán không được vượt quá %(max)s đồng (bút toán này: %(total)s đồng).",
            max=money.format_number(ledger.MAX_AMOUNT), total=money.format_number(ledger.entry_total(entry.lines))))
    problem = ledger.balance_problem(entry.lines)
    if problem and problem[0] == "unbalanced":
        raise Unbalanced(_("Bút toán không cân: tổng Nợ lệch tổng Có %(diff)s.",
                           diff=money.format_vnd(abs(problem[1]))))
    if problem:
        raise UnbalancedFund(funds=", ".join(f"{fund} ({money.format_vnd(abs(v))})" for fund, v in problem[1].items()))
    for line in entry.lines:
        fund, account = resolved.funds[line.fund], resolved.accounts[line.account]
        if (entry.unit, line.fund) not in resolved.usable:
            if not ledger.fund_usable_in(entry.unit.path, fund.owner_unit.path):
                raise ValidationFailed(field="fund", message=_(
                    "Quỹ %(fund)s thuộc %(owner)s, không dùng được trong sổ của %(unit)s.",
                    fund=fund.code, owner=fund.owner_unit.name, unit=entry.unit.name))
            resolved.usable.add((entry.unit, line.fund))
        if ledger.spends_principal(fund.kind, account.type, line.debit, reversal=entry.reverses is not None):
            raise EndowmentPrincipal(fund=fund.code)


def lock_units(unit_ids: list[int]) -> dict[int, ChainHead]:
    """Lock the units' chain heads in id order (no deadlock between batches), creating the missing ones
    first (a unit's first posting: the lock is then read again)."""
    heads = locked_heads(unit_ids)
    if len(heads) < len(unit_ids):
        upsert = dialect_insert(ChainHead).values([{"unit_id": uid, "length": 0, "head": "0" * 64}
                                                   for uid in unit_ids if uid not in heads])
        db.session.execute(upsert.on_conflict_do_nothing(index_elements=["unit_id"]))
        heads = locked_heads(unit_ids)
    return heads


def locked_heads(unit_ids: list[int]) -> dict[int, dict]:
    rows = db.session.execute(select(ChainHead.unit_id, ChainHead.length, ChainHead.head)
                              .where(ChainHead.unit_id.in_(unit_ids))
                              .order_by(ChainHead.unit_id).with_for_update()).all()
    return {row.unit_id: {"length": row.length, "head": row.head} for row in rows}


def check_open_periods(entries: list[EntryDraft], unit_ids: list[int]) -> None:
    """Re-read the units after the lock so a concurrent close or merge cannot slip between (Invariant 4)."""
    recheck_units(entries, unit_ids)


def recheck_units(entries: list[EntryDraft], unit_ids: list[int], draw=(0, 0)) -> tuple[int, NewIds | None]:
    """check_open_periods, the largest kept total of these units (check_ceiling's bound) and, when `draw`
    says how many (transactions, entries) are coming, their ids: one query, made after the lock (a close
    or merge commits before it lets go of the chain head)."""
    largest = [select(func.max(column)).where(Balance.unit_id.in_(unit_ids)).scalar_subquery()
               for column in (Balance.debit_total, Balance.credit_total)]
    rows = db.session.execute(select(Unit, *largest, *(id_columns(*draw) if any(draw) else ()))
                              .where(Unit.id.in_(unit_ids)).execution_options(populate_existing=True)).all()
    for entry in entries:
        check_books_open(entry.unit, entry.dated_on)
    stored = max((value or 0 for row in rows for value in row[1:3]), default=0)
    return stored, drawn_ids(rows[0][3:], *draw) if any(draw) else None


def check_books_open(unit: Unit, on: date) -> None:
    """What every path that writes to a unit's books refuses: a merged unit, a closed period, a far date."""
    check_unit_active(unit)
    if unit.closed_through is not None and on <= unit.closed_through:
        raise PeriodClosed(unit=unit.name, through=unit.closed_through.strftime("%d/%m/%Y"),
                           date=on.strftime("%d/%m/%Y"))
    check_date_ahead(on)


def check_unit_active(unit: Unit) -> None:
    """A merged unit's books are closed for good: say where it went."""
    if unit.status != "active":
        raise PeriodClosed(_("%(unit)s đã sáp nhập vào %(into)s (%(code)s) từ ngày %(on)s; sổ của đơn vị này đã đóng.",
                             unit=unit.name, into=unit.merged_into.name, code=unit.merged_into.code,
                             on=unit.merged_on.strftime("%d/%m/%Y")))


def check_date_ahead(on: date) -> None:
    latest = ledger.latest_date(vn_today())
    if on > latest:
        raise ValidationFailed(field="date", message=_(
            "Ngày %(date)s quá xa: chỉ ghi sổ được đến ngày %(latest)s (một năm sau hôm nay).",
            date=on.strftime("%d/%m/%Y"), latest=latest.strftime("%d/%m/%Y")))


def line_keys(entry: EntryDraft, resolved: _Resolved) -> list[tuple]:
    """(unit, account, fund, counterparty unit or 0) ids of each line: the kept balances' key."""
    unit_id, ids = entry.unit.id, resolved.ids
    return [(unit_id, ids["account", line.account], ids["fund", line.fund],
             ids["unit", line.counterparty_unit] if line.counterparty_unit else 0) for line in entry.lines]


def guarded_balances(entries, keyed, unit_ids, resolved) -> dict | None:
    """The units' no-negative kept balances, locked, by key; None when the batch cannot take one down."""
    guarded = guarded_ids(resolved)
    # Only a credit can take a guarded balance down: a batch that only adds to them (receipts) reads nothing.
    if not any(key[1] in guarded and line.credit for entry, keys in zip(entries, keyed)
               for line, key in zip(entry.lines, keys)):
        return None
    rows = db.session.execute(
        select(Balance.unit_id, Balance.account_id, Balance.fund_id, Balance.cp_unit_id,
               Balance.debit_total - Balance.credit_total)
        .where(Balance.unit_id.in_(unit_ids), Balance.is_no_negative.is_(True))
        .order_by(Balance.unit_id, Balance.account_id, Balance.fund_id, Balance.cp_unit_id)
        .with_for_update()).all()
    return {tuple(row[:4]): row[4] for row in rows}


def fold_no_negative(entries, keyed, running: dict, resolved) -> None:
    """Apply the entries one by one to `running` (updated in place); refuse the first overdraft (Invariant 5)."""
    guarded = guarded_ids(resolved)
    for entry, keys in zip(entries, keyed):
        moved = [(line, key) for line, key in zip(entry.lines, keys) if key[1] in guarded]
        after, overdrawn = ledger.fold_no_negative(running, [(key, line.debit, line.credit) for line, key in moved])
        if overdrawn is not None:
            line, key = moved[overdrawn]
            account, fund = resolved.accounts[line.account], resolved.funds[line.fund]
            available = after[key] + line.credit - line.debit
            raise InsufficientFunds(account=f"{account.code} {account.name}", fund=fund.code,
                                    available=money.format_vnd(max(available, 0)))
        running.update(after)


def guarded_ids(resolved: _Resolved) -> set[int]:
    return {a.id for a in resolved.accounts.values() if a.is_no_negative}


def assign_numbers(entries: list[EntryDraft]) -> list[tuple[int, int]]:
    """(fiscal year, sequence) per entry from locked counter rows: gapless, never reused (Invariant 6)."""
    needed: dict[tuple, int] = defaultdict(int)
    for entry in entries:
        needed[(entry.unit.id, entry.voucher_type, entry.dated_on.year)] += 1
    upsert = dialect_insert(VoucherCounter).values([
        {"unit_id": unit_id, "voucher_type": kind, "fiscal_year": year, "last_seq": count}
        for (unit_id, kind, year), count in sorted(needed.items())])
    counters = db.session.execute(upsert.on_conflict_do_update(
        index_elements=["unit_id", "voucher_type", "fiscal_year"],
        set_={"last_seq": VoucherCounter.last_seq + upsert.excluded.last_seq},
    ).returning(VoucherCounter.unit_id, VoucherCounter.voucher_type, VoucherCounter.fiscal_year,
                VoucherCounter.last_seq)).all()
    last = {tuple(row[:3]): row[3] - needed[tuple(row[:3])] for row in counters}
    numbers = []
    for entry in entries:
        key = (entry.unit.id, entry.voucher_type, entry.dated_on.year)
        last[key] += 1
        numbers.append((entry.dated_on.year, last[key]))
    return numbers


def insert_transactions(drafts, by) -> list[int]:
    ids = NewIds(bulk.new_ids(Transaction.__table__, len(drafts)), [], utcnow())
    write_transactions(drafts, [getattr(by, "id", None)] * len(drafts), ids)
    return ids.transactions


def write_transactions(drafts, users: list, ids: NewIds) -> None:
    bulk.insert_rows(Transaction.__table__, ("id", "kind", "memo", "created_at", "created_by_id"),
                     [(tx_id, d.kind, d.memo, ids.now, user_id) for tx_id, d, user_id in zip(ids.transactions, drafts,
                                                                                             users, strict=True)])


def chain_entries(entries, numbers, heads, user_ids, entry_ids, transaction_ids, posted_at=None) -> list[tuple]:
    """Entry rows (ENTRY_COLUMNS) with numbers and hashes, each unit's chain extended in batch order (Invariant 10).
    `user_ids`: who posted each entry."""
    if posted_at is None:
        # The transaction's own clock: PostgreSQL's trigger accepts new lines only for entries posted now().
        posted_at = db.session.scalar(select(func.now())) if is_postgres(db.session) else utcnow()
    rows = []
    for entry, (year, seq), entry_id, tx_id, user_id in zip(entries, numbers, entry_ids, transaction_ids, user_ids,
                                                             strict=True):
        unit_id = entry.unit.id
        head = heads[unit_id]
        number = ledger.voucher_number(entry.voucher_type, year, seq)
        content = ledger.entry_content(
            unit=entry.unit.code, number=number, dated_on=entry.dated_on.isoformat(), memo=entry.memo,
            reverses=entry.reverses.number if entry.reverses else None, anchor=entry.anchor,
            lines=[(line.account, line.fund, line.debit, line.credit, line.counterparty_unit, line.counterparty)
                   for line in entry.lines])
        digest = ledger.chain_hash(head["head"], content)
        rows.append((entry_id, tx_id, unit_id, entry.voucher_type, year, seq, number, entry.dated_on, entry.memo,
                     entry.reverses.id if entry.reverses else None, head["length"] + 1, head["head"], digest,
                     posted_at, user_id))
        head["length"] += 1
        head["head"] = digest
    return rows


def insert_lines(entries, keyed, entry_ids) -> None:
    """All lines of the batch in one statement: the PostgreSQL balance trigger sees whole entries."""
    bulk.insert_rows(Line.__table__, LINE_COLUMNS, [
        (entry_id, key[1], key[2], line.debit, line.credit, key[3] or None, line.counterparty)
        for entry, keys, entry_id in zip(entries, keyed, entry_ids) for line, key in zip(entry.lines, keys)])


@dataclass
class Movements:
    """What the batch adds to kept balances: [debit, credit] per key, and per key and month."""
    totals: dict[tuple, list[int]]
    monthly: dict[tuple, list[int]]


def movements(entries, keyed) -> Movements:
    monthly: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for entry, keys in zip(entries, keyed):
        month = month_start(entry.dated_on)
        for line, key in zip(entry.lines, keys):
            bucket = monthly[key + (month,)]
            bucket[0] += line.debit
            bucket[1] += line.credit
    totals: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for key, (debit, credit) in monthly.items():
        bucket = totals[key[:4]]
        bucket[0] += debit
        bucket[1] += credit
    return Movements(dict(totals), dict(monthly))


def check_ceiling(moves: Movements, unit_ids, resolved, largest_stored: int | None = None) -> None:
    """Refuse, before anything is written, a batch that would take a kept balance past the ceiling.

    The units are locked, so their kept balances hold still. One query reads their largest total (a month's
    movement never exceeds its key's total); only when that plus the batch's largest movement could cross
    the ceiling are the touched rows, totals and months, compared one by one.
    """
    largest_move = max(max(pair) for pair in moves.totals.values())
    if largest_stored is None:
        largest_stored = max(value or 0 for value in db.session.execute(
            select(func.max(Balance.debit_total), func.max(Balance.credit_total))
            .where(Balance.unit_id.in_(unit_ids))).one())
    if largest_stored + largest_move <= ledger.BALANCE_CEILING:
        return
    stored = stored_pairs(Balance.__table__, ("debit_total", "credit_total"), moves.totals, unit_ids)
    stored_monthly = stored_pairs(MonthlyBalance.__table__, ("debit", "credit"), moves.monthly, unit_ids)
    crossing = ledger.past_ceiling(stored, moves.totals) or ledger.past_ceiling(stored_monthly, moves.monthly)
    if crossing:
        unit_id, account_id, fund_id = crossing[0][:3]
        account = next(a for a in resolved.accounts.values() if a.id == account_id)
        fund = next(f for f in resolved.funds.values() if f.id == fund_id)
        raise ValidationFailed(field="lines", message=_(
            "Số dư lưu sẵn của %(unit)s, tài khoản %(account)s, quỹ %(fund)s sẽ vượt mức trần %(ceiling)s đồng; "
            "không có gì được ghi.", unit=db.session.get(Unit, unit_id).name, account=f"{account.code} {account.name}",
            fund=fund.code, ceiling=money.format_number(ledger.BALANCE_CEILING)))


def stored_pairs(table, sides: tuple[str, str], moved: dict[tuple, list[int]], unit_ids) -> dict[tuple, tuple]:
    """The stored (debit, credit) of the kept-balance rows the batch moves, by primary key (the rare, exact path)."""
    keys = list(table.primary_key.columns)
    rows = db.session.execute(select(*keys, *(table.c[side] for side in sides)).where(
        table.c.unit_id.in_(unit_ids), table.c.account_id.in_({key[1] for key in moved}),
        table.c.fund_id.in_({key[2] for key in moved}))).all()
    return {tuple(row[:-2]): tuple(row[-2:]) for row in rows if tuple(row[:-2]) in moved}


def add_to_balances(moves: Movements, guarded: set[int] | None = None) -> None:
    """Upsert the batch's movements into kept balances, per key and per month, in sorted order.
    `guarded`: ids of the no-negative accounts among the moved ones (read from the chart when not given)."""
    if guarded is None:
        guarded = set(db.session.scalars(select(Account.id).where(Account.is_no_negative.is_(True))))
    totals, monthly = moves.totals, moves.monthly
    # A guarded row that only shrinks must already exist: UPDATE it, so the database's no-negative
    # check judges the new total (an upsert would first test the bare VALUES row and refuse it).
    rows = sorted(totals.items())
    shrinking = [k + (d, c) for k, (d, c) in rows if k[1] in guarded and c > d]
    growing = [k + (k[1] in guarded, d, c) for k, (d, c) in rows if not (k[1] in guarded and c > d)]
    bulk.add_to_rows(Balance.__table__, BALANCE_KEYS, ("debit_total", "credit_total"), shrinking,
                     InvalidState(_("Số dư lưu sẵn không khớp khi ghi sổ; không có gì được ghi.")))
    bulk.upsert_sums(Balance.__table__, BALANCE_KEYS, ("is_no_negative",), ("debit_total", "credit_total"), growing)
    bulk.upsert_sums(MonthlyBalance.__table__, BALANCE_KEYS + ("month",), (), ("debit", "credit"),
                     [k + (d, c) for k, (d, c) in sorted(monthly.items())])


def save_heads(heads: dict[int, dict]) -> None:
    bulk.set_rows(ChainHead.__table__, ("unit_id",), ("length", "head"),
                  [(unit_id, head["length"], head["head"]) for unit_id, head in sorted(heads.items())])


def post_anchor(unit: Unit, anchor: tuple[str, int, str], *, memo: str, by=None) -> int:
    """Record another unit's chain head (code, index, hash) as an entry of `unit`'s chain, without lines:
    the anchor is part of the entry's hashed content, so rewriting that unit's history up to the anchor
    means rewriting this chain too. It moves no money, so a closed period does not refuse it.
    Returns the entry's id.
    """
    draft = TransactionDraft([EntryDraft(unit, vn_today(), [], memo=memo, anchor=anchor)], kind="anchor", memo=memo)
    user_id = getattr(by, "id", None)
    heads = lock_units([unit.id])
    numbers = assign_numbers(draft.entries)
    transaction_ids = insert_transactions([draft], by)
    entry_ids = bulk.new_ids(Entry.__table__, 1)
    bulk.insert_rows(Entry.__table__, ENTRY_COLUMNS,
                     chain_entries(draft.entries, numbers, heads, [user_id], entry_ids, transaction_ids))
    save_heads(heads)
    record_posted([draft], transaction_ids, [user_id])
    return entry_ids[0]


def dialect_insert(model):
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)
