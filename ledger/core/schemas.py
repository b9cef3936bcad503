"""Shared schema pieces: money and page fields, list envelopes, Vietnamese field messages.

marshmallow writes its field errors in English; the edge rewrites the known ones in Vietnamese
(English stays as is when the client asks for English).
"""
import re

import marshmallow as ma
from flask_babel import get_locale
from marshmallow import fields, validate

from ledger.core.i18n import _
from ledger.core.money import MAX_AMOUNT


class Schema(ma.Schema):
    class Meta:
        unknown = ma.RAISE
        ordered = True


def Money(**kwargs) -> fields.Integer:
    """Whole đồng: an int, never a string or a float."""
    return fields.Integer(strict=True, validate=validate.Range(1, MAX_AMOUNT), **kwargs)


class PageQuery(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 500))
    offset = fields.Integer(load_default=0, validate=validate.Range(0))


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
