"""Set-based writes for imports: the fastest thing each database offers, inside the caller's transaction.

PostgreSQL: ids reserved from the table's sequence, rows sent with COPY,
updates through a temporary table and one ``UPDATE … FROM``. SQLite: ids
reserved above the table's highest (and AUTOINCREMENT's remembered) id,
``executemany`` in the open transaction. Callers validate first: these
functions trust their rows, and the database's own constraints still apply.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from itertools import islice

from django.db import DatabaseError, connection

SQLITE_CHUNK = 900  # SQLite allows at most 999 parameters in one statement
COPY_CHUNK = 20_000


def _table(model) -> str:
    return model._meta.db_table


def _columns(model, attnames: Sequence[str]) -> list[str]:
    fields = {field.attname: field for field in model._meta.concrete_fields}
    return [fields[name].column for name in attnames]


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


class IdReserver:
    """Hands out primary keys for rows inserted with explicit ids.

    On PostgreSQL the ids come from the table's own sequence, so rows saved
    meanwhile by anyone else can never collide with them. They usually arrive as
    one unbroken block, which is returned as a ``range`` (nothing else crosses
    the wire); if another session took values in between, the exact list is.
    """

    def __init__(self):
        self._next: dict[str, int] = {}
        self._sequences: dict[str, str] = {}

    def _sequence(self, cursor, table: str, pk: str) -> str:
        if table not in self._sequences:
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk])
            self._sequences[table] = cursor.fetchone()[0]
        return self._sequences[table]

    def reserve(self, model, count: int) -> Sequence[int]:
        if count == 0:
            return range(0)
        table = _table(model)
        pk = model._meta.pk.column
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                sequence = self._sequence(cursor, table, pk)
                cursor.execute(
                    "SELECT min(v), max(v), CASE WHEN max(v) - min(v) + 1 = count(*) THEN NULL "
                    "ELSE array_agg(v ORDER BY v) END "
                    "FROM (SELECT nextval(%s::regclass) AS v FROM generate_series(1, %s)) AS s",
                    [sequence, count],
                )
                low, high, scattered = cursor.fetchone()
            return scattered if scattered is not None else range(low, high + 1)
        if table not in self._next:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COALESCE(MAX({_quote(pk)}), 0) FROM {_quote(table)}")
                highest = cursor.fetchone()[0]
                try:
                    cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                    row = cursor.fetchone()
                except DatabaseError:  # no AUTOINCREMENT table yet
                    row = None
                if row and row[0] and row[0] > highest:
                    highest = row[0]
            self._next[table] = highest + 1
        start = self._next[table]
        self._next[table] = start + count
        return range(start, start + count)


def _copy(cursor, table: str, columns: list[str], rows: Iterable[Sequence], not_null: Sequence[str] = ()) -> None:
    """COPY … (FORMAT csv): the csv module writes in C; an unquoted empty cell is NULL except in not_null columns.

    Every column that cannot be NULL is listed in FORCE_NOT_NULL, so an empty text
    value arrives as an empty string; nullable columns (dates, numbers) get NULL.
    Booleans are written as True/False, which PostgreSQL reads.

    Rows go in chunks, and while the server stores one chunk (a second thread
    waits on it, without the GIL) this one builds the next: the Python work and
    the database's overlap on two cores. The statements still run one after
    another on the caller's connection and transaction; an error in any chunk
    is raised here.
    """
    column_sql = ", ".join(_quote(c) for c in columns)
    options = "FORMAT csv"
    forced = [c for c in columns if c in set(not_null)]
    if forced:
        options += f", FORCE_NOT_NULL ({', '.join(_quote(c) for c in forced)})"
    sql = f"COPY {_quote(table)} ({column_sql}) FROM STDIN WITH ({options})"

    def send(buffer: io.StringIO) -> None:
        buffer.seek(0)
        # copy_expert is the driver's own call, which Django does not wrap: without this a refused row
        # (a unique or exclusion constraint) would arrive as psycopg2's error, not Django's IntegrityError.
        with connection.wrap_database_errors:
            cursor.copy_expert(sql, buffer)

    rows = iter(rows)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="copy") as sender:
        pending = None
        while chunk := list(islice(rows, COPY_CHUNK)):
            buffer = io.StringIO()
            # CRLF line ends: the csv module then quotes every value holding a CR or an LF. With "\n" it would
            # leave a bare CR unquoted, which COPY refuses (BadCopyFileFormat) after the check had passed it.
            csv.writer(buffer, lineterminator="\r\n").writerows(chunk)
            del chunk
            if pending is not None:
                pending.result()
            pending = sender.submit(send, buffer)
        if pending is not None:
            pending.result()


def _not_null_columns(model) -> list[str]:
    return [field.column for field in model._meta.concrete_fields if not field.null]


def datetime_cell(value: datetime.datetime) -> str:
    """A datetime as the text each database stores, worked out once for a value every row repeats.

    The csv module (COPY) and SQLite's adapter would otherwise format the same
    datetime again for every cell, which costs more than the rest of a narrow row.
    """
    if connection.vendor == "postgresql":
        return value.isoformat(sep=" ")
    return connection.ops.adapt_datetimefield_value(value)


def _sqlite_values(rows: Iterable[Sequence]):
    adapt = connection.ops.adapt_datetimefield_value
    for row in rows:
        out = []
        for value in row:
            if isinstance(value, datetime.datetime):
                value = adapt(value)
            elif isinstance(value, datetime.date):
                value = value.isoformat()
            out.append(value)
        yield out


def insert(model, attnames: Sequence[str], rows: Iterable[Sequence]) -> None:
    """INSERT rows (tuples in attnames order); include the primary key to insert explicit ids."""
    table = _table(model)
    columns = _columns(model, attnames)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _copy(cursor, table, columns, rows, _not_null_columns(model))
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {_quote(table)} ({', '.join(_quote(c) for c in columns)}) VALUES ({placeholders})"
            cursor.executemany(sql, _sqlite_values(rows))


def update(model, attnames: Sequence[str], rows: Sequence[Sequence]) -> None:
    """UPDATE by primary key: each row is (pk, *values in attnames order)."""
    if not rows:
        return
    table = _table(model)
    pk = model._meta.pk.column
    columns = _columns(model, attnames)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            temp = f"import_{table}"[:60]
            cursor.execute(f"DROP TABLE IF EXISTS {_quote(temp)}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {_quote(temp)} ON COMMIT DROP AS "
                f"SELECT {_quote(pk)}, {', '.join(_quote(c) for c in columns)} FROM {_quote(table)} WITH NO DATA"
            )
            _copy(cursor, temp, [pk, *columns], rows, _not_null_columns(model))
            assignments = ", ".join(f"{_quote(c)} = s.{_quote(c)}" for c in columns)
            match = f"t.{_quote(pk)} = s.{_quote(pk)}"
            cursor.execute(f"UPDATE {_quote(table)} t SET {assignments} FROM {_quote(temp)} s WHERE {match}")
            cursor.execute(f"DROP TABLE {_quote(temp)}")
        else:
            assignments = ", ".join(f"{_quote(c)} = %s" for c in columns)
            sql = f"UPDATE {_quote(table)} SET {assignments} WHERE {_quote(pk)} = %s"
            cursor.executemany(sql, _sqlite_values([*row[1:], row[0]] for row in rows))


def delete(model, ids: Sequence[int]) -> None:
    if not ids:
        return
    table = _table(model)
    pk = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DELETE FROM {_quote(table)} WHERE {_quote(pk)} = ANY(%s)", [list(ids)])
        else:
            for start in range(0, len(ids), SQLITE_CHUNK):
                chunk = list(ids[start : start + SQLITE_CHUNK])
                cursor.execute(
                    f"DELETE FROM {_quote(table)} WHERE {_quote(pk)} IN ({', '.join(['%s'] * len(chunk))})", chunk
                )


def chunked(items: Sequence, size: int | None = None):
    size = size or (SQLITE_CHUNK if connection.vendor == "sqlite" else 10_000)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def where_in(queryset, attname: str, values):
    """Querysets covering “attname in values”: one query with = ANY(array) on PostgreSQL, batches on SQLite.

    Django's IN lookup prepares every value in Python, which costs more than the
    query itself for tens of thousands of keys.
    """
    values = list(values)
    if not values:
        return
    if connection.vendor == "postgresql":
        field = queryset.model._meta.get_field(attname)
        column = f"{_quote(queryset.model._meta.db_table)}.{_quote(field.column)}"
        yield queryset.extra(where=[f"{column} = ANY(%s)"], params=[values])  # noqa: S610 - no user SQL
        return
    for start in range(0, len(values), SQLITE_CHUNK):
        yield queryset.filter(**{f"{attname}__in": values[start : start + SQLITE_CHUNK]})


def insert_computing(model, attnames: Sequence[str], rows: Iterable[Sequence], inputs: Sequence[str], computed: dict):
    """PostgreSQL: insert rows whose other columns are computed in SQL from them, in the same statement.

    Each row is (values for attnames…, values for inputs…). The rows are copied
    into a temporary table; one INSERT … SELECT then writes attnames plus each
    column of ``computed`` (column → SQL expression over the temporary table's
    columns, aliased ``s``). Computing in the insert, instead of an UPDATE after
    it, writes each row once.
    """
    table = _table(model)
    columns = _columns(model, attnames)
    temp = f"import_new_{table}"[:60]
    column_sql = ", ".join(_quote(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_quote(temp)}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {_quote(temp)} ON COMMIT DROP AS "
            f"SELECT {column_sql} FROM {_quote(table)} WITH NO DATA"
        )
        for name in inputs:
            cursor.execute(f"ALTER TABLE {_quote(temp)} ADD COLUMN {_quote(name)} text NOT NULL DEFAULT ''")
        _copy(cursor, temp, [*columns, *inputs], rows, [*_not_null_columns(model), *inputs])
        targets = ", ".join([column_sql, *(_quote(c) for c in computed)])
        values = ", ".join([*(f"s.{_quote(c)}" for c in columns), *computed.values()])
        cursor.execute(f"INSERT INTO {_quote(table)} ({targets}) SELECT {values} FROM {_quote(temp)} s")
        cursor.execute(f"DROP TABLE {_quote(temp)}")
