"""`ledger import-journal`: a journal interchange bundle (journal CSV + units, accounts, funds beside it).

The whole file is read and checked once, naming CSV rows, into compact entries; those are then
written with posting's set-based writers (numbers, hash chain, COPY, kept balances) inside the
caller's one database transaction: the file goes in whole or not at all.
"""
import csv
import hashlib
from contextlib import contextmanager
from operator import itemgetter
from pathlib import Path

from sqlalchemy import select

from ledger.accounts import bulk, chart, posting, services
from ledger.accounts.journal_checks import Books, JournalChecker, JournalPlan, Movement, plan_dimensions
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
from ledger.accounts.posting import EntryDraft, TransactionDraft
from ledger.core import audit, spreadsheets
from ledger.core.audit import AuditEvent
from ledger.core.dates import VN
from ledger.core.errors import Duplicate, LedgerError, ValidationFailed
from ledger.core.i18n import _
from ledger.extensions import db
from ledger.units import services as units
from ledger.units.models import Unit

JOURNAL_COLUMNS = ("entry_id", "date", "unit_code", "account_code", "fund_code", "debit", "credit", "memo")
DIMENSIONS = {"units": ("unit_code", "parent_code", "level", "name"),
              "accounts": ("account_code", "name_vi", "name_en", "type", "normal_side"),
              "funds": ("fund_code", "name_vi", "name_en")}
MAX_PROBLEMS = 20
IMPORT_CACHE_KIB = 256 * 1024  # SQLite's page cache while the journal is written (see sqlite_cache)


class ImportRefused(ValidationFailed):
    """Nothing was imported: one Vietnamese line per problem, each naming its CSV row."""

    def __init__(self, problems: list[str]):
        self.problems = problems[:MAX_PROBLEMS]
        if len(problems) > MAX_PROBLEMS:
            self.problems.append(_("… và %(count)s lỗi khác.", count=len(problems) - MAX_PROBLEMS))
        super().__init__("\n".join(self.problems))


def check_journal(path: Path) -> JournalPlan:
    """Read the whole bundle without writing anything; raise ImportRefused listing every bad row."""
    plan = JournalPlan(path=Path(path), digest=file_digest(path))
    refuse_repeat(plan)
    books = Books.load()
    problems = plan_dimensions(plan, read_dimensions(plan.path.parent), books)
    checker = JournalChecker(books, plan)
    for rows in grouped_entries(journal_rows(plan.path)):
        checker.check(rows)
    problems += checker.problems
    if problems:
        raise ImportRefused(problems)
    return plan


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def refuse_repeat(plan: JournalPlan) -> None:
    """The same file content is imported once; a second run is refused (the audit log remembers it)."""
    seen = db.session.scalar(select(AuditEvent.at).where(AuditEvent.action == "journal.import",
                                                         AuditEvent.object_id == plan.digest).limit(1))
    if seen is not None:
        raise Duplicate(_("Tệp %(name)s (cùng nội dung) đã được nhập lúc %(at)s; không nhập lại.",
                          name=plan.path.name, at=seen.astimezone(VN).strftime("%d/%m/%Y %H:%M")))


