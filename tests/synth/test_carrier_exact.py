"""Exact expectations on the seeded small carrier: row counts, determinism, the seed customer."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from goodcall.profiles.build import build_profiles
from goodcall.profiles.fields import PROFILE_SCHEMA
from goodcall.profiles.fixtures import SEED_CUSTOMER_ID, seed_customer_rows
from goodcall.profiles.frames import table_schema
from goodcall.profiles.schema import TABLES, TABLES_BY_NAME
from goodcall.synth.generate import SynthError, carrier_tables, iter_chunks

from .conftest import AT, CUSTOMERS, SEED

EXPECTED_ROWS = {
    "plans": 5,
    "promotions": 5,
    "customers": 2000,
    "lines": 3453,
    "line_changes": 25,
    "promotion_events": 2858,
    "preferences": 548,
    "consent": 2000,
    "contacts": 3995,
    "self_service": 2000,
    "cases": 154,
}


def test_exact_row_counts(carrier: dict[str, pl.DataFrame]) -> None:
    assert {name: frame.height for name, frame in carrier.items()} == EXPECTED_ROWS


def test_same_seed_same_carrier(carrier: dict[str, pl.DataFrame]) -> None:
    again = carrier_tables(CUSTOMERS, SEED)
    for name, frame in carrier.items():
        assert frame.equals(again[name]), name


def test_other_seed_other_carrier(carrier: dict[str, pl.DataFrame]) -> None:
    other = carrier_tables(CUSTOMERS, SEED + 1)
    assert other["customers"].height == CUSTOMERS
    for name in ("customers", "lines", "contacts", "promotion_events"):
        assert not carrier[name].equals(other[name]), name


def test_every_table_has_its_declared_schema(carrier: dict[str, pl.DataFrame]) -> None:
    assert list(carrier) == [t.name for t in TABLES]
    for table in TABLES:
        assert carrier[table.name].schema == table_schema(table), table.name


def test_seed_customer_rows_are_the_fixture(carrier: dict[str, pl.DataFrame]) -> None:
    for name, rows in seed_customer_rows().items():
        schema = table_schema(TABLES_BY_NAME[name])
        expected = pl.DataFrame(rows, schema=schema)
        got = carrier[name].filter(pl.col("customer_id") == SEED_CUSTOMER_ID)
        assert got.equals(expected), name


def test_seed_customer_can_be_left_out() -> None:
    tables = carrier_tables(300, SEED, include_seed_customer=False)
    assert tables["customers"].height == 300
    assert SEED_CUSTOMER_ID not in tables["customers"]["customer_id"].to_list()
    assert tables["customers"]["customer_id"][0] == "C-00000001"


def test_build_profiles_runs_on_the_carrier(carrier: dict[str, pl.DataFrame]) -> None:
    profiles = build_profiles({k: v.lazy() for k, v in carrier.items()}, AT).collect()
    assert profiles.schema == PROFILE_SCHEMA
    assert profiles.height == CUSTOMERS
    seed = profiles.filter(pl.col("customer_id") == SEED_CUSTOMER_ID).row(0, named=True)
    assert (seed["device_model"], seed["plan_id"], seed["register"]) == (
        "iPhone 13",
        "ULT_150",
        "formal",
    )
    assert seed["seen_promotions"] == ["PROMO_FETES_2026"]


def test_chunks_cover_the_customers_once() -> None:
    """Chunking of 700 over 1,500 customers: the seed customer, then 700, 700, 99."""
    sizes = [n for n, _ in iter_chunks(1_500, SEED, chunk_size=700)]
    assert sizes == [0, 1, 700, 700, 99]
    tables = carrier_tables(1_500, SEED, chunk_size=700)
    assert tables["customers"]["customer_id"].n_unique() == 1_500


@pytest.mark.parametrize("customers", [0, -5])
def test_bad_customer_count_is_refused(customers: int) -> None:
    with pytest.raises(SynthError, match="customers must be at least 1"):
        carrier_tables(customers, SEED)


def test_as_of_moves_the_history() -> None:
    """A carrier as of another date has its history before that date."""
    as_of = dt.date(2026, 6, 1)
    tables = carrier_tables(300, SEED, as_of, include_seed_customer=False)
    last = tables["contacts"]["at"].max()
    assert isinstance(last, dt.datetime)
    assert last < dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    assert tables["consent"]["national_dnc_snapshot"].unique().to_list() == [dt.date(2026, 5, 22)]
