"""Once-only state changes: lock the object's row, re-read it, and check it is still in the state
the transition starts from. Two requests racing (two approvers, a double click, approve against
reject) queue on the row lock; the second sees the first one's result and gets 409 invalid_state.

SQLite needs no row lock: every transaction there begins with BEGIN IMMEDIATE, which already
serialises writers; the re-read is what matters.
"""
from collections.abc import Callable, Collection

from ledger.core.errors import StateChanged
from ledger.extensions import db


def claim(obj, expected: Collection | Callable, *, field: str = "status", label: Callable | None = None):
    """Lock `obj` (SELECT … FOR UPDATE), reload it, and return it if `field` is still one of `expected`
    (or `expected(obj)` is true); otherwise raise StateChanged naming the state it is in now.

    Call it first in a transition, in the same transaction as the posting it leads to.
    """
    db.session.refresh(obj, with_for_update=True)
    ok = expected(obj) if callable(expected) else getattr(obj, field) in expected
    if not ok:
        state = getattr(obj, field, None)
        raise StateChanged(state=str(label(state) if label else state))
    return obj
