"""Python work once per distinct input, never once per customer.

A campaign's briefs share most of their inputs: a few languages and registers, a handful of
devices, plans, prices and dates. Whatever must run in Python (Babel formatting, a Jinja2 macro,
the catalog's reason wording) is called once per distinct combination of the columns it reads,
and the results are joined back onto every row in Polars.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl

VALUE = "__value"
SMALL = 64
"""Up to this many rows, distinct keys are found with a dict: a brief or a few, worded at once."""


class RowError(ValueError):
    """A failure of the work for one row: ``row`` is its position in the frame."""

    def __init__(self, row: int, error: Exception) -> None:
        super().__init__(str(error))
        self.row = row
        self.error = error


def per_distinct(
    keys: pl.DataFrame,
    compute: Callable[..., Any],
    dtype: pl.DataType,
    *,
    rows: pl.Series | None = None,
) -> pl.Series:
    """``compute(*key)`` for each distinct row of ``keys``, aligned with the rows of ``keys``.

    Keys are compared as Polars compares them (nulls equal). Distinct keys are computed in order
    of first appearance, so when ``compute`` raises, the error is wrapped in a :class:`RowError`
    naming the first row (or ``rows[i]``) that has the failing key: the earliest failing row.
    """
    if keys.width == 0:
        raise ValueError("per_distinct needs at least one key column")
    if keys.height <= SMALL:
        return _per_distinct_small(keys, compute, dtype, rows)
    table = distinct_table(keys, compute, dtype, rows=rows)
    joined = keys.join(table, on=keys.columns, how="left", nulls_equal=True, maintain_order="left")
    return joined[VALUE]


def distinct_table(
    keys: pl.DataFrame,
    compute: Callable[..., Any],
    dtype: pl.DataType,
    *,
    rows: pl.Series | None = None,
) -> pl.DataFrame:
    """The distinct rows of ``keys`` with ``compute(*key)`` in a :data:`VALUE` column (see
    :func:`per_distinct`, which joins it back; callers may join it within a larger query)."""
    distinct = keys.with_row_index("__first").unique(
        subset=keys.columns, keep="first", maintain_order=True
    )
    values: list[Any] = []
    firsts = distinct.get_column("__first").to_list()
    table = pl.DataFrame([distinct.get_column(c) for c in keys.columns])
    for n, key in enumerate(table.iter_rows()):
        try:
            values.append(compute(*key))
        except ValueError as exc:
            first = firsts[n]
            raise RowError(int(rows[first]) if rows is not None else first, exc) from exc
    return table.hstack([pl.Series(VALUE, values, dtype=dtype)])


def _per_distinct_small(
    keys: pl.DataFrame, compute: Callable[..., Any], dtype: pl.DataType, rows: pl.Series | None
) -> pl.Series:
    """:func:`per_distinct` for a few rows, without the Polars joins (same results)."""
    done: dict[Any, Any] = {}
    values: list[Any] = []
    for n, key in enumerate(keys.iter_rows()):
        marker = _hashable(key)
        if marker not in done:
            try:
                done[marker] = compute(*key)
            except ValueError as exc:
                raise RowError(int(rows[n]) if rows is not None else n, exc) from exc
        values.append(done[marker])
    return pl.Series(VALUE, values, dtype=dtype)


def _hashable(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, dict):
        return tuple((k, _hashable(v)) for k, v in value.items())
    return value


def regroup(
    flat_rows: pl.Series, values: pl.Series, rows: pl.Series, dtype: pl.DataType
) -> pl.Series:
    """Per row of ``rows`` (row numbers), the list of ``values`` whose ``flat_rows`` is that
    row, in order (an empty list for none)."""
    if flat_rows.len() <= SMALL and rows.len() <= SMALL:
        lists: dict[Any, list[Any]] = {}
        for row, value in zip(flat_rows.to_list(), values.to_list(), strict=True):
            lists.setdefault(row, []).append(value)
        return pl.Series(VALUE, [lists.get(row, []) for row in rows.to_list()], pl.List(dtype))
    flat = pl.DataFrame([flat_rows.alias("_row"), values.alias("_v")])
    grouped = flat.lazy().group_by("_row", maintain_order=True).agg(pl.col("_v").alias("_list"))
    empty = pl.lit([], dtype=pl.List(dtype))
    joined = (
        pl.DataFrame([rows.alias("_row")])
        .lazy()
        .join(grouped, on="_row", how="left", maintain_order="left")
        .select(pl.col("_list").cast(pl.List(dtype)).fill_null(empty))
    )
    return joined.collect()["_list"]
