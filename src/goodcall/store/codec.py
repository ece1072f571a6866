"""Typed frames to and from the store's wire form, vectorised.

The store keeps every value in a form both backends read and write as text or numbers:
timestamps ``YYYY-MM-DD HH:MM:SS.ffffff`` in UTC, dates ``YYYY-MM-DD``, local times
``HH:MM:SS.ffffff``, booleans 0/1, lists ``;``-joined (``''`` is the empty list, NULL is null).
These are also the forms SQLAlchemy's SQLite types use, so the tables read back the same through
SQLAlchemy. Encoding and decoding are Polars expressions over whole columns: no Python loop per
row.
"""

from __future__ import annotations

import polars as pl

from goodcall.profiles.frames import table_schema
from goodcall.profiles.schema import Column, Table
from goodcall.zones import UTC_DATETIME

LIST_SEPARATOR = ";"
WIRE_DATETIME = "%Y-%m-%d %H:%M:%S%.6f"
WIRE_TIME = "%H:%M:%S%.6f"
_READ_DATETIME = "%Y-%m-%d %H:%M:%S%.f"
_READ_TIME = "%H:%M:%S%.f"
LIST_KINDS = ("str_list", "enum_list")


def wire_dtype(column: Column) -> pl.DataType:
    """The dtype a column has on the wire (what a database cursor hands back)."""
    if column.kind == "int" or column.kind == "bool":
        return pl.Int64()
    if column.kind == "float":
        return pl.Float64()
    return pl.String()


def wire_schema(table: Table) -> pl.Schema:
    """The wire dtypes of a table's columns, in declaration order."""
    return pl.Schema({c.name: wire_dtype(c) for c in table.columns})


def _encode(column: Column, *, utc_suffix: bool) -> pl.Expr:
    col = pl.col(column.name)
    if column.kind == "datetime":
        text = col.dt.convert_time_zone("UTC").dt.to_string(WIRE_DATETIME)
        return text + "+00:00" if utc_suffix else text
    if column.kind == "date":
        return col.dt.to_string("%Y-%m-%d")
    if column.kind == "time":
        return col.dt.to_string(WIRE_TIME)
    if column.kind == "bool":
        return col.cast(pl.Int64)
    if column.kind in LIST_KINDS:
        return col.list.join(LIST_SEPARATOR)
    return col


def encode(frame: pl.DataFrame, table: Table, *, utc_suffix: bool = False) -> pl.DataFrame:
    """A typed frame (``table_schema``) in wire form, columns in declaration order.

    ``utc_suffix`` appends ``+00:00`` to timestamps, for backends that parse offsets (COPY).
    """
    return frame.select([_encode(c, utc_suffix=utc_suffix).alias(c.name) for c in table.columns])


def split_list(text: pl.Expr) -> pl.Expr:
    """``'a;b'`` → ``['a', 'b']``, ``''`` → ``[]``, null → null."""
    return (
        pl.when(text.is_null())
        .then(pl.lit(None, pl.List(pl.String())))
        .when(text == "")
        .then(pl.lit([], pl.List(pl.String())))
        .otherwise(text.str.split(LIST_SEPARATOR))
    )


def split_text(text: str) -> list[str]:
    """:func:`split_list` on one value (not null), for rows read one by one."""
    return text.split(LIST_SEPARATOR) if text else []


def _decode(column: Column) -> pl.Expr:
    col = pl.col(column.name)
    if column.kind == "datetime":
        return col.str.to_datetime(_READ_DATETIME, time_unit="us", time_zone="UTC")
    if column.kind == "date":
        return col.str.to_date("%Y-%m-%d")
    if column.kind == "time":
        return col.str.to_time(_READ_TIME)
    if column.kind == "bool":
        return col.cast(pl.Boolean)
    if column.kind in LIST_KINDS:
        return split_list(col)
    return col


def decode(frame: pl.DataFrame | pl.LazyFrame, table: Table) -> pl.LazyFrame:
    """A wire-form frame back to the table's exact Polars schema (for the columns it has)."""
    schema = table_schema(table)
    names = frame.collect_schema().names()
    return frame.lazy().select(
        [_decode(c).cast(schema[c.name]).alias(c.name) for c in table.columns if c.name in names]
    )


__all__ = ["UTC_DATETIME", "decode", "encode", "split_list", "split_text", "wire_schema"]
