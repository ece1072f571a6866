"""The floor on trees when the validation part of a binary outcome holds few positives.

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
from goodcall.models.uplift.learners import Part, rare_validation_floor

FLOOR = LightGBMParams(rare_min_trees=150)


def _part(control_positives: int, treated_positives: int) -> Part:
    """1,000 control and 1,000 treated rows with the given number of positives."""
    outcome = np.zeros(2_000)
    outcome[:control_positives] = 1.0
    outcome[1_000 : 1_000 + treated_positives] = 1.0
    treated = np.arange(2_000) >= 1_000
    return Part(np.zeros((2_000, 1), dtype=np.float32), treated, outcome)


@pytest.mark.parametrize(
    ("control", "treated", "expected"),
    [(99, 500, 150), (500, 99, 150), (100, 100, 0), (0, 0, 150), (400, 400, 0)],
)
def test_floor_applies_below_the_positives_threshold(
    control: int, treated: int, expected: int
) -> None:
    assert rare_validation_floor(FLOOR, "binary", _part(control, treated)) == expected


def test_floor_never_applies_off_binary_or_without_validation() -> None:
    rare = _part(5, 5)
    assert rare_validation_floor(FLOOR, "continuous", rare) == 0
    assert rare_validation_floor(FLOOR, "binary", None) == 0
    assert rare_validation_floor(LightGBMParams(), "binary", rare) == 0
    threshold = LightGBMParams(rare_min_trees=40, rare_positives=5)
    assert rare_validation_floor(threshold, "binary", rare) == 0
    assert rare_validation_floor(threshold, "binary", _part(4, 5)) == 40


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
