"""Feature encoding shared by every model: any Polars table in, a float32 matrix out.

Why one encoder for all models: a model saved today must read tomorrow's scoring table exactly
as it read its training table, so the encoding (which columns, numeric or categorical, the
vocabulary of each categorical) is learned once, saved with the model as JSON, and checked at
scoring time — a missing column or a column whose type changed is an error naming the column,
never a silent shift of every feature by one position.

Encoding rules:

* numeric columns (integers, floats, decimals) → float32; null → NaN (LightGBM treats NaN as
  missing, the logistic baseline imputes the training mean);
* categorical columns (string, categorical, enum, boolean) → integer codes stored as float32:
  ``0 … n-1`` for the vocabulary (most frequent first, then alphabetical), ``n`` for null,
  ``n+1`` for a value never seen in training (or pooled because the column had more than
  ``max_categories`` distinct values). LightGBM receives them through ``categorical_feature``;
  an unseen code falls on the "other categories" side of every split;
* with ``columns=None``, a string column whose every value is distinct (an identifier such as a
  customer id) is skipped and listed in ``skipped`` — it cannot generalise to new rows;
* other types (dates, lists, structs) are refused with a message naming the column: convert a
  date into a number that means something for the decision (days since an event) first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import polars as pl
from pydantic import BaseModel, ConfigDict, Field

from goodcall.memo import PerObject

FeatureKind = Literal["numeric", "categorical"]
_EXPRESSIONS: PerObject[dict[tuple[pl.DataType, ...], list[pl.Expr]]] = PerObject(64)
"""Per fitted list of specs (the tuple object), its expressions per tuple of column types."""
ENCODER_FORMAT = 1
IDENTIFIER_MIN_ROWS = 20


class FeatureSchemaError(ValueError):
    """A table does not match the features a model was trained on (column, type)."""


class FeatureSpec(BaseModel):
    """One input column: its kind, its training dtype and, if categorical, its vocabulary."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    kind: FeatureKind
    dtype: str
    categories: tuple[str, ...] = ()

    @property
    def null_code(self) -> int:
        return len(self.categories)

    @property
    def unknown_code(self) -> int:
        return len(self.categories) + 1


def _is_categorical_dtype(dtype: pl.DataType) -> bool:
    return dtype in (pl.String, pl.Categorical, pl.Boolean) or isinstance(dtype, pl.Enum)


def _is_numeric_dtype(dtype: pl.DataType) -> bool:
    return dtype.is_numeric() or dtype == pl.Null


def _kind_of(name: str, dtype: pl.DataType) -> FeatureKind:
    if _is_numeric_dtype(dtype):
        return "numeric"
    if _is_categorical_dtype(dtype):
        return "categorical"
    raise FeatureSchemaError(
        f"column {name!r} has type {dtype}, which a model cannot read; expected a number, a "
        "string, a boolean or a category (convert dates to a number such as days since an "
        "event, or exclude the column)"
    )


def _vocabulary(column: pl.Series, max_categories: int) -> tuple[str, ...]:
    counts = (
        column.cast(pl.String)
        .drop_nulls()
        .value_counts(name="n")
        .sort(["n", column.name], descending=[True, False])
    )
    return tuple(counts.get_column(column.name).head(max_categories).to_list())


def _looks_like_identifier(column: pl.Series) -> bool:
    if column.dtype not in (pl.String, pl.Categorical) or column.len() < IDENTIFIER_MIN_ROWS:
        return False
    return column.n_unique() == column.len()


