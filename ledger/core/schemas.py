"""Shared schema pieces: money and page fields, list envelopes, Vietnamese field messages.

marshmallow writes its field errors in English; the edge rewrites the known ones in Vietnamese
(English stays as is when the client asks for English).
"""
import re
import unicodedata
from datetime import date
from functools import cache

import marshmallow as ma
from flask_babel import get_locale
from marshmallow import fields, validate

from ledger.core.i18n import _
from ledger.core.money import MAX_AMOUNT

MAX_INT = 2**63 - 1  # PostgreSQL bigint, SQLite INTEGER
MAX_OFFSET = 10**9
MIN_YEAR, MAX_YEAR = 1900, 2100
YEAR_PATTERN = r"(19[0-9]{2}|20[0-9]{2}|2100)"  # MIN_YEAR..MAX_YEAR, for periods written as text
BIDI_CONTROLS = set(range(0x202A, 0x202F)) | set(range(0x2066, 0x206A))
INVISIBLE_LETTERS = {0x115F, 0x1160, 0x2800, 0x3164, 0xFFA0}  # Hangul fillers, braille blank: drawn as nothing


class Schema(ma.Schema):
    class Meta:
        unknown = ma.RAISE
        ordered = True

    @ma.validates_schema
    def storable(self, data, **kwargs):
        """Numbers and dates the database and date arithmetic can hold, whatever field carries them."""
        errors = {self.fields[name].data_key or name: [message] for name, value in data.items()
                  if name in self.fields and (message := out_of_range(value))}
        if errors:
            raise ma.ValidationError(errors)


def out_of_range(value) -> str | None:
    if isinstance(value, (list, tuple)):
        return next(filter(None, map(out_of_range, value)), None)
    if isinstance(value, dict):
        return next(filter(None, map(out_of_range, value.values())), None)
    if isinstance(value, int) and not -MAX_INT <= value <= MAX_INT:
        return _("Số quá lớn (tối đa %(max)s).", max=MAX_INT)
    if isinstance(value, date) and not MIN_YEAR <= value.year <= MAX_YEAR:
        return _("Năm phải từ %(min)s đến %(max)s.", min=MIN_YEAR, max=MAX_YEAR)
    return None


def visible_name(text: str) -> None:
    """A name shown to the public: something visible, and no bidi control that could reverse what follows."""
    if not text:
        return  # whether a name is required is the field's business
    if any(ord(char) in BIDI_CONTROLS for char in text):
        raise ma.ValidationError(_("Tên không được chứa ký tự điều khiển hướng chữ (U+202A–U+202E, U+2066–U+2069)."))
    if not any(unicodedata.category(char)[0] in "LNPS" and ord(char) not in INVISIBLE_LETTERS for char in text):
        raise ma.ValidationError(_("Tên phải có chữ hoặc số nhìn thấy được."))


def PublicName(max_length: int = 200, *, min_length: int = 1, **kwargs) -> fields.String:
    """A name that may appear on public statements: donors, payees, funds, campaigns, students."""
    return fields.String(validate=[validate.Length(min_length, max_length), visible_name], **kwargs)


def Money(**kwargs) -> fields.Integer:
    """Whole đồng: an int, never a string or a float."""
    return fields.Integer(strict=True, validate=validate.Range(1, MAX_AMOUNT), **kwargs)


# d/m/yyyy with one separator throughout (/ . -), as Vietnamese documents and keyboards write it; ISO from old links
TYPED_DAY = re.compile(r"([0-9]{1,2})([/.-])([0-9]{1,2})\2([0-9]{4})")
ISO_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


def read_day(text: str) -> date:
    """A date typed on a page: "15/03/2026", "15-3-2026", "15.03.2026" or ISO "2026-03-15".
    ValueError carries the Vietnamese message: unreadable, not in the calendar, or outside MIN_YEAR..MAX_YEAR."""
    text = text.strip()
    if not text:
        raise ValueError(_("Cần nhập ngày."))
    if typed := TYPED_DAY.fullmatch(text):
        day, month, year = int(typed[1]), int(typed[3]), int(typed[4])
    elif iso := ISO_DAY.fullmatch(text):
        year, month, day = int(iso[1]), int(iso[2]), int(iso[3])
    else:
        raise ValueError(_("Ngày không hợp lệ; nhập ngày/tháng/năm, ví dụ 31/03/2026."))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(_("Năm phải từ %(min)s đến %(max)s.", min=MIN_YEAR, max=MAX_YEAR))
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(_("Ngày không hợp lệ: không có ngày %(day)02d/%(month)02d/%(year)s trong lịch.",
                           day=day, month=month, year=year)) from None


