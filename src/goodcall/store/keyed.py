"""A keyed profile read: one customer's profile from the store by id, for a live decision.

:func:`goodcall.store.reader.load_profiles` is built for batches: each call makes an engine,
checks the schema (Alembic reads every migration script), reads the eleven tables and folds them.
:class:`ProfileReader` does once what does not depend on the customer — the engine (its
connection pool), the schema check, and the two catalog-wide tables (``plans``, ``promotions``),
read whole as the batch reads them — and each :meth:`ProfileReader.read` then asks only for the
customer's rows, table by table on the customer-id index, in one read transaction
(:mod:`goodcall.store.rows`: the driver's cursor, the values as the store's SQL types read them),
and folds them in Python with :func:`goodcall.profiles.rows.profile_rows`, whose values are the
batch's :func:`~goodcall.profiles.build.finish_profiles`: the same profile row. More than
:data:`ROW_PATH_MAX` customers at once take the batch's own frames and
:func:`~goodcall.profiles.build.build_profiles` (the Python fold grows with the rows, the plan
does not).

A plan or promotion imported after the reader was prepared is not seen until
:meth:`ProfileReader.refresh` (a service refreshes after each import).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import polars as pl
import sqlalchemy as sa

from goodcall.profiles.build import build_profiles
from goodcall.profiles.rows import PlanBook, profile_rows
from goodcall.profiles.schema import TABLES
from goodcall.store.codec import decode
from goodcall.store.config import engine_for, store_errors
from goodcall.store.fetch import fetch_wire
from goodcall.store.migrate import require_current
from goodcall.store.rows import CustomerRows

SHARED = tuple(t.name for t in TABLES if "customer_id" not in t.column_names)
"""Tables read whole (no ``customer_id``: plans, promotions), as the batch reads them."""
ROW_PATH_MAX = 64
"""The most customers one read folds in Python (measured in ``docs/decisions.md``)."""


class ProfileReader:
    """Profiles of given customers from the store at ``url`` (default ``GOODCALL_DB_URL``).

    Raises :class:`~goodcall.store.migrate.StoreNotReadyError` when the store is empty or at an
    older schema, :class:`~goodcall.store.config.StoreUnavailableError` when it cannot be opened
    or read (as the batch reader does). Close it (or use it as a context manager) to release
    its connections."""

    def __init__(self, url: str | None = None) -> None:
        self.config, self.engine = engine_for(url)
        self._customer_tables = [t for t in TABLES if t.name not in SHARED]
        self._rows = CustomerRows(self._customer_tables, self.engine.dialect)
        self._shared: dict[str, pl.LazyFrame] = {}
        self._plans = PlanBook({}, None)
        try:
            self.refresh()
        except BaseException:
            self.engine.dispose()
            raise

    def refresh(self) -> None:
        """Check the schema again and re-read the catalog-wide tables."""
        with store_errors(self.config.display_url):
            self._refresh()

    def _refresh(self) -> None:
        require_current(self.engine, self.config.display_url)
        shared = [t for t in TABLES if t.name in SHARED]
        with self.engine.connect() as connection, connection.begin():
            wires = [fetch_wire(connection, t) for t in shared]
        frames = pl.collect_all([decode(w, t) for w, t in zip(wires, shared, strict=True)])
        self._shared = {t.name: f.lazy() for t, f in zip(shared, frames, strict=True)}
        self._plans = PlanBook.of(self._shared["plans"])

    def read(self, customer_ids: str | Sequence[str], at: dt.datetime) -> pl.DataFrame:
        """The profile rows of ``customer_ids`` as known at ``at`` (none for an unknown id), one
        per customer: in the order of ``customer_ids`` up to :data:`ROW_PATH_MAX` of them, in
        no particular order beyond."""
        ids = [customer_ids] if isinstance(customer_ids, str) else list(dict.fromkeys(customer_ids))
        with store_errors(self.config.display_url):
            if len(ids) > ROW_PATH_MAX:
                return self.read_frames(ids, at)
            rows = self._rows.read(self.engine, ids)
            return profile_rows(rows, self._plans, at)

    @contextmanager
    def _transaction(self) -> Iterator[sa.Connection]:
        options = {"isolation_level": "REPEATABLE READ"} if self.config.type == "postgres" else {}
        with self.engine.connect().execution_options(**options) as connection, connection.begin():
            yield connection

    def read_frames(self, ids: list[str], at: dt.datetime) -> pl.DataFrame:
        """The same rows through the batch's frames (each table decoded by Polars, then
        :func:`~goodcall.profiles.build.build_profiles`): what a read of more than
        :data:`ROW_PATH_MAX` customers takes."""
        with store_errors(self.config.display_url), self._transaction() as connection:
            wires = [fetch_wire(connection, t, None, ids) for t in self._customer_tables]
        frames = pl.collect_all(
            [decode(w, t) for w, t in zip(wires, self._customer_tables, strict=True)]
        )
        tables = {t.name: f.lazy() for t, f in zip(self._customer_tables, frames, strict=True)}
        return build_profiles({**self._shared, **tables}, at).collect()

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> ProfileReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
