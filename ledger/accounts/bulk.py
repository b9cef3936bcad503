"""Set-based writes for the posting service's batch path: one statement per table and batch.

PostgreSQL gets COPY for large inserts and unnest() arrays for the rest, so a batch costs a few round
trips and statement triggers see all of its rows at once; SQLite gets executemany. Inside
`one_statement()` PostgreSQL gets them all at the end as one statement of data-modifying CTEs.
"""
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import JSON, Table, text
from sqlalchemy.engine import Connection

from ledger.core.errors import LedgerError
from ledger.extensions import db

COPY_FROM = 50  # rows: fewer are inserted with one INSERT … SELECT FROM unnest() (COPY costs two round trips)
# (sql, parameters, rows it must touch and the error when it touches fewer) of the writes held back
_held: ContextVar[list | None] = ContextVar("bulk_held", default=None)


@contextmanager
def one_statement() -> Iterator[None]:
    """On PostgreSQL, send the writes made inside as one statement when the block ends: one round trip.

    Each write becomes a data-modifying CTE. They see one snapshot, so none may read another's rows (none
    does: each writes its own table, or other keys of it); foreign keys and the lines trigger are checked
    when the whole statement ends, so they see every row of the batch. Elsewhere, and nested, the writes
    run one by one as they come.
    """
    if _held.get() is not None or not is_postgres(db.session.connection()):
        yield
        return
    held: list = []
    token = _held.set(held)
    try:
        yield
    finally:
        _held.reset(token)
    send_held(held)


def send_held(held: list) -> None:
    if not held:
        return
    ctes = ", ".join(f"w{i} AS ({sql}{' RETURNING 1' if must else ''})" for i, (sql, _p, must) in enumerate(held))
    counted = [i for i, (_sql, _p, must) in enumerate(held) if must]
    counts = ", ".join(f"(SELECT count(*) FROM w{i})" for i in counted) or "1"
    params = {name: value for _sql, part, _must in held for name, value in part.items()}
    found = db.session.connection().execute(text(f"WITH {ctes} SELECT {counts}"), params).one()
    for i, count in zip(counted, found):
        checked(count, held[i][2])


def send_pg(connection: Connection, sql: str, params: dict, must: tuple[int, LedgerError] | None = None) -> int:
    """Run one PostgreSQL write now, or hold it for one_statement(); the rows it touched (held: as expected)."""
    held = _held.get()
    if held is not None:
        held.append((sql, params, must))
        return must[0] if must else 0
    return checked(connection.execute(text(sql), params).rowcount, must)


def checked(touched: int, must: tuple[int, LedgerError] | None) -> int:
    if must and touched != must[0]:
        raise must[1]
    return touched


def prefix() -> str:
    """Parameter names of a held write must not meet those of the writes held with it."""
    held = _held.get()
    return f"w{len(held)}_" if held is not None else ""


def is_postgres(connection: Connection) -> bool:
    return connection.dialect.name == "postgresql"


def new_ids(table: Table, count: int) -> list[int]:
    """Primary keys for `count` new rows, so they can be inserted with COPY and referenced at once.

    PostgreSQL draws them from the column's sequence; on SQLite the transaction already holds the
    write lock (BEGIN IMMEDIATE), so max(id)+1… cannot be taken by anyone else.
    """
    connection = db.session.connection()
    if is_postgres(connection):
        return connection.execute(text(
            f"SELECT array_agg(nextval(pg_get_serial_sequence('{table.name}', 'id'))) FROM generate_series(1, :n)"),
            {"n": count}).scalar_one()
    start = connection.exec_driver_sql(f"SELECT coalesce(max(id), 0) + 1 FROM {table.name}").scalar_one()
    return list(range(start, start + count))


