"""Bulk writes into the store, inside the caller's transaction.

SQLite: ``executemany`` over large batches (``INSERT … ON CONFLICT DO UPDATE`` when upserting).
PostgreSQL: ``COPY … FROM STDIN`` in CSV, straight into the table when it was just emptied, else
into a temporary staging table followed by one ``INSERT … SELECT … ON CONFLICT DO UPDATE``.
Nothing here commits: the importer owns the single transaction.
"""

from __future__ import annotations

import functools
import io
from typing import Protocol

import polars as pl
import sqlalchemy as sa

from goodcall.profiles.schema import TABLES, Table
from goodcall.store.codec import encode


class BulkWriter(Protocol):
    """Writes typed rows of the import tables within one open transaction."""

    def clear(self) -> None:
        """Delete every row of every import table (for ``--replace``)."""

    def write(self, table: Table, rows: pl.DataFrame, *, upsert: bool) -> None:
        """Insert ``rows`` (the table's Polars schema); upsert replaces rows with the same key."""

    def finish(self) -> None:
        """Work left before the commit (constraints set aside for speed are restored)."""


def _quote(connection: sa.Connection, name: str) -> str:
    return connection.dialect.identifier_preparer.quote(name)


def _conflict_clause(connection: sa.Connection, table: Table) -> str:
    keys = ", ".join(_quote(connection, k) for k in table.key)
    others = [c.name for c in table.columns if c.name not in table.key]
    if not others:
        return f" ON CONFLICT ({keys}) DO NOTHING"
    updates = ", ".join(
        f"{_quote(connection, n)} = excluded.{_quote(connection, n)}" for n in others
    )
    return f" ON CONFLICT ({keys}) DO UPDATE SET {updates}"


class SQLiteWriter:
    """executemany in large batches on the driver's cursor (no per-value SQLAlchemy work)."""

    def __init__(self, connection: sa.Connection) -> None:
        self.connection = connection
        # Speed inside the one transaction: a larger page cache (about 256 MiB).
        connection.exec_driver_sql("PRAGMA cache_size = -262144")

    def clear(self) -> None:
        for table in reversed(TABLES):
            self.connection.exec_driver_sql(f"DELETE FROM {_quote(self.connection, table.name)}")

    def write(self, table: Table, rows: pl.DataFrame, *, upsert: bool) -> None:
        if rows.height == 0:
            return
        names = ", ".join(_quote(self.connection, c.name) for c in table.columns)
        marks = ", ".join("?" * len(table.columns))
        sql = f"INSERT INTO {_quote(self.connection, table.name)} ({names}) VALUES ({marks})"
        if upsert:
            sql += _conflict_clause(self.connection, table)
        wire = encode(rows, table)
        cursor = self.connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.executemany(sql, wire.iter_rows())
        finally:
            cursor.close()

    def finish(self) -> None:
        pass


class PostgresWriter:
    """COPY in CSV; upserts go through a temporary staging table."""

    def __init__(self, connection: sa.Connection) -> None:
        self.connection = connection
        self.staged: set[str] = set()
        self.dropped: list[str] = []

    def clear(self) -> None:
        """Empty the tables and set their foreign keys aside until ``finish``.

        Checking a foreign key row by row costs more than the COPY itself; adding the
        constraint back validates every row at once with a join. The rows were already checked
        by the import, so this is a safety net, and it is all in the one transaction.
        """
        names = ", ".join(_quote(self.connection, t.name) for t in TABLES)
        self.connection.exec_driver_sql(f"TRUNCATE {names}")
        inspector = sa.inspect(self.connection)
        q = functools.partial(_quote, self.connection)
        for table in TABLES:
            for key in inspector.get_foreign_keys(table.name):
                name = key["name"]
                if name is None:
                    continue
                own = ", ".join(q(c) for c in key["constrained_columns"])
                other = ", ".join(q(c) for c in key["referred_columns"])
                self.connection.exec_driver_sql(
                    f"ALTER TABLE {q(table.name)} DROP CONSTRAINT {q(name)}"
                )
                self.dropped.append(
                    f"ALTER TABLE {q(table.name)} ADD CONSTRAINT {q(name)} FOREIGN KEY ({own}) "
                    f"REFERENCES {q(key['referred_table'])} ({other})"
                )

    def finish(self) -> None:
        for statement in self.dropped:
            self.connection.exec_driver_sql(statement)
        self.dropped = []

    def _copy(self, target: str, table: Table, rows: pl.DataFrame) -> None:
        buffer = io.BytesIO()
        encode(rows, table, utc_suffix=True).write_csv(
            buffer, include_header=False, null_value="\\N", quote_style="non_numeric"
        )
        names = ", ".join(_quote(self.connection, c.name) for c in table.columns)
        statement = f"COPY {target} ({names}) FROM STDIN (FORMAT csv, NULL '\\N')"
        raw = self.connection.connection.driver_connection
        with raw.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
            copy.write(buffer.getbuffer())

    def write(self, table: Table, rows: pl.DataFrame, *, upsert: bool) -> None:
        if rows.height == 0:
            return
        target = _quote(self.connection, table.name)
        if not upsert:
            self._copy(target, table, rows)
            return
        stage = _quote(self.connection, f"goodcall_stage_{table.name}")
        if table.name not in self.staged:
            self.connection.exec_driver_sql(
                f"CREATE TEMPORARY TABLE {stage} (LIKE {target} INCLUDING DEFAULTS) ON COMMIT DROP"
            )
            self.staged.add(table.name)
        self._copy(stage, table, rows)
        names = ", ".join(_quote(self.connection, c.name) for c in table.columns)
        self.connection.exec_driver_sql(
            f"INSERT INTO {target} ({names}) SELECT {names} FROM {stage}"
            + _conflict_clause(self.connection, table)
        )
        self.connection.exec_driver_sql(f"TRUNCATE {stage}")


def bulk_writer(connection: sa.Connection) -> BulkWriter:
    """The writer for the connection's backend."""
    if connection.dialect.name == "postgresql":
        return PostgresWriter(connection)
    return SQLiteWriter(connection)
