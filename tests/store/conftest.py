"""One store suite for both backends: a SQLite file per test, and a fresh PostgreSQL schema per
test (dropped afterwards) so tests are isolated and can run beside anything else.

PostgreSQL tests run when the server answers (``GOODCALL_TEST_PG_URL``, default the local
``test`` database); they are required when ``CI=true`` and skipped with the reason otherwise.
"""

from __future__ import annotations

import functools
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa

from goodcall.profiles.fixtures import seed_customer_tables
from goodcall.profiles.schema import TABLES
from goodcall.store.files import FileFormat, write_tables
from goodcall.store.reader import load_tables

PG_URL = os.environ.get("GOODCALL_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@functools.cache
def _pg_unavailable() -> str | None:
    """Why PostgreSQL cannot be used here (None when it can)."""
    try:
        engine = sa.create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
        engine.dispose()
    except Exception as error:  # any failure to reach the server means: cannot test here
        return f"PostgreSQL not reachable at {PG_URL}: {type(error).__name__}: {error}"
    return None


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A URL whose search_path is a new, empty schema (dropped after the test)."""
    reason = _pg_unavailable()
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true requires PostgreSQL: {reason}")
        pytest.skip(reason)
    schema = f"goodcall_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_URL)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = sa.engine.make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty store on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    url: str = request.getfixturevalue("pg_url")
    return url


def clone_customer(tables: dict[str, pl.LazyFrame], number: str) -> dict[str, pl.LazyFrame]:
    """The seed customer's rows under new ids (``SEED-0001`` → ``number``); no plans/promotions."""
    return {
        name: frame.with_columns(pl.col(pl.String).str.replace("SEED-0001", number, literal=True))
        for name, frame in tables.items()
        if name not in ("plans", "promotions")
    }


def two_customers() -> dict[str, pl.LazyFrame]:
    """The seed customer and a clone ``C-X-0002`` (same facts, other ids)."""
    seed = seed_customer_tables()
    clone = clone_customer(seed, "X-0002")
    return {
        name: pl.concat([seed[name], clone[name]]) if name in clone else seed[name] for name in seed
    }


def write_dir(tables: dict[str, pl.LazyFrame], out: Path, fmt: FileFormat = "csv") -> Path:
    write_tables(tables, out, fmt)
    return out


def snapshot(url: str) -> dict[str, pl.DataFrame]:
    """Every table of the store, sorted by key, to compare a store before and after."""
    tables = load_tables(url)
    return {t.name: tables[t.name].collect().sort(list(t.key)) for t in TABLES}


def assert_same_store(before: dict[str, pl.DataFrame], after: dict[str, pl.DataFrame]) -> None:
    for name, frame in before.items():
        assert after[name].equals(frame), f"table {name} changed"
