"""A few customers' rows of the store as Python values, for the keyed read's row fold.

Each table is one select on its customer-id index (the key or ``ix_<table>_customer_id``), sent
through the driver's own cursor and written once per reader: on SQLite one after the other in
one transaction, on PostgreSQL all in one message with their transaction. Values come back
as the store's SQL types read them (:mod:`goodcall.store.tables`: each column's
``result_processor`` for the dialect — timestamps in UTC, booleans, dates, local times), and the
one list column kind as the codec's row form (:func:`goodcall.store.codec.split_text`): the
values the batch reader's frames hold, one row at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa

from goodcall.profiles.schema import Table
from goodcall.store.codec import LIST_KINDS, split_text
from goodcall.store.tables import SQL_TABLES

Rows = dict[str, list[dict[str, Any]]]
"""One customer's rows: table name → rows (column → value)."""


def _converter(
    table: Table, name: str, dialect: sa.Dialect, coltype: object
) -> Callable[[Any], Any] | None:
    """How a value of the column is read (``coltype``: the driver's type code, which some
    dialects' processors need)."""
    if table.column(name).kind in LIST_KINDS:
        return split_text
    processor: Callable[[Any], Any] | None = (
        SQL_TABLES[table.name].c[name].type.dialect_impl(dialect).result_processor(dialect, coltype)
    )
    return processor


class _Select:
    """One table's keyed select and how its values are read."""

    def __init__(self, table: Table, dialect: sa.Dialect) -> None:
        quote = dialect.identifier_preparer.quote
        self.name, self.names = table.name, table.column_names
        self._sql = "SELECT {} FROM {} WHERE customer_id ".format(
            ", ".join(quote(n) for n in self.names), quote(table.name)
        )
        self._customer = self.names.index("customer_id")
        self._table, self._dialect = table, dialect
        self._convert: list[tuple[int, Callable[[Any], Any]]] | None = None

    def _converters(self, cursor: Any) -> list[tuple[int, Any]]:
        """The column converters, made at the first result (from its type codes; psycopg
        builds the description anew at each call)."""
        if self._convert is None:
            made = [
                _converter(self._table, n, self._dialect, d[1])
                for n, d in zip(self.names, cursor.description, strict=True)
            ]
            self._convert = [(k, f) for k, f in enumerate(made) if f is not None]
        return self._convert

    def statement(self, ids: int | str) -> str:
        """The select of ``ids`` customers (SQLite: their number, bound as parameters;
        PostgreSQL: the array literal of their ids)."""
        if isinstance(ids, str):
            return self._sql + f"= ANY({ids})"
        return self._sql + ("= ?" if ids == 1 else "IN ({})".format(", ".join("?" * ids)))

    def gather(self, cursor: Any, into: dict[str, Rows]) -> None:
        """File the executed ``cursor``'s rows under their customer in ``into``."""
        fetched = cursor.fetchall()
        converters = self._converters(cursor)
        for raw in fetched:
            values = list(raw)
            for k, convert in converters:
                if values[k] is not None:
                    values[k] = convert(values[k])
            rows = into[values[self._customer]].setdefault(self.name, [])
            rows.append(dict(zip(self.names, values, strict=True)))


class CustomerRows:
    """Reads the rows of given customers from the customer tables ``tables``."""

    def __init__(self, tables: Sequence[Table], dialect: sa.Dialect) -> None:
        self._selects = [_Select(t, dialect) for t in tables]
        self.postgres = dialect.name == "postgresql"

    def read(self, engine: sa.Engine, ids: Sequence[str]) -> list[Rows]:
        """The rows of each customer of ``ids`` (unique), in the order of ``ids``, all read in
        one transaction (PostgreSQL: repeatable read, so the tables agree)."""
        found: dict[str, Rows] = {cid: {} for cid in ids}
        if not found:
            return []
        try:
            self._read(engine, found)
        except engine.dialect.loaded_dbapi.OperationalError as err:
            # The driver's own cursor: its failures reach the caller as SQLAlchemy's would.
            raise sa.exc.OperationalError(None, None, err) from err
        return list(found.values())

    def _read(self, engine: sa.Engine, found: dict[str, Rows]) -> None:
        ids = list(found)
        if self.postgres:
            autocommit = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            with autocommit as connection:
                self._read_together(connection.connection.driver_connection, ids, found)
            return
        with engine.connect() as connection, connection.begin():
            cursor: Any = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
            try:
                for select in self._selects:
                    cursor.execute(select.statement(len(ids)), ids)
                    select.gather(cursor, found)
            finally:
                cursor.close()

    def _read_together(self, raw: Any, ids: list[str], found: dict[str, Rows]) -> None:
        """PostgreSQL: the transaction and every table's select in one message (the ids quoted
        by psycopg), its results read set by set: one round trip instead of one per table and
        two for the transaction (the connection is in autocommit mode: the message has its own
        ``BEGIN`` and ``COMMIT``)."""
        from psycopg import sql as pgsql

        ids_literal = pgsql.Literal(ids).as_string(raw)
        selects = "; ".join(s.statement(ids_literal) for s in self._selects)
        text = f"BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; {selects}; COMMIT"
        with raw.cursor() as cursor:
            cursor.execute(text.encode(), prepare=False)
            for select in self._selects:
                cursor.nextset()
                select.gather(cursor, found)
