"""The next allowed window: legal hours ∩ not a holiday ∩ preferred hours, from a given instant.

Windows depend only on (jurisdiction, time zone, preferred hours), and customers share a few of
those, so the calendar of the next days is built once per distinct key — never per customer —
then each customer finds, with an as-of join, the first window that ends after the moment their
blocks lift (a cool-down, a frequency cap) or after the decision time.
"""

from __future__ import annotations

import bisect
import datetime as dt

import polars as pl

from goodcall.memo import PerObject
from goodcall.policy.local import holiday, preferred_pieces, window_table
from goodcall.policy.resolve import CompiledPolicies
from goodcall.zones import UTC_DATETIME, to_utc

KEY_COLUMNS = ("__jur", "__tz", "preferred_start", "preferred_end")


def schedule_key() -> pl.Expr:
    """One string per (jurisdiction, zone, preferred hours) — the calendar's join key."""
    return pl.concat_str(
        [pl.col(c).cast(pl.String).fill_null("-") for c in KEY_COLUMNS], separator="|"
    )


def windows_ahead(
    rows: pl.LazyFrame,
    compiled: CompiledPolicies,
    at: dt.datetime,
    *,
    preferred: bool,
) -> pl.LazyFrame:
    """``__key``, ``w_start_utc``, ``w_end_utc`` for every distinct key of ``rows``: the allowed
    windows from ``at`` to the end of the horizon, sorted by end."""
    at = at.astimezone(dt.UTC)
    keys = rows.select(*KEY_COLUMNS).unique()
    return _from(_calendar(keys, compiled, _first_day(at), preferred), compiled, at)


def windows_ahead_of(
    keys: pl.DataFrame, compiled: CompiledPolicies, at: dt.datetime, *, preferred: bool
) -> pl.LazyFrame:
    """:func:`windows_ahead` of the distinct ``keys`` (:data:`KEY_COLUMNS`) already known: each
    key's calendar is built once per compiled policies and first day and kept (a decision of one
    customer would otherwise build its days, holidays and zone conversions on every call)."""
    at = at.astimezone(dt.UTC)
    wanted = list(keys.select(KEY_COLUMNS).unique().iter_rows())
    tables = [kept.frame for kept in _kept(wanted, compiled, at, preferred)]
    return _from(pl.concat([_EMPTY, *tables]).lazy(), compiled, at)


Key = tuple[object, ...]
"""A row's values of :data:`KEY_COLUMNS`."""


class _Kept:
    """One key's calendar from one first day (:func:`_calendar`, collected): as a frame, and as
    its windows' starts and ends sorted by end for :func:`next_window_row`."""

    def __init__(self, frame: pl.DataFrame) -> None:
        ordered = frame.sort("w_end_utc", maintain_order=True)
        self.frame = frame
        self.starts: list[dt.datetime] = ordered.get_column("w_start_utc").to_list()
        self.ends: list[dt.datetime] = ordered.get_column("w_end_utc").to_list()


def _kept(
    keys: list[Key], compiled: CompiledPolicies, at: dt.datetime, preferred: bool
) -> list[_Kept]:
    """The kept calendar of each distinct key of ``keys`` from ``at``'s first day (built for
    those not kept yet)."""
    first = _first_day(at)
    kept = _CALENDARS.get(compiled, dict)
    wanted = list(dict.fromkeys((*key, first, preferred) for key in keys))
    missing = [k for k in wanted if k not in kept]
    if len(kept) + len(missing) > _CALENDARS_KEPT:
        kept.clear()
        missing = wanted
    for key in missing:
        one = pl.DataFrame([key[:4]], schema=_KEY_SCHEMA, orient="row").lazy()
        kept[key] = _Kept(_calendar(one, compiled, first, preferred).collect())
    return [kept[k] for k in wanted]


def windows_of_row(
    key: Key, compiled: CompiledPolicies, at: dt.datetime, *, preferred: bool
) -> tuple[list[dt.datetime], list[dt.datetime]]:
    """The starts and ends (sorted by end) of one row's windows from its kept calendar, as
    :func:`windows_ahead_of` gives them before :func:`_from`: none when the row's jurisdiction
    or zone is unknown (the calendar has no row for such a key)."""
    if key[0] is None or key[1] is None:
        return [], []
    (kept,) = _kept([key], compiled, at.astimezone(dt.UTC), preferred)
    return kept.starts, kept.ends


_CALENDARS: PerObject[dict[tuple[object, ...], _Kept]] = PerObject()
_CALENDARS_KEPT = 4096
_EMPTY = pl.DataFrame(
    schema={"__key": pl.String, "w_start_utc": UTC_DATETIME, "w_end_utc": UTC_DATETIME}
)
_KEY_SCHEMA = {
    "__jur": pl.String,
    "__tz": pl.String,
    "preferred_start": pl.Time,
    "preferred_end": pl.Time,
}


