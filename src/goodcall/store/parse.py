"""Parse and check one batch of raw import rows, column by column, with Polars expressions.

A CSV batch arrives as text; a Parquet batch with its own types, used as they are when they fit
the column's kind and read as text otherwise. For every column this yields the typed value and
the checks that flag a row: not a number, a bad date, a timestamp without offset, an unknown
enum value, a bad IANA time zone, a value out of range, a null where one is required. Each check
is one boolean expression over the whole column — never a Python loop over rows.
"""

from __future__ import annotations

import functools
import zoneinfo
from dataclasses import dataclass

import polars as pl

from goodcall.limits import MAX_FIELD_CHARS
from goodcall.profiles.frames import polars_dtype
from goodcall.profiles.schema import Column, Table
from goodcall.store import problems as P
from goodcall.store.codec import LIST_KINDS, split_list
from goodcall.zones import UTC_DATETIME

ROW = "_row"
TIMESTAMP_EXAMPLE = "an ISO 8601 timestamp with offset, e.g. 2026-11-20T19:05:00-05:00"
_EMPTY_LIST = pl.lit([], pl.List(pl.String()))
_AT_MOST = f"at most {MAX_FIELD_CHARS:,} characters (MAX_FIELD_CHARS)"


@dataclass(frozen=True)
class Check:
    """A rule over one column: rows where ``mask`` is true break it."""

    column: str
    problem: str
    expected: str
    mask: pl.Expr


@dataclass(frozen=True)
class ParsedBatch:
    """Typed rows (every declared column, ``_row`` first), which rows are bad, and why."""

    rows: pl.DataFrame
    bad: pl.Series
    problems: pl.DataFrame


@functools.cache
def time_zones() -> tuple[str, ...]:
    """The IANA time zone names this machine knows."""
    zones = zoneinfo.available_timezones()
    if not zones:
        raise RuntimeError("no IANA time zone database found: install the tzdata package")
    return tuple(sorted(zones))


def raw_name(column: str) -> str:
    return f"__raw__{column}"