class FeatureEncoder:
    """Learns, saves and applies the encoding of a feature table (see the module docstring).

    Use ``encoder = FeatureEncoder().fit(train)`` then ``encoder.transform(table)``; an encoder
    rebuilt with ``FeatureEncoder.from_dict(encoder.to_dict())`` transforms identically.
    """

    def __init__(self, specs: Sequence[FeatureSpec] = (), *, max_categories: int = 500) -> None:
        if max_categories < 1:
            raise ValueError(f"max_categories must be at least 1, got {max_categories}")
        self.specs: tuple[FeatureSpec, ...] = tuple(specs)
        self.max_categories = max_categories
        self.skipped: dict[str, str] = {}

    @property
    def feature_names(self) -> list[str]:
        return [spec.name for spec in self.specs]

    @property
    def categorical_indices(self) -> list[int]:
        """Positions of the categorical columns in the matrix (LightGBM ``categorical_feature``)."""
        return [i for i, spec in enumerate(self.specs) if spec.kind == "categorical"]

    def fit(self, df: pl.DataFrame, columns: Sequence[str] | None = None) -> FeatureEncoder:
        """Learn kinds and vocabularies from ``df`` (all columns, or only ``columns``)."""
        if columns is None:
            chosen = list(df.columns)
        else:
            _require_columns(df, columns, context="training data")
            chosen = list(dict.fromkeys(columns))
        specs: list[FeatureSpec] = []
        self.skipped = {}
        for name in chosen:
            column = df.get_column(name)
            if columns is None and _looks_like_identifier(column):
                self.skipped[name] = "every value is distinct (an identifier)"
                continue
            kind = _kind_of(name, column.dtype)
            vocabulary = _vocabulary(column, self.max_categories) if kind == "categorical" else ()
            specs.append(
                FeatureSpec(name=name, kind=kind, dtype=str(column.dtype), categories=vocabulary)
            )
        if not specs:
            raise FeatureSchemaError("no usable feature column: the model would have no input")
        self.specs = tuple(specs)
        return self

    def transform(self, df: pl.DataFrame) -> np.ndarray:
        """The float32 matrix (rows of ``df`` × ``feature_names``); extra columns are ignored."""
        if not self.specs:
            raise FeatureSchemaError("the encoder has not been fitted")
        _require_columns(df, self.feature_names, context="data")
        matrix = df.select(self._expressions(df.schema)).to_numpy()
        return np.ascontiguousarray(matrix, dtype=np.float32)

    def _expressions(self, schema: pl.Schema) -> list[pl.Expr]:
        """The encoding expressions for a table of ``schema``, built once per fitted specs and
        column types: a decision of one customer would otherwise spend milliseconds building
        the vocabularies' literals again on every call."""
        dtypes = tuple(schema[spec.name] for spec in self.specs)
        built = _EXPRESSIONS.get(self.specs, dict)
        known = built.get(dtypes)
        if known is None:
            known = [self._expression(s, d) for s, d in zip(self.specs, dtypes, strict=True)]
            if len(built) >= 8:
                built.clear()
            built[dtypes] = known
        return known

    def _expression(self, spec: FeatureSpec, dtype: pl.DataType) -> pl.Expr:
        column = pl.col(spec.name)
        if spec.kind == "numeric":
            if not _is_numeric_dtype(dtype):
                raise FeatureSchemaError(
                    f"column {spec.name!r} must be numeric (trained as {spec.dtype}), got {dtype}"
                )
            return column.cast(pl.Float32).fill_nan(None).fill_null(float("nan"))
        if not (_is_categorical_dtype(dtype) or dtype.is_integer() or dtype == pl.Null):
            raise FeatureSchemaError(
                f"column {spec.name!r} must be categorical (trained as {spec.dtype}: string, "
                f"boolean or category), got {dtype}"
            )
        as_text = column.cast(pl.String)
        codes = as_text.replace_strict(
            list(spec.categories),
            list(range(len(spec.categories))),
            default=spec.unknown_code,
            return_dtype=pl.Float32,
        )
        return (
            pl.when(as_text.is_null()).then(pl.lit(spec.null_code, pl.Float32)).otherwise(codes)
        ).alias(spec.name)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description; ``from_dict`` rebuilds an identical encoder."""
        return {
            "format": ENCODER_FORMAT,
            "max_categories": self.max_categories,
            "features": [spec.model_dump(mode="json") for spec in self.specs],
            "skipped": dict(self.skipped),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FeatureEncoder:
        if data.get("format") != ENCODER_FORMAT:
            raise FeatureSchemaError(
                f"feature encoding format {data.get('format')!r} is not supported "
                f"(expected {ENCODER_FORMAT})"
            )
        specs = [FeatureSpec.model_validate(item) for item in data["features"]]
        encoder = cls(specs, max_categories=int(data["max_categories"]))
        encoder.skipped = dict(data.get("skipped", {}))
        return encoder


def _require_columns(df: pl.DataFrame, columns: Sequence[str], *, context: str) -> None:
    missing = [name for name in columns if name not in df.columns]
    if missing:
        listed = ", ".join(repr(name) for name in missing)
        raise FeatureSchemaError(
            f"{context} lacks column(s) {listed} the model needs "
            f"(columns present: {', '.join(df.columns)})"
        )
