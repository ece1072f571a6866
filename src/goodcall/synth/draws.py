"""Vectorised building blocks of the generator: categorical draws, dates, local time to UTC.

Dates travel as NumPy ``int64`` days since 1970-01-01 and instants as ``int64`` microseconds since
the epoch (UTC), and become Polars ``Date`` / ``Datetime("us", "UTC")`` columns only at the end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
import polars as pl

from goodcall.synth.geo import TIME_ZONES
from goodcall.zones import UTC_DATETIME

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
B = npt.NDArray[np.bool_]

EPOCH = dt.date(1970, 1, 1)
MICROS_PER_DAY = 86_400_000_000
MICROS_PER_MINUTE = 60_000_000


def day_number(day: dt.date) -> int:
    """Days since 1970-01-01."""
    return (day - EPOCH).days


def choose(rng: np.random.Generator, weights: Sequence[float], size: int) -> I64:
    """Indices drawn with probability proportional to ``weights``."""
    w = np.asarray(weights, dtype=np.float64)
    cumulative = np.cumsum(w / w.sum())
    cumulative[-1] = 1.0
    out: I64 = np.searchsorted(cumulative, rng.random(size), side="right").astype(np.int64)
    return out


def choose_rows(rng: np.random.Generator, weights: npt.NDArray[np.float64]) -> I64:
    """One index per row of a weights matrix (rows need not be normalised)."""
    cumulative: F64 = np.cumsum(weights, axis=1)
    cumulative /= cumulative[:, -1:]
    u: F64 = rng.random((weights.shape[0], 1))
    out: I64 = np.minimum((u > cumulative).sum(axis=1), weights.shape[1] - 1).astype(np.int64)
    return out


def pick(values: Sequence[str | None], index: I64, name: str) -> pl.Series:
    """``values[index]`` as a String series (a gather, not a Python loop)."""
    return pl.Series(name, list(values), dtype=pl.String).gather(pl.Series(index))


def dates(name: str, days: I64) -> pl.Series:
    return pl.Series(name, days.astype(np.int32)).cast(pl.Date)


def instants(name: str, micros: I64) -> pl.Series:
    return (
        pl.Series(name, micros)
        .cast(pl.Datetime("us"))
        .dt.replace_time_zone("UTC")
        .cast(UTC_DATETIME)
    )


@lru_cache(maxsize=200_000)
def _offset_minutes(zone: str, day: int) -> int:
    """UTC offset of ``zone`` at local noon of ``day`` (days since epoch), in minutes."""
    noon = dt.datetime.combine(EPOCH + dt.timedelta(days=day), dt.time(12), ZoneInfo(zone))
    offset = noon.utcoffset()
    return int(offset.total_seconds() // 60) if offset is not None else 0


def local_to_utc(days: I64, local_minutes: I64, zone_index: I64) -> I64:
    """Instants (µs UTC) of local clock times in each row's zone (offset of that local day).

    Exact for local times between 03:00 and 24:00 (daylight-saving changes happen around 02:00).
    """
    if days.size == 0:
        return np.zeros(0, dtype=np.int64)
    key = zone_index.astype(np.int64) * 1_000_000 + days
    unique, inverse = np.unique(key, return_inverse=True)
    offsets = np.array(
        [_offset_minutes(TIME_ZONES[int(k // 1_000_000)], int(k % 1_000_000)) for k in unique],
        dtype=np.int64,
    )
    minutes = local_minutes - offsets[inverse]
    out: I64 = days * MICROS_PER_DAY + minutes * MICROS_PER_MINUTE
    return out


def uniform_days(rng: np.random.Generator, start: I64, end: I64) -> I64:
    """A day uniformly in ``[start, end]`` per row (``end`` clipped up to ``start``)."""
    span = np.maximum(end - start, 0) + 1
    out: I64 = start + np.floor(rng.random(start.shape[0]) * span).astype(np.int64)
    return out


def add_months(days: I64, months: int) -> I64:
    """The same day ``months`` later (clamped to the month's length), vectorised."""
    d = days.astype("datetime64[D]")
    month = d.astype("datetime64[M]")
    day_of_month = (d - month).astype(np.int64)
    target = month + np.timedelta64(months, "M")
    length = (
        (target + np.timedelta64(1, "M")).astype("datetime64[D]") - target.astype("datetime64[D]")
    ).astype(np.int64)
    out: I64 = (target.astype("datetime64[D]") + np.minimum(day_of_month, length - 1)).astype(
        np.int64
    )
    return out


def last_event_day(as_of_day: int) -> int:
    """Last day events may happen on: two days before the as-of date, so every event, at any
    local hour in any zone, is over before the as-of date begins in UTC."""
    return as_of_day - 2
