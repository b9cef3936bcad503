"""Reading the tables people bring from Excel or their bank (rows from ledger.core.spreadsheets):
the header row found by column name, cells read as dates and đồng with Vietnamese row messages.
"""
import re
from dataclasses import dataclass
from datetime import date, datetime

from ledger.core.errors import ValidationFailed
from ledger.core.i18n import _
from ledger.core.money import MAX_AMOUNT
from ledger.core.text import fold as text_fold

HEADER_SEARCH_ROWS = 30


class RowError(ValueError):
    """One cell that cannot be read; the importer collects these into "Dòng 7: …" messages."""


@dataclass
class Table:
    header_row: int               # sheet row number (1-based) of the header
    columns: dict[str, int]       # field → column index
    rows: list[tuple[int, tuple]]  # (sheet row number, cell values) after the header, blank rows left out

    def value(self, row: tuple, name: str):
        index = self.columns.get(name)
        return row[index] if index is not None and index < len(row) else None


def fold(text) -> str:
    """Header and memo keys: folded text without punctuation: "Số tiền ghi CÓ:" → "so tien ghi co"."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text_fold(str(text or ""))).split())


def locate(rows: list[tuple], aliases: dict[str, list[str]], required: list[str],
           labels: dict[str, str]) -> Table:
    """Find the header row (within the first rows) holding every required column; else name the missing."""
    folded = {name: {fold(alias) for alias in names} for name, names in aliases.items()}
    best: tuple[int, dict[str, int]] = (-1, {})
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns = header_columns(row, folded)
        if all(name in columns for name in required):
            body = [(number, values) for number, values in enumerate(rows[index + 1:], start=index + 2)
                    if any(not is_blank(v) for v in values)]
            return Table(header_row=index + 1, columns=columns, rows=body)
        if len(columns) > len(best[1]):
            best = (index, columns)
    missing = [labels[name] for name in required if name not in best[1]]
    raise ValidationFailed(field="file", message=_(
        "Thiếu cột: %(missing)s. Dòng tiêu đề cần có các cột: %(needed)s.",
        missing=", ".join(missing), needed=", ".join(labels[name] for name in required)))


def header_columns(row: tuple, folded: dict[str, set[str]]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for position, cell in enumerate(row):
        key = fold(cell)
        for name, names in folded.items():
            if key and key in names and name not in columns:
                columns[name] = position
    return columns


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value) -> str:
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone number typed into a number cell
    return " ".join(str(value).split())


_DIGITS = re.compile(r"[0-9]+")
_GROUPED = re.compile(r"[0-9]{1,3}(?P<sep>[.,])[0-9]{3}(?:(?P=sep)[0-9]{3})*")
_CURRENCY = re.compile(r"\s*(?:₫|đồng|vnđ|vnd|đ)\s*$", re.IGNORECASE)


def cell_amount(value) -> int | None:
    """Đồng from a cell: 1000000, 1000000.0, "1.000.000", "1,000,000", "1,000,000.00", "-500.000".

    None for an empty cell; RowError for letters, a fraction of a đồng or more than 10^15.
    """
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise RowError(value)
    if isinstance(value, int):
        amount = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise RowError(value)
        amount = int(value)
    else:
        amount = text_amount(str(value))
    if abs(amount) > MAX_AMOUNT:
        raise RowError(value)
    return amount


def text_amount(text: str) -> int:
    body = _CURRENCY.sub("", text.strip()).replace("\u00a0", "").replace(" ", "")
    sign = -1 if body.startswith("-") or (body.startswith("(") and body.endswith(")")) else 1
    body = body.strip("()+-")
    whole, fraction = body, ""
    # One or two digits after the last separator are a decimal part (bank exports write ".00").
    decimal = re.fullmatch(r"(?P<whole>.+)[.,](?P<fraction>[0-9]{1,2})", body)
    if decimal and (_DIGITS.fullmatch(decimal["whole"]) or _GROUPED.fullmatch(decimal["whole"])):
        whole, fraction = decimal["whole"], decimal["fraction"]
    if fraction.strip("0"):
        raise RowError(text)  # a fraction of a đồng
    if _GROUPED.fullmatch(whole):
        whole = re.sub(r"[.,]", "", whole)
    if not _DIGITS.fullmatch(whole) or len(whole.lstrip("0")) > len(str(MAX_AMOUNT)):
        raise RowError(text)
    return sign * int(whole)


_DATE_TEXT = re.compile(r"(?P<a>[0-9]{1,4})[/.-](?P<b>[0-9]{1,2})[/.-](?P<c>[0-9]{2,4})(?:[ T].*)?")


def cell_date(value) -> date | None:
    """A date cell, or text as dd/mm/yyyy (also d/m/yy, dd-mm-yyyy, dd.mm.yyyy) or yyyy-mm-dd."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = _DATE_TEXT.fullmatch(str(value).strip())
    if not match:
        raise RowError(value)
    first, month, last = match["a"], int(match["b"]), match["c"]
    year, day = (int(first), int(last)) if len(first) == 4 else (int(last), int(first))
    if year < 100:
        year += 2000
    try:
        return date(year, month, day)
    except ValueError:
        raise RowError(value) from None
