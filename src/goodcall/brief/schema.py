"""The brief as Polars columns, and as JSON, derived from the Pydantic model (declared once).

The batch path computes every fact of every brief as columns (one row per contact) whose nested
types mirror :class:`~goodcall.brief.model.Brief` field for field, in the same order. A row of
that frame is what ``Brief.model_dump()`` gives, so a frame row can become a validated
:class:`Brief`, and a :class:`Brief` a one-row frame, without a hand-kept second schema.
"""

from __future__ import annotations

import datetime as dt
import types
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any, Literal, Union, get_args, get_origin

import polars as pl
from pydantic import BaseModel

from goodcall.brief.model import Brief

UTC_DATETIME = pl.Datetime("us", "UTC")

_SCALARS: dict[Any, pl.DataType] = {
    str: pl.String(),
    int: pl.Int64(),
    float: pl.Float64(),
    bool: pl.Boolean(),
    dt.datetime: UTC_DATETIME,
    dt.date: pl.Date(),
    dt.time: pl.Time(),
}


def polars_dtype(annotation: Any) -> pl.DataType:
    """The Polars type of one model field's annotation (``X | None`` is nullable ``X``)."""
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        present = [a for a in get_args(annotation) if a is not type(None)]
        if len(present) != 1:
            raise TypeError(f"no Polars type for the union {annotation!r}")
        return polars_dtype(present[0])
    if origin is Literal:
        kinds = {type(v) for v in get_args(annotation)}
        if kinds != {str}:
            raise TypeError(f"no Polars type for {annotation!r} (only string literals)")
        return pl.String()
    if origin is list:
        return pl.List(polars_dtype(get_args(annotation)[0]))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return model_struct(annotation)
    if annotation in _SCALARS:
        return _SCALARS[annotation]
    raise TypeError(f"no Polars type for {annotation!r}")


@lru_cache(maxsize=64)
def model_struct(model: type[BaseModel]) -> pl.Struct:
    """The Polars struct of a model: its fields, in declaration order."""
    return pl.Struct(
        {name: polars_dtype(field.annotation) for name, field in model.model_fields.items()}
    )


BRIEF_SCHEMA = pl.Schema(dict(model_struct(Brief).to_schema()))
"""The columns of a brief frame: one per field of :class:`Brief`."""


def struct_of(model: type[BaseModel], **fields: pl.Expr) -> pl.Expr:
    """``pl.struct`` of a model's fields, refusing a missing or unknown one (and keeping order)."""
    names = list(model.model_fields)
    if sorted(fields) != sorted(names):
        missing = sorted(set(names) - set(fields))
        extra = sorted(set(fields) - set(names))
        raise TypeError(f"{model.__name__}: missing fields {missing}, unknown fields {extra}")
    dtype = model_struct(model)
    return pl.struct(*(fields[n].cast(dtype.to_schema()[n]).alias(n) for n in names))


def frame_of(briefs: Sequence[Brief]) -> pl.DataFrame:
    """Briefs as a brief frame (the inverse of :func:`briefs_of`)."""
    return pl.DataFrame([b.model_dump() for b in briefs], schema=BRIEF_SCHEMA)


def briefs_of(frame: pl.DataFrame) -> list[Brief]:
    """Every row of a brief frame, validated as a :class:`Brief`."""
    return [
        Brief.model_validate(row)
        for row in frame.select(BRIEF_SCHEMA.names()).iter_rows(named=True)
    ]


def like_model_dump(row: dict[str, Any]) -> dict[str, Any]:
    """A brief frame row as ``Brief.model_dump()`` gives it: a "do not" group with no line
    has no ``line_id`` and ``device`` keys (see :class:`~goodcall.brief.model.DoNotOffer`)."""
    avoid = row.get("avoid")
    if not isinstance(avoid, Mapping):
        return row
    offers = [
        {k: v for k, v in o.items() if k not in LINE_KEYS or o.get("line_id") is not None}
        for o in avoid.get("offers") or []
    ]
    return {**row, "avoid": {**avoid, "offers": offers}}


LINE_KEYS = ("line_id", "device")


def json_ready(value: Any) -> Any:
    """A frame row (or ``model_dump()``) as Pydantic's JSON mode gives it: ISO dates and times.

    Timestamps in UTC end in ``Z``, like ``model_dump(mode="json")``; the tests hold the two
    equal on every brief they build.
    """
    if isinstance(value, Mapping):
        return {k: json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    if isinstance(value, dt.datetime):
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return value
