"""Each row's local clock, and what the calendar says about it.

For a row (a customer at a decision time) this adds: the jurisdiction the policies know, the time
zone used (the customer's own; a jurisdiction's fallback only when that is missing or unknown),
the local date, minute of the day and weekday, whether the legal window is open, the public
holiday if any, and whether the customer's preferred hours allow it. The same helpers build the
schedule of future windows, so "allowed now" and "next window" cannot disagree.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Mapping
from typing import Any

import polars as pl

from goodcall.memo import PerObject
from goodcall.policy.model import WEEKDAYS, clock_text
from goodcall.policy.resolve import CompiledPolicies, holiday_name
from goodcall.zones import known_zones, to_local

DAY_MINUTES = 24 * 60
LIMITS = (
    ("__att_max", "attempts_max"),
    ("__att_days", "attempts_days"),
    ("__cool_days", "cooldown"),
)
"""The per-jurisdiction limits a row carries: (column, what :func:`jurisdiction_limits` reads)."""


def with_local_clock(rows: pl.LazyFrame, compiled: CompiledPolicies) -> pl.LazyFrame:
    """Adds ``__jur``, ``__tz``, ``__local``, ``__local_date``, ``__minute``, ``__weekday``
    (1 = Monday), per-jurisdiction limits, ``__in_legal``, ``__legal_text``, ``__holiday`` and
    ``__in_preferred``; needs ``__at`` and the profile columns."""
    limits, clock, calendar = _clock_columns(compiled)
    rows = with_local_date(rows, compiled).with_columns(limits)
    return rows.with_columns(clock).with_columns(calendar)


_Stages = tuple[list[pl.Expr], list[pl.Expr], list[pl.Expr]]
_CLOCK_COLUMNS: PerObject[_Stages] = PerObject()


def _clock_columns(compiled: CompiledPolicies) -> _Stages:
    """The three stages of :func:`with_local_clock` after the local date, built once per
    compiled policies (they read columns only, never the decision time)."""
    return _CLOCK_COLUMNS.get(compiled, lambda: _build_clock_columns(compiled))


def _build_clock_columns(compiled: CompiledPolicies) -> _Stages:
    jur = pl.col("__jur")
    limits = []
    for column, what in LIMITS:
        values, default = jurisdiction_limits(compiled, what)
        limits.append(
            jur.replace_strict(values, default=default, return_dtype=pl.Int64).alias(column)
        )
    local = pl.col("__local")
    clock = [
        (local.dt.hour().cast(pl.Int64) * 60 + local.dt.minute().cast(pl.Int64)).alias("__minute"),
        local.dt.weekday().cast(pl.Int64).alias("__weekday"),
    ]
    minute = pl.col("__minute")
    calendar = [
        in_windows(compiled, jur, pl.col("__weekday"), minute).alias("__in_legal"),
        windows_text(compiled, jur, pl.col("__weekday")).alias("__legal_text"),
        holiday(jur, pl.col("__local_date"), compiled).alias("__holiday"),
        in_preferred(minute).alias("__in_preferred"),
    ]
    return limits, clock, calendar


def with_local_date(rows: pl.LazyFrame, compiled: CompiledPolicies) -> pl.LazyFrame:
    """Adds ``__jur`` (the jurisdiction the policies know, else null), ``__tz`` (the customer's
    own zone, else the jurisdiction's fallback), ``__local`` and ``__local_date`` — the date the
    jurisdiction's rules are read in; needs ``__at``, ``jurisdiction`` and ``time_zone``."""
    keys = sorted(compiled.jurisdictions)
    fallback = _fallback_zones(compiled)
    rows = rows.with_columns(
        pl.when(pl.col("jurisdiction").is_in(keys)).then(pl.col("jurisdiction")).alias("__jur")
    ).with_columns(
        pl.when(pl.col("time_zone").is_in(sorted(known_zones())))
        .then(pl.col("time_zone"))
        .otherwise(pl.col("__jur").replace_strict(fallback, default=None, return_dtype=pl.String))
        .alias("__tz"),
    )
    rows = rows.with_columns(to_local(pl.col("__at"), pl.col("__tz")).alias("__local"))
    return rows.with_columns(pl.col("__local").dt.date().alias("__local_date"))


def _fallback_zones(compiled: CompiledPolicies) -> dict[str, str | None]:
    return {k: r.fallback_time_zone for k, r in compiled.jurisdictions.items()}


def jurisdiction_limits(compiled: CompiledPolicies, what: str) -> tuple[dict[str, int], int]:
    """Per jurisdiction the attempts maximum, attempts period or refusal cool-down (``what``),
    and the policies' default for a row without a known jurisdiction."""
    policies = compiled.policies
    default = {
        "attempts_max": policies.attempts.max,
        "attempts_days": policies.attempts.days,
        "cooldown": policies.refusal_cooldown.days,
    }[what]
    values: dict[str, int] = {}
    for key, resolved in compiled.jurisdictions.items():
        if what == "cooldown":
            value = resolved.refusal_cooldown_days
        elif resolved.attempts is not None:
            value = resolved.attempts.max if what == "attempts_max" else resolved.attempts.days
        else:
            value = None
        values[key] = default if value is None else value
    return values, default


_WINDOW_TABLES: PerObject[pl.DataFrame] = PerObject()


def window_table(compiled: CompiledPolicies) -> pl.DataFrame:
    """One row per jurisdiction × weekday × window: ``__jur``, ``__weekday``, ``w_start``,
    ``w_end`` (minutes). Built once per compiled policies: a single customer's decision (explain,
    brief) would otherwise spend most of its time here."""
    return _WINDOW_TABLES.get(compiled, lambda: _build_window_table(compiled))


def _build_window_table(compiled: CompiledPolicies) -> pl.DataFrame:
    rows: list[dict[str, object]] = []
    for key, resolved in compiled.jurisdictions.items():
        for window in resolved.windows:
            for day in window.days:
                rows.append(
                    {
                        "__jur": key,
                        "__weekday": WEEKDAYS.index(day) + 1,
                        "w_start": window.start_minute,
                        "w_end": window.end_minute,
                    }
                )
    schema = {"__jur": pl.String, "__weekday": pl.Int64, "w_start": pl.Int64, "w_end": pl.Int64}
    return pl.DataFrame(rows, schema=schema)


def _day_windows(compiled: CompiledPolicies) -> dict[str, list[tuple[int, int]]]:
    """``"CA-QC|5"`` → the windows of that jurisdiction on Friday (built once per compiled
    policies, as :func:`window_table`)."""
    return _DAY_WINDOWS.get(compiled, lambda: _build_day_windows(compiled))


_DAY_WINDOWS: PerObject[dict[str, list[tuple[int, int]]]] = PerObject()


def _build_day_windows(compiled: CompiledPolicies) -> dict[str, list[tuple[int, int]]]:
    out: dict[str, list[tuple[int, int]]] = {}
    for row in window_table(compiled).iter_rows(named=True):
        out.setdefault(f"{row['__jur']}|{row['__weekday']}", []).append(
            (int(row["w_start"]), int(row["w_end"]))
        )
    return {k: sorted(v) for k, v in out.items()}


def in_windows(
    compiled: CompiledPolicies, jur: pl.Expr, weekday: pl.Expr, minute: pl.Expr
) -> pl.Expr:
    """Whether ``minute`` of ``weekday`` falls in one of the jurisdiction's windows."""
    by_set: dict[tuple[tuple[int, int], ...], list[str]] = {}
    for key, day_spans in _day_windows(compiled).items():
        by_set.setdefault(tuple(day_spans), []).append(key)
    day_key = pl.concat_str(jur, pl.lit("|"), weekday.cast(pl.String))
    ids = {key: i for i, (_, keys) in enumerate(by_set.items()) for key in keys}
    set_id = day_key.replace_strict(ids, default=-1, return_dtype=pl.Int64)
    inside = pl.lit(False)
    for i, spans in enumerate(by_set):
        in_span = pl.any_horizontal([(minute >= s) & (minute < e) for s, e in spans])
        inside = pl.when(set_id == i).then(in_span).otherwise(inside)
    return inside.fill_null(False)


def windows_text(compiled: CompiledPolicies, jur: pl.Expr, weekday: pl.Expr) -> pl.Expr:
    """``09:00-21:30`` or ``10:00-13:00|14:00-20:00`` for that day; ``none`` when closed."""
    texts = {
        key: "|".join(f"{clock_text(s)}-{clock_text(e)}" for s, e in spans)
        for key, spans in _day_windows(compiled).items()
    }
    day_key = pl.concat_str(jur, pl.lit("|"), weekday.cast(pl.String))
    return day_key.replace_strict(texts, default="none", return_dtype=pl.String)


def holiday(jur: pl.Expr, local_date: pl.Expr, compiled: CompiledPolicies) -> pl.Expr:
    """The public holiday's name on that local date in that jurisdiction (null if none)."""

    def lookup(packed: pl.Series) -> pl.Series:
        frame = packed.struct.unnest()
        pairs = frame.unique().drop_nulls()
        names: list[str | None] = []
        for key, day in pairs.iter_rows():
            resolved = compiled.resolve(key)
            names.append(None if resolved is None else holiday_name(resolved, day))
        table = pairs.with_columns(pl.Series("name", names, dtype=pl.String))
        joined = frame.join(table, on=["j", "d"], how="left", maintain_order="left")
        return joined.get_column("name")

    return pl.struct(jur.alias("j"), local_date.alias("d")).map_batches(
        lookup, return_dtype=pl.String, is_elementwise=True
    )


def preferred_pieces() -> list[tuple[pl.Expr, pl.Expr]]:
    """The customer's preferred hours as up to two [start, end) minute spans of the day.

    No stated preference is the whole day; an evening-to-morning preference (22:00–08:00) is two
    spans; equal start and end is no time at all.
    """
    start = _minutes(pl.col("preferred_start"))
    end = _minutes(pl.col("preferred_end"))
    unset = start.is_null() | end.is_null()
    first_start = pl.when(unset).then(0).otherwise(start)
    first_end = pl.when(unset).then(DAY_MINUTES).when(start < end).then(end).otherwise(DAY_MINUTES)
    first_end = pl.when(~unset & (start == end)).then(0).otherwise(first_end)
    second_end = pl.when(~unset & (start > end)).then(end).otherwise(0)
    return [(first_start, first_end), (pl.lit(0), second_end)]


def in_preferred(minute: pl.Expr) -> pl.Expr:
    inside = [(minute >= s) & (minute < e) for s, e in preferred_pieces()]
    return pl.any_horizontal(inside).fill_null(False)


def preferred_text() -> pl.Expr:
    start, end = pl.col("preferred_start"), pl.col("preferred_end")
    return (
        pl.when(start.is_null() | end.is_null())
        .then(pl.lit("none"))
        .otherwise(
            pl.concat_str(start.dt.to_string("%H:%M"), pl.lit("-"), end.dt.to_string("%H:%M"))
        )
    )


def _minutes(clock: pl.Expr) -> pl.Expr:
    return clock.dt.hour().cast(pl.Int64) * 60 + clock.dt.minute().cast(pl.Int64)


def local_text() -> pl.Expr:
    """``2026-11-20T19:00 fri`` — the local clock as evidence."""
    day_names = {i + 1: d for i, d in enumerate(WEEKDAYS)}
    return pl.concat_str(
        pl.col("__local").dt.to_string("%Y-%m-%dT%H:%M"),
        pl.lit(" "),
        pl.col("__weekday").replace_strict(day_names, default="?", return_dtype=pl.String),
    ).fill_null("unknown")


# --- the same on one row of Python values ---------------------------------------------------

Row = dict[str, Any]


def local_clock_row(row: Row, compiled: CompiledPolicies) -> None:
    """:func:`with_local_clock` on one row of Python values, in place: the same columns from
    the same tables (``__legal_text``, read by the evidence only, is left out). Written beside
    the expressions it mirrors; ``tests/policy/test_rows.py`` holds the two together on
    generated customers and moments."""
    tables = _ROW_TABLES.get(compiled, lambda: _RowTables(compiled))
    jur = row["jurisdiction"] if row["jurisdiction"] in tables.jurisdictions else None
    zone = row["time_zone"]
    tz = zone if zone in known_zones() else tables.fallback.get(jur) if jur else None
    local = None
    if tz is not None:
        local = row["__at"].astimezone(zoneinfo.ZoneInfo(tz)).replace(tzinfo=None)
    row["__jur"], row["__tz"], row["__local"] = jur, tz, local
    row["__local_date"] = None if local is None else local.date()
    for column, (values, default) in tables.limits.items():
        row[column] = values.get(jur, default) if jur is not None else default
    minute = None if local is None else local.hour * 60 + local.minute
    weekday = None if local is None else local.isoweekday()
    row["__minute"], row["__weekday"] = minute, weekday
    spans = tables.day_windows.get(f"{jur}|{weekday}", []) if jur and weekday else []
    row["__in_legal"] = minute is not None and any(s <= minute < e for s, e in spans)
    resolved = compiled.resolve(jur) if jur is not None else None
    row["__holiday"] = (
        None if resolved is None or local is None else holiday_name(resolved, local.date())
    )
    row["__in_preferred"] = minute is not None and any(
        s <= minute < e for s, e in preferred_spans(row["preferred_start"], row["preferred_end"])
    )


def preferred_spans(start: dt.time | None, end: dt.time | None) -> list[tuple[int, int]]:
    """:func:`preferred_pieces` of one customer's preferred hours, in minutes."""
    if start is None or end is None:
        return [(0, DAY_MINUTES), (0, 0)]
    first, last = start.hour * 60 + start.minute, end.hour * 60 + end.minute
    if first == last:
        return [(first, 0), (0, 0)]
    if first < last:
        return [(first, last), (0, 0)]
    return [(first, DAY_MINUTES), (0, last)]


class _RowTables:
    """What :func:`local_clock_row` looks up, built once per compiled policies from the tables
    the expressions are built from."""

    def __init__(self, compiled: CompiledPolicies) -> None:
        self.jurisdictions = frozenset(compiled.jurisdictions)
        self.fallback: Mapping[str, str | None] = _fallback_zones(compiled)
        self.limits = {column: jurisdiction_limits(compiled, what) for column, what in LIMITS}
        self.day_windows = _day_windows(compiled)


_ROW_TABLES: PerObject[_RowTables] = PerObject()
