"""A floor on trees, or early stopping pooled over folds, when the validation part of a binary
outcome holds few positives (both opt-in).

Inputs tried: a validation part with 99 / 100 positives in its smaller group, a continuous
outcome, no validation part, the floor switched off; and a pure-noise rare outcome on which
early stopping keeps 7 to 79 trees, the floor lifting those below it (``tau1``, fitted on
the effects the floored ``mu0`` imputes, then stops elsewhere).
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from goodcall.models.uplift import LightGBMParams, fit_uplift
from goodcall.models.uplift.learners import Part, rare_validation

FLOOR = LightGBMParams(rare_min_trees=150)
POOLED = {"mu0": 1, "tau0": 3, "tau1": 1}  # pure noise: pooled stopping keeps almost none


def _part(control_positives: int, treated_positives: int) -> Part:
    """1,000 control and 1,000 treated rows with the given number of positives."""
    outcome = np.zeros(2_000)
    outcome[:control_positives] = 1.0
    outcome[1_000 : 1_000 + treated_positives] = 1.0
    treated = np.arange(2_000) >= 1_000
    return Part(np.zeros((2_000, 1), dtype=np.float32), treated, outcome)


@pytest.mark.parametrize(
    ("control", "treated", "expected"),
    [(99, 500, True), (500, 99, True), (100, 100, False), (0, 0, True), (400, 400, False)],
)
def test_rare_below_the_positives_threshold(control: int, treated: int, expected: bool) -> None:
    assert rare_validation(FLOOR, "binary", _part(control, treated)) is expected


def test_never_rare_off_binary_or_without_validation() -> None:
    rare = _part(5, 5)
    assert not rare_validation(FLOOR, "continuous", rare)
    assert not rare_validation(FLOOR, "binary", None)
    threshold = LightGBMParams(rare_positives=5)
    assert not rare_validation(threshold, "binary", rare)
    assert rare_validation(threshold, "binary", _part(4, 5))


def _noise(n: int = 6_000, seed: int = 0) -> tuple[pl.DataFrame, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    features = pl.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n)})
    treated = rng.random(n) < 0.5
    outcome = (rng.random(n) < 0.01).astype(np.float64)
    return features, treated, outcome


def _trees(params: LightGBMParams) -> dict[str, int]:
    features, treated, outcome = _noise()
    model = fit_uplift(features, treated, outcome, method="x", params=params, refit=False, seed=1)
    return {name: int(b.best_iteration) for name, b in model.boosters.items()}


def test_rare_outcome_boosters_keep_the_floor() -> None:
    base = dict(n_estimators=300, learning_rate=0.1, early_stopping_rounds=10)
    assert _trees(LightGBMParams(**base)) == {"mu0": 17, "tau0": 7, "tau1": 79}
    floored = _trees(LightGBMParams(**base, rare_min_trees=25))
    assert floored == {"mu0": 25, "tau0": 25, "tau1": 64}


def test_rare_outcome_trees_pooled_over_folds() -> None:
    base = dict(n_estimators=300, learning_rate=0.1, early_stopping_rounds=10)
    pooled = _trees(LightGBMParams(**base, rare_cv_folds=3))
    assert pooled == POOLED
    not_rare = LightGBMParams(**base, rare_cv_folds=3, rare_positives=1)
    assert _trees(not_rare) == {"mu0": 17, "tau0": 7, "tau1": 79}


def test_refit_grows_the_floored_number_of_trees() -> None:
    features, treated, outcome = _noise()
    params = LightGBMParams(
        n_estimators=300, learning_rate=0.1, early_stopping_rounds=10, rare_min_trees=25
    )
    model = fit_uplift(features, treated, outcome, method="x", params=params, seed=1)
    assert model.metadata.refitted_on_all_rows
    assert {n: b.current_iteration() for n, b in model.boosters.items()} == {
        "mu0": 25,
        "tau0": 25,
        "tau1": 64,
    }
