"""The edge of every money POST: Idempotency-Key replay (Invariant 8) on top of the unit of work
(core/edge.py: one commit, retry on deadlock, grouped with the money POSTs arriving at the same moment).

The key row is inserted in the same database transaction as the posting. On PostgreSQL a second
request with the same key blocks on the unique index until the first commits, then reads the
stored answer; on SQLite BEGIN IMMEDIATE serialises them anyway. A key sent twice into one group commit
runs the second after the group has committed, so it replays the first's answer.
"""
import contextlib
import functools
import hashlib
import json
import secrets

from flask import Response, g, make_response, redirect, request
from sqlalchemy import bindparam, select

from ledger.accounts.models import IdempotencyRecord
from ledger.accounts.posting import dialect_insert
from ledger.core import group_commit
from ledger.core.edge import committed_together
from ledger.core.errors import IdempotencyMismatch, ValidationFailed
from ledger.core.i18n import _
from ledger.extensions import db


def request_fingerprint() -> str:
    body = request.get_data(cache=True)
    with contextlib.suppress(ValueError):
        body = json.dumps(json.loads(body or b"null"), sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(request.method.encode() + b" " + request.path.encode() + b"\n" + body).hexdigest()


def claim(key: str, fingerprint: str, mismatch_message=None) -> IdempotencyRecord | None:
    """Reserve the key, or return the record of the first request that used it."""
    user_id = getattr(g.get("user"), "id", None)
    if group_commit.batched(reserve_keys, {"key": key, "request_hash": fingerprint, "user_id": user_id}):
        return None
    record = db.session.scalar(select(IdempotencyRecord).where(IdempotencyRecord.key == key))
    # Another user's key is a mismatch too: replaying would hand them a response they may not read.
    if record.request_hash != fingerprint or record.user_id != user_id:
        raise IdempotencyMismatch(mismatch_message)
    return record


def replay(record: IdempotencyRecord) -> Response:
    # The first answer's exact bytes are stored as text; a replay sends them back unchanged.
    body = record.response if isinstance(record.response, str) else json.dumps(record.response, ensure_ascii=False)
    response = Response(body, status=record.status_code, mimetype="application/json")
    response.headers["Idempotent-Replayed"] = "true"
    return response


def reserve_keys(rows: list[dict]) -> list[bool]:
    """Insert the keys (one statement for a group commit's members); for each, whether it was new."""
    stmt = dialect_insert(IdempotencyRecord).values(rows).on_conflict_do_nothing(index_elements=["key"])
    new = set(db.session.scalars(stmt.returning(IdempotencyRecord.key)))
    return [row["key"] in new for row in rows]


def store(key: str, status_code: int, body) -> None:
    group_commit.batched(store_answers, {"answered_key": key, "status_code": status_code, "response": body})


def store_answers(answers: list[dict]) -> list[None]:
    """Each key's first answer, kept for its replays: one executemany for a group commit's members."""
    table = IdempotencyRecord.__table__
    db.session.execute(table.update().where(table.c.key == bindparam("answered_key")), answers)
    return [None] * len(answers)


def money_post(view):
    """Wrap a view that moves money: replay by key, commit once (grouped), retry the unit of work on deadlock."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        key = request.headers.get("Idempotency-Key")
        if key is not None and not (0 < len(key.strip()) <= 200):
            raise ValidationFailed(_("Idempotency-Key phải có từ 1 đến 200 ký tự."), field="Idempotency-Key")
        return committed_together(lambda: replayed_or_run(view, key, args, kwargs), order=unit_in_path(), key=key)
    return wrapper


def unit_in_path() -> str:
    """The unit code in the URL (most money POSTs name one): a group commit posts its members in this order."""
    return str((request.view_args or {}).get("code", ""))


def replayed_or_run(view, key, args, kwargs):
    """The first answer given to this key, or the view's own; writes, never commits (the edge does)."""
    if key is not None:
        stored = claim(key, request_fingerprint())
        if stored is not None:
            return replay(stored)
    response = view(*args, **kwargs)
    if key is not None and response.status_code < 400:
        store(key, response.status_code, response.get_data(as_text=True))
    return response


# ---- HTML forms that move money -----------------------------------------------------------------
FORM_FIELD = "idempotency_key"


def form_token() -> str:
    """A fresh key for a money form's hidden field; render it once per form shown."""
    return "form-" + secrets.token_urlsafe(18)


def form_fingerprint() -> str:
    """The parsed form (CSRF has already read the body), less the CSRF token that changes nothing."""
    fields = sorted((name, value) for name, value in request.form.items(multi=True) if name != "csrf_token")
    body = json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()
    return hashlib.sha256(b"FORM " + request.path.encode() + b"\n" + body).hexdigest()


def form_post(view):
    """Money forms on pages: the hidden `idempotency_key` field plays the Idempotency-Key header.

    The view returns a redirect on success: it is stored, and a repeat (double click, resent form)
    gets the same redirect and posts nothing. A page with status >= 400 (a business error shown in
    the form) is rolled back with the key, so the corrected form can be sent with the same key.
    """
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        key = request.form.get(FORM_FIELD, "").strip()
        if not 0 < len(key) <= 200:
            raise ValidationFailed(_("Biểu mẫu thiếu mã chống gửi trùng; xin tải lại trang rồi nhập lại."),
                                   field=FORM_FIELD)
        return committed_together(lambda: form_replayed_or_run(view, key, args, kwargs), order=unit_in_path(),
                                  key=key)
    return wrapper


def form_replayed_or_run(view, key, args, kwargs):
    """The redirect the first sending of this form got, or the view's own page; a page with status >= 400
    is rolled back by the edge, key included."""
    stored = claim(key, form_fingerprint(), _("Biểu mẫu này đã được gửi với nội dung khác; "
                                               "xin mở lại trang để nhập một chứng từ mới."))
    if stored is not None:
        return redirect(stored.response["location"], 303)
    response = make_response(view(*args, **kwargs))
    if response.status_code < 400:
        store(key, 303, {"location": response.location})
    return response
