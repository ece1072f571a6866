"""One row per customer × line, for offers judged per line (handsets and plans).

The profile's scalar device and plan columns describe the *primary* line. A family account with
two iPhones, a Galaxy and a basic phone must be judged line by line for a handset or a plan: the
Galaxy line may take an Android offer while the primary iPhone line may not. Rather than a second
rule engine, :func:`explode_lines` gives every line a row of its own whose scalar device and plan
columns (``device_os``, ``plan_tier``, ``device_age_months``…) are that line's, so the same
compiled catalog predicates judge it.

The primary line's row keeps the profile's own values untouched, so a single-line customer is
judged exactly as before. The other lines take theirs from the ``lines`` list; the values the
profile derives (device age, financing months left, usage ratio) are derived with the same
formulas as :mod:`goodcall.profiles.build`, at the UTC date given. ``plan_price`` and
``plan_is_top`` are not carried per line: they are null on non-primary lines (a per-line rule
that names them fails there).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

import polars as pl

LINE_ID = "line_id"
LINE_RANK = "__line_rank"
"""0 for the primary line (or an account without lines), then 1, 2… in the account's line order."""

_FROM_LINE = (
    "device_make",
    "device_model",
    "device_os",
    "plan_id",
    "plan_tier",
    "plan_data_gb",
    "data_usage_gb",
)
_NULL_ON_OTHER_LINES: dict[str, pl.DataType] = {
    "plan_price": pl.Float64(),
    "plan_is_top": pl.Boolean(),
}
LINE_FIELDS: frozenset[str] = frozenset(
    (
        *_FROM_LINE,
        *_NULL_ON_OTHER_LINES,
        "device_age_months",
        "financing_months_left",
        "data_usage_ratio",
    )
)
"""The profile columns that take a line's own value on that line's row."""


def months_between(start: pl.Expr, end: pl.Expr) -> pl.Expr:
    """Whole months from ``start`` to ``end`` (dates; never negative)."""
    months = (end.dt.year().cast(pl.Int64) - start.dt.year().cast(pl.Int64)) * 12 + (
        end.dt.month().cast(pl.Int64) - start.dt.month().cast(pl.Int64)
    )
    months = months - (start.dt.day() > end.dt.day()).cast(pl.Int64)
    return pl.max_horizontal(months, pl.lit(0, pl.Int64))


def financing_months_left(end: pl.Expr, as_of: pl.Expr) -> pl.Expr:
    """Months of financing left at ``as_of``: 0 when none or ended, else at least 1."""
    months_left = (end.dt.year().cast(pl.Int64) - as_of.dt.year().cast(pl.Int64)) * 12 + (
        end.dt.month().cast(pl.Int64) - as_of.dt.month().cast(pl.Int64)
    )
    return (
        pl.when(end.is_null() | (end <= as_of))
        .then(pl.lit(0, pl.Int64))
        .otherwise(pl.max_horizontal(months_left, pl.lit(1, pl.Int64)))
    )


def usage_ratio(usage: pl.Expr, allowance: pl.Expr) -> pl.Expr:
    """Data used over the plan's allowance (null for an allowance of 0 or unknown)."""
    return pl.when(allowance > 0).then(usage / allowance).otherwise(None)


def line_values(line: pl.Expr, as_of: pl.Expr) -> dict[str, pl.Expr]:
    """The profile columns of :data:`LINE_FIELDS` as a non-primary ``line`` (a line struct)
    gives them, derived at ``as_of``."""
    return {
        "device_age_months": months_between(line.struct.field("device_purchase_date"), as_of),
        "financing_months_left": financing_months_left(
            line.struct.field("financing_end_date"), as_of
        ),
        "data_usage_ratio": usage_ratio(
            line.struct.field("data_usage_gb"), line.struct.field("plan_data_gb")
        ),
        **{name: line.struct.field(name) for name in _FROM_LINE},
        **{name: pl.lit(None, dtype) for name, dtype in _NULL_ON_OTHER_LINES.items()},
    }


def explode_lines(profiles: pl.LazyFrame, as_of: pl.Expr, fields: set[str]) -> pl.LazyFrame:
    """One row per customer × line with ``line_id`` and :data:`LINE_RANK`; every column of
    ``fields`` that is in :data:`LINE_FIELDS` takes the line's own value on non-primary lines.

    ``profiles`` must have ``lines``; ``as_of`` is the date expression the derived values are
    counted at. An account without lines (no list, or an empty one) keeps one row (``line_id``
    null, rank 0).
    """
    line = pl.col("__line")
    primary = line.struct.field("is_primary").fill_null(True)
    position = pl.int_range(pl.len(), dtype=pl.Int64).over("__account")
    derived = line_values(line, as_of)
    overrides = [
        pl.when(primary).then(pl.col(name)).otherwise(value).alias(name)
        for name, value in derived.items()
        if name in fields
    ]
    return (
        profiles.with_row_index("__account")
        .rename({"lines": "__line"})
        .explode("__line", empty_as_null=True)
        .with_columns(
            *overrides,
            line.struct.field("line_id").alias(LINE_ID),
            pl.when(primary).then(pl.lit(0, pl.Int64)).otherwise(position + 1).alias(LINE_RANK),
        )
        .drop("__line", "__account")
    )