def _first_day(at: dt.datetime) -> dt.date:
    return at.astimezone(dt.UTC).date() - dt.timedelta(days=1)


def _calendar(
    keys: pl.LazyFrame, compiled: CompiledPolicies, first: dt.date, preferred: bool
) -> pl.LazyFrame:
    """Every allowed window of each key from ``first`` to the horizon's end (and two days)."""
    horizon = compiled.policies.horizon_days
    days = pl.DataFrame(
        {"__local_date": [first + dt.timedelta(days=d) for d in range(horizon + 3)]}
    ).lazy()
    keyed = keys.filter(pl.col("__jur").is_not_null() & pl.col("__tz").is_not_null()).with_columns(
        schedule_key().alias("__key")
    )
    spans = (
        keyed.join(days, how="cross")
        .with_columns(
            pl.col("__local_date").dt.weekday().cast(pl.Int64).alias("__weekday"),
            holiday(pl.col("__jur"), pl.col("__local_date"), compiled).alias("__holiday"),
        )
        .filter(pl.col("__holiday").is_null())
        .join(window_table(compiled).lazy(), on=["__jur", "__weekday"], how="inner")
    )
    pieces = preferred_pieces() if preferred else [(pl.lit(0), pl.lit(24 * 60))]
    parts = [
        spans.with_columns(
            pl.max_horizontal("w_start", start).alias("__s"),
            pl.min_horizontal("w_end", end).alias("__e"),
        ).filter(pl.col("__s") < pl.col("__e"))
        for start, end in pieces
    ]
    midnight = pl.col("__local_date").cast(pl.Datetime("us"))
    return (
        pl.concat(parts)
        .select(
            "__key",
            to_utc(midnight + pl.duration(minutes=pl.col("__s")), pl.col("__tz")).alias(
                "w_start_utc"
            ),
            to_utc(midnight + pl.duration(minutes=pl.col("__e")), pl.col("__tz")).alias(
                "w_end_utc"
            ),
        )
        .drop_nulls()
    )


def _from(calendar: pl.LazyFrame, compiled: CompiledPolicies, at: dt.datetime) -> pl.LazyFrame:
    """The windows of ``calendar`` that end after ``at`` and start within the horizon."""
    horizon_end = at + dt.timedelta(days=compiled.policies.horizon_days)
    return calendar.filter(
        (pl.col("w_end_utc") > pl.lit(at, UTC_DATETIME))
        & (pl.col("w_start_utc") <= pl.lit(horizon_end, UTC_DATETIME))
    ).sort("w_end_utc")


def next_window(
    rows: pl.LazyFrame,
    windows: pl.LazyFrame,
    threshold: str,
    horizon_end: dt.datetime,
    prefix: str,
) -> pl.LazyFrame:
    """``rows`` plus ``{prefix}_start`` and ``{prefix}_end``: the first window ending after the
    ``threshold`` column (null threshold: never; nothing within the horizon: null)."""
    start, end = f"{prefix}_start", f"{prefix}_end"
    found = (
        rows.select("__row", "__key", pl.col(threshold).alias("__from"))
        .filter(pl.col("__from").is_not_null())
        .sort("__from")
        .join_asof(
            windows,
            left_on="__from",
            right_on="w_end_utc",
            by="__key",
            strategy="forward",
            allow_exact_matches=False,
            check_sortedness=False,
        )
        .filter(pl.col("w_end_utc").is_not_null())
        .select(
            "__row",
            pl.max_horizontal("w_start_utc", "__from").alias(start),
            pl.col("w_end_utc").alias(end),
        )
        .filter(pl.col(start) <= pl.lit(horizon_end, UTC_DATETIME))
    )
    return rows.join(found, on="__row", how="left", maintain_order="left")


def next_window_row(
    starts: list[dt.datetime],
    ends: list[dt.datetime],
    since: dt.datetime | None,
    at: dt.datetime,
    horizon_end: dt.datetime,
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """:func:`next_window` of one row, from its windows (:func:`windows_of_row`): the first
    window of :func:`_from` (ending after ``at``, starting within the horizon) that ends after
    ``since``, started no earlier than ``since``; (None, None) when none is within the horizon."""
    if since is None:
        return None, None
    for j in range(bisect.bisect_right(ends, max(since, at)), len(ends)):
        if starts[j] <= horizon_end:
            start = max(starts[j], since)
            return (start, ends[j]) if start <= horizon_end else (None, None)
    return None, None
