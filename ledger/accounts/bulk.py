"""Set-based writes for the posting service's batch path: one statement per table and batch.

PostgreSQL gets COPY for inserts and unnest() arrays for updates and upserts, so a batch costs a
few round trips and statement triggers see all of its rows at once; SQLite gets executemany.
"""
from collections.abc import Callable

from sqlalchemy import JSON, Table, text
from sqlalchemy.engine import Connection

from ledger.extensions import db


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
        connection.execute(text(f"INSERT INTO {table.name} ({', '.join(columns)}) "
                                f"SELECT * FROM unnest({arrays}) {conflict}"), params)
        return
    connection.exec_driver_sql(
        f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks(columns)}) {conflict}", rows)


def add_to_rows(table: Table, keys: tuple[str, ...], summed: tuple[str, ...], rows: list[tuple]) -> int:
    """(keys…, summed…) rows added to existing rows only, so CHECK constraints judge the new totals."""
    return update_rows(table, keys, summed, rows, lambda name, value: f"{table.name}.{name} + {value}")


def set_rows(table: Table, keys: tuple[str, ...], columns: tuple[str, ...], rows: list[tuple]) -> int:
    """(keys…, columns…) rows: set `columns` of the stored rows with those keys."""
    return update_rows(table, keys, columns, rows, lambda _name, value: value)


def update_rows(table: Table, keys, columns, rows, expression: Callable[[str, str], str]) -> int:
    """Returns how many stored rows were updated (keys are unique, so len(rows) when all exist)."""
    if not rows:
        return 0
    connection = db.session.connection()
    rows = processed(connection, table, keys + columns, rows)
    if is_postgres(connection):
        arrays, params = unnest_arrays(connection, table, keys + columns, rows)
        assignments = ", ".join(f"{name} = {expression(name, 'v.' + name)}" for name in columns)
        match = " AND ".join(f"{table.name}.{key} = v.{key}" for key in keys)
        return connection.execute(text(
            f"UPDATE {table.name} SET {assignments} FROM unnest({arrays}) AS v({', '.join(keys + columns)}) "
            f"WHERE {match}"), params).rowcount
    assignments = ", ".join(f"{name} = {expression(name, '?')}" for name in columns)
    match = " AND ".join(f"{key} = ?" for key in keys)
    width = len(keys)
    return connection.exec_driver_sql(f"UPDATE {table.name} SET {assignments} WHERE {match}",
                                      [row[width:] + row[:width] for row in rows]).rowcount


def marks(columns) -> str:
    return ", ".join("?" * len(columns))


def unnest_arrays(connection: Connection, table: Table, columns, rows) -> tuple[str, dict]:
    """`CAST(:c0 AS BIGINT[]), …` and one list of values per column."""
    sql = ", ".join(f"CAST(:c{i} AS {table.c[name].type.compile(connection.dialect)}[])"
                    for i, name in enumerate(columns))
    return sql, {f"c{i}": list(values) for i, values in enumerate(zip(*rows))}


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
