"""Money is an int of đồng: read it aloud for vouchers, format it, parse what people type.

Pure functions with no app; the formal northern style of accounting documents throughout.
"""
import re

from ledger.core.errors import ValidationFailed
from ledger.core.i18n import _

MAX_AMOUNT = 10**15  # the largest amount anyone may type, one line of an entry, and the total of one entry

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
# Scale words per group of three digits; 10**15 is read "một triệu tỷ".
_SCALES = ("", "nghìn", "triệu", "tỷ", "nghìn tỷ", "triệu tỷ")

# A plain run of digits, or 1-3 digits then groups of exactly three behind one separator
# kind; "1.5" or "2015000,50" match neither, so a decimal is never silently misread.
# Spaces include the no-break kinds that spreadsheets paste.
_PLAIN = re.compile(r"[0-9]+")
_GROUPED = re.compile(r"[0-9]{1,3}(?P<sep>[., \u00a0\u202f])[0-9]{3}(?:(?P=sep)[0-9]{3})*")
_CURRENCY = re.compile(r"\s*(?:₫|đồng|vnđ|vnd|đ)$", re.IGNORECASE)


def _require_int(amount) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise ValueError(f"amount must be an int of đồng, got {type(amount).__name__}")
    return amount


def _tens_and_units(tens: int, units: int, *, after_hundreds: bool) -> list[str]:
    if tens == 0:
        if units == 0:
            return []
        # "linh" only bridges a spoken hundreds digit: 105 → "một trăm linh năm".
        return ["linh", _DIGITS[units]] if after_hundreds else [_DIGITS[units]]
    words = ["mười"] if tens == 1 else [_DIGITS[tens], "mươi"]
    if units == 5:
        words.append("lăm")
    elif units == 1 and tens > 1:
        words.append("mốt")
    elif units == 4 and tens > 1:
        words.append("tư")
    elif units:
        words.append(_DIGITS[units])
    return words


def _group_words(group: int, *, leading: bool) -> list[str]:
    """Words for 1..999; inside a number the hundreds are always said ("không trăm")."""
    hundreds, tens, units = group // 100, group // 10 % 10, group % 10
    if leading and hundreds == 0:
        return _tens_and_units(tens, units, after_hundreds=False)
    return [_DIGITS[hundreds], "trăm", *_tens_and_units(tens, units, after_hundreds=True)]


def in_words(amount: int) -> str:
    """Vietnamese amount in words for vouchers: 2015000 → "Hai triệu không trăm mười lăm nghìn đồng"."""
    amount = _require_int(amount)
    if not 0 <= amount <= MAX_AMOUNT:
        raise ValueError(f"amount must be within 0..{MAX_AMOUNT}, got {amount}")
    if amount == 0:
        return "Không đồng"
    groups = []
    while amount:
        amount, group = divmod(amount, 1000)
        groups.append(group)
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        if groups[index] == 0:
            continue  # an all-zero group is skipped, scale word included
        words += _group_words(groups[index], leading=not words)
        if _SCALES[index]:
            words.append(_SCALES[index])
    text = " ".join([*words, "đồng"])
    return text[0].upper() + text[1:]


def format_number(amount: int) -> str:
    """2015000 → "2.015.000" (Vietnamese thousands separator)."""
    return f"{_require_int(amount):,}".replace(",", ".")


def format_vnd(amount: int) -> str:
    """2015000 → "2.015.000 ₫"; the `vnd` Jinja filter."""
    return f"{format_number(amount)} ₫"


def format_vnd_short(amount: int) -> str:
    """2015000 → "2.015.000 đ", as written on vouchers."""
    return f"{format_number(amount)} đ"


def _invalid() -> ValidationFailed:
    return ValidationFailed(_("Số tiền phải là số nguyên đồng dương, ví dụ 2.015.000."), field="amount")


def _too_large() -> ValidationFailed:
    return ValidationFailed(
        _("Số tiền không được vượt quá %(max)s đồng.", max=format_number(MAX_AMOUNT)), field="amount")


def _int_of(text: str) -> int:
    body = _CURRENCY.sub("", text.strip()).strip()
    if _GROUPED.fullmatch(body):
        body = re.sub(r"[^0-9]", "", body)
    elif not _PLAIN.fullmatch(body):
        raise _invalid()
    digits = body.lstrip("0") or "0"
    if len(digits) > len(str(MAX_AMOUNT)):
        raise _too_large()  # also spares int() a pasted wall of digits
    return int(digits)


def parse_amount(text) -> int:
    """What a treasurer types or pastes ("2.015.000 đ", "2 015 000", 2015000) → đồng.

    Raises ValidationFailed on field "amount" for anything that is not a whole positive
    amount up to MAX_AMOUNT: letters, decimals, signs, zero, bool, float, empty.
    """
    if isinstance(text, bool) or not isinstance(text, int | str):
        raise _invalid()
    amount = text if isinstance(text, int) else _int_of(text)
    if amount <= 0:
        raise _invalid()
    if amount > MAX_AMOUNT:
        raise _too_large()
    return amount
