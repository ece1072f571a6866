"""Shared inputs: the shipped catalog compiled once, the example customers evaluated once."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

from goodcall.brief.examples import AT, example_tables
from goodcall.catalog.compile import CompiledCatalog, compile_catalog
from goodcall.catalog.engine import evaluate_offers
from goodcall.catalog.loader import load_catalog
from goodcall.catalog.model import Catalog
from goodcall.profiles.build import build_profiles
from goodcall.profiles.frames import table_schema
from goodcall.profiles.schema import TABLES_BY_NAME


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="session")
def compiled(catalog: Catalog) -> CompiledCatalog:
    return compile_catalog(catalog)


def tables_from_rows(rows: dict[str, list[dict[str, Any]]]) -> dict[str, pl.LazyFrame]:
    from goodcall.profiles.fixtures import reference_tables

    tables = reference_tables()
    for name, table_rows in rows.items():
        tables[name] = pl.DataFrame(table_rows, schema=table_schema(TABLES_BY_NAME[name])).lazy()
    return tables


@pytest.fixture(scope="session")
def example_profiles() -> pl.DataFrame:
    return build_profiles(example_tables(), AT).collect()


@pytest.fixture(scope="session")
def example_eval(example_profiles: pl.DataFrame, compiled: CompiledCatalog) -> pl.DataFrame:
    return evaluate_offers(example_profiles.lazy(), compiled, AT).collect()


def profile_of(profiles: pl.DataFrame, customer_id: str) -> dict[str, Any]:
    return profiles.filter(pl.col("customer_id") == customer_id).row(0, named=True)


def rows_of(evaluated: pl.DataFrame, customer_id: str) -> list[dict[str, Any]]:
    return evaluated.filter(pl.col("customer_id") == customer_id).to_dicts()
