"""The edge of every money POST: Idempotency-Key replay (Invariant 8), one commit, retry on deadlock.

The key row is inserted in the same database transaction as the posting. On PostgreSQL a second
request with the same key blocks on the unique index until the first commits, then reads the
stored answer; on SQLite BEGIN IMMEDIATE serialises them anyway.
"""
import functools
import hashlib
import json
import logging
import time

from flask import Response, g, request
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from ledger.accounts.models import IdempotencyRecord
from ledger.accounts.posting import dialect_insert
from ledger.core.errors import IdempotencyMismatch, ValidationFailed
from ledger.core.i18n import _
from ledger.extensions import db

log = logging.getLogger(__name__)
RETRYABLE = {"40P01", "40001"}  # deadlock detected, serialization failure
ATTEMPTS = 5


def request_fingerprint() -> str:
    body = request.get_data(cache=True)
    try:
        body = json.dumps(json.loads(body or b"null"), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        pass
    return hashlib.sha256(request.method.encode() + b" " + request.path.encode() + b"\n" + body).hexdigest()


def claim(key: str, fingerprint: str) -> Response | None:
    """Reserve the key, or return the stored response of the first request that used it."""
    stmt = dialect_insert(IdempotencyRecord).values(key=key, request_hash=fingerprint,
                                                    user_id=getattr(g.get("user"), "id", None))
    if db.session.execute(stmt.on_conflict_do_nothing(index_elements=["key"]).returning(IdempotencyRecord.key)).first():
        return None
    record = db.session.scalar(select(IdempotencyRecord).where(IdempotencyRecord.key == key))
    if record.request_hash != fingerprint:
        raise IdempotencyMismatch()
    return replay(record)


def replay(record: IdempotencyRecord) -> Response:
    response = Response(json.dumps(record.response, ensure_ascii=False), status=record.status_code,
                        mimetype="application/json")
    response.headers["Idempotent-Replayed"] = "true"
    return response


def store(key: str, response: Response) -> None:
    db.session.execute(IdempotencyRecord.__table__.update().where(IdempotencyRecord.key == key)
                       .values(status_code=response.status_code, response=response.get_json()))


def money_post(view):
    """Wrap a view that moves money: replay by key, commit once, retry the unit of work on deadlock."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        key = request.headers.get("Idempotency-Key")
        if key is not None and not (0 < len(key.strip()) <= 200):
            raise ValidationFailed(_("Idempotency-Key phải có từ 1 đến 200 ký tự."), field="Idempotency-Key")
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return run_once(view, key, args, kwargs)
            except DBAPIError as exc:
                db.session.rollback()
                if getattr(exc.orig, "sqlstate", None) not in RETRYABLE or attempt == ATTEMPTS:
                    raise
                log.info("retrying %s after %s (attempt %s)", request.path, exc.orig.sqlstate, attempt)
                time.sleep(0.01 * 2 ** attempt)
    return wrapper


def run_once(view, key, args, kwargs):
    try:
        if key is not None:
            stored = claim(key, request_fingerprint())
            if stored is not None:
                db.session.rollback()
                return stored
        response = view(*args, **kwargs)
        if key is not None and response.status_code < 400:
            store(key, response)
        db.session.commit()
        return response
    except Exception:
        db.session.rollback()
        raise
