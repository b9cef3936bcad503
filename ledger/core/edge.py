"""The unit of work at the edge: every mutating API view, page handler and CLI command commits once,
and rolls back on any error — the services under it only add and flush.

A page that answers with status >= 400 (the form shown again with the problem) is rolled back too, so
nothing of a refused request is kept. A deadlock or serialization failure (PostgreSQL) reruns the whole
unit from a clean session; `money_post` and `form_post` (accounts/idempotency.py) add replay by key
on top of it.
"""
import functools
import logging
import time
from collections.abc import Callable
from contextvars import ContextVar

from flask import Response
from sqlalchemy.exc import DBAPIError

from ledger.core.errors import LedgerError
from ledger.extensions import db

log = logging.getLogger(__name__)
RETRYABLE = {"40P01", "40001"}  # deadlock detected, serialization failure
ATTEMPTS = 5
_inside = ContextVar("inside_a_unit_of_work", default=False)


def unit_of_work(view):
    """Commit what `view` did once it returns; roll it back when it raises or answers with an error page."""
    @functools.wraps(view)
    def run(*args, **kwargs):
        if _inside.get():  # called from another unit of work (`ledger demo` runs `ledger init`): join it
            return view(*args, **kwargs)
        token = _inside.set(True)
        try:
            return retrying(lambda: committed(view, args, kwargs))
        finally:
            _inside.reset(token)
    return run


def committed(view, args, kwargs):
    try:
        result = view(*args, **kwargs)
    except BaseException:
        db.session.rollback()
        raise
    if is_refusal(result):
        db.session.rollback()
    else:
        db.session.commit()
    return result


def start_over() -> None:
    """Drop what a refused request has done so far, so the page that shows the problem reads the books
    as they were (the unit of work rolls back at the end anyway; this is for what is rendered before it)."""
    db.session.rollback()


def refusable(work: Callable, show_again: Callable[[LedgerError], object]):
    """work(), what a page asks. When the books refuse it, what it flushed is forgotten first, then
    show_again(refusal) answers: the page again with the problem (its status from the refusal), or a
    flash and a redirect."""
    try:
        return work()
    except LedgerError as exc:
        start_over()
        return show_again(exc)


def is_refusal(result) -> bool:
    """A (body, status) tuple or a response whose status says the request was refused."""
    if isinstance(result, Response):
        return result.status_code >= 400
    return isinstance(result, tuple) and len(result) > 1 and isinstance(result[1], int) and result[1] >= 400


def retrying(work):
    """Run the unit of work again (from a clean session) when the database reports a deadlock."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return work()
        except DBAPIError as exc:
            db.session.rollback()
            if getattr(exc.orig, "sqlstate", None) not in RETRYABLE or attempt == ATTEMPTS:
                raise
            log.info("retrying a unit of work after %s (attempt %s)", exc.orig.sqlstate, attempt)
            time.sleep(0.01 * 2 ** attempt)
