"""Import the seed customer (CSV and Parquet) on each backend and read back exactly."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from goodcall.profiles.build import build_profiles
from goodcall.profiles.fixtures import SEED_CUSTOMER_ID, seed_customer_tables
from goodcall.profiles.frames import table_schema
from goodcall.profiles.schema import TABLES
from goodcall.store.importer import ImportOptions, import_directory
from goodcall.store.reader import load_profiles, load_tables
from tests.store.conftest import snapshot, two_customers, write_dir

AT = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_seed_round_trips_exactly(store_url: str, tmp_path: Path, fmt: str) -> None:
    seed = seed_customer_tables()
    result = import_directory(write_dir(seed, tmp_path / "in", fmt), store_url)  # type: ignore[arg-type]
    assert result.landed, result.problems.first
    assert result.written == {
        "plans": 5,
        "promotions": 5,
        "customers": 1,
        "lines": 1,
        "promotion_events": 2,
        "preferences": 1,
        "consent": 1,
        "contacts": 1,
        "self_service": 1,
    }
    stored = load_tables(store_url)
    assert set(stored) == {t.name for t in TABLES}
    for table in TABLES:
        got = stored[table.name].collect()
        assert got.schema == table_schema(table), table.name
        assert got.sort(list(table.key)).equals(seed[table.name].collect().sort(list(table.key)))
    profiles = load_profiles(AT, store_url).collect()
    assert profiles.equals(build_profiles(seed, AT).collect())
    assert profiles.row(0, named=True)["plan_id"] == "ULT_150"


def test_customer_ids_restrict_customer_tables_only(store_url: str, tmp_path: Path) -> None:
    assert import_directory(write_dir(two_customers(), tmp_path / "in"), store_url).landed
    some = load_tables(store_url, customer_ids=["C-X-0002"])
    assert some["customers"].collect()["customer_id"].to_list() == ["C-X-0002"]
    assert some["lines"].collect()["line_id"].to_list() == ["L-X-0002"]
    assert some["promotion_events"].collect().height == 2
    assert some["plans"].collect().height == 5  # reference tables are always whole
    assert some["promotions"].collect().height == 5
    none = load_tables(store_url, customer_ids=[])
    assert none["customers"].collect().height == 0
    profiles = load_profiles(AT, store_url, [SEED_CUSTOMER_ID, "C-X-0002"]).collect()
    assert sorted(profiles["customer_id"]) == [SEED_CUSTOMER_ID, "C-X-0002"]


def test_update_without_replace_changes_only_given_rows(store_url: str, tmp_path: Path) -> None:
    """Re-importing a changed row updates it in place; rows not in the files stay."""
    assert import_directory(write_dir(two_customers(), tmp_path / "a"), store_url).landed
    seed = seed_customer_tables()
    seed["customers"] = seed["customers"].with_columns(first_name=pl.lit("Michèle"))
    seed["contacts"] = seed["contacts"].with_columns(outcome=pl.lit("declined"))
    result = import_directory(write_dir(seed, tmp_path / "b"), store_url)
    assert result.landed, result.problems.first
    after = snapshot(store_url)
    assert after["customers"]["first_name"].to_list() == ["Michèle", "Michel"]
    assert after["customers"]["customer_id"].to_list() == ["C-SEED-0001", "C-X-0002"]
    assert after["contacts"]["outcome"].to_list() == ["declined", "no_answer"]


def test_replace_makes_the_store_the_directory(store_url: str, tmp_path: Path) -> None:
    assert import_directory(write_dir(two_customers(), tmp_path / "a"), store_url).landed
    seed = seed_customer_tables()
    del seed["self_service"]  # optional: absent from the directory → empty after --replace
    options = ImportOptions(replace=True)
    assert import_directory(write_dir(seed, tmp_path / "b"), store_url, options).landed
    after = snapshot(store_url)
    assert after["customers"]["customer_id"].to_list() == [SEED_CUSTOMER_ID]
    assert after["self_service"].height == 0
    assert after["contacts"]["contact_id"].to_list() == ["K-SEED-0001"]


def test_small_batches_give_the_same_store(store_url: str, tmp_path: Path) -> None:
    """Batches of one row: keys and references are tracked across batches."""
    options = ImportOptions(batch_rows=1)
    assert import_directory(write_dir(two_customers(), tmp_path / "a"), store_url, options).landed
    assert snapshot(store_url)["promotion_events"].height == 4
