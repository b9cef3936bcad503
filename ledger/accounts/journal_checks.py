"""The rules of a journal bundle, checked before anything is written: dimension files, then every
journal row, with the same rules as posting.post_batch and the CSV row of each failure.

This is the only validation of the rows: the importer writes what the checker kept (`JournalPlan.checked`)
without passing it through post_batch's checks again. What another session could change between this
pass and the importer's locks (closed periods, kept balances) is summarised here, per unit and per
guarded balance, and re-checked set-based under the locks.
"""
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import select

from ledger.accounts import ledger
from ledger.accounts.chart import ACCOUNT_TYPES
from ledger.accounts.models import Account, Balance, Fund
from ledger.core import money
from ledger.core.dates import vn_today
from ledger.core.i18n import _
from ledger.extensions import db
from ledger.units import services as units
from ledger.units.models import Unit


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
    checked: list["Checked"] = field(default_factory=list)
    # (unit, account, fund) → the smallest kept balance before the import that the journal never overdraws
    required: dict[tuple[str, str, str], int] = field(default_factory=dict)


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
    top = min((u for u in books.units.values() if u.parent_id is None), key=lambda u: u.id, default=None)
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
            problems.append(where + _("đơn vị cấp trên %(parent)s chưa có (phải đứng trước đơn vị con).",
                                      parent=parent))
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
                                      "normal_side": side, "is_no_negative": False})
            books.accounts[code] = Account(**plan.new_accounts[-1])  # transient: only read by the checks
    owner_path = books.unit_paths.get(bundle_root, "")
    for number, (code, name_vi, _name_en) in dims["funds"]:
        if code not in books.funds:
            plan.new_funds.append({"code": code, "name": name_vi, "owner_unit": bundle_root, "kind": "unrestricted"})
            books.funds[code] = (owner_path, "unrestricted", False)
        elif books.funds[code][2] or not ledger.fund_usable_in(owner_path, books.funds[code][0]):
            problems.append(_("Tệp funds.csv, dòng %(row)s: quỹ %(code)s đã có, nhưng không phải quỹ riêng từng "
                              "đơn vị dùng được ở %(unit)s.", row=number, code=code, unit=bundle_root))
    return problems


def parent_code(path: str) -> str | None:
    codes = path.split("/")
    return codes[-2] if len(codes) > 1 else None


def level_fits(level: str, parent_level: str) -> bool:
    rank = units.LEVEL_RANK
    return rank[level] > rank[parent_level] or level == parent_level == "branch"


class Movement(NamedTuple):
    """A checked line; posting reads it like a LineDraft (a transfer's line gets counterparty_unit)."""
    account: str
    fund: str
    debit: int
    credit: int
    counterparty_unit: str | None = None
    counterparty: str | None = None


class Checked(NamedTuple):
    """A checked entry, compact: 100,000 of them are held until the file has been read whole."""
    entry_id: str
    unit: str
    dated_on: date
    memo: str
    lines: list[Movement]


