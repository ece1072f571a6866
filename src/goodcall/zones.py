"""Local clocks for a column of IANA time zones, vectorised.

Polars converts a whole column to *one* time zone; customers live in many. These helpers split a
column by its distinct zones (a handful, never one per customer), convert each part natively, and
put the parts back in order. An unknown zone gives null, which the policy engine turns into a
blocked channel with the reason — never a guess.
"""

from __future__ import annotations

import functools
import zoneinfo
from collections.abc import Callable

import polars as pl

UTC_DATETIME = pl.Datetime("us", "UTC")
LOCAL_DATETIME = pl.Datetime("us")
Convert = Callable[[pl.Expr, str], pl.Expr]


@functools.cache
def known_zones() -> frozenset[str]:
    """Every IANA zone name this machine knows (including links such as America/Montreal)."""
    return frozenset(zoneinfo.available_timezones())


def is_known_zone(name: str) -> bool:
    return name in known_zones()


def to_local(utc: pl.Expr, time_zone: pl.Expr) -> pl.Expr:
    """The naive local wall-clock datetime of ``utc`` (UTC-aware) in each row's ``time_zone``."""
    return pl.struct(utc.alias("t"), time_zone.alias("z")).map_batches(
        _utc_to_local, return_dtype=LOCAL_DATETIME, is_elementwise=True
    )


def to_utc(local: pl.Expr, time_zone: pl.Expr) -> pl.Expr:
    """The UTC instant of a naive local datetime in each row's ``time_zone``.

    A wall-clock time repeated by a DST change takes its earlier instant; one skipped by a DST
    change gives null.
    """
    return pl.struct(local.alias("t"), time_zone.alias("z")).map_batches(
        _local_to_utc, return_dtype=UTC_DATETIME, is_elementwise=True
    )


def _utc_to_local(packed: pl.Series) -> pl.Series:
    return _by_zone(
        packed,
        LOCAL_DATETIME,
        lambda t, z: t.cast(UTC_DATETIME).dt.convert_time_zone(z).dt.replace_time_zone(None),
    )


def _local_to_utc(packed: pl.Series) -> pl.Series:
    return _by_zone(
        packed,
        UTC_DATETIME,
        lambda t, z: (
            t.cast(LOCAL_DATETIME)
            .dt.replace_time_zone(z, ambiguous="earliest", non_existent="null")
            .dt.convert_time_zone("UTC")
        ),
    )


def _by_zone(packed: pl.Series, dtype: pl.DataType, convert: Convert) -> pl.Series:
    frame = packed.struct.unnest()
    zones = [z for z in frame.get_column("z").unique().to_list() if z and is_known_zone(z)]
    out = pl.Series("t", [None] * frame.height, dtype=dtype)
    if len(zones) == 1 and frame.get_column("z").eq_missing(zones[0]).all():  # no null zone
        return frame.select(convert(pl.col("t"), zones[0]).alias("t")).to_series()
    indexed = frame.with_row_index("i")
    for zone in zones:
        part = indexed.filter(pl.col("z") == zone).select(
            "i",
            convert(pl.col("t"), zone).alias("v"),
        )
        out = out.scatter(part.get_column("i"), part.get_column("v"))
    return out
