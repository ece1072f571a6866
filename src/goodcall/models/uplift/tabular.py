"""From any experiment table to learner inputs: groups, outcome, features.

This is what makes ``goodcall uplift`` generic: the treatment and control groups are named as
``COLUMN=VALUE`` (values compared as text, so ``segment=Womens E-Mail`` and ``arm=1`` both
work), rows of other groups are dropped and counted, the outcome may be written 0/1,
true/false or yes/no (or be a number such as spend), and every other column is a feature
unless listed in ``exclude`` — exclude other outcomes measured after the contact (for
Hillstrom with outcome ``visit``: ``conversion`` and ``spend``), or the model learns from the
future.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import polars as pl
from numpy.typing import NDArray

from goodcall.models.uplift.data import OutcomeKind, UpliftInputError

OutcomeChoice = Literal["auto", "binary", "continuous"]
_TRUE = {"1", "1.0", "true", "t", "yes", "y"}
_FALSE = {"0", "0.0", "false", "f", "no", "n"}


@dataclass(frozen=True)
class GroupValue:
    """A group of the experiment: rows whose ``column`` reads ``value``."""

    column: str
    value: str

    @classmethod
    def parse(cls, text: str, option: str) -> GroupValue:
        column, sep, value = text.partition("=")
        if not sep or not column.strip() or not value:
            raise UpliftInputError(f"{option} must read COLUMN=VALUE, got {text!r}")
        return cls(column.strip(), value)


@dataclass(frozen=True)
class UpliftTable:
    """Learner inputs built from a table, with what was dropped on the way."""

    features: pl.DataFrame
    treated: NDArray[np.bool_]
    outcome: NDArray[np.float64]
    outcome_kind: OutcomeKind
    rows_read: int
    rows_dropped: int


def read_table(path: Path) -> pl.DataFrame:
    """A CSV file with types inferred from every row (a late decimal must not break a column)."""
    source = Path(path)
    if not source.is_file():
        raise UpliftInputError(f"{source}: no such file")
    try:
        return pl.read_csv(source, infer_schema_length=None)
    except (pl.exceptions.PolarsError, OSError) as error:
        raise UpliftInputError(f"{source}: cannot read as CSV ({error})") from error


def _group_mask(frame: pl.DataFrame, group: GroupValue, option: str) -> pl.Series:
    if group.column not in frame.columns:
        raise UpliftInputError(f"{option}: no column {group.column!r} in the data")
    text = frame.get_column(group.column).cast(pl.String)
    mask = text == group.value
    if not mask.any():
        seen = text.drop_nulls().unique().sort().head(20).to_list()
        raise UpliftInputError(
            f"{option}: no row has {group.column}={group.value!r}; values in that column: "
            f"{', '.join(repr(v) for v in seen)}"
        )
    return mask.fill_null(False)


def parse_outcome(
    column: pl.Series, kind: OutcomeChoice = "auto"
) -> tuple[NDArray[np.float64], OutcomeKind]:
    """Outcome values as float64 and their kind; 0/1, true/false, yes/no read as binary."""
    if column.null_count():
        first = int(column.is_null().arg_true()[0])
        raise UpliftInputError(
            f"outcome {column.name!r} is empty in {column.null_count()} row(s); "
            f"first at data row {first + 1}"
        )
    if column.dtype == pl.Boolean or column.dtype.is_numeric():
        values = column.cast(pl.Float64).to_numpy()
    else:
        text = column.cast(pl.String).str.strip_chars().str.to_lowercase()
        if text.is_in(sorted(_TRUE | _FALSE)).all():
            values = text.is_in(sorted(_TRUE)).cast(pl.Float64).to_numpy()
        else:
            numbers = text.cast(pl.Float64, strict=False)
            if numbers.null_count():
                odd = column.filter(numbers.is_null()).unique().head(5).to_list()
                raise UpliftInputError(
                    f"outcome {column.name!r} must be 0/1, true/false, yes/no or a number; "
                    f"found {', '.join(repr(v) for v in odd)}"
                )
            values = numbers.to_numpy()
    binary = bool(np.isin(values, (0.0, 1.0)).all())
    if kind == "binary" and not binary:
        odd_values = np.unique(values[~np.isin(values, (0.0, 1.0))])[:5]
        raise UpliftInputError(
            f"outcome {column.name!r} is not binary: values such as "
            f"{', '.join(f'{v:g}' for v in odd_values)} besides 0 and 1"
        )
    if not np.isfinite(values).all():
        raise UpliftInputError(f"outcome {column.name!r} holds infinite or NaN values")
    chosen: OutcomeKind = "binary" if binary and kind != "continuous" else "continuous"
    return values.astype(np.float64), chosen


def prepare_uplift_table(
    frame: pl.DataFrame,
    *,
    treatment: GroupValue,
    control: GroupValue,
    outcome: str,
    features: Sequence[str] | None = None,
    exclude: Sequence[str] = (),
    outcome_kind: OutcomeChoice = "auto",
) -> UpliftTable:
    """Select the two groups, read the outcome and the feature columns (module docstring)."""
    if treatment.column != control.column:
        raise UpliftInputError(
            f"--treatment and --control must name the same column "
            f"({treatment.column!r} vs {control.column!r})"
        )
    if treatment.value == control.value:
        raise UpliftInputError(f"treatment and control are the same value {treatment.value!r}")
    if outcome not in frame.columns:
        raise UpliftInputError(
            f"no outcome column {outcome!r} (columns: {', '.join(frame.columns)})"
        )
    is_treated = _group_mask(frame, treatment, "--treatment")
    is_control = _group_mask(frame, control, "--control")
    kept = frame.filter(is_treated | is_control)
    treated = is_treated.filter(is_treated | is_control).to_numpy()
    values, kind = parse_outcome(kept.get_column(outcome), outcome_kind)
    columns = _feature_columns(frame, treatment.column, outcome, features, exclude)
    return UpliftTable(
        features=kept.select(columns),
        treated=treated.astype(np.bool_),
        outcome=values,
        outcome_kind=kind,
        rows_read=frame.height,
        rows_dropped=frame.height - kept.height,
    )


def _feature_columns(
    frame: pl.DataFrame,
    group_column: str,
    outcome: str,
    features: Sequence[str] | None,
    exclude: Sequence[str],
) -> list[str]:
    listed = [*(features or []), *exclude]
    unknown = [name for name in listed if name not in frame.columns]
    if unknown:
        raise UpliftInputError(f"unknown column(s) {', '.join(map(repr, unknown))} in the data")
    if features is not None and exclude:
        raise UpliftInputError("give either --features or --exclude, not both")
    if features is not None:
        clash = [name for name in features if name in (group_column, outcome)]
        if clash:
            raise UpliftInputError(
                f"{', '.join(map(repr, clash))} cannot be a feature: it is the group or outcome"
            )
        return list(dict.fromkeys(features))
    dropped = {group_column, outcome, *exclude}
    columns = [name for name in frame.columns if name not in dropped]
    if not columns:
        raise UpliftInputError("no feature column left after excluding the group and outcome")
    return columns