def as_text(raw: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """The raw value as text, for parsing and for problem messages."""
    if isinstance(dtype, pl.List):
        return raw.cast(pl.List(pl.String()), strict=False).list.join(";")
    return raw.cast(pl.String(), strict=False)


def _parse_datetime(text: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(value in UTC when an offset is given, value when the offset is missing)."""
    norm = (
        text.str.strip_chars()
        .str.replace(r"^(\d{4}-\d{2}-\d{2})[ tT]", "${1}T")
        .str.replace(r"[zZ]$", "+00:00")
    )

    def parse(fmt: str, zone: str | None) -> pl.Expr:
        return norm.str.to_datetime(fmt, strict=False, time_unit="us", time_zone=zone)

    aware = pl.coalesce(parse("%Y-%m-%dT%H:%M:%S%.f%z", "UTC"), parse("%Y-%m-%dT%H:%M%z", "UTC"))
    naive = pl.coalesce(
        parse("%Y-%m-%dT%H:%M:%S%.f", None),
        parse("%Y-%m-%dT%H:%M", None),
        norm.str.to_date("%Y-%m-%d", strict=False).cast(pl.Datetime("us")),
    )
    return aware, naive


def _native(column: Column, raw: pl.Expr, dtype: pl.DataType) -> pl.Expr | None:
    """The value from a Parquet column whose type already fits the kind, else None."""
    kind = column.kind
    if kind in ("str", "enum", "timezone") and (
        dtype == pl.String() or isinstance(dtype, (pl.Categorical, pl.Enum))
    ):
        return raw.cast(pl.String())
    if kind == "int" and dtype.is_integer():
        return raw.cast(pl.Int64(), strict=False)
    if kind == "float" and dtype.is_numeric():
        return raw.cast(pl.Float64())
    if (kind, dtype) in (("bool", pl.Boolean()), ("date", pl.Date()), ("time", pl.Time())):
        return raw
    if kind == "datetime" and isinstance(dtype, pl.Datetime) and dtype.time_zone is not None:
        return raw.dt.convert_time_zone("UTC").cast(UTC_DATETIME)
    if kind in LIST_KINDS and isinstance(dtype, pl.List):
        return raw.cast(pl.List(pl.String()), strict=False)
    return None


def _from_text(column: Column, text: pl.Expr) -> tuple[pl.Expr, list[tuple[str, str, pl.Expr]]]:
    """Parse text into the column's kind; returns the value and (problem, expected, mask)s."""
    kind = column.kind
    given = text.is_not_null()
    if kind == "int":
        value = text.str.strip_chars().cast(pl.Int64(), strict=False)
        return value, [(P.BAD_VALUE, "an integer", given & value.is_null())]
    if kind == "float":
        value = text.str.strip_chars().cast(pl.Float64(), strict=False)
        bad = given & (value.is_null() | ~value.is_finite())
        return value, [(P.BAD_VALUE, "a finite number, e.g. 12.5", bad)]
    if kind == "bool":
        low = text.str.strip_chars().str.to_lowercase()
        value = pl.when(low == "true").then(True).when(low == "false").then(False)
        return value, [(P.BAD_VALUE, "true or false", given & value.is_null())]
    if kind == "date":
        value = text.str.strip_chars().str.to_date("%Y-%m-%d", strict=False)
        return value, [(P.BAD_VALUE, "a date YYYY-MM-DD", given & value.is_null())]
    if kind == "time":
        stripped = text.str.strip_chars()
        value = pl.coalesce(
            stripped.str.to_time("%H:%M", strict=False),
            stripped.str.to_time("%H:%M:%S%.f", strict=False),
        )
        return value, [(P.BAD_VALUE, "a local time HH:MM", given & value.is_null())]
    if kind == "datetime":
        aware, naive = _parse_datetime(text)
        missing = given & aware.is_null()
        return aware, [
            (P.NO_OFFSET, TIMESTAMP_EXAMPLE, missing & naive.is_not_null()),
            (P.BAD_VALUE, TIMESTAMP_EXAMPLE, missing & naive.is_null()),
        ]
    if kind in LIST_KINDS:
        return split_list(text).fill_null(_EMPTY_LIST).list.eval(pl.element().str.strip_chars()), []
    return text, []


def _value_checks(column: Column, value: pl.Expr) -> list[tuple[str, str, pl.Expr]]:
    """Checks on the typed value: allowed values, time zones, ranges."""
    checks: list[tuple[str, str, pl.Expr]] = []
    allowed = list(column.allowed)
    one_of = "one of: " + ", ".join(allowed)
    if column.kind == "enum":
        checks.append((P.UNKNOWN_VALUE, one_of, value.is_not_null() & ~value.is_in(allowed)))
    if column.kind == "enum_list":
        stray = value.list.eval(~pl.element().is_in(allowed).fill_null(False)).list.any()
        checks.append((P.UNKNOWN_VALUE, "a ;-separated list of " + one_of, stray.fill_null(False)))
    if column.kind == "str_list":
        empty = value.list.eval(pl.element().fill_null("").str.len_chars() == 0).list.any()
        checks.append(
            (P.BAD_VALUE, "a ;-separated list of non-empty items", empty.fill_null(False))
        )
    if column.kind == "timezone":
        expected = "an IANA time zone such as America/Toronto"
        checks.append((P.BAD_TIME_ZONE, expected, value.is_not_null() & ~value.is_in(time_zones())))
    low, high = column.min_value, column.max_value
    if low is not None or high is not None:
        out = pl.lit(False)
        if low is not None:
            out = out | (value < low)
        if high is not None:
            out = out | (value > high)
        expected = (
            f"between {low:g} and {high:g}"
            if low is not None and high is not None
            else (f">= {low:g}" if low is not None else f"<= {high:g}")
        )
        checks.append((P.OUT_OF_RANGE, expected, out.fill_null(False)))
    return checks


def column_parser(column: Column, dtype: pl.DataType) -> tuple[pl.Expr, list[Check]]:
    """The typed value of ``column`` read from a raw column of ``dtype``, and its checks."""
    raw = pl.col(raw_name(column.name))
    text = as_text(raw, dtype)
    native = _native(column, raw, dtype)
    if native is not None:
        value, parse_checks = native, []
    elif column.kind == "datetime" and isinstance(dtype, pl.Datetime):
        value = pl.lit(None, UTC_DATETIME)
        parse_checks = [(P.NO_OFFSET, TIMESTAMP_EXAMPLE, raw.is_not_null())]
    else:
        value, parse_checks = _from_text(column, text)
    value = value.cast(polars_dtype(column))
    rules = parse_checks + _value_checks(column, pl.col(column.name))
    if column.kind in ("str", "str_list"):  # free text: other kinds refuse a long value already
        too_long = text.str.len_chars() > MAX_FIELD_CHARS
        rules.insert(0, (P.TOO_LONG, _AT_MOST, too_long))
    if not column.nullable:
        missing = raw.is_null() & pl.col(column.name).is_null()
        rules.append((P.NULL_VALUE, "a value (the column may not be empty)", missing))
    return value, [Check(column.name, p, e, m) for p, e, m in rules]


def parse_batch(raw: pl.DataFrame, table: Table, file: str) -> ParsedBatch:
    """Type and check a batch of raw rows (``_row`` plus some of the table's columns).

    Columns absent from the batch are null (missing required columns are reported once, per
    file, by the caller, not once per row).
    """
    present = [c for c in table.columns if c.name in raw.columns]
    staged = raw.select(ROW, *[pl.col(c.name).alias(raw_name(c.name)) for c in present])
    values: list[pl.Expr] = []
    checks: list[Check] = []
    for column in table.columns:
        if column.name not in raw.columns:
            values.append(pl.lit(None, polars_dtype(column)).alias(column.name))
            continue
        value, column_checks = column_parser(column, raw.schema[column.name])
        values.append(value.alias(column.name))
        checks.extend(column_checks)
    staged = staged.with_columns(values)
    masks = staged.select([c.mask.fill_null(False).alias(f"__m{i}") for i, c in enumerate(checks)])
    found = [
        staged.filter(masks.get_column(f"__m{i}")).select(
            pl.lit(file).alias("file"),
            pl.col(ROW).cast(pl.Int64).alias("row"),
            pl.lit(check.column).alias("column"),
            as_text(pl.col(raw_name(check.column)), raw.schema[check.column]).alias("value"),
            pl.lit(check.problem).alias("problem"),
            pl.lit(check.expected).alias("expected"),
        )
        for i, check in enumerate(checks)
        if masks.get_column(f"__m{i}").any()
    ]
    bad = (
        masks.select(pl.any_horizontal(pl.all())).to_series()
        if checks
        else pl.Series([False] * raw.height)
    )
    rows = staged.select(ROW, *[c.name for c in table.columns])
    problems = pl.concat(found) if found else P.empty_problems()
    return ParsedBatch(rows=rows, bad=bad.alias("bad"), problems=problems)
