"""Reading the store: the interface every other module uses.

``load_tables`` returns every import table with exactly the Polars schema of
:func:`goodcall.profiles.frames.table_schema` (timestamps ``Datetime("us", "UTC")``), optionally
for some customers only (plans and promotions are always whole). Rows come through the
driver's cursor in large batches (SQLite) or ``COPY … TO STDOUT`` (PostgreSQL) and are decoded
with Polars expressions — see :mod:`goodcall.store.fetch`. All tables are read in one
transaction, so they are consistent with each other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl
import sqlalchemy as sa

from goodcall.profiles.build import build_profiles
from goodcall.profiles.schema import TABLES
from goodcall.store.codec import decode
from goodcall.store.config import StoreConfig, engine_for, store_errors
from goodcall.store.fetch import fetch_wire
from goodcall.store.migrate import require_current


def load_tables(
    url: str | None = None,
    customer_ids: Sequence[str] | None = None,
    *,
    engine: sa.Engine | None = None,
) -> dict[str, pl.LazyFrame]:
    """Every import table from the store at ``url`` (default: ``GOODCALL_DB_URL``), or through
    ``engine`` when given (a long-lived service keeps one; the engine is then not disposed); a
    store that cannot be opened is a :class:`~goodcall.store.config.StoreUnavailableError`."""
    if engine is not None:
        return _read_tables(engine, customer_ids)
    with store_errors(StoreConfig.from_url(url).display_url):
        _, owned = engine_for(url)
        try:
            return _read_tables(owned, customer_ids)
        finally:
            owned.dispose()


def _read_tables(engine: sa.Engine, customer_ids: Sequence[str] | None) -> dict[str, pl.LazyFrame]:
    require_current(engine, engine.url.render_as_string(hide_password=True))
    postgres = engine.dialect.name == "postgresql"
    options = {"isolation_level": "REPEATABLE READ"} if postgres else {}
    with engine.connect().execution_options(**options) as connection, connection.begin():
        return {
            table.name: decode(fetch_wire(connection, table, None, customer_ids), table)
            .collect()
            .lazy()
            for table in TABLES
        }


def load_profiles(
    as_of: dt.datetime,
    url: str | None = None,
    customer_ids: Sequence[str] | None = None,
    *,
    engine: sa.Engine | None = None,
) -> pl.LazyFrame:
    """The profile frame of the stored customers, as known at ``as_of``."""
    return build_profiles(load_tables(url, customer_ids, engine=engine), as_of)
