"""`ledger import-journal`: a journal interchange bundle (journal CSV + units, accounts, funds beside it).

The whole file is checked first, cheaply and naming CSV rows, then posted through post_batch in
batches inside the caller's one database transaction: the file goes in whole or not at all.
"""
import csv
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from operator import itemgetter
from pathlib import Path

from sqlalchemy import select

from ledger.accounts import ledger, services
from ledger.accounts.models import ACCOUNT_TYPES, MAX_AMOUNT, Account, Balance, Fund
from ledger.accounts.posting import EntryDraft, TransactionDraft, post_batch
from ledger.core import audit, money
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
TRANSFER_OUT, TRANSFER_IN = "621", "521"
MAX_PROBLEMS = 20


class ImportRefused(ValidationFailed):
    """Nothing was imported: one Vietnamese line per problem, each naming its CSV row."""

    def __init__(self, problems: list[str]):
        self.problems = problems[:MAX_PROBLEMS]
        if len(problems) > MAX_PROBLEMS:
            self.problems.append(_("… và %(count)s lỗi khác.", count=len(problems) - MAX_PROBLEMS))
        super().__init__("\n".join(self.problems))


@dataclass
class JournalPlan:
    """A checked file: what to create before posting, and what the journal holds."""
    path: Path
    digest: str
    new_units: list[dict] = field(default_factory=list)
    new_accounts: list[dict] = field(default_factory=list)
    new_funds: list[dict] = field(default_factory=list)
    unit_codes: set[str] = field(default_factory=set)
    entries: int = 0
    lines: int = 0


def import_journal(path: Path, *, by=None, batch_size: int = 5000, on_batch=None) -> JournalPlan:
    plan = check_journal(path)
    post_journal(plan, by=by, batch_size=batch_size, on_batch=on_batch)
    return plan


# ---- checking -----------------------------------------------------------------------------------

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
        reader = csv.reader(handle)
        header = next(reader, [])
        missing = [name for name in columns if name not in header]
        if missing:
            raise ImportRefused([_("Tệp %(name)s thiếu cột: %(columns)s.", name=path.name, columns=", ".join(missing))])
        pick = itemgetter(*(header.index(name) for name in columns))
        for number, row in enumerate(reader, start=2):
            if len(row) != len(header):
                raise ImportRefused([_("Tệp %(name)s, dòng %(row)s: cần %(expected)s cột, có %(found)s.",
                                       name=path.name, row=number, expected=len(header), found=len(row))])
            yield number, pick(row)


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


@dataclass
class Books:
    """What the checks need from the database: units, chart and funds as they are now."""
    units: dict[str, Unit]
    unit_paths: dict[str, str]
    accounts: dict[str, Account]
    funds: dict[str, tuple[str, str, bool]]  # code → (owner path, kind, pooled)

    @classmethod
    def load(cls) -> "Books":
        all_units = {u.code: u for u in db.session.scalars(select(Unit))}
        funds = {code: (path, kind, pooled) for code, path, kind, pooled in db.session.execute(
            select(Fund.code, Unit.path, Fund.kind, Fund.is_pooled).join(Unit, Fund.owner_unit_id == Unit.id))}
        return cls(all_units, {code: u.path for code, u in all_units.items()},
                   {a.code: a for a in db.session.scalars(select(Account))}, funds)


