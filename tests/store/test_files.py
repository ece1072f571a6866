"""write_tables / read_table_file: the import format on disk, without a store."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from goodcall.profiles.fixtures import seed_customer_tables
from goodcall.profiles.frames import table_schema
from goodcall.profiles.schema import TABLES_BY_NAME
from goodcall.store.files import TableFileError, read_table_file, write_tables


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_write_then_read_is_exact(tmp_path: Path, fmt: str) -> None:
    tables = seed_customer_tables()
    paths = write_tables(tables, tmp_path, fmt)  # type: ignore[arg-type]
    assert sorted(p.name for p in paths) == sorted(f"{name}.{fmt}" for name in tables)
    for name, frame in tables.items():
        got = read_table_file(tmp_path / f"{name}.{fmt}", name)
        assert got.schema == table_schema(TABLES_BY_NAME[name])
        assert got.equals(frame.collect())


def test_csv_conventions(tmp_path: Path) -> None:
    write_tables(seed_customer_tables(), tmp_path, "csv")
    assert (tmp_path / "preferences.csv").read_text().splitlines()[1] == (
        "C-SEED-0001,phone;email;app,09:00,17:00,false"
    )
    events = (tmp_path / "promotion_events.csv").read_text().splitlines()
    assert (
        events[1] == "C-SEED-0001,PROMO_ULT_2024,redeemed,2024-04-12T16:20:00+00:00,web,L-SEED-0001"
    )


def test_offsets_and_forms_are_accepted(tmp_path: Path) -> None:
    """Offsets are converted to UTC; Z, no seconds and a space separator are ISO forms too."""
    path = tmp_path / "cases.csv"
    path.write_text(
        "case_id,customer_id,kind,status,opened_at\n"
        "A,C1,repair,open,2026-11-20T19:05:00-05:00\n"
        "B,C1,repair,open,2026-11-21T00:05Z\n"
        "C,C1,billing,closed,2026-11-21 01:05:00.250+01:00\n"
    )
    frame = read_table_file(path, "cases")
    utc = dt.UTC
    assert frame["opened_at"].to_list() == [
        dt.datetime(2026, 11, 21, 0, 5, tzinfo=utc),
        dt.datetime(2026, 11, 21, 0, 5, tzinfo=utc),
        dt.datetime(2026, 11, 21, 0, 5, 0, 250000, tzinfo=utc),
    ]
    assert frame["summary"].to_list() == [None, None, None]  # optional column left out


def test_bad_file_raises_with_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    path.write_text(
        "case_id,customer_id,kind,status,opened_at\n"
        "A,C1,repair,open,2026-11-20T19:05:00\n"
        "A,C1,fire,open,2026-11-20T19:05:00Z\n"
    )
    with pytest.raises(TableFileError) as raised:
        read_table_file(path, "cases")
    assert raised.value.problems.select("row", "column", "problem").rows() == [
        (2, "kind", "unknown_value"),
        (1, "opened_at", "timestamp_without_offset"),
        (2, "case_id", "duplicate_key"),
    ]


def test_list_items_with_separator_are_refused(tmp_path: Path) -> None:
    prefs = seed_customer_tables()["preferences"].with_columns(
        channels_accepted=pl.lit(["phone;sms"])
    )
    with pytest.raises(ValueError, match="may not contain ';'"):
        write_tables({"preferences": prefs}, tmp_path, "csv")