class JournalChecker:
    """Every rule post_batch applies, entry by entry, with the CSV row of each failure."""

    def __init__(self, books: Books, plan: JournalPlan):
        self.books, self.plan = books, plan
        self.problems: list[str] = []
        self.seen: set[str] = set()
        self.dates: dict[str, date] = {}
        self.known: set[tuple[str, str, str]] = set()  # (unit, account, fund) that passed check_codes
        self.guarded = {code for code, account in books.accounts.items() if account.is_no_negative}
        self.unit_states = {code: (u.status, u.closed_through) for code, u in books.units.items()}
        self.running: dict[tuple, int] = {}  # (unit, account, fund) → balance of a no-negative account
        self.start: dict[tuple, int] = {}  # the kept balances read for the check, unlocked
        self.loaded: set[str] = set()
        self.latest = ledger.latest_date(vn_today())
        # The (fund, account) pairs where a debit spends an endowment's principal: the rule asked once per
        # pair of the (small) chart rather than once per line.
        self.principal = {(fund, account) for fund, (_path, kind, _pooled) in books.funds.items()
                          for account, found in books.accounts.items()
                          if ledger.spends_principal(kind, found.type, 1)}

    def fail(self, number: int, message: str) -> None:
        self.problems.append(_("Dòng %(row)s: ", row=number) + message)

    def check(self, rows: list) -> None:
        number, (entry_id, day, unit, *_rest, memo) = rows[0]
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
        if len(self.problems) == before:
            self.plan.checked.append(Checked(entry_id, unit, self.dates[day], memo, lines))

    def check_line(self, number: int, values: tuple, first: tuple) -> "Movement | None":
        entry_id, day, unit, account, fund, debit, credit, _memo = values
        if day != first[1] or unit != first[2]:
            return self.fail(number, _("các dòng của bút toán %(entry)s phải cùng ngày và cùng đơn vị.",
                                       entry=entry_id))
        if day not in self.dates and not self.parse_date(number, day):
            return None
        if (unit, account, fund) not in self.known and not self.check_codes(number, unit, account, fund):
            return None
        debit_amount, credit_amount = amount(debit), amount(credit)
        if debit_amount is None or credit_amount is None or (debit_amount > 0) == (credit_amount > 0):
            return self.fail(number, _("Nợ “%(debit)s”, Có “%(credit)s”: mỗi dòng ghi đúng một bên, số nguyên đồng "
                                       "dương (ví dụ 2015000), tối đa 10^15.", debit=debit, credit=credit))
        return Movement(account, fund, debit_amount, credit_amount)

    def check_codes(self, number: int, unit: str, account: str, fund: str) -> bool:
        """Known unit, account and fund, the fund usable in the unit; remembered once true."""
        if unit not in self.books.unit_paths:
            return self.fail(number, _("không có đơn vị %(code)s.", code=unit))
        if account not in self.books.accounts:
            return self.fail(number, _("không có tài khoản %(code)s trong hệ thống tài khoản hay accounts.csv.",
                                       code=account))
        if fund not in self.books.funds:
            return self.fail(number, _("không có quỹ %(code)s.", code=fund))
        if not ledger.fund_usable_in(self.books.unit_paths[unit], self.books.funds[fund][0]):
            return self.fail(number, _("quỹ %(fund)s không dùng được trong sổ của đơn vị %(unit)s.",
                                       fund=fund, unit=unit))
        self.known.add((unit, account, fund))
        return True

    def parse_date(self, number: int, day: str) -> bool:
        try:
            self.dates[day] = date.fromisoformat(day)
            return True
        except ValueError:
            self.fail(number, _("ngày “%(value)s” không đúng dạng NNNN-TT-NN.", value=day))
            return False

    def check_entry(self, number: int, entry_id: str, unit_code: str, on: date, lines: list) -> None:
        status, closed_through = self.unit_states.get(unit_code, ("active", None))
        problem = ledger.balance_problem(lines) if len(lines) >= 2 else ("unbalanced", 0)
        if problem and problem[0] == "unbalanced":
            return self.fail(number, _("bút toán %(entry)s không cân: tổng Nợ lệch tổng Có %(diff)s (cần ít nhất "
                                       "hai dòng).", entry=entry_id, diff=money.format_vnd(abs(problem[1]))))
        if problem:
            return self.fail(number, _("bút toán %(entry)s không cân theo từng quỹ: %(funds)s.", entry=entry_id,
                                       funds=", ".join(f"{f} ({money.format_vnd(abs(v))})"
                                                       for f, v in problem[1].items())))
        if ledger.entry_total(lines) > ledger.MAX_AMOUNT:
            return self.fail(number, _("tổng bút toán %(entry)s vượt quá %(max)s đồng.", entry=entry_id,
                                       max=money.format_number(ledger.MAX_AMOUNT)))
        if on > self.latest:
            return self.fail(number, _("ngày %(date)s quá xa: chỉ ghi sổ được đến ngày %(latest)s.",
                                       date=on.strftime("%d/%m/%Y"), latest=self.latest.strftime("%d/%m/%Y")))
        if status != "active":
            return self.fail(number, _("đơn vị %(code)s đã sáp nhập; sổ đã đóng.", code=unit_code))
        if closed_through is not None and on <= closed_through:
            return self.fail(number, _("sổ của đơn vị %(unit)s đã khóa đến hết ngày %(through)s; không thể ghi ngày "
                                       "%(date)s.", unit=unit_code, through=closed_through.strftime("%d/%m/%Y"),
                                       date=on.strftime("%d/%m/%Y")))
        principal = self.principal
        for line in lines:
            if line.debit and (line.fund, line.account) in principal:
                return self.fail(number, _("không được chi từ vốn gốc của quỹ %(fund)s.", fund=line.fund))
        self.check_no_negative(number, unit_code, lines)

    def check_no_negative(self, number: int, unit_code: str, lines: list) -> None:
        """Cash, bank and goods never go below zero, applying entries in file order (as posting will)."""
        guarded = [line for line in lines if line.account in self.guarded]
        if not guarded:
            return
        if unit_code not in self.loaded:
            kept = kept_no_negative(self.books.units.get(unit_code))
            self.start.update(kept)
            self.running.update(kept)
            self.loaded.add(unit_code)
        moves = [((unit_code, line.account, line.fund), line.debit, line.credit) for line in guarded]
        after, overdrawn = ledger.fold_no_negative(self.running, moves)
        if overdrawn is not None:
            key = moves[overdrawn][0]
            return self.fail(number, _("không đủ số dư: tài khoản %(account)s quỹ %(fund)s của đơn vị %(unit)s "
                                       "chỉ còn %(available)s.", account=key[1], fund=key[2], unit=unit_code,
                                       available=money.format_vnd(self.running.get(key, 0))))
        self.running.update(after)
        required = self.plan.required
        for key, balance in after.items():  # how far below its starting balance the journal takes this one
            required[key] = max(required.get(key, 0), self.start.get(key, 0) - balance)


def amount(text: str) -> int | None:
    """Whole đồng written as plain digits ("2015000"); anything else ("1.5", "2.015.000", "-5") is refused."""
    if not text.isascii() or not text.isdigit() or len(text) > 16:
        return None
    value = int(text)
    return value if value <= money.MAX_AMOUNT else None


def kept_no_negative(unit: Unit | None) -> dict[tuple, int]:
    if unit is None:
        return {}
    rows = db.session.execute(
        select(Account.code, Fund.code, Balance.debit_total - Balance.credit_total)
        .join(Account, Balance.account_id == Account.id).join(Fund, Balance.fund_id == Fund.id)
        .where(Balance.unit_id == unit.id, Balance.is_no_negative.is_(True), Balance.cp_unit_id == 0))
    return {(unit.code, account, fund): int(balance) for account, fund, balance in rows}
