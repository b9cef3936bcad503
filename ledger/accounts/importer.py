"""`ledger import-journal`: a journal interchange bundle (journal CSV + units, accounts, funds beside it).

The whole file is checked first, cheaply and naming CSV rows, then posted through post_batch in
batches inside the caller's one database transaction: the file goes in whole or not at all.
"""
import csv
import hashlib
import threading
from datetime import date
from operator import itemgetter
from pathlib import Path
from queue import Full, Queue

from sqlalchemy import select

from ledger.accounts import chart, ledger, services
from ledger.accounts.journal_checks import Books, JournalChecker, JournalPlan, plan_dimensions
from ledger.accounts.models import Account, Balance, ChainHead, Entry, Line, MonthlyBalance, Transaction, VoucherCounter
from ledger.accounts.posting import EntryDraft, TransactionDraft, post_batch
from ledger.core import audit, spreadsheets
from ledger.core.audit import AuditEvent
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
                          name=plan.path.name, at=seen.strftime("%d/%m/%Y %H:%M")))


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
    """Create the missing units, accounts and funds, then post the checked journal in batches.

    Never commits: the caller commits once, so a failure or a crash anywhere leaves nothing behind.
    """
    create_dimensions(plan, by)
    unit_map = units_by_code(plan.unit_codes)
    for batch in prefetched(batches(transactions(entry_drafts(plan, unit_map)), batch_size)):
        try:
            post_batch(batch, by=by)
        except LedgerError as exc:
            raise ImportRefused([_("Không ghi được các bút toán từ %(first)s đến %(last)s: %(reason)s",
                                   first=batch[0].memo.split()[0], last=batch[-1].memo.split()[-1],
                                   reason=exc.detail)]) from exc
        if on_batch:
            on_batch(sum(len(tx.entries) for tx in batch))
    if file_digest(plan.path) != plan.digest:
        raise ImportRefused([_("Tệp %(name)s đã bị sửa trong lúc nhập; không nhập gì, xin chạy lại.",
                               name=plan.path.name)])
    refuse_repeat(plan)  # a concurrent import of the same file committed while we waited for the locks
    audit.record("journal.import", "journal_file", plan.digest, by=by,
                 after={"file": plan.path.name, "entries": plan.entries, "lines": plan.lines})
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
    """(source entry id, unit code, EntryDraft) in file order; the file was checked, so parsing cannot fail."""
    dates: dict[str, date] = {}
    for rows in grouped_entries(journal_rows(plan.path)):
        entry_id, day, unit, *_rest, memo = rows[0][1]
        on = dates.get(day) or dates.setdefault(day, date.fromisoformat(day))
        lines = [ledger.LineDraft(v[3], v[4], int(v[5]), int(v[6])) for _n, v in rows]
        yield entry_id, unit, EntryDraft(unit=unit_map[unit], dated_on=on, memo=memo, lines=lines)


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
    out = side_totals(sender[2], chart.TRANSFERS_OUT, debit=True)
    return (bool(out) and sender[1] != receiver[1] and sender[2].dated_on == receiver[2].dated_on
            and out == side_totals(receiver[2], chart.TRANSFERS_IN, debit=False))


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
    entry.lines = [ledger.LineDraft(line.account, line.fund, line.debit, line.credit, unit_code)
                   if line.account == account else line for line in entry.lines]


def batches(transactions_, size: int):
    """Lists of whole transactions holding about `size` entries."""
    batch, count = [], 0
    for tx in transactions_:
        batch.append(tx)
        count += len(tx.entries)
        if count >= size:
            yield batch
            batch, count = [], 0
    if batch:
        yield batch


def prefetched(items, depth: int = 2):
    """Yield what `items` yields, computed ahead by a helper thread: reading and pairing the next
    batch overlaps the database writing this one (the GIL is free while we wait for the server).
    The helper never touches the session or ORM attributes."""
    queue: Queue = Queue(maxsize=depth)
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                queue.put(item, timeout=0.1)
                return True
            except Full:
                continue
        return False

    def produce():
        try:
            for item in items:
                if not put(item):
                    return
            put(StopIteration)
        except Exception as exc:  # handed to the consumer, which raises it
            put(exc)

    helper = threading.Thread(target=produce, name="journal-reader", daemon=True)
    helper.start()
    try:
        while (item := queue.get()) is not StopIteration:
            if isinstance(item, Exception):
                raise item
            yield item
    finally:
        stop.set()
        helper.join()
