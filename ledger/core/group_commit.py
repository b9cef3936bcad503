"""Group commit: money POSTs that reach one process at the same moment are posted as one batch, in one
transaction with one COMMIT.

Why: a receipt's own statements are cheap next to what each transaction costs on its own — BEGIN, the
COMMIT's WAL flush, the chain-head lock, the units re-read, the voucher counters and the posting's write
statement, and holding the unit's locks across those round trips while the next receipt of the same unit
waits. A group pays them once: the leader posts every member's drafts with one `posting.post_requests`
call (one lock statement, one counter upsert, one statement of writes for the whole group).

How (leader/follower, as PostgreSQL groups its own WAL flushes): a request submits its unit of work.
When no group is running in the process, the request leads at once — alone, so a lone request takes
exactly today's path: its work, then COMMIT, no wait. Requests arriving while a group runs queue up.
When the leader has committed, it answers its group and hands the lead to the first queued request,
which takes everything queued by then as the next group. There is no timer: a group is whatever arrived
while the previous COMMIT ran.

In a group, the leader runs each member's work in a greenlet of its own thread
- with the member's own contexts (`request`, `g`, headers): the greenlet runs in the member's
  `contextvars` copy;
- on the leader's database session: `db.session` is scoped by `extensions.session_scope`, which the
  leader points at its own session inside the member's context;
- in order of the unit code in the URL, so two leaders in two processes take units' locks in one order.
A member's work runs until it writes something the group shares (`batched`: its Idempotency-Key, its
drafts, its new rows, its answer): it then waits until every member has either ended or is waiting too;
the leader writes what the waiting members hand it, one call per kind (the postings of all: one
`post_requests`), and resumes each with its own result, and so on until every member has answered.
Then one COMMIT.

A member that fails in any way in a group — raises (a refusal, a deadlock), answers with an error page,
or is refused by the books in the shared posting (a closed period, an overdraft: MemberRefused names it)
— is taken out: the group's transaction is rolled back, the member runs again alone after the group, in
its own thread on its own session, exactly as without group commit (its answer is the one it gets alone),
and the rest run again as a group. A refusal thus costs its group one rollback, and nothing of a refused
request is kept. A request whose Idempotency-Key another member of the group already carries runs alone
after the group, so it replays the first one's committed answer. Anything that spoils the group as a whole
(the COMMIT failing, a refusal no member can be named for, a member ending the transaction itself) sends
every member back to run alone; answers computed in a group that did not commit are thrown away, so
nothing is lost or doubled. Objects a member loaded on its own session before submitting (`g.user`,
`g.token`) are merged into the leader's session for the member's work (no SQL) and put back after it;
a follower ends its own (read-only) transaction while it waits, so waiting requests hold no pooled
connection.

Off unless LEDGER_GROUP_COMMIT=1, and always off on SQLite (it takes its write lock when a request first
reads, BEGIN IMMEDIATE, so a waiting follower would hold the lock its leader needs). Measured on the
2-core bench machine in bench/RESULTS.md, "Group commit".
"""
import contextvars
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, g
from greenlet import getcurrent, greenlet
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
    key: str | None = None  # the request's Idempotency-Key: one member per key in a group
    context: contextvars.Context = field(default_factory=contextvars.copy_context)
    done: threading.Event = field(default_factory=threading.Event)
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
    alone_again: int = 0  # members sent back to run alone (refused, failed, or in a group that could not commit)


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
            # followers would leave none for the requests still to come. Closing the transaction, unlike a
            # rollback, leaves what it loaded unexpired: the leader merges the user and its grants as they
            # are, instead of reading them again.
            release_connection(db.session())
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
        batch = one_per_key(sorted(group, key=lambda m: m.order))
        try:
            while batch:
                if session.get_transaction() is None:
                    session.begin()
                failed = run_batch(batch, session, scope)
                if not failed:
                    session.commit()
                    break
                session.rollback()  # the failed member runs alone after the group, the others again together
                batch = [member for member in batch if member not in failed]
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


