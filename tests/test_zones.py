"""Local clocks of a column of zones: a row without a known zone has no local clock."""

from __future__ import annotations

import datetime as dt

import polars as pl

from goodcall.zones import UTC_DATETIME, to_local, to_utc

AT = dt.datetime(2026, 10, 20, 10, 19, tzinfo=dt.UTC)


def test_a_row_without_zone_beside_rows_of_one_zone_has_no_local_clock() -> None:
    """The shortcut for a column of one zone once converted the null zones' rows too (so a
    customer without a zone, judged beside customers of Paris, got Paris's clock)."""
    frame = pl.DataFrame(
        {"t": [AT, AT, AT], "z": [None, "Europe/Paris", "Nowhere/X"]},
        schema={"t": UTC_DATETIME, "z": pl.String},
    )
    local = frame.select(to_local(pl.col("t"), pl.col("z")).alias("local"))
    assert local.get_column("local").to_list() == [None, dt.datetime(2026, 10, 20, 12, 19), None]
    naive = pl.DataFrame(
        {"t": [dt.datetime(2026, 10, 20, 12, 19)] * 2, "z": ["Europe/Paris", None]}
    )
    utc = naive.select(to_utc(pl.col("t"), pl.col("z")).alias("utc"))
    assert utc.get_column("utc").to_list() == [AT, None]
