"""Sổ quỹ tiền mặt (cash, 111) and sổ tiền gửi ngân hàng (bank, 112) of one unit for a period.

The opening balance comes from the kept balances (never a sum of every line since the start);
only the period's own lines are read, one row per voucher, with each day's totals.
"""
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select

from ledger.accounts import balances
from ledger.accounts.chart import BANK, CASH
from ledger.accounts.models import Account, Entry, Fund, Line
from ledger.accounts.services import funds_usable_in, get_fund
from ledger.core.dates import month_start, vn_today
from ledger.core.errors import ValidationFailed
from ledger.core.i18n import _, _l
from ledger.extensions import db
from ledger.units.models import Unit

BOOKS = {"cash": CASH, "bank": BANK}
TITLES = {"cash": _l("Sổ quỹ tiền mặt"), "bank": _l("Sổ tiền gửi ngân hàng")}
VOUCHER_LABELS = {"PT": _l("Phiếu thu"), "PC": _l("Phiếu chi"), "BT": _l("Bút toán")}
MAX_DAYS = 3 * 366


@dataclass
class BookRow:
    dated_on: date
    number: str
    voucher_type: str
    memo: str
    receipt: int
    payment: int
    balance: int
    entry_id: int


@dataclass
class BookDay:
    dated_on: date
    rows: list[BookRow] = field(default_factory=list)

    @property
    def receipts(self) -> int:
        return sum(row.receipt for row in self.rows)

    @property
    def payments(self) -> int:
        return sum(row.payment for row in self.rows)

    @property
    def closing(self) -> int:
        return self.rows[-1].balance


@dataclass
class Book:
    unit: Unit
    kind: str
    fund: Fund | None
    start: date
    end: date
    opening: int
    days: list[BookDay]

    @property
    def account(self) -> str:
        return BOOKS[self.kind]

    @property
    def title(self) -> str:
        return str(TITLES[self.kind])

    @property
    def rows(self) -> list[BookRow]:
        return [row for day in self.days for row in day.rows]

    @property
    def total_receipts(self) -> int:
        return sum(day.receipts for day in self.days)

    @property
    def total_payments(self) -> int:
        return sum(day.payments for day in self.days)

    @property
    def closing(self) -> int:
        return self.opening + self.total_receipts - self.total_payments


def book_period(start: date | None, end: date | None) -> tuple[date, date]:
    """Defaults to the current month so far; refuses reversed or over-long periods."""
    end = end or vn_today()
    start = start or month_start(end)
    if start > end:
        raise ValidationFailed(field="from", message=_("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc."))
    if (end - start).days > MAX_DAYS:
        raise ValidationFailed(field="from", message=_("Mỗi lần xem sổ tối đa ba năm."))
    return start, end


def book_fund(unit: Unit, code: str | None) -> Fund | None:
    """The fund filter: none means all funds; a fund must be usable in the unit's books."""
    if not code:
        return None
    fund = get_fund(code)
    if fund.id not in {usable.id for usable in funds_usable_in(unit)}:
        raise ValidationFailed(field="fund", message=_("Quỹ %(fund)s không dùng trong sổ của %(unit)s.",
                                                       fund=fund.code, unit=unit.name))
    return fund


def build_book(unit: Unit, kind: str, *, fund: Fund | None = None, start: date | None = None,
               end: date | None = None) -> Book:
    if kind not in BOOKS:
        raise ValidationFailed(field="kind", message=_("Sổ phải là cash (tiền mặt) hoặc bank (ngân hàng)."))
    start, end = book_period(start, end)
    account_ids = money_account_ids(BOOKS[kind])
    opening = opening_balance(unit, account_ids, fund, start)
    days: list[BookDay] = []
    running = opening
    for row in period_movements(unit, account_ids, fund, start, end):
        running += row.receipt - row.payment
        row.balance = running
        if not days or days[-1].dated_on != row.dated_on:
            days.append(BookDay(row.dated_on))
        days[-1].rows.append(row)
    return Book(unit=unit, kind=kind, fund=fund, start=start, end=end, opening=opening, days=days)