class MemberRefused(Exception):
    """Raised by a shared posting of several members' requests: request `index` was refused by the books
    (the refusal itself is the cause). Its member is taken out of the group and runs alone."""

    def __init__(self, index: int):
        super().__init__(index)
        self.index = index


class _RunAlone(BaseException):
    """Unwinds a member's work in a group: it will run again alone (BaseException: views catch Exception)."""


_FAILED = object()  # what a member's greenlet returns when its work failed or was refused


@dataclass
class _Ask:
    """A member waiting on a shared write: `function` is called once with every waiting member's `request`."""
    function: Callable[[list], list]
    request: Any


def one_per_key(members: list[Member]) -> list[Member]:
    """The members to run together; a later member with a key an earlier one carries runs alone after the
    group (it replays the first one's answer once that is committed)."""
    seen: set[str] = set()
    batch = []
    for member in members:
        member.alone = member.key is not None and member.key in seen
        if not member.alone:
            batch.append(member)
            seen.add(member.key)
    return batch


def run_batch(batch: list[Member], session, scope: int) -> list[Member]:
    """Run the members' work together, their shared writes made once per round; return the members that
    failed (none: the group may commit). A failed member is marked to run alone; the others' greenlets end."""
    root = session.get_transaction()
    runners = {member: member_greenlet(member, scope) for member in batch}
    resume: dict[Member, tuple] = {}
    try:
        while runners:
            asks: dict[Member, _Ask] = {}
            for member, runner in list(runners.items()):
                outcome = runner.switch(*resume.get(member, ()))
                if session.get_transaction() is not root:
                    raise _Spoiled()
                if not runner.dead:
                    asks[member] = outcome
                    continue
                del runners[member]
                if outcome is _FAILED:
                    return fail(member)
                member.result = outcome
            resume = {}
            for function in dict.fromkeys(ask.function for ask in asks.values()):
                waiting = [member for member, ask in asks.items() if ask.function is function]
                try:
                    answers = function([asks[member].request for member in waiting])
                except MemberRefused as refused:
                    return fail(waiting[refused.index])
                except Exception:
                    if len(waiting) > 1:
                        raise  # no member to name: the whole group runs alone
                    return fail(waiting[0])  # a lone request's refusal is its own
                resume.update((member, (answer,)) for member, answer in zip(waiting, answers, strict=True))
        return []
    finally:
        for runner in runners.values():
            runner.throw()  # GreenletExit: the member's work unwinds (its `finally` blocks run), nothing answers


def fail(member: Member) -> list[Member]:
    member.alone, member.result, member.error = True, None, None
    return [member]


def member_greenlet(member: Member, scope: int) -> greenlet:
    runner = greenlet(lambda: member_outcome(member, scope))
    runner.gr_context = member.context
    return runner


def member_outcome(member: Member, scope: int):
    """In the member's greenlet: its answer, or _FAILED when it raised or was refused (it will run alone)."""
    try:
        result = _as_member(member, scope)
    except (Exception, _RunAlone):
        return _FAILED
    return _FAILED if member.refused(result) else result


def batched(function: Callable[[list], list], request):
    """`function([request])[0]`; in a member of a group, what the leader's one call `function([...])` over
    every member waiting here with the same function gave this member. The leader calls it once every
    member has ended or is waiting, so the members' writes of one kind go in one statement: postings
    (posting.post_requests), keys claimed and answers stored (accounts/idempotency.py), new rows (flush)."""
    if _member.get() is None:
        return function([request])[0]
    return getcurrent().parent.switch(_Ask(function, request))


def flush() -> None:
    """db.session.flush(), shared by the members of a group that reach it together (their new rows of a
    table go in one INSERT)."""
    batched(flush_once, None)


def flush_once(requests: list) -> list:
    db.session.flush()
    return [None] * len(requests)


def release_connection(session) -> None:
    transaction = session.get_transaction()
    if transaction is not None:
        transaction.close()


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
    """Forget what this request has written so far (a refused form about to be shown again). In a group
    the request leaves it and runs again alone, where its refusal is shown from its own session; False
    when not running in a group."""
    if _member.get() is None:
        return False
    raise _RunAlone()


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
