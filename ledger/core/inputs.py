"""What a request may carry, checked once at the edge so that bad input is a 4xx, never a 500.

Ids are ASCII digits within PostgreSQL's bigint (anything else: not found). Text holding NUL or a lone
surrogate — PostgreSQL and UTF-8 cannot store either — is 422 naming the field, wherever it comes from
(path, query, form, JSON keys and values). JSON nested deeper than MAX_JSON_DEPTH is 400 before any
parser sees it, so nothing recurses into a 5,000-deep body.
"""
import json
import re

from flask import request
from werkzeug.routing import BaseConverter, ValidationError

from ledger.core.errors import BadRequest, ValidationFailed
from ledger.core.i18n import _

MAX_ID = 2**63 - 1  # PostgreSQL bigint
MAX_JSON_DEPTH = 64
JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
JSON_BRACKET = re.compile(rb"[\[\]{}]")


def parse_id(value) -> int | None:
    """"42" → 42; "²", "٤٢", "0", "-1", "1e3" or past 2^63−1 → None."""
    text = str(value)
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


def get_by_id(model, value):
    """The row with that id, or None — for services that receive ids as text."""
    from ledger.extensions import db

    row_id = parse_id(value)
    return db.session.get(model, row_id) if row_id else None


class IdConverter(BaseConverter):
    """Replaces Werkzeug's `int` converter: `\\d` also matches other scripts' digits and has no upper bound."""

    regex = r"[0-9]{1,19}"
    part_isolating = True

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValidationError()  # the rule does not match: 404
        return number

    def to_url(self, value) -> str:
        return str(int(value))


def is_unsafe(text: str) -> bool:
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return True
    return False


def json_depth(data: bytes, limit: int = MAX_JSON_DEPTH) -> int:
    """How deep arrays and objects nest (brackets inside strings do not count); stops counting past limit."""
    depth = deepest = 0
    for bracket in JSON_BRACKET.finditer(JSON_STRING.sub(b"", data)):
        depth += 1 if bracket[0] in (b"[", b"{") else -1
        deepest = max(deepest, depth)
        if deepest > limit:
            break
    return deepest


def unsafe_json_fields(value, path: str = ""):
    """Names of the fields (dotted: "donor.name", "lines.0.memo") whose key or text is unsafe."""
    if isinstance(value, str):
        if is_unsafe(value):
            yield path or "json"
    elif isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            if is_unsafe(str(key)):
                yield path or "json"
            else:
                yield from unsafe_json_fields(item, name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from unsafe_json_fields(item, f"{path}.{index}" if path else str(index))


def request_pairs():
    """(name, text) of the query string, the form fields and the uploaded files' names."""
    yield from request.args.items(multi=True)
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        yield from request.form.items(multi=True)
        for name, upload in request.files.items(multi=True):
            yield name, upload.filename or ""


def unsafe_fields() -> list[str]:
    """Every field of the path, query or form whose name or text holds NUL or a lone surrogate."""
    fields = ["path"] if is_unsafe(request.path) else []
    for name, text in request_pairs():
        if is_unsafe(name) or is_unsafe(text):
            fields.append("field name" if is_unsafe(name) else name)
    return fields


def checked_json():
    """The JSON body parsed once its depth is known to be sane; None when absent or unreadable (the view says 400)."""
    if not request.is_json:
        return None
    data = request.get_data(cache=True)
    if json_depth(data) > MAX_JSON_DEPTH:
        raise BadRequest(_("JSON lồng nhau quá %(depth)s tầng.", depth=MAX_JSON_DEPTH))
    try:
        return json.loads(data)
    except ValueError:
        return None


def refuse_unsafe_input() -> None:
    """before_request: 400 for over-deep JSON, 422 naming each field that holds NUL or a lone surrogate."""
    fields = unsafe_fields() + list(unsafe_json_fields(checked_json()))
    if fields:
        message = _("Có ký tự không được phép (ký tự NUL hoặc mã Unicode hỏng).")
        raise ValidationFailed(errors={field: [message] for field in fields})
