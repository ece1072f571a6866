"""Import files on disk: writing tables in the import format, and reading them back in batches.

Conventions (see ``docs/data-format.md``): one file per table, ``<table>.csv`` or
``<table>.parquet``. In CSV, timestamps are ISO 8601 with an offset (written in UTC,
``2026-11-20T19:05:00+00:00``), dates ``YYYY-MM-DD``, local times ``HH:MM``, booleans
``true``/``false``, lists ``;``-separated (an empty field is the empty list) and an empty field
is null. Parquet files carry the types themselves (timestamps must have a time zone).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import polars as pl

from goodcall.profiles.frames import table_schema
from goodcall.profiles.schema import TABLES_BY_NAME, Table
from goodcall.store import problems as P
from goodcall.store.codec import LIST_KINDS, LIST_SEPARATOR
from goodcall.store.parse import ROW, parse_batch
from goodcall.store.sniff import separator_hint

FileFormat = Literal["csv", "parquet"]
FORMATS: tuple[FileFormat, ...] = ("csv", "parquet")
CSV_DATETIME = "%Y-%m-%dT%H:%M:%S%.f%:z"


class TableFileError(ValueError):
    """A file that does not hold valid rows of its table; ``problems`` lists every problem."""

    def __init__(self, path: Path, problems: pl.DataFrame) -> None:
        self.path = path
        self.problems = problems
        first = problems.head(5).iter_rows(named=True)
        lines = [
            f"row {p['row']}, column {p['column']}: {p['problem']} {p['value']!r}, "
            f"expected {p['expected']}"
            for p in first
        ]
        super().__init__(f"{path}: {problems.height} problem(s): " + "; ".join(lines))


def _csv_column(table: Table, name: str) -> pl.Expr:
    column = table.column(name)
    col = pl.col(name)
    if column.kind == "datetime":
        return col.dt.convert_time_zone("UTC").dt.to_string(CSV_DATETIME)
    if column.kind == "date":
        return col.dt.to_string("%Y-%m-%d")
    if column.kind == "time":
        whole_minute = (col.dt.second() == 0) & (col.dt.nanosecond() == 0)
        return (
            pl.when(whole_minute)
            .then(col.dt.to_string("%H:%M"))
            .otherwise(col.dt.to_string("%H:%M:%S%.f"))
        )
    if column.kind in LIST_KINDS:
        return col.list.join(LIST_SEPARATOR)
    return col


def _check_lists(frame: pl.DataFrame, table: Table) -> None:
    for column in table.columns:
        if column.kind in LIST_KINDS and column.name in frame.columns:
            items = frame.get_column(column.name).explode().drop_nulls()
            if items.str.contains(LIST_SEPARATOR, literal=True).any():
                raise ValueError(f"{table.name}.{column.name}: list items may not contain ';'")


def csv_text(frame: pl.DataFrame | pl.LazyFrame, table: Table) -> str:
    """The CSV text of a table in the import format (for examples and small exports)."""
    data = frame.lazy().collect() if isinstance(frame, pl.LazyFrame) else frame
    data = data.select([c.name for c in table.columns if c.name in data.columns])
    _check_lists(data, table)
    return data.select([_csv_column(table, n) for n in data.columns]).write_csv()


def write_table(
    frame: pl.DataFrame | pl.LazyFrame, table: Table, out_dir: Path, fmt: FileFormat
) -> Path:
    """Write one table as ``out_dir/<table>.<fmt>`` in the import format."""
    data = frame.lazy().collect() if isinstance(frame, pl.LazyFrame) else frame
    data = data.select([c.name for c in table.columns if c.name in data.columns])
    path = out_dir / f"{table.name}.{fmt}"
    if fmt == "parquet":
        schema = table_schema(table)
        data.cast({n: schema[n] for n in data.columns}).write_parquet(path)
        return path
    _check_lists(data, table)
    data.select([_csv_column(table, n) for n in data.columns]).write_csv(path)
    return path


def write_tables(
    tables: Mapping[str, pl.DataFrame | pl.LazyFrame], out_dir: Path | str, fmt: FileFormat
) -> list[Path]:
    """Write every table of ``tables`` into ``out_dir`` (created if needed), in ``fmt``."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: expected one of {', '.join(FORMATS)}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return [write_table(frame, TABLES_BY_NAME[name], out, fmt) for name, frame in tables.items()]


