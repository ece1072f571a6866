"""The optional ``line_changes`` table: imported, read back and used by the stored profiles; bad
rows are reported with file, row, column, value and what was expected, and the store is left
exactly as it was.

Bad inputs tried: ``changed_at`` without a UTC offset, a ``line_id`` not in ``lines``, an
unknown ``device_os``, a ``plan_id`` not in ``plans``, the same line and instant twice, an
empty required ``device_model``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from goodcall.profiles.frames import table_schema
from goodcall.profiles.schema import LINE_CHANGES
from goodcall.store.files import FileFormat
from goodcall.store.importer import ImportOptions, import_directory
from goodcall.store.reader import load_profiles, load_tables
from tests.store.conftest import assert_same_store, snapshot, two_customers, write_dir

UTC = dt.UTC
PLAN_MOVED = dt.datetime(2024, 4, 12, 16, 20, tzinfo=UTC)
HEADER = (
    "line_id,customer_id,changed_at,plan_id,device_make,device_model,device_os,"
    "device_purchase_date,financing_end_date"
)
GOOD_ROWS = (
    "L-SEED-0001,C-SEED-0001,2024-04-12T12:20:00-04:00,MAX_60,Apple,iPhone 13,iOS,2022-10-01,"
    "2024-10-01",
    "L-X-0002,C-X-0002,2022-10-01T15:00:00Z,PLUS_20,Samsung,Galaxy S9,Android,2018-05-01,",
)


def _tables() -> dict[str, pl.LazyFrame]:
    """Two customers; the seed customer's line was on MAX_60 until 2024-04-12 16:20 UTC."""
    tables = two_customers()
    row = {
        "line_id": "L-SEED-0001",
        "customer_id": "C-SEED-0001",
        "changed_at": PLAN_MOVED,
        "plan_id": "MAX_60",
        "device_make": "Apple",
        "device_model": "iPhone 13",
        "device_os": "iOS",
        "device_purchase_date": dt.date(2022, 10, 1),
        "financing_end_date": dt.date(2024, 10, 1),
    }
    tables["line_changes"] = pl.DataFrame([row], schema=table_schema(LINE_CHANGES)).lazy()
    return tables


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_line_changes_round_trip_and_rewind_stored_profiles(
    store_url: str, tmp_path: Path, fmt: FileFormat
) -> None:
    tables = _tables()
    result = import_directory(write_dir(tables, tmp_path / "in", fmt), store_url)
    assert result.landed, result.problems.first
    assert result.written["line_changes"] == 1
    stored = load_tables(store_url)["line_changes"].collect()
    assert stored.equals(tables["line_changes"].collect())
    before = load_profiles(PLAN_MOVED - dt.timedelta(seconds=1), store_url).collect()
    plans = dict(before.select("customer_id", "plan_id").iter_rows())
    assert plans == {"C-SEED-0001": "MAX_60", "C-X-0002": "ULT_150"}
    now = load_profiles(PLAN_MOVED, store_url).collect()
    assert now.filter(pl.col("customer_id") == "C-SEED-0001")["plan_id"].to_list() == ["ULT_150"]


def test_a_csv_file_with_offsets_is_read_in_utc(store_url: str, tmp_path: Path) -> None:
    directory = write_dir(two_customers(), tmp_path / "in")
    (directory / "line_changes.csv").write_text("\n".join((HEADER, *GOOD_ROWS)) + "\n")
    result = import_directory(directory, store_url)
    assert result.landed, result.problems.first
    stored = load_tables(store_url)["line_changes"].collect().sort("line_id")
    assert stored["changed_at"].to_list() == [
        PLAN_MOVED,
        dt.datetime(2022, 10, 1, 15, 0, tzinfo=UTC),
    ]
    assert stored["financing_end_date"].to_list() == [dt.date(2024, 10, 1), None]


EARLIER = (
    "L-SEED-0001,C-SEED-0001,2022-10-01T11:00:00-04:00,PLUS_20,Samsung,Galaxy S9,Android,"
    "2018-05-01,"
)


def _bad(field: str, value: str) -> str:
    """A good earlier state of the seed customer's line, with one field replaced."""
    names = HEADER.split(",")
    values = EARLIER.split(",")
    values[names.index(field)] = value
    return ",".join(values)


BAD: dict[str, tuple[str, dict[str, Any], str]] = {
    # name: (the second data row, the problem's row/column/value/problem, part of "expected")
    "timestamp without offset": (
        _bad("changed_at", "2024-04-12T16:20:00"),
        {
            "column": "changed_at",
            "value": "2024-04-12T16:20:00",
            "problem": "timestamp_without_offset",
        },
        "with offset",
    ),
    "line not in lines": (
        _bad("line_id", "L-NOPE-0009"),
        {"column": "line_id", "value": "L-NOPE-0009", "problem": "dangling_reference"},
        "a lines.line_id present in lines.csv or already stored",
    ),
    "unknown device os": (
        _bad("device_os", "Symbian"),
        {"column": "device_os", "value": "Symbian", "problem": "unknown_value"},
        "one of: iOS, Android, Other",
    ),
    "plan not in plans": (
        _bad("plan_id", "MAX_61"),
        {"column": "plan_id", "value": "MAX_61", "problem": "dangling_reference"},
        "a plans.plan_id present in plans.csv",
    ),
    "same line and instant twice": (
        GOOD_ROWS[0],
        {"column": "line_id,changed_at", "problem": "duplicate_key"},
        "first used at row 1",
    ),
    "empty device model": (
        _bad("device_model", ""),
        {"column": "device_model", "value": None, "problem": "null_value"},
        "may not be empty",
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_line_change_is_named_and_store_untouched(
    store_url: str, tmp_path: Path, case: str
) -> None:
    assert import_directory(write_dir(_tables(), tmp_path / "good"), store_url).landed
    before = snapshot(store_url)
    row, expected, fragment = BAD[case]
    directory = write_dir(two_customers(), tmp_path / "bad")
    (directory / "line_changes.csv").write_text("\n".join((HEADER, GOOD_ROWS[0], row)) + "\n")
    result = import_directory(directory, store_url, ImportOptions(replace=True))
    assert not result.landed
    problems = result.problems.first
    assert problems.height == 1, problems
    found = problems.row(0, named=True)
    assert (found["file"], found["row"]) == ("line_changes.csv", 2)
    assert {k: found[k] for k in expected} == expected
    assert fragment in found["expected"]
    assert_same_store(before, snapshot(store_url))
