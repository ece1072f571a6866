"""A carrier's import tables as Parquet files, read one range of customers at a time.

The batch decision at carrier scale never holds the base: it asks for the customers
``first..last`` (a contiguous range in ``customer_id`` order) and gets every table restricted to
them, as lazy scans whose filter Parquet pushes down to its row groups (files written sorted by
customer read only the row groups of the range). Reference tables (``plans``, ``promotions``)
are read whole: they are small and every customer's profile needs them.

The folder holds ``<table>.parquet`` files in the import format (``docs/data-format.md``).
Their schema — column names and types — is checked once, at the entry, against the import
tables; a mismatch is a :class:`~goodcall.store.files.TableFileError` naming the file, the column
and the type expected. Values are checked by ``goodcall import``: a folder that has not been
through it is read as it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl

from goodcall.profiles.frames import table_schema
from goodcall.profiles.schema import TABLES, Table
from goodcall.store import problems as P
from goodcall.store.files import TableFile, TableFileError

c = pl.col
Bounds = tuple[str, str]


class ParquetCarrier:
    """The import tables of ``folder`` as Parquet, by customer range (see the module)."""

    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)
        if not self.folder.is_dir():
            raise FileNotFoundError(f"{self.folder}: no such folder of Parquet import files")
        self.files: dict[str, Path] = {}
        for table in TABLES:
            path = self.folder / f"{table.name}.parquet"
            if path.is_file():
                _check_schema(TableFile(table, path, "parquet"))
                self.files[table.name] = path
            elif table.required:
                raise FileNotFoundError(f"{path}: the required table {table.name} is missing")

    def customer_ids(self) -> pl.Series:
        """Every customer id, sorted."""
        ids = pl.scan_parquet(self.files["customers"]).select("customer_id").collect()
        return ids.to_series().sort()

    def bounds(self, size: int) -> list[Bounds]:
        """Contiguous ranges of ``size`` customers, in ``customer_id`` order."""
        if size < 1:
            raise ValueError(f"a chunk holds at least one customer, not {size}")
        ids = self.customer_ids()
        return [
            (str(ids[start]), str(ids[min(start + size, ids.len()) - 1]))
            for start in range(0, ids.len(), size)
        ]

    def tables(self, bounds: Bounds) -> dict[str, pl.LazyFrame]:
        """Every table restricted to the customers ``first..last`` (reference tables whole)."""
        first, last = bounds
        frames = {}
        for name, path in self.files.items():
            scan = pl.scan_parquet(path)
            if "customer_id" in scan.collect_schema():
                scan = scan.filter(c("customer_id").is_between(pl.lit(first), pl.lit(last)))
            frames[name] = scan
        return frames

    def chunks(self, size: int) -> Iterator[dict[str, pl.LazyFrame]]:
        """The tables of each range of ``size`` customers, in order."""
        for bounds in self.bounds(size):
            yield self.tables(bounds)


def _check_schema(file: TableFile) -> None:
    """Names and types of one Parquet file against its import table (the entry check)."""
    problems = file.header_problems()
    if problems.height:
        raise TableFileError(file.path, problems)
    found = pl.scan_parquet(file.path).collect_schema()
    expected = table_schema(file.table)
    wrong = [
        P.file_problem(file.name, P.BAD_VALUE, f"{expected[name]} ({_kind(file.table, name)})",
                       column=name, value=str(dtype))
        for name, dtype in found.items()
        if not _compatible(dtype, expected[name])
    ]  # fmt: skip
    if wrong:
        raise TableFileError(file.path, pl.concat(wrong))


def _kind(table: Table, name: str) -> str:
    return table.column(name).kind


def _compatible(found: pl.DataType, expected: pl.DataType) -> bool:
    """Same type; a timestamp in any time zone (it is one instant); a null-only column."""
    if found == expected or found == pl.Null:
        return True
    return (
        isinstance(found, pl.Datetime)
        and isinstance(expected, pl.Datetime)
        and (found.time_zone is not None)
    )