@dataclass(frozen=True)
class TableFile:
    """One import file: its table, path and format."""

    table: Table
    path: Path
    fmt: FileFormat

    @property
    def name(self) -> str:
        return self.path.name

    def _scan(self, with_row: bool) -> pl.LazyFrame:
        if self.fmt == "csv":
            return pl.scan_csv(
                self.path,
                infer_schema=False,
                row_index_name=ROW if with_row else None,
                row_index_offset=1,  # CSV rows are numbered from 1, after the header
            )
        return pl.scan_parquet(self.path, row_index_name=ROW if with_row else None)

    def columns(self) -> list[str]:
        return self._scan(with_row=False).collect_schema().names()

    def count_rows(self) -> int:
        return int(self._scan(with_row=False).select(pl.len()).collect().item())

    def batches(self, size: int) -> Iterator[pl.DataFrame]:
        """The rows in batches of about ``size``, each with its ``_row`` number (Int64)."""
        for batch in self._scan(with_row=True).collect_batches(chunk_size=size):
            yield batch.with_columns(pl.col(ROW).cast(pl.Int64))

    def header_problems(self) -> pl.DataFrame:
        """Missing required columns and columns the table does not have (both are errors)."""
        present = self.columns()
        hint = separator_hint(self.path) if self.fmt == "csv" else None
        found = [P.file_problem(self.name, P.UNREADABLE_FILE, hint)] if hint else []
        found += [
            P.file_problem(
                self.name, P.MISSING_COLUMN, "the column (it is required)", column=c.name
            )
            for c in self.table.columns
            if c.required and c.name not in present
        ]
        known = ", ".join(self.table.column_names)
        found += [
            P.file_problem(self.name, P.UNKNOWN_COLUMN, f"only columns {known}", column=name)
            for name in present
            if name not in self.table.column_names
        ]
        return pl.concat(found) if found else P.empty_problems()


def read_table_file(path: Path | str, table: Table | str) -> pl.DataFrame:
    """Read one import file into the table's exact Polars schema, or raise TableFileError.

    The checks are those of ``goodcall import`` that concern a single file (types, allowed
    values, time zones, ranges, nulls, duplicate keys); references to other tables are not
    checked here.
    """
    spec = TABLES_BY_NAME[table] if isinstance(table, str) else table
    source = Path(path)
    fmt: FileFormat = "parquet" if source.suffix == ".parquet" else "csv"
    file = TableFile(spec, source, fmt)
    problems = [file.header_problems()]
    raw = file._scan(with_row=True).collect().with_columns(pl.col(ROW).cast(pl.Int64))
    raw = raw.select([n for n in raw.columns if n == ROW or n in spec.column_names])
    parsed = parse_batch(raw, spec, file.name)
    problems.append(parsed.problems)
    duplicated = parsed.rows.filter(~pl.struct(spec.key).is_first_distinct())
    problems.append(
        duplicated.select(
            pl.lit(file.name).alias("file"),
            pl.col(ROW).alias("row"),
            pl.lit(",".join(spec.key)).alias("column"),
            pl.concat_str([pl.col(k).cast(pl.String) for k in spec.key], separator=",").alias(
                "value"
            ),
            pl.lit(P.DUPLICATE_KEY).alias("problem"),
            pl.lit("a key that no other row of the file has").alias("expected"),
        )
    )
    found = pl.concat(problems)
    if found.height:
        raise TableFileError(source, found)
    return parsed.rows.drop(ROW)