def csv_rows(path: Path, columns: tuple[str, ...]):
    """(row number, values in `columns` order); the header is row 1, as a spreadsheet shows it."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = bounded_records(path, handle)
        header = next(reader, ())
        missing = [name for name in columns if name not in header]
        if missing:
            raise ImportRefused([_("Tệp %(name)s thiếu cột: %(columns)s.", name=path.name, columns=", ".join(missing))])
        pick = itemgetter(*(header.index(name) for name in columns))
        for number, row in enumerate(reader, start=2):
            if len(row) != len(header):
                raise ImportRefused([_("Tệp %(name)s, dòng %(row)s: cần %(expected)s cột, có %(found)s.",
                                       name=path.name, row=number, expected=len(header), found=len(row))])
            yield number, pick(row)


def bounded_records(path: Path, handle):
    """The file's CSV records within the journal's limits; a record that cannot be read names file and row."""
    try:
        yield from spreadsheets.bounded(spreadsheets.csv_records(csv.reader(handle)), spreadsheets.JOURNAL)
    except ValidationFailed as exc:
        raise ImportRefused([_("Tệp %(name)s: %(problem)s", name=path.name, problem=exc.detail)]) from None


def journal_rows(path: Path):
    return csv_rows(path, JOURNAL_COLUMNS)


def read_dimensions(folder: Path) -> dict[str, list]:
    found = {}
    for name, columns in DIMENSIONS.items():
        path = folder / f"{name}.csv"
        if not path.exists():
            raise ImportRefused([_("Không thấy tệp %(name)s bên cạnh tệp sổ nhật ký.", name=path.name)])
        found[name] = list(csv_rows(path, columns))
    return found


def grouped_entries(rows):
    """Lists of (row number, values) sharing an entry_id, in file order."""
    current, group = None, []
    for number, values in rows:
        if values[0] != current and group:
            yield group
            group = []
        current = values[0]
        group.append((number, values))
    if group:
        yield group


# ---- posting ------------------------------------------------------------------------------------

def post_journal(plan: JournalPlan, *, by=None, batch_size: int = 20000, on_batch=None) -> None:
    """Create the missing units, accounts and funds, then write the checked journal.

    The rows were validated once, by check_journal; what could have changed since (a period closed, a
    kept balance spent) is re-checked set-based under the chain-head locks. Numbers and hashes are
    computed over the compact entries, then transactions, entries and lines are written `batch_size`
    entries at a time (COPY on PostgreSQL), kept balances by one upsert per table, and one audit row
    names the file. Never commits: the caller commits once, so a failure or a crash anywhere leaves
    nothing behind.
    """
    with sqlite_cache(IMPORT_CACHE_KIB):
        write_journal(plan, by, batch_size, on_batch)


def write_journal(plan: JournalPlan, by, batch_size: int, on_batch) -> None:
    create_dimensions(plan, by)
    unit_map = units_by_code(plan.unit_codes)
    drafts = list(transactions(entry_drafts(plan, unit_map)))
    entries = [entry for draft in drafts for entry in draft.entries]
    unit_ids = sorted({unit.id for unit in unit_map.values()})
    resolved = posting.resolve_codes(entries)
    heads = posting.lock_units(unit_ids)
    recheck_under_locks(plan, entries, unit_ids, unit_map)
    keyed = [posting.line_keys(entry, resolved) for entry in entries]
    moves = posting.movements(entries, keyed)
    posting.check_ceiling(moves, unit_ids, resolved)
    numbers = posting.assign_numbers(entries)
    transaction_ids = posting.insert_transactions(drafts, by)
    entry_ids = bulk.new_ids(Entry.__table__, len(entries))
    rows = posting.chain_entries(entries, numbers, heads, [getattr(by, "id", None)] * len(entries), entry_ids,
                                 [transaction_ids[i] for i in posting.entry_transaction_indexes(drafts)])
    for start in range(0, len(entries), batch_size):
        part = slice(start, start + batch_size)
        bulk.insert_rows(Entry.__table__, posting.ENTRY_COLUMNS, rows[part])
        posting.insert_lines(entries[part], keyed[part], entry_ids[part])
        if on_batch:
            on_batch(len(rows[part]))
    posting.add_to_balances(moves)
    posting.save_heads(heads)
    finish(plan, by, transaction_ids)


@contextmanager
def sqlite_cache(kib: int):
    """On SQLite, a page cache of `kib` for the import's writes, then the connection's own again.

    SQLite's default 2 MB cache cannot hold the indexes that 100,000 entries and their lines go into
    (six on entries, among them the random-ordered hash): each insert then rereads pages from the OS.
    Durability is unchanged (same journal mode and synchronous setting); only memory is spent.
    """
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    kept = connection.exec_driver_sql("PRAGMA cache_size").scalar_one()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{int(kib)}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(kept)}")


def recheck_under_locks(plan: JournalPlan, entries: list[EntryDraft], unit_ids: list[int], unit_map) -> None:
    """With every unit's chain head locked, what the check read without locks: each unit's books still
    open from its earliest entry to its latest, and each guarded kept balance still large enough for
    the journal's deepest dip (JournalPlan.required)."""
    earliest, latest = {}, {}
    for entry in entries:
        code = entry.unit.code
        if code not in earliest or entry.dated_on < earliest[code].dated_on:
            earliest[code] = entry
        if code not in latest or entry.dated_on > latest[code].dated_on:
            latest[code] = entry
    try:
        posting.check_open_periods([*earliest.values(), *latest.values()], unit_ids)
    except LedgerError as exc:
        raise ImportRefused([_("Trong lúc kiểm tra tệp, sổ đã thay đổi: %(reason)s", reason=exc.detail)]) from exc
    short = short_balances(plan.required, unit_map)
    if short:
        unit, account, fund = short[0]
        raise ImportRefused([_("Trong lúc kiểm tra tệp, số dư tài khoản %(account)s quỹ %(fund)s của đơn vị "
                               "%(unit)s đã giảm; sổ nhật ký sẽ làm số dư âm. Không nhập gì, xin chạy lại.",
                               account=account, fund=fund, unit=unit)])


def short_balances(required: dict[tuple[str, str, str], int], unit_map) -> list[tuple[str, str, str]]:
    """Keys whose locked kept balance is now below what the journal needs (one query, rows locked)."""
    needy = {key: need for key, need in required.items() if need > 0}
    if not needy:
        return []
    ids = {unit_map[code].id for code, _account, _fund in needy}
    stored = {(unit, account, fund): int(balance) for unit, account, fund, balance in db.session.execute(
        select(Unit.code, Account.code, Fund.code, Balance.debit_total - Balance.credit_total)
        .join(Unit, Balance.unit_id == Unit.id).join(Account, Balance.account_id == Account.id)
        .join(Fund, Balance.fund_id == Fund.id)
        .where(Balance.unit_id.in_(ids), Balance.is_no_negative.is_(True), Balance.cp_unit_id == 0)
        .order_by(Balance.unit_id, Balance.account_id, Balance.fund_id).with_for_update(of=Balance))}
    return sorted(key for key, need in needy.items() if stored.get(key, 0) < need)


