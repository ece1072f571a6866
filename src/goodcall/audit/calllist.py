"""Read a call list produced by any system: CSV or Parquet, the columns the audit needs.

Required columns: ``customer_id``, ``offer_id``, ``planned_at``, ``channel``, ``language``,
``register``; ``line_id`` is optional (the line a handset or plan offer is for: the audit then
checks the offer against that line's own device and plan); other columns are ignored.
``planned_at`` is ISO 8601; with an offset
(``2026-11-20T19:00:00-05:00``, ``…Z``) it is an instant, without one (``2026-11-20 19:00``) it is
the *customer's* local wall-clock time, placed with the customer's time zone. ``register`` is
``formal`` or ``informal`` (``vous`` and ``tu`` are accepted). A file that cannot be read, a
missing column or a value that cannot be understood is an :class:`CallListError` listing every
bad row — the audit does not start on half a list.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from goodcall.channels import CHANNELS
from goodcall.output import cut
from goodcall.store.sniff import csv_hint, separator_hint
from goodcall.writing import unescape_cells
from goodcall.zones import UTC_DATETIME

REQUIRED = ("customer_id", "offer_id", "planned_at", "channel", "language", "register")
OPTIONAL = ("line_id",)
REGISTERS = {"formal": "formal", "informal": "informal", "vous": "formal", "tu": "informal"}
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}([-_][A-Za-z]{2})?$")
MAX_LISTED = 20


@dataclass(frozen=True)
class BadValue:
    row: int  # 1-based data row (the CSV line is row + 1)
    column: str
    value: str
    expected: str


class CallListError(ValueError):
    """The call list cannot be audited; ``problems`` says where and why."""

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        shown = problems[:MAX_LISTED]
        more = f"\n  … and {len(problems) - len(shown)} more" if len(problems) > len(shown) else ""
        lines = "\n".join(f"  {p}" for p in shown)
        super().__init__(f"{path}: {len(problems)} problem(s):\n{lines}{more}")


def read_call_list(path: Path) -> pl.DataFrame:
    """The call list, validated: ``row``, the required columns (``register`` normalised,
    ``planned_at`` UTC or null), ``planned_local`` (naive local time, or null) and ``lang``."""
    frame = _read(path)
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        hints = []
        for name in missing:
            close = difflib.get_close_matches(name, frame.columns, n=1, cutoff=0.6)
            hints.append(f"{name!r}" + (f" (is {cut(close[0])!r} meant?)" if close else ""))
        hint = separator_hint(path) if path.suffix.lower() != ".parquet" else None
        raise CallListError(
            str(path),
            [
                f"missing required column(s): {', '.join(hints)}; the file has: "
                f"{cut(', '.join(frame.columns)) or 'no columns'}" + (f" ({hint})" if hint else "")
            ],
        )
    optional = [c for c in OPTIONAL if c in frame.columns]
    return validate_calls(frame.select(*REQUIRED, *optional), str(path))


def _read(path: Path) -> pl.DataFrame:
    try:
        if path.suffix.lower() == ".parquet":
            return pl.read_parquet(path)
        return unescape_cells(pl.read_csv(path, infer_schema=False, encoding="utf8"))
    except FileNotFoundError as err:
        raise CallListError(str(path), ["file not found"]) from err
    except (OSError, pl.exceptions.PolarsError) as err:
        hint = csv_hint(path) if path.suffix.lower() != ".parquet" else None
        said = f"cannot read the file: {cut(err, 200)}" + (f" ({hint})" if hint else "")
        raise CallListError(str(path), [said]) from err


def validate_calls(frame: pl.DataFrame, source: str) -> pl.DataFrame:
    """Check and normalise the required columns (any dtype for ``planned_at``); ``line_id``
    (optional) is a trimmed text, null when absent or empty."""
    line_id = (
        pl.col("line_id").cast(pl.String).str.strip_chars()
        if "line_id" in frame.columns
        else pl.lit(None, pl.String)
    )
    frame = frame.with_row_index("row", offset=1).with_columns(
        pl.col("row").cast(pl.Int64),
        pl.when(line_id != "").then(line_id).alias("line_id"),
    )
    texts = [c for c in REQUIRED if c != "planned_at"]
    frame = frame.with_columns(
        [pl.col(c).cast(pl.String).str.strip_chars().alias(f"raw_{c}") for c in texts]
    )
    instant, local, planned_problems = _planned(frame)
    frame = frame.with_columns(
        pl.col("raw_customer_id").alias("customer_id"),
        pl.col("raw_offer_id").alias("offer_id"),
        instant.alias("planned_at"),
        local.alias("planned_local"),
        pl.col("raw_channel").str.to_lowercase().alias("channel"),
        pl.col("raw_language").str.replace("_", "-").alias("language"),
        pl.col("raw_register")
        .str.to_lowercase()
        .replace_strict(REGISTERS, default=None, return_dtype=pl.String)
        .alias("register"),
    ).with_columns(pl.col("language").str.split("-").list.first().str.to_lowercase().alias("lang"))
    bad = planned_problems + _bad_values(frame)
    if bad:
        bad.sort(key=lambda b: (b.row, REQUIRED.index(b.column)))
        raise CallListError(
            source,
            [
                f"row {b.row}, column {b.column}: {cut(b.value)!r} — expected {b.expected}"
                for b in bad
            ],
        )
    return frame.drop([f"raw_{c}" for c in texts])


def _bad_values(frame: pl.DataFrame) -> list[BadValue]:
    checks = {
        "customer_id": (pl.col("customer_id").fill_null("") == "", "a customer id"),
        "offer_id": (pl.col("offer_id").fill_null("") == "", "an offer id"),
        "channel": (
            ~pl.col("channel").is_in(list(CHANNELS)).fill_null(False),
            f"one of {', '.join(CHANNELS)}",
        ),
        "language": (
            ~pl.col("language").fill_null("").str.contains(_LANGUAGE.pattern),
            "a language tag such as fr-CA or en",
        ),
        "register": (pl.col("register").is_null(), "formal or informal (vous or tu)"),
    }
    problems: list[BadValue] = []
    for column, (condition, expected) in checks.items():
        for row, value in frame.filter(condition).select("row", f"raw_{column}").iter_rows():
            problems.append(BadValue(row, column, "" if value is None else str(value), expected))
    return problems


def _planned(frame: pl.DataFrame) -> tuple[pl.Series, pl.Series, list[BadValue]]:
    """Instants (UTC) for values with an offset, local times for values without one.

    Each distinct text is parsed once in Python (``datetime.fromisoformat``, every ISO 8601 form
    it knows) and joined back to the rows, so the rows themselves are never looped over."""
    column = frame.get_column("planned_at")
    if isinstance(column.dtype, pl.Datetime):
        empty = pl.Series([None] * len(column), dtype=pl.Datetime("us"))
        if column.dtype.time_zone is not None:
            return column.dt.convert_time_zone("UTC").cast(UTC_DATETIME), empty, []
        return pl.Series([None] * len(column), dtype=UTC_DATETIME), column.cast(empty.dtype), []
    texts = column.cast(pl.String).str.strip_chars().fill_null("").alias("text")
    distinct = texts.unique().to_list()
    stamps = [_parse_stamp(text) for text in distinct]
    table = pl.DataFrame(
        {
            "text": distinct,
            "instant": pl.Series(
                [s.astimezone(dt.UTC) if s and s.tzinfo else None for s in stamps],
                dtype=UTC_DATETIME,
            ),
            "local": pl.Series(
                [s if s and s.tzinfo is None else None for s in stamps], dtype=pl.Datetime("us")
            ),
            "ok": [s is not None for s in stamps],
        },
        schema_overrides={"text": pl.String, "ok": pl.Boolean},
    )
    placed = texts.to_frame().join(table, on="text", how="left", maintain_order="left")
    placed = placed.with_columns(frame.get_column("row"))
    expected = "an ISO 8601 time, e.g. 2026-11-20T19:00-05:00"
    problems = [
        BadValue(row, "planned_at", text, expected)
        for row, text in placed.filter(~pl.col("ok")).select("row", "text").iter_rows()
    ]
    return placed.get_column("instant"), placed.get_column("local"), problems


def _parse_stamp(text: str) -> dt.datetime | None:
    if not text or not text[:1].isdigit():
        return None
    try:
        stamp = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return stamp
