"""Once-only state changes: lock the object's row, re-read it, and check it is still in the state
the transition starts from. Two requests racing (two approvers, a double click, approve against
reject) queue on the row lock; the second sees the first one's result and gets 409 invalid_state.

SQLite needs no row lock: every transaction there begins with BEGIN IMMEDIATE, which already
serialises writers; the re-read is what matters.

On PostgreSQL the lock is FOR NO KEY UPDATE: it excludes every other claimer and writer of the row
but not the KEY SHARE lock a foreign key takes, so a posting inserting entries that reference a
claimed unit does not wait on the claim while the claim waits on that posting's chain head.
"""
from collections.abc import Callable, Collection

from ledger.core.errors import StateChanged
from ledger.extensions import db


def claim(obj, expected: Collection | Callable, *, field: str = "status", label: Callable | None = None):
    """Lock `obj` (SELECT … FOR NO KEY UPDATE), reload it, and return it if `field` is still one of `expected`
    (or `expected(obj)` is true); otherwise raise StateChanged naming the state it is in now.

    Call it first in a transition, in the same transaction as the posting it leads to.
    """
    db.session.refresh(obj, with_for_update={"key_share": True})
    ok = expected(obj) if callable(expected) else getattr(obj, field) in expected
    if not ok:
        state = getattr(obj, field, None)
        raise StateChanged(state=str(label(state) if label else state))
    return obj