def finish(plan: JournalPlan, by, transaction_ids: list[int]) -> None:
    """The file unchanged and not imported meanwhile, then the import's one audit row (Invariant 11):
    it names the file, its SHA-256 and the transactions it posted."""
    if file_digest(plan.path) != plan.digest:
        raise ImportRefused([_("Tệp %(name)s đã bị sửa trong lúc nhập; không nhập gì, xin chạy lại.",
                               name=plan.path.name)])
    refuse_repeat(plan)  # a concurrent import of the same file committed while we waited for the locks
    audit.record("journal.import", "journal_file", plan.digest, by=by,
                 after={"file": plan.path.name, "sha256": plan.digest, "entries": plan.entries,
                        "lines": plan.lines, "transactions": [transaction_ids[0], transaction_ids[-1]]})
    db.session.flush()


def refresh_statistics() -> None:
    """After the import has committed, on PostgreSQL: clear the row versions each batch left in the
    kept balances and give the planner real row counts now, not when autovacuum comes by (if ever)."""
    if db.engine.dialect.name != "postgresql":
        return
    rewritten = ", ".join(m.__table__.name for m in (Balance, MonthlyBalance, ChainHead, VoucherCounter))
    filled = ", ".join(m.__table__.name for m in (Entry, Line, Transaction, AuditEvent))
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql(f"VACUUM (ANALYZE) {rewritten}")
        connection.exec_driver_sql(f"ANALYZE {filled}")


def create_dimensions(plan: JournalPlan, by) -> None:
    """Units parent first, accounts the chart lacks, funds owned by the bundle's top unit."""
    for data in plan.new_units:
        units.create_unit(data, by=by)
    for data in plan.new_accounts:
        db.session.add(Account(**data))
        audit.record("account.create", "account", data["code"], by=by, after=data)
    db.session.flush()
    for data in plan.new_funds:
        services.create_fund(data, by=by)


def units_by_code(codes: set[str]) -> dict[str, Unit]:
    ordered, found = sorted(codes), {}
    for start in range(0, len(ordered), 1000):  # SQLite caps bound parameters per statement
        found.update((u.code, u) for u in db.session.scalars(
            select(Unit).where(Unit.code.in_(ordered[start:start + 1000]))))
    return found


def entry_drafts(plan: JournalPlan, unit_map: dict[str, Unit]):
    """(source entry id, unit code, EntryDraft) in file order, from the entries the check kept."""
    for checked in plan.checked:
        yield checked.entry_id, checked.unit, EntryDraft(unit=unit_map[checked.unit], dated_on=checked.dated_on,
                                                         memo=checked.memo, lines=checked.lines)


def transactions(drafts):
    """One transaction per entry (memo: the bundle's entry id), or one per transfer pair."""
    held = None
    for item in drafts:
        if held is not None and is_transfer(held, item):
            yield transfer(held, item)
            held = None
            continue
        if held is not None:
            yield TransactionDraft([held[2]], kind="import", memo=held[0])
        held = item
    if held is not None:
        yield TransactionDraft([held[2]], kind="import", memo=held[0])


def is_transfer(sender: tuple, receiver: tuple) -> bool:
    """Consecutive entries, same date, two units: the first debits 621 what the second credits to 521."""
    if sender[1] == receiver[1] or sender[2].dated_on != receiver[2].dated_on:  # most pairs: no lines summed
        return False
    out = side_totals(sender[2], chart.TRANSFERS_OUT, debit=True)
    return bool(out) and out == side_totals(receiver[2], chart.TRANSFERS_IN, debit=False)


def side_totals(entry: EntryDraft, account: str, *, debit: bool) -> dict[str, int]:
    totals: dict[str, int] = {}
    for line in entry.lines:
        if line.account == account:
            totals[line.fund] = totals.get(line.fund, 0) + (line.debit if debit else line.credit)
    return totals


def transfer(sender: tuple, receiver: tuple) -> TransactionDraft:
    """Both books in one transaction; the 621 and 521 lines name each other's unit, so consolidation
    eliminates them."""
    name_counterparty(sender[2], chart.TRANSFERS_OUT, receiver[1])
    name_counterparty(receiver[2], chart.TRANSFERS_IN, sender[1])
    return TransactionDraft([sender[2], receiver[2]], kind="import", memo=f"{sender[0]} {receiver[0]}")


def name_counterparty(entry: EntryDraft, account: str, unit_code: str) -> None:
    entry.lines = [Movement(line.account, line.fund, line.debit, line.credit, unit_code, line.counterparty)
                   if line.account == account else line for line in entry.lines]
