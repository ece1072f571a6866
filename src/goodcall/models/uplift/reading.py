"""Reading an experiment table the way its author meant it: CSV (any usual separator) or Parquet.

Why more than ``pl.read_csv``: the tables users bring come from many tools. Spreadsheets in
much of Europe write ``;``-separated files with decimal commas, R and pandas write ``NA`` or
``NULL`` for a missing number, pandas writes its row index as an unnamed first column, and
Polars would read each of those silently wrong (one column holding whole lines, numbers read
as text and then used as categories). So:

* the separator is detected from the header line (``,``, ``;``, tab or ``|``, outside quotes);
* a text column whose values are all numbers, apart from missing-value markers (``NA``,
  ``NULL``, ``NaN``…) or written with a decimal comma in a non-comma file, is read as numbers;
* a header naming the same column twice is refused (Polars would rename one of them);
* ``.parquet``/``.pq`` files are read with their stored types.

``align_for_scoring`` then makes a scoring table comparable with the training schema: a
feature column that is empty in every row is read as missing values of the trained kind, and
a numeric feature that holds text is refused with examples of the offending values.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

import polars as pl

from goodcall.models.features import FeatureEncoder, FeatureSchemaError
from goodcall.models.uplift.data import UpliftInputError

SEPARATORS = (",", ";", "\t", "|")
PARQUET_SUFFIXES = (".parquet", ".pq")
NULL_MARKERS = ("NA", "N/A", "n/a", "#N/A", "NaN", "nan", "NULL", "null", "None", "none", "")
TRUE_WORDS = ("1", "true", "t", "yes", "y")
FALSE_WORDS = ("0", "false", "f", "no", "n")
"""How a yes/no value may be written in a text column (compared stripped and lower-cased)."""
_HEADER_BYTES = 1 << 16


def read_table(path: Path) -> pl.DataFrame:
    """The table at ``path`` (CSV, or Parquet by suffix), read as described in the module."""
    source = Path(path)
    if not source.is_file():
        raise UpliftInputError(f"{source}: no such file")
    if source.suffix.lower() in PARQUET_SUFFIXES:
        try:
            return pl.read_parquet(source)
        except (pl.exceptions.PolarsError, OSError) as error:
            raise UpliftInputError(f"{source}: cannot read as Parquet ({error})") from error
    header = _header_line(source)
    separator = sniff_separator(header)
    _refuse_duplicate_names(source, header, separator)
    try:
        frame = pl.read_csv(source, separator=separator, infer_schema_length=None)
    except (pl.exceptions.PolarsError, OSError) as error:
        raise UpliftInputError(
            f"{source}: cannot read as CSV with separator {separator!r} ({error}); "
            "expected a UTF-8 text file with a header line, or a .parquet file"
        ) from error
    return numbers_from_text(frame, decimal_comma=separator != ",")


def _header_line(source: Path) -> str:
    with source.open("rb") as handle:
        raw = handle.read(_HEADER_BYTES)
    text = raw.decode("utf-8", errors="replace").lstrip("\ufeff")
    return text.splitlines()[0] if text else ""


def sniff_separator(header: str) -> str:
    """The separator that occurs most often outside quotes in the header (``,`` on a tie)."""
    counts: Counter[str] = Counter()
    quoted = False
    for char in header:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in SEPARATORS:
            counts[char] += 1
    best = max(SEPARATORS, key=lambda sep: (counts[sep], sep == ","))
    return best if counts[best] else ","


def _refuse_duplicate_names(source: Path, header: str, separator: str) -> None:
    names = next(csv.reader(io.StringIO(header), delimiter=separator), [])
    repeated = sorted(name for name, n in Counter(names).items() if n > 1)
    if repeated:
        raise UpliftInputError(
            f"{source}: the header names column(s) {', '.join(map(repr, repeated))} more than "
            "once; every column needs its own name"
        )


def numbers_from_text(frame: pl.DataFrame, *, decimal_comma: bool = False) -> pl.DataFrame:
    """Text columns that hold only numbers and missing-value markers, converted to Float64."""
    converted = []
    for name, dtype in frame.schema.items():
        if dtype != pl.String:
            continue
        numbers = _as_numbers(frame.get_column(name), decimal_comma)
        if numbers is not None:
            converted.append(numbers)
    return frame.with_columns(converted) if converted else frame


def _as_numbers(column: pl.Series, decimal_comma: bool) -> pl.Series | None:
    text = column.str.strip_chars()
    cleaned = pl.when(text.is_in(NULL_MARKERS)).then(None).otherwise(text)
    values = pl.select(cleaned.alias(column.name)).to_series()
    if values.null_count() == values.len():
        return None  # entirely empty or markers only: left for the feature selection to skip
    for candidate in (values, values.str.replace(",", ".", literal=True)):
        numbers = candidate.cast(pl.Float64, strict=False)
        if numbers.null_count() == values.null_count():
            return numbers
        if not decimal_comma:
            break
    return None


def align_for_scoring(frame: pl.DataFrame, encoder: FeatureEncoder) -> pl.DataFrame:
    """``frame`` with its feature columns in the kinds the model was trained on.

    A column empty in every row becomes missing values of the trained kind (a CSV cannot say
    whether an empty column held numbers or text). A numeric feature that holds text is an
    error naming the column, its training type and a few of the values found.
    """
    missing = [spec.name for spec in encoder.specs if spec.name not in frame.columns]
    if missing:
        raise FeatureSchemaError(
            f"the table lacks feature column(s) {', '.join(map(repr, missing))} the model was "
            f"trained on (columns present: {', '.join(frame.columns)})"
        )
    fixes = []
    for spec in encoder.specs:
        column = frame.get_column(spec.name)
        if column.null_count() == column.len():
            target = pl.Float64 if spec.kind == "numeric" else pl.String
            fixes.append(pl.lit(None, target).alias(spec.name))
        elif spec.kind == "numeric" and not column.dtype.is_numeric():
            found = column.drop_nulls().cast(pl.String).unique(maintain_order=True).head(3)
            raise FeatureSchemaError(
                f"column {spec.name!r} must be numeric (trained as {spec.dtype}), but holds "
                f"{column.dtype} values such as {', '.join(repr(v) for v in found.to_list())}"
            )
    return frame.with_columns(fixes) if fixes else frame