def plan_dimensions(plan: JournalPlan, dims: dict, books: Books) -> list[str]:
    """Decide which units, accounts and funds to create; problems name the file and row."""
    problems = []
    top = next((u for u in books.units.values() if u.parent_id is None), None)
    levels = {code: u.level for code, u in books.units.items()}
    bundle_root = None
    for number, (code, parent, level, name) in dims["units"]:
        where = _("Tệp units.csv, dòng %(row)s: ", row=number)
        # An empty parent_code puts the bundle's top unit under the tree's root (VN) when there is one.
        parent = parent or (None if code in books.unit_paths or top is None else top.code)
        if level not in units.LEVEL_RANK or not units.CODE_PATTERN.match(code):
            problems.append(where + _("mã đơn vị %(code)s hoặc cấp %(level)s không hợp lệ.", code=code, level=level))
        elif code in books.units:
            if parent and parent_code(books.units[code].path) != parent:
                problems.append(where + _("đơn vị %(code)s đã có nhưng không trực thuộc %(parent)s.",
                                          code=code, parent=parent))
        elif parent and parent not in books.unit_paths:
            problems.append(where + _("đơn vị cấp trên %(parent)s chưa có (phải đứng trước đơn vị con).", parent=parent))
        elif parent and not level_fits(level, levels[parent]):
            problems.append(where + _("đơn vị cấp %(level)s không thể trực thuộc đơn vị cấp %(parent)s.",
                                      level=level, parent=levels[parent]))
        else:
            books.unit_paths[code] = f"{books.unit_paths[parent]}/{code}" if parent else code
            levels[code] = level
            plan.new_units.append({"code": code, "parent": parent, "level": level, "name": name})
        bundle_root = bundle_root or code
    for number, (code, name_vi, name_en, kind, side) in dims["accounts"]:
        where = _("Tệp accounts.csv, dòng %(row)s: ", row=number)
        if kind not in ACCOUNT_TYPES or side not in ("debit", "credit"):
            problems.append(where + _("loại tài khoản %(type)s hoặc bên %(side)s không hợp lệ.", type=kind, side=side))
        elif code in books.accounts and books.accounts[code].type != kind:
            problems.append(where + _("tài khoản %(code)s đã có với loại %(type)s.", code=code,
                                      type=books.accounts[code].type))
        elif code not in books.accounts:
            plan.new_accounts.append({"code": code, "name": name_vi, "name_en": name_en, "type": kind,
                                      "normal_side": side, "no_negative": False})
            books.accounts[code] = Account(**plan.new_accounts[-1])  # transient: only read by the checks
    owner_path = books.unit_paths.get(bundle_root, "")
    for number, (code, name_vi, _name_en) in dims["funds"]:
        if code not in books.funds:
            plan.new_funds.append({"code": code, "name": name_vi, "owner_unit": bundle_root, "kind": "unrestricted"})
            books.funds[code] = (owner_path, "unrestricted", False)
        elif books.funds[code][2] or not within(owner_path, books.funds[code][0]):
            problems.append(_("Tệp funds.csv, dòng %(row)s: quỹ %(code)s đã có, nhưng không phải quỹ riêng từng "
                              "đơn vị dùng được ở %(unit)s.", row=number, code=code, unit=bundle_root))
    return problems


def within(path: str, ancestor_path: str) -> bool:
    return path == ancestor_path or path.startswith(ancestor_path + "/")


def parent_code(path: str) -> str | None:
    codes = path.split("/")
    return codes[-2] if len(codes) > 1 else None


def level_fits(level: str, parent_level: str) -> bool:
    rank = units.LEVEL_RANK
    return rank[level] > rank[parent_level] or level == parent_level == "branch"