def money_account_ids(code: str) -> set[int]:
    """The account and its sub-accounts (1121 Vietcombank, 1122 Agribank …)."""
    return set(db.session.scalars(select(Account.id).where(Account.code.like(code + "%"))))


def opening_balance(unit: Unit, account_ids: set[int], fund: Fund | None, start: date) -> int:
    totals = balances.totals_as_of(unit, start - timedelta(days=1), consolidated=False)
    return sum(debit - credit for (account_id, fund_id), (debit, credit) in totals.items()
               if account_id in account_ids and (fund is None or fund_id == fund.id))


def period_movements(unit: Unit, account_ids: set[int], fund: Fund | None, start: date, end: date) -> list[BookRow]:
    """One row per entry touching the account in the period, in posting order within a day."""
    conditions = [Entry.unit_id == unit.id, Entry.dated_on >= start, Entry.dated_on <= end,
                  Line.account_id.in_(account_ids)]
    if fund is not None:
        conditions.append(Line.fund_id == fund.id)
    rows = db.session.execute(
        select(Entry.id, Entry.dated_on, Entry.number, Entry.voucher_type, Entry.memo,
               func.sum(Line.debit), func.sum(Line.credit))
        .join(Line, Line.entry_id == Entry.id).where(*conditions)
        .group_by(Entry.id, Entry.dated_on, Entry.number, Entry.voucher_type, Entry.memo)
        .order_by(Entry.dated_on, Entry.id)).all()
    movements = []
    for entry_id, dated_on, number, voucher_type, memo, debit, credit in rows:
        net = int(debit or 0) - int(credit or 0)
        if net == 0:
            continue  # moved between funds of the same cash box: no money in or out
        movements.append(BookRow(dated_on=dated_on, number=number, voucher_type=voucher_type,
                                 memo=memo or str(VOUCHER_LABELS.get(voucher_type, "")),
                                 receipt=max(net, 0), payment=max(-net, 0), balance=0, entry_id=entry_id))
    return movements


BOOK_HEADERS = (_l("Ngày"), _l("Số phiếu thu"), _l("Số phiếu chi"), _l("Diễn giải"), _l("Thu"), _l("Chi"), _l("Tồn"))


def book_table(book: Book) -> tuple[list[str], list[list]]:
    """Headers and rows for CSV/XLSX: opening, each voucher, each day's total, totals, closing."""
    rows: list[list] = [[book.start, "", "", _("Số dư đầu kỳ"), None, None, book.opening]]
    for day in book.days:
        for row in day.rows:
            received = row.receipt > 0
            rows.append([row.dated_on, row.number if received else "", "" if received else row.number,
                         row.memo, row.receipt or None, row.payment or None, row.balance])
        rows.append([day.dated_on, "", "", _("Cộng ngày %(date)s", date=day.dated_on.strftime("%d/%m/%Y")),
                     day.receipts, day.payments, day.closing])
    rows.append([book.end, "", "", _("Cộng phát sinh trong kỳ"), book.total_receipts, book.total_payments, None])
    rows.append([book.end, "", "", _("Số dư cuối kỳ"), None, None, book.closing])
    return [str(h) for h in BOOK_HEADERS], rows


def book_title_lines(book: Book) -> list[str]:
    fund = book.fund.name if book.fund else _("Tất cả các quỹ")
    return [f"{book.title.upper()} — {book.unit.name}",
            _("Tài khoản %(account)s · %(fund)s · từ %(start)s đến %(end)s", account=book.account, fund=fund,
              start=book.start.strftime("%d/%m/%Y"), end=book.end.strftime("%d/%m/%Y"))]


def book_filename(book: Book) -> str:
    prefix = "so-quy-tien-mat" if book.kind == "cash" else "so-tien-gui-ngan-hang"
    fund = f"_{book.fund.code}" if book.fund else ""
    return f"{prefix}_{book.unit.code}{fund}_{book.start:%Y%m%d}-{book.end:%Y%m%d}"
