"""Polars dtypes of the import tables, derived from :mod:`goodcall.profiles.schema`."""

from __future__ import annotations

import polars as pl

from goodcall.profiles.schema import Column, Table
from goodcall.zones import UTC_DATETIME

_KIND_DTYPES: dict[str, pl.DataType] = {
    "str": pl.String(),
    "enum": pl.String(),
    "timezone": pl.String(),
    "int": pl.Int64(),
    "float": pl.Float64(),
    "bool": pl.Boolean(),
    "date": pl.Date(),
    "datetime": UTC_DATETIME,
    "time": pl.Time(),
    "str_list": pl.List(pl.String()),
    "enum_list": pl.List(pl.String()),
}


def polars_dtype(column: Column) -> pl.DataType:
    """The dtype a column has once imported (timestamps in UTC)."""
    return _KIND_DTYPES[column.kind]


def table_schema(table: Table) -> pl.Schema:
    """The Polars schema of a table as stored, in declaration order."""
    return pl.Schema({c.name: polars_dtype(c) for c in table.columns})


def empty_table(table: Table) -> pl.DataFrame:
    """An empty frame with the table's schema (for optional tables that were not supplied)."""
    return pl.DataFrame(schema=table_schema(table))