class JournalChecker:
    """Every rule post_batch applies, entry by entry, with the CSV row of each failure."""

    def __init__(self, books: Books, plan: JournalPlan):
        self.books, self.plan = books, plan
        self.problems: list[str] = []
        self.seen: set[str] = set()
        self.dates: dict[str, date] = {}
        self.usable: set[tuple[str, str]] = set()
        self.running: dict[tuple, int] = {}  # (unit, account, fund) → balance of a no-negative account
        self.loaded: set[str] = set()

    def fail(self, number: int, message: str) -> None:
        self.problems.append(_("Dòng %(row)s: ", row=number) + message)

    def check(self, rows: list) -> None:
        number, (entry_id, day, unit, *_rest) = rows[0]
        before = len(self.problems)
        self.plan.entries += 1
        self.plan.lines += len(rows)
        self.plan.unit_codes.add(unit)
        if entry_id in self.seen:
            self.fail(number, _("bút toán %(entry)s đã có ở phía trên; các dòng của một bút toán phải liền nhau.",
                                entry=entry_id))
        self.seen.add(entry_id)
        lines = [line for line in (self.check_line(n, values, rows[0][1]) for n, values in rows) if line]
        if len(self.problems) > before:
            return
        self.check_entry(number, entry_id, unit, self.dates[day], lines)

    def check_line(self, number: int, values: tuple, first: tuple) -> ledger.LineDraft | None:
        entry_id, day, unit, account, fund, debit, credit, _memo = values
        if (day, unit) != (first[1], first[2]):
            return self.fail(number, _("các dòng của bút toán %(entry)s phải cùng ngày và cùng đơn vị.", entry=entry_id))
        if day not in self.dates and not self.parse_date(number, day):
            return None
        if unit not in self.books.unit_paths:
            return self.fail(number, _("không có đơn vị %(code)s.", code=unit))
        if account not in self.books.accounts:
            return self.fail(number, _("không có tài khoản %(code)s trong hệ thống tài khoản hay accounts.csv.",
                                       code=account))
        if fund not in self.books.funds:
            return self.fail(number, _("không có quỹ %(code)s.", code=fund))
        if (unit, fund) not in self.usable:
            if not within(self.books.unit_paths[unit], self.books.funds[fund][0]):
                return self.fail(number, _("quỹ %(fund)s không dùng được trong sổ của đơn vị %(unit)s.",
                                           fund=fund, unit=unit))
            self.usable.add((unit, fund))
        amounts = [amount(value) for value in (debit, credit)]
        if None in amounts or (amounts[0] > 0) == (amounts[1] > 0):
            return self.fail(number, _("Nợ “%(debit)s”, Có “%(credit)s”: mỗi dòng ghi đúng một bên, số nguyên đồng "
                                       "dương (ví dụ 2015000), tối đa 10^15.", debit=debit, credit=credit))
        return ledger.LineDraft(account, fund, amounts[0], amounts[1])

    def parse_date(self, number: int, day: str) -> bool:
        try:
            self.dates[day] = date.fromisoformat(day)
            return True
        except ValueError:
            self.fail(number, _("ngày “%(value)s” không đúng dạng NNNN-TT-NN.", value=day))
            return False

    def check_entry(self, number: int, entry_id: str, unit_code: str, on: date, lines: list) -> None:
        unit = self.books.units.get(unit_code)
        problem = ledger.balance_problem(lines) if len(lines) >= 2 else ("unbalanced", 0)
        if problem and problem[0] == "unbalanced":
            return self.fail(number, _("bút toán %(entry)s không cân: tổng Nợ lệch tổng Có %(diff)s (cần ít nhất "
                                       "hai dòng).", entry=entry_id, diff=money.format_vnd(abs(problem[1]))))
        if problem:
            return self.fail(number, _("bút toán %(entry)s không cân theo từng quỹ: %(funds)s.", entry=entry_id,
                                       funds=", ".join(f"{f} ({money.format_vnd(abs(v))})" for f, v in problem[1].items())))
        if unit is not None and unit.status != "active":
            return self.fail(number, _("đơn vị %(code)s đã sáp nhập; sổ đã đóng.", code=unit_code))
        if unit is not None and unit.closed_through is not None and on <= unit.closed_through:
            return self.fail(number, _("sổ của đơn vị %(unit)s đã khóa đến hết ngày %(through)s; không thể ghi ngày "
                                       "%(date)s.", unit=unit_code, through=unit.closed_through.strftime("%d/%m/%Y"),
                                       date=on.strftime("%d/%m/%Y")))
        for line in lines:
            if (self.books.funds[line.fund][1] == "endowment" and line.debit
                    and self.books.accounts[line.account].type == "expense"):
                return self.fail(number, _("không được chi từ vốn gốc của quỹ %(fund)s.", fund=line.fund))
        self.check_no_negative(number, unit_code, lines)

    def check_no_negative(self, number: int, unit_code: str, lines: list) -> None:
        """Cash, bank and goods never go below zero, applying entries in file order (as posting will)."""
        guarded = [line for line in lines if self.books.accounts[line.account].no_negative]
        if not guarded:
            return
        if unit_code not in self.loaded:
            self.running.update(kept_no_negative(self.books.units.get(unit_code)))
            self.loaded.add(unit_code)
        moved: dict[tuple, int] = defaultdict(int)
        for line in guarded:
            moved[(unit_code, line.account, line.fund)] += line.debit - line.credit
        for key, change in moved.items():
            if self.running.get(key, 0) + change < 0:
                return self.fail(number, _("không đủ số dư: tài khoản %(account)s quỹ %(fund)s của đơn vị %(unit)s "
                                           "chỉ còn %(available)s.", account=key[1], fund=key[2], unit=unit_code,
                                           available=money.format_vnd(self.running.get(key, 0))))
        for key, change in moved.items():
            self.running[key] = self.running.get(key, 0) + change


