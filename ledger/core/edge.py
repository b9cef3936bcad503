"""The unit of work at the edge: every mutating API view, page handler and CLI command commits once,
and rolls back on any error — the services under it only add and flush.

A page that answers with status >= 400 (the form shown again with the problem) is rolled back too, so
nothing of a refused request is kept. A deadlock or serialization failure (PostgreSQL) reruns the whole
unit from a clean session; `money_post` and `form_post` (accounts/idempotency.py) add replay by key
on top of it, and commit through `committed_together`: with the money requests that arrive at the same
moment, in one transaction (core/group_commit.py).
"""
import functools
import logging
import time
from collections.abc import Callable
from contextvars import ContextVar

from flask import Response
from sqlalchemy.exc import DBAPIError

from ledger.core import group_commit
from ledger.core.errors import LedgerError
from ledger.extensions import db

log = logging.getLogger(__name__)
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
            return retrying(lambda: committed(lambda: view(*args, **kwargs)))
        finally:
            _inside.reset(token)
    return run


def committed(work: Callable):
    """work(), then COMMIT, or ROLLBACK when it raises or its answer is a refusal."""
    try:
        result = work()
    except BaseException:
        db.session.rollback()
        raise
    if is_refusal(result):
        db.session.rollback()
    else:
        db.session.commit()
    return result


def committed_together(work: Callable, *, order: str = "", key: str | None = None):
    """Commit `work` (it writes and answers, never commits) once, as `committed` does: grouped with the
    requests that arrive at the same moment when the process groups commits, else alone. `order` sorts
    the members of a group (the unit they post to) so that they take locks in one order; `key`, the
    request's Idempotency-Key, keeps a repeated request out of the group its first sending is in."""
    def solo():
        return retrying(lambda: committed(work))
    committer = group_commit.committer()
    if committer is None:
        return solo()
    return committer.submit(group_commit.Member(work=work, solo=solo, refused=is_refusal, order=order, key=key))


def start_over() -> None:
    """Drop what a refused request has done so far, so the page that shows the problem reads the books
    as they were (the unit of work rolls back at the end anyway; this is for what is rendered before it).
    In a group commit, the request leaves the group and runs again alone: the others' work stays."""
    if not group_commit.restart_member():
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
            if not group_commit.is_retryable(exc) or attempt == ATTEMPTS:
                raise
            log.info("retrying a unit of work after %s (attempt %s)", exc.orig.sqlstate, attempt)
            time.sleep(0.01 * 2 ** attempt)
