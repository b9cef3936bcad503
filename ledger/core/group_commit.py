"""Group commit: money POSTs that reach one process at the same moment share one transaction and one COMMIT.

Why: a receipt's own statements are cheap next to what each transaction costs on its own — BEGIN, the
COMMIT's WAL flush, and holding the unit's chain-head and counter locks across the round trips of
BEGIN and COMMIT while the next receipt of the same unit (or of the fund's owner unit) waits. Posting
the queued requests in one transaction pays that once for the group.

How (leader/follower, as PostgreSQL groups its own WAL flushes): a request submits its unit of work.
When no group is running in the process, the request leads at once — alone, so a lone request takes
exactly today's path: its work, then COMMIT, no savepoint, no wait. Requests arriving while a group
runs queue up. When the leader has committed, it answers its group and hands the lead to the first
queued request, which takes everything queued by then as the next group. There is no timer: a group is
whatever arrived while the previous COMMIT ran.

In a group, the leader runs each member's work
- with the member's own contexts (`request`, `g`, headers): the member's `contextvars` copy, through
  `Context.run`;
- on the leader's database session: `db.session` is scoped by `extensions.session_scope`, which the
  leader points at its own session inside the member's context;
- inside a SAVEPOINT, so a member that raises (overdraft, closed period, validation) or answers with an
  error page is rolled back alone and its exception or page goes back to its own thread; the rest post;
- in order of the unit code in the URL, so two leaders in two processes take units' locks in one order.

Then one COMMIT. A member that PostgreSQL picks as a deadlock victim (or fails to serialize) is rolled
back to its savepoint and runs again alone after the group, in its own thread on its own session,
exactly as without group commit. Anything that spoils the group as a whole (the COMMIT failing, a
member ending the transaction itself) sends every member back to run alone that way; answers computed
in a group that did not commit are thrown away, so nothing is lost or doubled. Objects a member loaded on its
own session before submitting (`g.user`, `g.token`) are merged into the leader's session for the
member's work (no SQL) and put back after it; a follower ends its own (read-only) transaction while it
waits, so waiting requests hold no pooled connection.

Off unless LEDGER_GROUP_COMMIT=1, and always off on SQLite (it takes its write lock when a request first
reads, BEGIN IMMEDIATE, so a waiting follower would hold the lock its leader needs). Why off: measured on
the 2-core bench machine (bench/RESULTS.md, "Group commit"), grouping gains nothing over HTTP and loses
~45% of receipts/s in one process today. A COMMIT costs ~3 ms there, but a receipt still makes ~30 round
trips; alone, the threads of a process overlap their waits on PostgreSQL, while a leader makes its
members' round trips one after the other. It pays once a member's own statements are few (issue 13
item 2) or, better, once the leader posts its members' drafts through one `post_batch` (set-based
statements for the group) instead of running each view's work in turn.
"""
import contextvars
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, g
from sqlalchemy import inspect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import InstanceState

from ledger.extensions import current_scope, db, session_scope

RETRYABLE = {"40P01", "40001"}  # deadlock detected, serialization failure: PostgreSQL asks to run it again
_member: contextvars.ContextVar["Member | None"] = contextvars.ContextVar("group_commit_member", default=None)
_creating = threading.Lock()


@dataclass(eq=False)
class Member:
    """One request's unit of work waiting in a group, and what came of it.

    `work` writes and returns the answer without committing; `solo` is the whole lone path (work, then
    COMMIT, retried on deadlock); `refused` tells an answer whose writes must be rolled back."""
    work: Callable[[], Any]
    solo: Callable[[], Any]
    refused: Callable[[Any], bool]
    order: str = ""
    context: contextvars.Context = field(default_factory=contextvars.copy_context)
    done: threading.Event = field(default_factory=threading.Event)
    savepoint: Any = None
    result: Any = None
    error: BaseException | None = None
    alone: bool = False  # not committed in a group: run `solo` in the member's own thread
    leads: bool = False  # handed the lead: take the queue as the next group

    def answer(self):
        """In the member's own thread: its answer, its exception, or its lone path run again."""
        if self.alone:
            return self.solo()
        if self.error is not None:
            raise self.error
        return self.result


@dataclass
class Stats:
    """What the committer did, for tests and the benchmark: groups of more than one member formed."""
    commits: int = 0
    grouped: int = 0  # commits of a group of two or more
    members_grouped: int = 0
    largest: int = 1
    alone_again: int = 0  # members sent back to run alone (deadlock, or a group that could not commit)