def insert_rows(table: Table, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert every row in one statement (COPY on PostgreSQL)."""
    if not rows:
        return
    connection = db.session.connection()
    rows = processed(connection, table, columns, rows)
    if is_postgres(connection) and (len(rows) < COPY_FROM or _held.get() is not None):
        arrays, params = unnest_arrays(connection, table, columns, rows)
        send_pg(connection, f"INSERT INTO {table.name} ({', '.join(columns)}) SELECT * FROM unnest({arrays})", params)
        return
    if is_postgres(connection):
        copy_sql = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
        with connection.connection.driver_connection.cursor() as cursor, cursor.copy(copy_sql) as copy:
            for row in rows:
                copy.write_row(row)
        return
    connection.exec_driver_sql(f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks(columns)})", rows)


def upsert_sums(table: Table, keys: tuple[str, ...], extra: tuple[str, ...], summed: tuple[str, ...],
                rows: list[tuple]) -> None:
    """(keys…, extra…, summed…) rows: insert, or add `summed` to the stored row with those keys."""
    if not rows:
        return
    connection = db.session.connection()
    columns = keys + extra + summed
    rows = processed(connection, table, columns, rows)
    add = ", ".join(f"{name} = {table.name}.{name} + excluded.{name}" for name in summed)
    conflict = f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {add}"
    if is_postgres(connection):
        arrays, params = unnest_arrays(connection, table, columns, rows)
        send_pg(connection, f"INSERT INTO {table.name} ({', '.join(columns)}) "
                            f"SELECT * FROM unnest({arrays}) {conflict}", params)
        return
    connection.exec_driver_sql(
        f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks(columns)}) {conflict}", rows)


def add_to_rows(table: Table, keys: tuple[str, ...], summed: tuple[str, ...], rows: list[tuple],
                missing: LedgerError) -> None:
    """(keys…, summed…) rows added to existing rows only, so CHECK constraints judge the new totals;
    raises `missing` when some row does not exist."""
    update_rows(table, keys, summed, rows, lambda name, value: f"{table.name}.{name} + {value}", missing)


def set_rows(table: Table, keys: tuple[str, ...], columns: tuple[str, ...], rows: list[tuple]) -> int:
    """(keys…, columns…) rows: set `columns` of the stored rows with those keys."""
    return update_rows(table, keys, columns, rows, lambda _name, value: value)


def update_rows(table: Table, keys, columns, rows, expression: Callable[[str, str], str],
                missing: LedgerError | None = None) -> int:
    """Returns how many stored rows were updated (keys are unique, so len(rows) when all exist); with
    `missing`, raises it when fewer were."""
    if not rows:
        return 0
    connection = db.session.connection()
    rows = processed(connection, table, keys + columns, rows)
    must = (len(rows), missing) if missing else None
    if is_postgres(connection):
        arrays, params = unnest_arrays(connection, table, keys + columns, rows)
        assignments = ", ".join(f"{name} = {expression(name, 'v.' + name)}" for name in columns)
        match = " AND ".join(f"{table.name}.{key} = v.{key}" for key in keys)
        return send_pg(connection, f"UPDATE {table.name} SET {assignments} FROM unnest({arrays}) "
                                   f"AS v({', '.join(keys + columns)}) WHERE {match}", params, must)
    assignments = ", ".join(f"{name} = {expression(name, '?')}" for name in columns)
    match = " AND ".join(f"{key} = ?" for key in keys)
    width = len(keys)
    return checked(connection.exec_driver_sql(f"UPDATE {table.name} SET {assignments} WHERE {match}",
                                              [row[width:] + row[:width] for row in rows]).rowcount, must)


def marks(columns) -> str:
    return ", ".join("?" * len(columns))


def unnest_arrays(connection: Connection, table: Table, columns, rows) -> tuple[str, dict]:
    """`CAST(:c0 AS BIGINT[]), …` and one list of values per column."""
    start = prefix()
    sql = ", ".join(f"CAST(:{start}c{i} AS {table.c[name].type.compile(connection.dialect)}[])"
                    for i, name in enumerate(columns))
    return sql, {f"{start}c{i}": list(values) for i, values in enumerate(zip(*rows))}


def processed(connection: Connection, table: Table, columns, rows: list[tuple]) -> list[tuple]:
    """Values as the columns' SQLAlchemy types bind them (dates on SQLite, JSON, time zones)."""
    dialect = connection.dialect
    processors = []
    for i, name in enumerate(columns):
        column_type = table.c[name].type
        if proc := column_type.dialect_impl(dialect).bind_processor(dialect):
            # A batch repeats few distinct dates and timestamps: convert each once (JSON is not hashable).
            processors.append((i, proc if isinstance(column_type, JSON) else memoized(proc)))
    if not processors:
        return rows
    result = []
    for row in rows:
        values = list(row)
        for i, proc in processors:
            values[i] = proc(values[i])
        result.append(tuple(values))
    return result


def memoized(processor: Callable) -> Callable:
    cache: dict = {}

    def convert(value):
        if value not in cache:
            cache[value] = processor(value)
        return cache[value]
    return convert
