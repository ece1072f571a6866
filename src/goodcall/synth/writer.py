"""Streaming writers of the import format: append a chunk of every table at a time.

Parquet: one ``pyarrow.parquet.ParquetWriter`` per table, one row group per chunk, with the
table's declared types (timestamps ``timestamp[us, UTC]``, lists as lists). CSV: a header, then
rows appended chunk after chunk, formatted by the store's own ``csv_text`` so the generator and
the importer agree on the conventions of ``goodcall.profiles.schema`` (timestamps ISO 8601 in UTC
with an offset, dates ``YYYY-MM-DD``, clock times ``HH:MM``, booleans ``true``/``false``, lists
``;``-separated).
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Protocol

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from goodcall.profiles.frames import empty_table
from goodcall.profiles.schema import TABLES_BY_NAME
from goodcall.store.files import csv_text

FORMATS = ("parquet", "csv")


class TableSink(Protocol):
    def write(self, table: str, frame: pl.DataFrame) -> None: ...

    def close(self) -> None: ...


class ParquetSink:
    """Appends chunks to ``<dir>/<table>.parquet``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._writers: dict[str, pq.ParquetWriter] = {}
        self._schemas: dict[str, pa.Schema] = {}

    def write(self, table: str, frame: pl.DataFrame) -> None:
        if table not in self._writers:
            schema = empty_table(TABLES_BY_NAME[table]).to_arrow().schema
            self._schemas[table] = schema
            self._writers[table] = pq.ParquetWriter(
                self.directory / f"{table}.parquet", schema, compression="zstd"
            )
        arrow = frame.to_arrow().cast(self._schemas[table])
        self._writers[table].write_table(arrow)

    def close(self) -> None:
        for writer in self._writers.values():
            writer.close()
        self._writers.clear()


class CsvSink:
    """Appends chunks to ``<dir>/<table>.csv``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._files: dict[str, IO[str]] = {}

    def write(self, table: str, frame: pl.DataFrame) -> None:
        first = table not in self._files
        if first:
            self._files[table] = (self.directory / f"{table}.csv").open("w", encoding="utf-8")
        text = csv_text(frame, TABLES_BY_NAME[table])
        if not first:
            text = text.split("\n", 1)[1] if "\n" in text else ""
        self._files[table].write(text)

    def close(self) -> None:
        for handle in self._files.values():
            handle.close()
        self._files.clear()


def open_sink(fmt: str, directory: Path) -> TableSink:
    if fmt == "parquet":
        return ParquetSink(directory)
    if fmt == "csv":
        return CsvSink(directory)
    raise ValueError(f"unknown format {fmt!r}; expected one of {FORMATS}")