def profiles_on_lines(profiles: pl.DataFrame, wanted: pl.DataFrame, as_of: pl.Expr) -> pl.DataFrame:
    """``profiles`` with the scalar device and plan columns of the line each customer is called
    about: ``wanted`` has ``customer_id`` and ``line_id`` (null, or a line not on the account:
    the profile as it is). One row per profile row, in order, all columns kept."""
    keyed = profiles.with_row_index("__profile").join(
        wanted.select("customer_id", pl.col(LINE_ID).alias("__wanted")).unique("customer_id"),
        on="customer_id",
        how="left",
        maintain_order="left",
    )
    fields = set(LINE_FIELDS) & set(profiles.columns)
    exploded = explode_lines(keyed.lazy(), as_of, fields).filter(
        pl.col(LINE_ID) == pl.col("__wanted")
    )
    on_line = exploded.select("__profile", *sorted(fields)).collect()
    replaced = keyed.join(
        on_line.with_columns(pl.lit(True).alias("__on_line")),
        on="__profile",
        how="left",
        suffix="__line",
        maintain_order="left",
    )
    matched = pl.col("__on_line").fill_null(False)
    return replaced.with_columns(
        pl.when(matched).then(pl.col(f"{name}__line")).otherwise(pl.col(name)).alias(name)
        for name in sorted(fields)
    ).select(profiles.columns)


def profile_on_line(
    profile: Mapping[str, Any], line_id: str | None, as_of: dt.date
) -> dict[str, Any]:
    """One profile row as :func:`profiles_on_lines` gives it for ``line_id``: the scalar device
    and plan fields of that line when it is on the account and not the primary line
    (:func:`line_values_on_row`), else the profile as it is."""
    out = dict(profile)
    line = next(
        (x for x in profile.get("lines") or [] if x is not None and x.get(LINE_ID) == line_id),
        None,
    )
    if line_id is None or line is None or line.get("is_primary") in (True, None):
        return out
    out.update((n, v) for n, v in line_values_on_row(line, as_of).items() if n in profile)
    return out


# --- the same on Python values ----------------------------------------------------------------
# Written beside the expressions they mirror, for one customer decided or briefed alone;
# ``tests/profiles/test_lines_rows.py`` holds each to its expression on generated values.


def months_between_values(start: dt.date | None, end: dt.date) -> int | None:
    """:func:`months_between` on values (``max_horizontal`` skips a null: no start gives 0)."""
    if start is None:
        return 0
    months = (end.year - start.year) * 12 + end.month - start.month - (start.day > end.day)
    return max(months, 0)


def financing_months_left_value(end: dt.date | None, as_of: dt.date) -> int:
    """:func:`financing_months_left` on values."""
    if end is None or end <= as_of:
        return 0
    return max((end.year - as_of.year) * 12 + end.month - as_of.month, 1)


def usage_ratio_value(usage: float | None, allowance: float | None) -> float | None:
    """:func:`usage_ratio` on values (Polars orders NaN above every number: NaN > 0)."""
    if allowance is None or usage is None or not (allowance > 0 or math.isnan(allowance)):
        return None
    return usage / allowance


def line_values_on_row(line: Mapping[str, Any], as_of: dt.date) -> dict[str, Any]:
    """:func:`line_values` of one line (a dict of :data:`LINE_STRUCT`'s fields)."""
    return {
        "device_age_months": months_between_values(line.get("device_purchase_date"), as_of),
        "financing_months_left": financing_months_left_value(line.get("financing_end_date"), as_of),
        "data_usage_ratio": usage_ratio_value(line.get("data_usage_gb"), line.get("plan_data_gb")),
        **{name: line.get(name) for name in _FROM_LINE},
        **dict.fromkeys(_NULL_ON_OTHER_LINES),
    }


def lines_on_row(
    profile: Mapping[str, Any], as_of: dt.date, fields: set[str]
) -> list[dict[str, Any]]:
    """:func:`explode_lines` of one profile row: one row per line in the account's order
    (``lines`` itself left out, as the exploded frame drops it; one row naming no line for an
    account without lines)."""
    lines = profile.get("lines") or [None]
    rows: list[dict[str, Any]] = []
    for position, line in enumerate(lines):
        row = {k: v for k, v in profile.items() if k != "lines"}
        primary = line is None or line.get("is_primary") in (True, None)
        if not primary:
            assert line is not None
            row.update((n, v) for n, v in line_values_on_row(line, as_of).items() if n in fields)
        row[LINE_ID] = None if line is None else line.get(LINE_ID)
        row[LINE_RANK] = 0 if primary else position + 1
        rows.append(row)
    return rows
