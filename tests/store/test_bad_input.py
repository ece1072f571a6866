"""Each class of bad input is reported with file, row, column, value and what was expected —
and the store is left exactly as it was (a good import is done first, then a bad one with
--replace, which would have emptied the tables had it not been rolled back).

Bad inputs tried: missing column, unknown column, not a number, impossible date, unknown enum
value, misspelt time zone, duplicate id (within a file), dangling reference, missing required
file, timestamp without offset (CSV and Parquet), empty required value, negative count,
``yes`` for a boolean, a key already stored with ``--on-existing reject``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from goodcall.profiles.fixtures import seed_customer_tables
from goodcall.store.importer import ImportOptions, import_directory
from tests.store.conftest import assert_same_store, snapshot, two_customers, write_dir

Edit = Callable[[Path], None]


def _edit_csv(table: str, change: Callable[[pl.DataFrame], pl.DataFrame]) -> Edit:
    def edit(directory: Path) -> None:
        path = directory / f"{table}.csv"
        change(pl.read_csv(path, infer_schema=False)).write_csv(path)

    return edit


def _set(table: str, column: str, row: int, value: str | None) -> Edit:
    """Set one CSV cell (``row`` is the 1-based data row)."""

    def change(frame: pl.DataFrame) -> pl.DataFrame:
        index = pl.int_range(pl.len()) == row - 1
        return frame.with_columns(
            pl.when(index).then(pl.lit(value, pl.String)).otherwise(pl.col(column)).alias(column)
        )

    return _edit_csv(table, change)


def _remove(name: str) -> Edit:
    def edit(directory: Path) -> None:
        (directory / name).unlink()

    return edit


CASES: dict[str, tuple[Edit, dict[str, Any], str]] = {
    # name: (edit, the problem's file/row/column/value/problem, a fragment of "expected")
    "missing column": (
        _edit_csv("customers", lambda f: f.drop("phone")),
        {
            "file": "customers.csv",
            "row": None,
            "column": "phone",
            "value": None,
            "problem": "missing_column",
        },
        "required",
    ),
    "unknown column": (
        _edit_csv("customers", lambda f: f.with_columns(shoe_size=pl.lit("44"))),
        {
            "file": "customers.csv",
            "row": None,
            "column": "shoe_size",
            "value": None,
            "problem": "unknown_column",
        },
        "only columns customer_id, first_name",
    ),
    "not a number": (
        _set("lines", "data_usage_gb_m1", 2, "lots"),
        {
            "file": "lines.csv",
            "row": 2,
            "column": "data_usage_gb_m1",
            "value": "lots",
            "problem": "bad_value",
        },
        "a finite number",
    ),
    "impossible date": (
        _set("customers", "customer_since", 1, "2014-02-30"),
        {
            "file": "customers.csv",
            "row": 1,
            "column": "customer_since",
            "value": "2014-02-30",
            "problem": "bad_value",
        },
        "a date YYYY-MM-DD",
    ),
    "unknown enum": (
        _set("customers", "language", 2, "fr-QC"),
        {
            "file": "customers.csv",
            "row": 2,
            "column": "language",
            "value": "fr-QC",
            "problem": "unknown_value",
        },
        "one of: fr-CA, en-CA, en-US, fr-FR",
    ),
    "bad time zone": (
        _set("customers", "time_zone", 1, "America/Montral"),
        {
            "file": "customers.csv",
            "row": 1,
            "column": "time_zone",
            "value": "America/Montral",
            "problem": "bad_time_zone",
        },
        "an IANA time zone",
    ),
    "duplicate id": (
        _set("contacts", "contact_id", 2, "K-SEED-0001"),
        {
            "file": "contacts.csv",
            "row": 2,
            "column": "contact_id",
            "value": "K-SEED-0001",
            "problem": "duplicate_key",
        },
        "first used at row 1",
    ),
    "dangling reference": (
        _set("lines", "plan_id", 1, "ULT_999"),
        {
            "file": "lines.csv",
            "row": 1,
            "column": "plan_id",
            "value": "ULT_999",
            "problem": "dangling_reference",
        },
        "a plans.plan_id present in plans.csv or already stored",
    ),
    "missing required file": (
        _remove("consent.csv"),
        {
            "file": "consent.*",
            "row": None,
            "column": None,
            "value": None,
            "problem": "missing_file",
        },
        "consent.csv or consent.parquet",
    ),
    "timestamp without offset": (
        _set("contacts", "at", 1, "2026-05-06T14:30:00"),
        {
            "file": "contacts.csv",
            "row": 1,
            "column": "at",
            "value": "2026-05-06T14:30:00",
            "problem": "timestamp_without_offset",
        },
        "with offset",
    ),
    "null in required column": (
        _set("customers", "last_name", 2, None),
        {
            "file": "customers.csv",
            "row": 2,
            "column": "last_name",
            "value": None,
            "problem": "null_value",
        },
        "may not be empty",
    ),
    "out of range": (
        _set("self_service", "app_logins_90d", 1, "-3"),
        {
            "file": "self_service.csv",
            "row": 1,
            "column": "app_logins_90d",
            "value": "-3",
            "problem": "out_of_range",
        },
        ">= 0",
    ),
    "bad boolean": (
        _set("consent", "national_dnc", 2, "yes"),
        {
            "file": "consent.csv",
            "row": 2,
            "column": "national_dnc",
            "value": "yes",
            "problem": "bad_value",
        },
        "true or false",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_reported_and_store_untouched(
    store_url: str, tmp_path: Path, case: str
) -> None:
    edit, expected, fragment = CASES[case]
    first = import_directory(write_dir(two_customers(), tmp_path / "good"), store_url)
    assert first.landed
    before = snapshot(store_url)
    bad_dir = write_dir(two_customers(), tmp_path / "bad")
    edit(bad_dir)
    report = tmp_path / "problems.csv"
    result = import_directory(bad_dir, store_url, ImportOptions(replace=True, report=report))
    assert not result.landed
    assert result.written == {}
    problems = result.problems.first
    assert problems.height == 1, problems
    found = problems.row(0, named=True)
    assert {k: found[k] for k in expected} == expected
    assert fragment in found["expected"]
    assert pl.read_csv(report, infer_schema=False).height == 1
    assert_same_store(before, snapshot(store_url))


def test_parquet_timestamp_without_zone(store_url: str, tmp_path: Path) -> None:
    """A Parquet timestamp column with no time zone: every row, by 0-based row index."""
    tables = two_customers()
    tables["contacts"] = tables["contacts"].with_columns(pl.col("at").dt.replace_time_zone(None))
    directory = write_dir(tables, tmp_path / "in", "parquet")
    naive = pl.read_parquet(directory / "contacts.parquet").with_columns(
        pl.col("at").dt.replace_time_zone(None)
    )
    naive.write_parquet(directory / "contacts.parquet")
    result = import_directory(directory, store_url)
    assert not result.landed
    rows = result.problems.first.select("file", "row", "column", "problem").rows()
    assert rows == [
        ("contacts.parquet", 0, "at", "timestamp_without_offset"),
        ("contacts.parquet", 1, "at", "timestamp_without_offset"),
    ]
    assert snapshot(store_url)["customers"].height == 0


def test_existing_key_rejected_on_request(store_url: str, tmp_path: Path) -> None:
    assert import_directory(write_dir(seed_customer_tables(), tmp_path / "a"), store_url).landed
    before = snapshot(store_url)
    options = ImportOptions(on_existing="reject")
    result = import_directory(write_dir(two_customers(), tmp_path / "b"), store_url, options)
    assert not result.landed
    counts = result.problems.counts_frame().filter(pl.col("file") == "customers.csv")
    assert counts.rows() == [("customers.csv", "already_stored", 1)]
    assert_same_store(before, snapshot(store_url))


def test_every_problem_is_reported(store_url: str, tmp_path: Path) -> None:
    """Problems in several files and rows are all reported, not just the first."""
    directory = write_dir(two_customers(), tmp_path / "in")
    _set("customers", "language", 1, "klingon")(directory)
    _set("customers", "value", 2, "-5")(directory)
    _set("contacts", "channel", 2, "pigeon")(directory)
    (directory / "notes.csv").write_text("a\n1\n")
    result = import_directory(directory, store_url)
    assert not result.landed
    assert result.problems.counts_frame().rows() == [
        ("contacts.csv", "unknown_value", 1),
        ("customers.csv", "out_of_range", 1),
        ("customers.csv", "unknown_value", 1),
        ("notes.csv", "unknown_file", 1),
    ]
    assert result.problems.errors == 3
    assert result.problems.warnings == 1
