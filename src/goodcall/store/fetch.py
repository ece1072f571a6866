"""Fast reads of store tables into Polars frames in wire form (see :mod:`goodcall.store.codec`).

SQLite: the driver's cursor, ``fetchmany`` in large batches, each batch turned into a frame
(no SQLAlchemy type processing per value). PostgreSQL: ``COPY (SELECT …) TO STDOUT`` in CSV,
parsed by Polars in blocks cut at record boundaries. Both return the same wire form, so one
vectorised decoder serves both.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import polars as pl
import sqlalchemy as sa

from goodcall.profiles.schema import Column, Table
from goodcall.store.codec import wire_dtype

FETCH_ROWS = 100_000
IDS_PER_QUERY = 5_000
_COPY_BLOCK = 32 * 1024 * 1024


def _quote(connection: sa.Connection, name: str) -> str:
    return connection.dialect.identifier_preparer.quote(name)


def _pg_select(connection: sa.Connection, column: Column) -> str:
    """A select expression giving the column in wire form on PostgreSQL."""
    name = _quote(connection, column.name)
    if column.kind == "datetime":
        return f"to_char({name} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"
    if column.kind == "date":
        return f"to_char({name}, 'YYYY-MM-DD')"
    if column.kind == "time":
        return f"{name}::text"
    if column.kind == "bool":
        return f"{name}::int"
    return name


def _id_batches(customer_ids: Sequence[str] | None) -> Iterator[list[str] | None]:
    if customer_ids is None:
        yield None
        return
    unique = list(dict.fromkeys(customer_ids))
    for start in range(0, len(unique), IDS_PER_QUERY):
        yield unique[start : start + IDS_PER_QUERY]


def _sqlite_rows(
    connection: sa.Connection, table: Table, columns: list[Column], ids: list[str] | None
) -> Iterator[pl.DataFrame]:
    schema = {c.name: wire_dtype(c) for c in columns}
    sql = "SELECT {} FROM {}".format(
        ", ".join(_quote(connection, c.name) for c in columns), _quote(connection, table.name)
    )
    params: list[Any] = []
    if ids is not None:
        sql += " WHERE customer_id IN ({})".format(", ".join("?" * len(ids)))
        params = list(ids)
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(FETCH_ROWS):
            yield pl.DataFrame(rows, schema=schema, orient="row")
    finally:
        cursor.close()


def _record_end(block: bytes) -> int:
    """Index just past the last complete CSV record in ``block`` (0 if none is complete).

    A newline ends a record only outside quotes, i.e. after an even number of quote marks
    (doubled quotes inside values count twice, so parity still holds).
    """
    end = block.rfind(b"\n")
    while end >= 0 and block.count(b'"', 0, end) % 2:
        end = block.rfind(b"\n", 0, end)
    return end + 1


def _pg_rows(
    connection: sa.Connection, table: Table, columns: list[Column], ids: list[str] | None
) -> Iterator[pl.DataFrame]:
    from psycopg import sql as pgsql

    schema = {c.name: wire_dtype(c) for c in columns}
    select = "SELECT {} FROM {}".format(
        ", ".join(_pg_select(connection, c) for c in columns), _quote(connection, table.name)
    )
    query: pgsql.Composable = pgsql.SQL(select)
    if ids is not None:
        query = query + pgsql.SQL(" WHERE customer_id = ANY({})").format(pgsql.Literal(ids))
    copy = pgsql.SQL("COPY ({}) TO STDOUT (FORMAT csv, NULL '\\N')").format(query)

    def parse(data: bytes) -> pl.DataFrame:
        return pl.read_csv(
            data,
            has_header=False,
            new_columns=list(schema),
            schema=schema,
            null_values="\\N",
            empty_string_is_null=False,
        )

    raw = connection.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(copy) as stream:  # type: ignore[union-attr]
        parts: list[bytes] = []
        size = 0
        for chunk in stream:
            parts.append(bytes(chunk))
            size += len(chunk)
            if size >= _COPY_BLOCK:
                block = b"".join(parts)
                cut = _record_end(block)
                if cut:
                    yield parse(block[:cut])
                parts, size = [block[cut:]], len(block) - cut
        if size:
            yield parse(b"".join(parts))


def fetch_wire(
    connection: sa.Connection,
    table: Table,
    columns: Sequence[str] | None = None,
    customer_ids: Sequence[str] | None = None,
) -> pl.DataFrame:
    """The table's rows in wire form (optionally some columns, some customers only)."""
    chosen = [table.column(n) for n in columns] if columns else list(table.columns)
    by_customer = customer_ids is not None and "customer_id" in table.column_names
    reader = _pg_rows if connection.dialect.name == "postgresql" else _sqlite_rows
    frames = [
        frame
        for ids in _id_batches(customer_ids if by_customer else None)
        for frame in reader(connection, table, chosen, ids)
    ]
    if not frames:
        return pl.DataFrame(schema={c.name: wire_dtype(c) for c in chosen})
    return pl.concat(frames, rechunk=True)
