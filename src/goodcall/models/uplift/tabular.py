"""From any experiment table to learner inputs: groups, outcome, features.

This is what makes ``goodcall uplift`` generic: the treatment and control groups are named as
``COLUMN=VALUE`` (compared in the column's type: ``arm=1`` matches ``1`` and ``1.0`` in a
numeric column, ``treated=true`` a boolean one, ``segment=Womens E-Mail`` exact text), rows of
other groups are dropped and counted, the outcome may be written 0/1, true/false or yes/no (or
be a number such as spend), and every other column is a feature unless listed in ``exclude`` —
exclude other outcomes measured after the contact (for Hillstrom with outcome ``visit``:
``conversion`` and ``spend``), or the model learns from the future. The automatic selection
leaves out empty and constant columns and integer row numbers (``skipped``, with reasons), and
``check_learnable`` refuses up front a table too small to learn anything from.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import polars as pl
from numpy.typing import NDArray

from goodcall.models.features import IDENTIFIER_MIN_ROWS
from goodcall.models.uplift.data import OutcomeKind, UpliftInputError
from goodcall.models.uplift.reading import FALSE_WORDS, TRUE_WORDS, read_table

__all__ = [
    "GroupValue",
    "LearningPlan",
    "UpliftTable",
    "check_learnable",
    "parse_outcome",
    "prepare_uplift_table",
    "read_table",
]

OutcomeChoice = Literal["auto", "binary", "continuous"]
_TRUE = {*TRUE_WORDS, "1.0"}
_FALSE = {*FALSE_WORDS, "0.0"}
_ID_NAME = re.compile(r"(^|[_\s.\-])id$|^id([_\s.\-]|$)|index$|^unnamed|^$", re.IGNORECASE)
MIN_HELD_OUT_OUTCOMES = 5


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
    skipped: dict[str, str] = field(default_factory=dict)


def _value_mask(column: pl.Series, value: str) -> pl.Series:
    """Rows whose value equals ``value`` as the column's type reads it.

    Numbers are compared as numbers (``arm=1`` matches ``1``, ``1.0`` and ``1.00``), booleans
    as truth values (``true``, ``1``, ``yes``, any case), anything else as exact text.
    """
    if column.dtype == pl.Boolean:
        wanted = value.strip().lower()
        if wanted not in _TRUE | _FALSE:
            return pl.Series(column.name, [False] * column.len())
        return column == (wanted in _TRUE)
    if column.dtype.is_numeric():
        try:
            number = float(value)
        except ValueError:
            return pl.Series(column.name, [False] * column.len())
        return column.cast(pl.Float64) == number
    return column.cast(pl.String) == value


def _values_found(column: pl.Series, limit: int = 20) -> str:
    seen = column.drop_nulls().unique().sort()
    shown = ", ".join(repr(str(v)) for v in seen.head(limit).to_list())
    more = f" (first {limit} of {seen.len():,})" if seen.len() > limit else ""
    empty = f"; {column.null_count():,} empty" if column.null_count() else ""
    return f"{shown}{more}{empty}" if seen.len() else "none (the column is empty)"


def _group_mask(frame: pl.DataFrame, group: GroupValue, option: str) -> pl.Series:
    if group.column not in frame.columns:
        raise UpliftInputError(
            f"{option}: no column {group.column!r} in the data "
            f"(columns: {', '.join(frame.columns)})"
        )
    column = frame.get_column(group.column)
    mask = _value_mask(column, group.value).fill_null(False)
    if not mask.any():
        close = [
            str(v)
            for v in column.drop_nulls().cast(pl.String).unique().sort().to_list()
            if str(v).strip().casefold() == group.value.strip().casefold()
        ]
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise UpliftInputError(
            f"{option}: no row has {group.column}={group.value!r}{hint}; values in that "
            f"column ({column.dtype}): {_values_found(column)}"
        )
    return mask


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
    if outcome == treatment.column:
        raise UpliftInputError(f"{outcome!r} cannot be both the group column and the outcome")
    is_treated = _group_mask(frame, treatment, "--treatment")
    is_control = _group_mask(frame, control, "--control")
    both = is_treated & is_control
    if both.any():
        raise UpliftInputError(
            f"--treatment {treatment.value!r} and --control {control.value!r} select the same "
            f"{int(both.sum()):,} row(s) of {treatment.column!r}: name two different values"
        )
    kept = frame.filter(is_treated | is_control)
    treated = is_treated.filter(is_treated | is_control).to_numpy()
    values, kind = parse_outcome(kept.get_column(outcome), outcome_kind)
    columns = _feature_columns(frame, treatment.column, outcome, features, exclude)
    skipped = {} if features is not None else _useless_columns(kept.select(columns))
    used = [name for name in columns if name not in skipped]
    if not used:
        raise UpliftInputError(
            "no usable feature column: "
            + "; ".join(f"{name!r} {why}" for name, why in skipped.items())
        )
    return UpliftTable(
        features=kept.select(used),
        treated=treated.astype(np.bool_),
        outcome=values,
        outcome_kind=kind,
        rows_read=frame.height,
        rows_dropped=frame.height - kept.height,
        skipped=skipped,
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
        raise UpliftInputError(
            f"unknown column(s) {', '.join(map(repr, unknown))} in the data "
            f"(columns: {', '.join(frame.columns)})"
        )
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


def _useless_columns(frame: pl.DataFrame) -> dict[str, str]:
    """Columns the automatic selection leaves out, with the reason (printed as notes).

    An empty or constant column cannot separate anyone; an integer column whose every value
    is distinct and that is named like an identifier or counts 0, 1, 2… (a pandas index
    written to the file) is a row number, on which a tree would split by row order.
    """
    skipped: dict[str, str] = {}
    for name in frame.columns:
        column = frame.get_column(name)
        if column.null_count() == column.len():
            skipped[name] = "is empty in every row"
        elif column.n_unique() == 1:
            skipped[name] = f"holds the single value {column[0]!r}"
        elif _looks_like_row_number(column):
            skipped[name] = "every value is a distinct integer (an identifier or row number)"
    return skipped


def _looks_like_row_number(column: pl.Series) -> bool:
    if not column.dtype.is_integer() or column.len() < IDENTIFIER_MIN_ROWS:
        return False
    if column.null_count() or column.n_unique() != column.len():
        return False
    span = int(column.max()) - int(column.min()) + 1  # type: ignore[arg-type]
    return span == column.len() or bool(_ID_NAME.search(column.name))


@dataclass(frozen=True)
class LearningPlan:
    """The parts a command cuts the table into, to say up front if it is large enough.

    ``train_share``: share of each group the effect models are trained on during the search;
    ``held_out_share``: the smallest share on which rankings are scored (validation or test).
    """

    train_share: float
    held_out_share: float
    min_child_samples: int

    @classmethod
    def for_fit(cls, validation_share: float, min_child_samples: int) -> LearningPlan:
        return cls(1 - validation_share, validation_share, min_child_samples)

    @classmethod
    def for_evaluate(
        cls, test_share: float, validation_share: float, min_child_samples: int
    ) -> LearningPlan:
        if not 0.05 <= test_share <= 0.9:
            raise UpliftInputError(f"--test-share must be in [0.05, 0.9], got {test_share}")
        train = (1 - test_share) * (1 - validation_share)
        held_out = min(test_share, (1 - test_share) * validation_share)
        return cls(train, held_out, min_child_samples)


def check_learnable(table: UpliftTable, outcome: str, plan: LearningPlan) -> None:
    """Refuse, with the figures, a table too small for the learners to do better than chance.

    Why: a LightGBM tree needs ``min_child_samples`` rows on each side of a split, so a group
    with fewer than twice that many training rows gets a one-leaf model and every customer the
    same uplift — the command would "succeed" with a random ranking. Held-out rankings need a
    few responders of each group too, or the Qini coefficient is undefined.
    """
    counts = {"treated": int(table.treated.sum()), "control": int((~table.treated).sum())}
    need_rows = math.ceil(2 * plan.min_child_samples / plan.train_share)
    for group, n in counts.items():
        if n < need_rows:
            raise UpliftInputError(
                f"too few rows to learn an uplift model: {counts['treated']:,} treated and "
                f"{counts['control']:,} control; each group needs at least {need_rows:,} rows "
                f"(its {plan.train_share:.0%} training part must hold 2 × "
                f"{plan.min_child_samples} rows for a tree to make a single split; with fewer, "
                f"every customer would get the same uplift; the {group} group is short)"
            )
    if table.outcome_kind == "binary":
        _check_binary_counts(table, outcome, plan)
    elif np.ptp(table.outcome) == 0:
        raise UpliftInputError(
            f"outcome {outcome!r} is {table.outcome[0]:g} in every row: nothing to learn"
        )


def _check_binary_counts(table: UpliftTable, outcome: str, plan: LearningPlan) -> None:
    need = math.ceil(MIN_HELD_OUT_OUTCOMES / plan.held_out_share)
    for group, mask in (("treated", table.treated), ("control", ~table.treated)):
        values = table.outcome[mask]
        positives = int(values.sum())
        for label, count in (("1 (positive)", positives), ("0", values.size - positives)):
            if count < need:
                raise UpliftInputError(
                    f"outcome {outcome!r} is {label} in only {count:,} of {values.size:,} "
                    f"{group} rows; at least {need:,} are needed so that the held-out rows "
                    f"({plan.held_out_share:.0%}) hold {MIN_HELD_OUT_OUTCOMES} of each outcome "
                    "in each group"
                )
