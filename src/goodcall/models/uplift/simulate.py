"""Contact experiments with a known answer, for acceptance tests and benchmarks.

Real experiments never reveal each customer's uplift; a simulated one does, so a learner can be
checked against the truth (correlation of predicted and true uplift, estimated average effect)
rather than only against noisy held-out rankings. The world mimics a carrier's outbound
campaign: some customers are persuadable, some are "sleeping dogs" whom the call pushes away.

True response probabilities (σ is the logistic function):

* without contact ``p0 = σ(−1.6 + 0.45·usage + 0.35·[loyal] + 0.25·support_calls_z)``
* uplift ``τ = 0.12·[bargain]·σ(2·usage) + 0.05·[new] − 0.08·[loyal]·[tenure > 5]
  + 0.03·tanh(bill_z)`` (persuadables: bargain hunters who use a lot of data, new customers;
  sleeping dogs: long-tenured loyal customers)
* with contact ``p1 = clip(p0 + τ, 0.001, 0.999)``; the reported truth is ``p1 − p0``.

Extra noise columns (numeric and categorical, various cardinalities) let benchmarks reach a
realistic width without adding signal.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from numpy.typing import NDArray

SEGMENTS = ("loyal", "bargain", "new", "mixed")
REGIONS = ("QC", "ON", "BC", "AB", "MB", "NS")


@dataclass(frozen=True)
class SimulatedExperiment:
    """A randomised contact experiment and its hidden truth."""

    features: pl.DataFrame
    treated: NDArray[np.bool_]
    outcome: NDArray[np.float64]
    true_uplift: NDArray[np.float64]
    p_control: NDArray[np.float64]


def _sigmoid(z: NDArray[np.float64]) -> NDArray[np.float64]:
    return 1.0 / (1.0 + np.exp(-z))


def simulate_experiment(
    n: int,
    *,
    seed: int = 0,
    treatment_share: float = 0.5,
    noise_numeric: int = 0,
    noise_categorical: int = 0,
) -> SimulatedExperiment:
    """``n`` customers, randomly contacted with probability ``treatment_share``."""
    if n < 1 or not 0 < treatment_share < 1:
        raise ValueError("n must be positive and treatment_share in (0, 1)")
    rng = np.random.default_rng(seed)
    segment = rng.choice(len(SEGMENTS), size=n, p=[0.3, 0.25, 0.2, 0.25])
    tenure = rng.gamma(2.0, 2.5, size=n)
    usage = rng.normal(size=n)
    bill_z = rng.normal(size=n)
    support_z = rng.normal(size=n)
    columns: dict[str, object] = {
        "segment": np.asarray(SEGMENTS)[segment],
        "region": np.asarray(REGIONS)[rng.integers(len(REGIONS), size=n)],
        "tenure_years": tenure,
        "data_usage": usage,
        "monthly_bill": 60 + 20 * bill_z,
        "support_calls": np.round(np.exp(0.5 * support_z)),
    }
    for i in range(noise_numeric):
        columns[f"noise_num_{i}"] = rng.normal(size=n).astype(np.float32)
    for i in range(noise_categorical):
        levels = 3 + 7 * i
        columns[f"noise_cat_{i}"] = np.char.add("L", rng.integers(levels, size=n).astype(str))
    loyal, bargain, new = (segment == 0), (segment == 1), (segment == 2)
    p0 = _sigmoid(-1.6 + 0.45 * usage + 0.35 * loyal + 0.25 * support_z)
    tau = (
        0.12 * bargain * _sigmoid(2 * usage)
        + 0.05 * new
        - 0.08 * loyal * (tenure > 5)
        + 0.03 * np.tanh(bill_z)
    )
    p1 = np.clip(p0 + tau, 0.001, 0.999)
    treated = rng.random(n) < treatment_share
    outcome = (rng.random(n) < np.where(treated, p1, p0)).astype(np.float64)
    return SimulatedExperiment(pl.DataFrame(columns), treated, outcome, p1 - p0, p0)
