"""Statistical acceptance on simulated campaigns whose true uplift is known (``simulate``).

For three seeds each: the learned uplift correlates with the true one, its Qini coefficient on
fresh customers beats a random ranking by a clear margin, and the average predicted uplift
matches the average effect within sampling error (three standard errors of a difference of
two proportions). Class transformation is also checked with a 20 % treatment share, where
forgetting the reweighting would put the average effect off by about 0.35, and the learners
with a continuous outcome (spend), where the true uplift is the conversion uplift × 50.
"""

from __future__ import annotations

import numpy as np
import pytest

from goodcall.models.metrics import qini_coefficient
from goodcall.models.uplift import fit_uplift
from goodcall.models.uplift.simulate import SimulatedExperiment, simulate_experiment

SEEDS = (0, 1, 2)
ROWS = 12_000


def _sampling_se(sim: SimulatedExperiment) -> float:
    rate = sim.outcome.mean()
    return float(np.sqrt(rate * (1 - rate) * (1 / sim.treated.sum() + 1 / (~sim.treated).sum())))


@pytest.mark.parametrize("seed", SEEDS)
def test_auto_recovers_the_true_uplift(seed: int) -> None:
    train = simulate_experiment(ROWS, seed=seed)
    test = simulate_experiment(ROWS, seed=seed + 1000)
    model = fit_uplift(train.features, train.treated, train.outcome, seed=seed)
    predicted = model.predict(test.features)
    assert np.corrcoef(predicted, test.true_uplift)[0, 1] > 0.6
    assert qini_coefficient(test.outcome, predicted, test.treated) > 0.03
    rng = np.random.default_rng(seed)
    random_qini = qini_coefficient(test.outcome, rng.permutation(predicted), test.treated)
    assert abs(random_qini) < 0.03
    in_sample = model.predict(train.features).mean()
    assert abs(in_sample - train.true_uplift.mean()) < 3 * _sampling_se(train)
    assert [c.label for c in model.metadata.candidates] == ["x:2", "ct:2", "x:8", "ct:8", "t", "s"]
    assert sum(c.chosen for c in model.metadata.candidates) == 1


@pytest.mark.parametrize("seed", SEEDS)
def test_class_transformation_with_unequal_treatment_share(seed: int) -> None:
    train = simulate_experiment(ROWS, seed=seed, treatment_share=0.2)
    model = fit_uplift(train.features, train.treated, train.outcome, method="ct", seed=seed)
    assert model.metadata.propensity_value == pytest.approx(train.treated.mean())
    predicted = model.predict(train.features)
    assert abs(predicted.mean() - train.true_uplift.mean()) < 3 * _sampling_se(train)
    assert np.corrcoef(predicted, train.true_uplift)[0, 1] > 0.5


@pytest.mark.parametrize("seed", SEEDS)
def test_continuous_outcome(seed: int) -> None:
    sim = simulate_experiment(ROWS, seed=seed)
    amount = 50.0 + 20.0 * (np.random.default_rng(seed).random(ROWS) - 0.5)
    spend = sim.outcome * amount
    model = fit_uplift(sim.features, sim.treated, spend, method="x", seed=seed)
    assert model.metadata.outcome_kind == "continuous"
    predicted = model.predict(sim.features)
    true_spend_uplift = 50.0 * sim.true_uplift
    assert np.corrcoef(predicted, true_spend_uplift)[0, 1] > 0.5
    spread = np.sqrt(spend.var() * (1 / sim.treated.sum() + 1 / (~sim.treated).sum()))
    assert abs(predicted.mean() - true_spend_uplift.mean()) < 3 * spread
    control, treated = model.predict_outcomes(sim.features)
    np.testing.assert_allclose(treated - control, predicted)