class GroupCommitter:
    """The queue and the lead of one process's (one app's) group commit."""

    def __init__(self):
        self._lock = threading.Lock()
        self._queue: list[Member] = []
        self._running = False
        self.stats = Stats()

    def submit(self, member: Member):
        """Queue the member; lead a group when none runs, else wait for the answer or for the lead."""
        if self._running:
            # Likely to wait: give the connection back first (before queueing, so no leader reads this
            # session's objects meanwhile). It has only read who is signed in, and a pool held by waiting
            # followers would leave none for the requests still to come.
            db.session.rollback()
        with self._lock:
            self._queue.append(member)
            member.leads = not self._running
            self._running = True
        if not member.leads:
            member.done.wait()
        if member.leads:
            self._lead()
        return member.answer()

    def _lead(self) -> None:
        """Commit what is queued (this member included), answer it, pass the lead to the next arrival."""
        with self._lock:
            group, self._queue = self._queue, []
        try:
            if len(group) == 1:
                self._solo(group[0])
            else:
                self._together(group)
        finally:
            with self._lock:
                successor = self._queue[0] if self._queue else None
                self._running = successor is not None
                if successor is not None:
                    successor.leads = True
            for member in group:
                member.done.set()
            if successor is not None:
                successor.done.set()

    def _solo(self, member: Member) -> None:
        """The leader alone: today's path, in its own thread, holding the lead so that arrivals queue."""
        try:
            member.result = member.solo()
        except Exception as exc:  # raised again by answer(), in this same thread
            member.error = exc
        self._count(1)

    def _together(self, group: list[Member]) -> None:
        session = db.session()
        scope = current_scope()  # the leader's own session, in whose transaction every member runs
        if session.get_transaction() is None:
            session.begin()
        try:
            for member in sorted(group, key=lambda m: m.order):
                if not run_in_savepoint(member, session, scope):
                    raise _Spoiled()
            session.commit()
        except BaseException as exc:
            self._send_back(group, session)
            if not isinstance(exc, Exception):  # an interrupt is the process's, not the group's
                raise
            return
        self._count(len(group), alone=sum(member.alone for member in group))

    def _send_back(self, group: list[Member], session) -> None:
        """Nothing of a group that could not commit is kept: each member runs again alone."""
        session.rollback()
        for member in group:
            member.alone, member.result, member.error = True, None, None
        self._count(0, alone=len(group))

    def _count(self, size: int, alone: int = 0) -> None:
        with self._lock:
            self.stats.alone_again += alone
            if size:
                self.stats.commits += 1
            if size > 1:
                self.stats.grouped += 1
                self.stats.members_grouped += size
                self.stats.largest = max(self.stats.largest, size)


class _Spoiled(Exception):
    """A member ended the group's transaction (or left it unusable): the group cannot commit."""


def run_in_savepoint(member: Member, session, scope: int) -> bool:
    """The member's work in its own contexts on the leader's session, inside a SAVEPOINT.

    Its exception is kept for its own thread; a deadlock in it sends it back to run alone after the
    group. False when the member ended the group's transaction itself (a stray commit or rollback)."""
    root = session.get_transaction()
    member.savepoint = session.begin_nested()
    try:
        member.result = member.context.run(_as_member, member, scope)
    except DBAPIError as exc:
        member.alone = is_retryable(exc)
        member.error = None if member.alone else exc
    except Exception as exc:  # handed back to the member's own thread, raised there
        member.error = exc
    if session.get_transaction() is not root:
        return False
    if member.error is not None or member.alone or member.refused(member.result):
        member.savepoint.rollback()  # also after a failed flush or statement: back to the SAVEPOINT
    else:
        member.savepoint.commit()
    return True


def is_retryable(exc: DBAPIError) -> bool:
    return getattr(exc.orig, "sqlstate", None) in RETRYABLE


def _as_member(member: Member, scope: int):
    _member.set(member)
    session_scope.set(scope)
    moved = rebind_globals(db.session())
    try:
        result = member.work()
        if not member.refused(result):
            db.session.flush()  # a write the database refuses fails this member, not the group's RELEASE
        return result
    finally:
        for name, value in moved.items():  # `g` is the member's own: its thread goes on with its own objects
            setattr(g, name, value)


def rebind_globals(session) -> dict:
    """Put copies of the ORM objects in `g` (the signed-in user, the token), loaded on the member's own
    session, into the leader's session for the member's work; return the originals.

    Reading one on its own session would take a second connection from the pool (they expire when the
    token's last use is committed) while every waiting follower holds one: the pool would run dry."""
    moved = {name: value for name, value in vars(g).items() if _on_another_session(value, session)}
    for name, value in moved.items():
        setattr(g, name, session.merge(value, load=False))  # no SQL: what is loaded is copied, the rest loads
    return moved


def _on_another_session(value, session) -> bool:
    state = inspect(value, raiseerr=False)
    return isinstance(state, InstanceState) and state.key is not None and state.session is not session


def restart_member() -> bool:
    """Forget what this member of a group has written so far (a refused form about to be shown again):
    its savepoint only, never the group's transaction. False when not running in a group."""
    member = _member.get()
    if member is None:
        return False
    member.savepoint.rollback()
    member.savepoint = db.session.begin_nested()
    return True


def committer() -> GroupCommitter | None:
    """This app's committer, or None where every request commits alone (SQLite; LEDGER_GROUP_COMMIT unset or 0)."""
    app = current_app._get_current_object()
    found = app.extensions.get("ledger_group_commit")
    if found is None:
        with _creating:
            found = app.extensions.setdefault("ledger_group_commit", _new_committer(app))
    return found or None


def _new_committer(app) -> GroupCommitter | bool:
    setting = str(app.config.get("LEDGER_GROUP_COMMIT", os.environ.get("LEDGER_GROUP_COMMIT", "0")))
    on = setting.strip().lower() in ("1", "true", "yes", "on")
    return GroupCommitter() if on and db.engine.dialect.name == "postgresql" else False
