"""Per-process caches of what almost never changes (units, the chart and funds, role grants), each
checked against a version number that any change bumps in its own transaction.

`cache_versions` holds one row per name. Features `watch(Model, name)`: a flush that adds, changes or
deletes such a row, or an ORM UPDATE/DELETE statement on its table, sets the name's version to a new
random number in the same transaction, so the change and the bump commit (or roll back) together.
A random number rather than +1: a database put back to an earlier state (tests, a restore) never
shows an old number again with other data behind it.

A request reads the versions once, in its first statement when the caller can piggy-back them
(`version_columns`, the token lookup does) or in one small query; they hold for the database
transaction. Values are plain data (tuples, dicts), never ORM objects, so processes and threads
share nothing but immutable values; `attach` turns a cached row into a persistent object of the
caller's session without a query. A transaction that changed a watched table bypasses that cache
until it ends: it must read its own writes, and must not store them before they commit.
"""
import secrets
import threading
from collections.abc import Callable, Hashable

from sqlalchemy import BigInteger, String, event, inspect, select, update
from sqlalchemy.orm import Mapped, Session, make_transient_to_detached, mapped_column, scoped_session
from sqlalchemy.orm.util import identity_key

from ledger.core.db import Base

NAMES = ("units", "chart", "auth")
MAX_VALUES = 20_000  # per cache: a worker serving the whole country keeps the units it is asked about, not all
_MISSING = object()


class CacheVersion(Base):
    __tablename__ = "cache_versions"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)


_watched: dict[type, str] = {}
_tables: dict[str, str] = {}
_store: dict[str, tuple[tuple, dict]] = {}  # name of the cache → (versions it was filled under, values by key)
_store_lock = threading.Lock()


def watch(model: type, name: str) -> None:
    """Changes to rows of `model` bump the version `name`."""
    assert name in NAMES, name
    _watched[model] = name
    _tables[model.__table__.name] = name


def version_columns() -> list:
    """Scalar subqueries reading every version, to add to a query the request makes anyway."""
    return [select(CacheVersion.version).where(CacheVersion.name == name).scalar_subquery().label(f"cv_{name}")
            for name in NAMES]


def remember(session: Session, row) -> None:
    """Keep the versions read by a query that selected `version_columns()` for this transaction."""
    _memo(session)["versions"] = {name: getattr(row, f"cv_{name}") for name in NAMES}


def versions(session: Session) -> dict[str, int]:
    if "versions" not in _memo(session):
        found = dict(session.execute(select(CacheVersion.name, CacheVersion.version)).all())
        _memo(session)["versions"] = found  # the memo of the transaction this query may have begun
    return _memo(session)["versions"]


def cached(session: Session, names: tuple[str, ...], key: Hashable, load: Callable[[], object]):
    """The value under `key` in the cache of `names` (its first name names the cache), loaded once per
    version of those names; `load` returns plain data, or None for "no such thing" (not kept)."""
    if _memo(session)["bumped"] & set(names):
        return load()
    tag = tuple(versions(session).get(name) for name in names)
    filled, values = _store.get(names[0], ((), {}))
    if filled == tag:
        value = values.get(key, _MISSING)
        if value is not _MISSING:
            return value
    value = load()
    if value is not None and not _memo(session)["bumped"] & set(names):
        with _store_lock:
            filled, values = _store.get(names[0], ((), {}))
            if filled != tag or len(values) >= MAX_VALUES:
                filled, values = tag, {}
                _store[names[0]] = (filled, values)
            values[key] = value
    return value


def attach(session: Session, model: type, values: dict):
    """A persistent `model` object with these column values, without a query: the session's own
    object when it already holds that row, else one built from the cached values."""
    key = identity_key(model, values["id"])
    found = session.identity_map.get(key)
    if found is not None:
        return found
    obj = model(**values)
    make_transient_to_detached(obj)
    session.add(obj)
    return obj


def row_values(session: Session, model: type, *where) -> dict | None:
    """The column values of the one row of `model` matching `where`, as plain data for the cache."""
    row = session.execute(select(*model.__table__.c).where(*where)).first()
    return {attr.key: row._mapping[attr.columns[0]] for attr in inspect(model).column_attrs} if row else None


def _memo(session) -> dict:
    """What this session knows for its current database transaction (dropped when it ends)."""
    if isinstance(session, scoped_session):  # db.session: the request's own session behind it
        session = session()
    transaction = session.get_transaction()
    memo = session.info.get("cache_memo")
    if memo is None or memo["transaction"] is not transaction:
        memo = {"transaction": transaction, "bumped": set()}
        session.info["cache_memo"] = memo
    return memo


def bump(session: Session, names: set[str]) -> None:
    fresh = names - _memo(session)["bumped"]
    if not fresh:
        return
    session.connection().execute(update(CacheVersion).where(CacheVersion.name.in_(sorted(fresh)))
                                 .values(version=secrets.randbits(62)))
    _memo(session)["bumped"] |= fresh


def _changed_names(session: Session) -> set[str]:
    names = set()
    for obj in (*session.new, *session.deleted, *session.dirty):
        name = _watched.get(type(obj))
        if name and (obj in session.new or obj in session.deleted or session.is_modified(obj)):
            names.add(name)
    return names


# Every session of the process (the app's, the CLI's, the tests'): a change is a change wherever it is made.
@event.listens_for(Session, "before_flush")
def _flushing(session, _context, _instances):
    names = _changed_names(session)
    if names:
        bump(session, names)


@event.listens_for(Session, "do_orm_execute")
def _statement(state):
    """ORM UPDATE/DELETE statements (a unit's subtree moved in one UPDATE) bypass the flush."""
    if not (state.is_update or state.is_delete):
        return
    name = _tables.get(getattr(getattr(state.statement, "table", None), "name", None))
    if name:
        bump(state.session, {name})
