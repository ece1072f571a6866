"""Checks on learner inputs and the stratified split every learner uses.

Why so strict: an uplift model fitted on a table with one group, a constant outcome or labels
in the wrong shape still "trains" in most libraries and returns confident nonsense. Here each of
those is an error that says what is wrong and what was expected.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import polars as pl
from numpy.typing import ArrayLike, NDArray

OutcomeKind = Literal["binary", "continuous"]
MIN_ROWS_PER_GROUP = 10


class UpliftInputError(ValueError):
    """Data an uplift learner cannot learn from (groups, outcome, lengths, settings)."""


@dataclass(frozen=True)
class LearningData:
    """Validated arrays: ``treated`` as bool, ``outcome`` as float64, with the outcome kind."""

    treated: NDArray[np.bool_]
    outcome: NDArray[np.float64]
    kind: OutcomeKind


def as_treated(values: ArrayLike) -> NDArray[np.bool_]:
    """Treatment flags as bool; only True/False or 1/0 are accepted."""
    array = np.asarray(values).ravel()
    if array.dtype == np.bool_:
        return array
    if array.dtype.kind not in "iuf" or not np.isin(array, (0, 1)).all():
        raise UpliftInputError("treated must hold only 1/True (treated) and 0/False (control)")
    return array.astype(np.bool_)


def outcome_kind(outcome: NDArray[np.float64]) -> OutcomeKind:
    return "binary" if np.isin(outcome, (0.0, 1.0)).all() else "continuous"


def validate_learning_data(
    features: pl.DataFrame, treated: ArrayLike, outcome: ArrayLike
) -> LearningData:
    """Check lengths, groups and outcome; return the arrays in the learners' types."""
    flags = as_treated(treated)
    raw_outcome = np.asarray(outcome).ravel()
    if raw_outcome.dtype.kind not in "biuf":
        raise UpliftInputError(f"outcome must be numeric or boolean, got dtype {raw_outcome.dtype}")
    values = raw_outcome.astype(np.float64)
    if not (features.height == flags.size == values.size):
        raise UpliftInputError(
            f"features, treated and outcome differ in length: "
            f"{features.height}, {flags.size}, {values.size}"
        )
    if not np.isfinite(values).all():
        raise UpliftInputError(f"outcome has {int((~np.isfinite(values)).sum())} missing values")
    n_treated = int(flags.sum())
    n_control = int(flags.size - n_treated)
    if min(n_treated, n_control) < MIN_ROWS_PER_GROUP:
        raise UpliftInputError(
            f"uplift needs at least {MIN_ROWS_PER_GROUP} treated and {MIN_ROWS_PER_GROUP} control "
            f"rows; got {n_treated} treated and {n_control} control"
        )
    kind = outcome_kind(values)
    if kind == "binary":
        for name, mask in (("treated", flags), ("control", ~flags)):
            if np.unique(values[mask]).size < 2:
                raise UpliftInputError(
                    f"the outcome is {values[mask][0]:g} in every {name} row: nothing to learn "
                    "about what the contact changes"
                )
    return LearningData(flags, values, kind)


def stratified_split(
    treated: NDArray[np.bool_],
    outcome: NDArray[np.float64],
    kind: OutcomeKind,
    share: float,
    seed: int,
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Row indices (first, second) with ``share`` of each stratum in the second part.

    Strata are treatment group × outcome for binary outcomes and treatment group otherwise, so
    both parts keep the treatment share and the response rate of the whole table.
    """
    if not 0 < share < 1:
        raise UpliftInputError(f"split share must be in (0, 1), got {share}")
    strata = treated.astype(np.int64) * 2
    if kind == "binary":
        strata = strata + outcome.astype(np.int64)
    rng = np.random.default_rng(seed)
    second: list[NDArray[np.intp]] = []
    for stratum in np.unique(strata):
        rows = rng.permutation(np.flatnonzero(strata == stratum))
        second.append(rows[: round(share * rows.size)])
    second_rows = np.sort(np.concatenate(second))
    mask = np.zeros(treated.size, dtype=np.bool_)
    mask[second_rows] = True
    first_rows = np.flatnonzero(~mask)
    for part, rows in (("training", first_rows), ("held-out", second_rows)):
        if treated[rows].all() or not treated[rows].any():
            raise UpliftInputError(
                f"the {part} part of the split has only one group; use more rows or another share"
            )
    return first_rows, second_rows
