"""Reading the books' HTML forms: typed dates ("10/03/2026") and amounts ("2.015.000") into service data.

Every problem is kept per field in Vietnamese, so a refused form is shown again with what was typed.
"""
from dataclasses import dataclass, field
from datetime import date

from marshmallow import ValidationError

from ledger.accounts.schemas import EntryIn
from ledger.core import money
from ledger.core.errors import LedgerError, ValidationFailed
from ledger.core.i18n import _
from ledger.core.schemas import Schema, page_schema, read_day
from ledger.core.web import translate_messages

DEFAULT_ROWS, MORE_ROWS, MAX_ROWS = 6, 4, 60
LINE_FIELDS = ("account", "fund", "debit", "credit", "counterparty")


def parse_date(text: str | None, name: str) -> date:
    """dd/mm/yyyy as the date inputs write it (ISO too, from old links); the problem named by the field."""
    try:
        return read_day(text or "")
    except ValueError as exc:
        raise ValidationFailed(str(exc), field=name) from None


def nearest_fund(funds) -> str:
    """The fund blank rows start with: the general fund of the nearest owner (the unit's own first)."""
    ranked = sorted(funds, key=lambda f: (-f.owner_unit.depth, f.kind != "unrestricted", f.is_pooled, f.code))
    return ranked[0].code if ranked else ""


def optional_date(text: str | None, name: str) -> date | None:
    return parse_date(text, name) if (text or "").strip() else None


def first_message(messages) -> str:
    """The first text inside marshmallow's nested error messages."""
    while isinstance(messages, dict | list):
        messages = next(iter(messages.values())) if isinstance(messages, dict) else messages[0]
    return str(messages)


def load_form(schema: type[Schema], form: dict) -> dict:
    """A page's form through the API's *In schema (dates as pages type them); its first message is the refusal."""
    try:
        return page_schema(schema)().load(form)
    except ValidationError as exc:
        messages = translate_messages(exc.messages)
        raise ValidationFailed(first_message(messages), errors=messages) from None


@dataclass
class EntryForm:
    """A general entry (bút toán) as typed: a date, a memo and rows of account, fund, Nợ or Có."""
    date: str = ""
    memo: str = ""
    rows: list[dict] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    message: str = ""

    @classmethod
    def blank(cls, on: date, rows: int = DEFAULT_ROWS, fund: str = "") -> "EntryForm":
        return cls(date=on.isoformat(), rows=[{**dict.fromkeys(LINE_FIELDS, ""), "fund": fund} for _i in range(rows)])

    @classmethod
    def from_form(cls, form, extra_rows: int = 0) -> "EntryForm":
        count = min(max(form.get("rows", type=int) or DEFAULT_ROWS, 2) + extra_rows, MAX_ROWS)
        rows = [{name: form.get(f"{name}-{i}", "").strip() for name in LINE_FIELDS} for i in range(count)]
        return cls(date=form.get("date", "").strip(), memo=form.get("memo", "").strip(), rows=rows)

    def refuse(self, exc: LedgerError) -> "EntryForm":
        """Keep a service's refusal on the form: its message on top, its field marked."""
        self.message = exc.detail
        if exc.code == "period_closed":
            self.errors.setdefault("date", exc.detail)
        return self

    def to_data(self) -> dict:
        """EntryIn data (the API's schema) or ValidationFailed with self.errors filled."""
        self.errors.clear()
        try:
            on = parse_date(self.date, "date")
        except ValidationFailed as exc:
            self.errors["date"] = exc.detail
        indexes, lines = [], []
        for index, row in enumerate(self.rows):
            if any(row[name] for name in ("account", "debit", "credit", "counterparty")):
                indexes.append(index)
                lines.append(self.read_row(index, row))
        if len(lines) < 2 and not self.errors:
            self.errors["lines"] = _("Một bút toán cần ít nhất hai dòng (một bên Nợ, một bên Có).")
        if self.errors:
            raise self.invalid()
        try:
            return EntryIn().load({"date": on.isoformat(), "memo": self.memo, "lines": lines})
        except ValidationError as exc:
            self.keep_schema_errors(exc.messages, indexes)
            raise self.invalid() from None

    def read_row(self, index: int, row: dict) -> dict:
        line = {"account": row["account"], "fund": row["fund"], "counterparty": row["counterparty"] or None}
        for name in ("account", "fund"):
            if not row[name]:
                self.errors[f"{name}-{index}"] = _("Chọn tài khoản.") if name == "account" else _("Chọn quỹ.")
        for side in ("debit", "credit"):
            if row[side]:
                try:
                    line[side] = money.parse_amount(row[side])
                except ValidationFailed as exc:
                    self.errors[f"{side}-{index}"] = exc.detail
        if not row["debit"] and not row["credit"]:
            self.errors[f"debit-{index}"] = _("Ghi số tiền ở cột Nợ hoặc cột Có.")
        elif row["debit"] and row["credit"]:
            self.errors[f"credit-{index}"] = _("Mỗi dòng chỉ ghi một bên: Nợ hoặc Có.")
        return line

    def keep_schema_errors(self, messages: dict, indexes: list[int]) -> None:
        messages = translate_messages(messages)
        for name in ("date", "memo"):
            if name in messages:
                self.errors[name] = first_message(messages[name])
        lines = messages.get("lines", {})
        if isinstance(lines, dict):
            for position, line_errors in lines.items():
                for name, text in line_errors.items():
                    self.errors[f"{name}-{indexes[int(position)]}"] = first_message(text)
        elif lines:
            self.errors["lines"] = first_message(lines)

    def invalid(self) -> ValidationFailed:
        exc = ValidationFailed()
        self.message = exc.detail
        return exc

    def row_errors(self, index: int) -> list[str]:
        return [self.errors[f"{name}-{index}"] for name in LINE_FIELDS if f"{name}-{index}" in self.errors]

    def totals(self) -> tuple[int, int]:
        """Σ Nợ and Σ Có of what parses, shown under the rows."""
        sums = []
        for side in ("debit", "credit"):
            total = 0
            for row in self.rows:
                try:
                    total += money.parse_amount(row[side]) if row[side] else 0
                except ValidationFailed:
                    continue
            sums.append(total)
        return sums[0], sums[1]

    def imbalance(self) -> int:
        """How far Σ Nợ and Σ Có are apart (shown as "Lệch")."""
        debit, credit = self.totals()
        return abs(debit - credit)

    def listed_errors(self) -> list[tuple[int | None, str]]:
        """(row number counted from 1, or None for the whole form, message) for the list above the form."""
        return [(int(key.rsplit("-", 1)[1]) + 1 if key[-1].isdigit() else None, text)
                for key, text in self.errors.items()]
