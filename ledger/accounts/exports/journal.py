"""The books to export, entry by entry in posting order (entry id: each unit's chain order, and the order
posting checked the no-overdraft rule in), streamed from a server-side cursor: millions of lines never sit
in memory. With a start date, each unit's books before it come first as one opening entry (see opening_entries).
"""
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import groupby
from operator import itemgetter
from typing import NamedTuple

from sqlalchemy import func, select

from ledger.accounts.balances import scope_condition
from ledger.accounts.models import Account, Entry, Fund, Line
from ledger.core.errors import ValidationFailed
from ledger.core.i18n import _
from ledger.extensions import db
from ledger.units.models import Unit
from ledger.units.services import get_unit, subtree_filter

ROWS_PER_FETCH = 10_000


class ExportLine(NamedTuple):
    account: str
    fund: str
    debit: int
    credit: int


@dataclass(frozen=True)
class ExportEntry:
    unit: str
    number: str
    dated_on: date
    memo: str
    lines: list[ExportLine]

    @property
    def key(self) -> str:
        """Unique across units (voucher numbers repeat from unit to unit) and free of spaces."""
        return f"{self.unit}/{self.number}"


@dataclass(frozen=True)
class ExportScope:
    unit: Unit
    units: list[Unit]  # the unit, and with --subtree every unit below it: parents before children
    subtree: bool = False
    start: date | None = None
    end: date | None = None


def export_scope(unit_code: str, *, subtree: bool = False, start: date | None = None,
                 end: date | None = None) -> ExportScope:
    if start and end and start > end:
        raise ValidationFailed(_("Ngày bắt đầu %(start)s sau ngày kết thúc %(end)s.",
                                 start=start.strftime("%d/%m/%Y"), end=end.strftime("%d/%m/%Y")), field="from")
    unit = get_unit(unit_code)
    units = list(db.session.scalars(select(Unit).where(subtree_filter(unit.path))
                                    .order_by(Unit.depth, Unit.path))) if subtree else [unit]
    return ExportScope(unit, units, subtree, start, end)


def describe(scope: ExportScope) -> str:
    """One line saying whose books and which dates, for the top of a file."""
    whose = (_("Sổ của %(unit)s và các đơn vị trực thuộc", unit=scope.unit.code) if scope.subtree
             else _("Sổ của %(unit)s", unit=scope.unit.code))
    dates = [_("từ ngày %(date)s", date=scope.start.strftime("%d/%m/%Y")) if scope.start else "",
             _("đến hết ngày %(date)s", date=scope.end.strftime("%d/%m/%Y")) if scope.end else ""]
    return " ".join([whose, *filter(None, dates)]) + "."


def export_entries(scope: ExportScope):
    """Opening entries (with a start date), then every posted entry with lines, in posting order."""
    codes = Codes.load(scope)
    yield from opening_entries(scope, codes)
    yield from posted_entries(scope, codes)


@dataclass(frozen=True)
class Codes:
    """Ids to codes: accounts and funds are few, units those of the scope."""
    units: dict[int, str]
    accounts: dict[int, str]
    funds: dict[int, str]

    @classmethod
    def load(cls, scope: ExportScope) -> "Codes":
        return cls({u.id: u.code for u in scope.units},
                   dict(db.session.execute(select(Account.id, Account.code)).all()),
                   dict(db.session.execute(select(Fund.id, Fund.code)).all()))


def posted_entries(scope: ExportScope, codes: Codes):
    rows = db.session.execute(
        select(Entry.id, Entry.unit_id, Entry.number, Entry.dated_on, Entry.memo,
               Line.account_id, Line.fund_id, Line.debit, Line.credit)
        .join(Line, Line.entry_id == Entry.id).where(*entry_conditions(scope))
        .order_by(Entry.id, Line.id).execution_options(yield_per=ROWS_PER_FETCH))
    for _entry_id, group in groupby(rows, key=itemgetter(0)):
        group = list(group)
        _id, unit_id, number, dated_on, memo, *_line = group[0]
        yield ExportEntry(codes.units[unit_id], number, dated_on, memo or "",
                          [ExportLine(codes.accounts[row[5]], codes.funds[row[6]], int(row[7]), int(row[8]))
                           for row in group])


def entry_conditions(scope: ExportScope) -> list:
    conditions = [scope_condition(scope.unit, scope.subtree, Entry.unit_id)]
    if scope.start:
        conditions.append(Entry.dated_on >= scope.start)
    if scope.end:
        conditions.append(Entry.dated_on <= scope.end)
    return conditions


def opening_entries(scope: ExportScope, codes: Codes):
    """One entry per unit dated the day before the start: its balance (debit − credit) per account and fund
    from every entry dated earlier, a debit line when positive, a credit line when negative. Each entry
    balances per fund, so these lines do too; debit and credit totals start netted, balances are exact."""
    if scope.start is None:
        return
    day = scope.start - timedelta(days=1)
    rows = db.session.execute(
        select(Entry.unit_id, Line.account_id, Line.fund_id, func.sum(Line.debit - Line.credit))
        .join(Line, Line.entry_id == Entry.id)
        .where(scope_condition(scope.unit, scope.subtree, Entry.unit_id), Entry.dated_on <= day)
        .group_by(Entry.unit_id, Line.account_id, Line.fund_id)).all()
    by_unit: dict[int, list[ExportLine]] = {}
    for unit_id, account_id, fund_id, balance in rows:
        if balance:
            by_unit.setdefault(unit_id, []).append(ExportLine(codes.accounts[account_id], codes.funds[fund_id],
                                                              max(int(balance), 0), max(-int(balance), 0)))
    memo = _("Số dư đến hết ngày %(date)s", date=day.strftime("%d/%m/%Y"))
    for unit in scope.units:
        if unit.id in by_unit:
            lines = sorted(by_unit[unit.id], key=lambda line: (line.fund, line.account))
            yield ExportEntry(unit.code, f"SODU-{day.isoformat()}", day, memo, lines)


@dataclass
class Written:
    """What a writer wrote, for the command's closing line."""
    entries: int = 0
    lines: int = 0

    def count(self, entry: ExportEntry) -> ExportEntry:
        self.entries += 1
        self.lines += len(entry.lines)
        return entry