def amount(text: str) -> int | None:
    """Whole đồng written as plain digits ("2015000"); anything else ("1.5", "2.015.000", "-5") is refused."""
    if not text.isascii() or not text.isdigit() or len(text) > 16:
        return None
    value = int(text)
    return value if value <= MAX_AMOUNT else None


def kept_no_negative(unit: Unit | None) -> dict[tuple, int]:
    if unit is None:
        return {}
    rows = db.session.execute(
        select(Account.code, Fund.code, Balance.debit_total - Balance.credit_total)
        .join(Account, Balance.account_id == Account.id).join(Fund, Balance.fund_id == Fund.id)
        .where(Balance.unit_id == unit.id, Balance.is_no_negative.is_(True), Balance.cp_unit_id == 0))
    return {(unit.code, account, fund): int(balance) for account, fund, balance in rows}


# ---- posting ------------------------------------------------------------------------------------

def post_journal(plan: JournalPlan, *, by=None, batch_size: int = 5000, on_batch=None) -> None:
    """Create the missing units, accounts and funds, then post the checked journal in batches.

    Never commits: the caller commits once, so a failure or a crash anywhere leaves nothing behind.
    """
    create_dimensions(plan, by)
    for batch in batches(transactions(entry_drafts(plan)), batch_size):
        try:
            post_batch(batch, by=by)
        except LedgerError as exc:
            raise ImportRefused([_("Không ghi được các bút toán từ %(first)s đến %(last)s: %(reason)s",
                                   first=batch[0].memo.split()[0], last=batch[-1].memo.split()[-1],
                                   reason=exc.detail)]) from exc
        if on_batch:
            on_batch(sum(len(tx.entries) for tx in batch))
    refuse_repeat(plan)  # a concurrent import of the same file committed while we waited for the locks
    audit.record("journal.import", "journal_file", plan.digest, by=by,
                 after={"file": plan.path.name, "entries": plan.entries, "lines": plan.lines})
    db.session.flush()


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


def entry_drafts(plan: JournalPlan):
    """(source entry id, EntryDraft) in file order; the file was checked, so parsing cannot fail."""
    unit_map, dates = units_by_code(plan.unit_codes), {}
    for rows in grouped_entries(journal_rows(plan.path)):
        entry_id, day, unit, *_rest, memo = rows[0][1]
        on = dates.get(day) or dates.setdefault(day, date.fromisoformat(day))
        lines = [ledger.LineDraft(v[3], v[4], int(v[5]), int(v[6])) for _n, v in rows]
        yield entry_id, EntryDraft(unit=unit_map[unit], dated_on=on, memo=memo, lines=lines)


def transactions(drafts):
    """One transaction per entry, or one per transfer pair (sender's 621, then receiver's 521)."""
    held: list = []
    for item in drafts:
        if held and is_transfer(held[0][1], item[1]):
            yield import_transaction([*held, item])
            held = []
            continue
        if held:
            yield import_transaction(held)
        held = [item]
    if held:
        yield import_transaction(held)


def is_transfer(sender: EntryDraft, receiver: EntryDraft) -> bool:
    out = side_totals(sender, TRANSFER_OUT, "debit")
    return (bool(out) and sender.dated_on == receiver.dated_on and sender.unit.id != receiver.unit.id
            and out == side_totals(receiver, TRANSFER_IN, "credit"))


def side_totals(entry: EntryDraft, account: str, side: str) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for line in entry.lines:
        if line.account == account:
            totals[line.fund] += getattr(line, side)
    return dict(totals)


def import_transaction(items: list) -> TransactionDraft:
    """Memo: the bundle's entry ids. A transfer's two lines name each other's unit (consolidation)."""
    entries = [entry for _id, entry in items]
    if len(entries) == 2:
        sender, receiver = entries
        entries = [with_counterparty(sender, TRANSFER_OUT, receiver.unit.code),
                   with_counterparty(receiver, TRANSFER_IN, sender.unit.code)]
    return TransactionDraft(entries, kind="import", memo=" ".join(entry_id for entry_id, _e in items))


def with_counterparty(entry: EntryDraft, account: str, unit_code: str) -> EntryDraft:
    return replace(entry, lines=[replace(line, counterparty_unit=unit_code) if line.account == account else line
                                 for line in entry.lines])


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