def day_text(value) -> str:
    """What a date input shows: a date or an ISO text as dd/mm/yyyy, anything else as it was typed."""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    text = str(value or "").strip()
    try:
        return read_day(text).strftime("%d/%m/%Y") if ISO_DAY.fullmatch(text) else text
    except ValueError:
        return text


class DayField(fields.Date):
    """A date as pages post it (dd/mm/yyyy, or ISO); the JSON API keeps fields.Date and its YYYY-MM-DD."""

    def _deserialize(self, value, attr, data, **kwargs) -> date:
        if not isinstance(value, str):
            raise self.make_error("invalid")
        try:
            return read_day(value)
        except ValueError as exc:
            raise ma.ValidationError(str(exc)) from None

    @classmethod
    def like(cls, field: fields.Date) -> "DayField":
        return cls(required=field.required, allow_none=field.allow_none, load_default=field.load_default,
                   data_key=field.data_key, attribute=field.attribute, validate=field.validators,
                   load_only=field.load_only, dump_only=field.dump_only, metadata=field.metadata)


@cache
def page_schema(schema_cls: type[Schema]) -> type[Schema]:
    """An API *In schema as a page form loads it: the same fields and rules, its dates read by DayField."""
    days = {name: DayField.like(field) for name, field in schema_cls._declared_fields.items()
            if isinstance(field, fields.Date) and not isinstance(field, DayField)}
    return type(f"{schema_cls.__name__}Page", (schema_cls,), {"__module__": schema_cls.__module__, **days}) \
        if days else schema_cls


class PageQuery(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 500))
    offset = fields.Integer(load_default=0, validate=validate.Range(0, MAX_OFFSET))


def page(items, total: int) -> dict:
    return {"items": items, "total": total}


def list_schema(item_schema, name: str):
    """{"items": [...], "total": N} around an item schema."""
    return Schema.from_dict({"items": fields.List(fields.Nested(item_schema)), "total": fields.Integer()},
                            name=name)


FIXED = {
    "Missing data for required field.": lambda: _("Thiếu trường bắt buộc."),
    "Field may not be null.": lambda: _("Không được để trống."),
    "Invalid value.": lambda: _("Giá trị không hợp lệ."),
    "Not a valid integer.": lambda: _("Phải là số nguyên (không dấu chấm, không chữ, ví dụ 2015000)."),
    "Not a valid number.": lambda: _("Phải là một số."),
    "Number too large.": lambda: _("Số quá lớn."),
    "Not a valid string.": lambda: _("Phải là chuỗi ký tự."),
    "Not a valid date.": lambda: _("Ngày không hợp lệ (định dạng YYYY-MM-DD)."),
    "Not a valid boolean.": lambda: _("Phải là true hoặc false."),
    "Not a valid list.": lambda: _("Phải là một danh sách."),
    "Invalid type.": lambda: _("Sai kiểu dữ liệu."),
    "Invalid input type.": lambda: _("Sai kiểu dữ liệu."),
    "Unknown field.": lambda: _("Trường không được hỗ trợ."),
    "Not a valid mapping type.": lambda: _("Phải là một đối tượng JSON."),
    "Not a valid email address.": lambda: _("Địa chỉ email không hợp lệ."),
    "String does not match expected pattern.": lambda: _("Không đúng định dạng."),
}
PATTERNS = [
    (re.compile(r"^Must be one of: (.*)\.$"), lambda m: _("Phải là một trong: %(choices)s.", choices=m[1])),
    (re.compile(r"^Must be greater than or equal to (\S+) and less than or equal to (\S+)\.$"),
     lambda m: _("Phải từ %(min)s đến %(max)s.", min=m[1], max=m[2])),
    (re.compile(r"^Must be greater than or equal to (\S+)\.$"), lambda m: _("Phải từ %(min)s trở lên.", min=m[1])),
    (re.compile(r"^Must be less than or equal to (\S+)\.$"), lambda m: _("Phải không quá %(max)s.", max=m[1])),
    (re.compile(r"^Length must be between (\S+) and (\S+)\.$"),
     lambda m: _("Độ dài phải từ %(min)s đến %(max)s ký tự.", min=m[1], max=m[2])),
    (re.compile(r"^Shorter than minimum length (\S+)\.$"), lambda m: _("Cần ít nhất %(min)s ký tự.", min=m[1])),
    (re.compile(r"^Longer than maximum length (\S+)\.$"), lambda m: _("Tối đa %(max)s ký tự.", max=m[1])),
]


def localize_message(message: str) -> str:
    if str(get_locale() or "vi") != "vi":
        return message
    if message in FIXED:
        return FIXED[message]()
    for pattern, render in PATTERNS:
        match = pattern.match(message)
        if match:
            return render(match)
    return message
