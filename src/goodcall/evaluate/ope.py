"""Off-policy evaluation: what a new policy would have earned, estimated from logged decisions.

Why: a targeting policy can be judged before it calls anyone, from the contacts logged under
the current policy, as long as the current policy randomised (every logged decision carries the
probability ``π_b(a_i | x_i)`` with which it was taken). With importance weights
``w_i = π_e(a_i | x_i) / π_b(a_i | x_i)`` (as in Open Bandit Pipeline):

* **IPS** (inverse propensity scoring): ``V = mean(w_i · r_i)`` — unbiased, high variance.
* **SNIPS** (self-normalised IPS): ``V = Σ w_i r_i / Σ w_i`` — slightly biased, more stable.
* **DR** (doubly robust): ``V = mean(Σ_a π_e(a | x_i) q̂(x_i, a) + w_i (r_i − q̂(x_i, a_i)))``
  with a cross-fitted reward model ``q̂`` (``ope_reward``): unbiased when either the
  propensities or the reward model are right, and lower variance when ``q̂`` is informative.

Confidence intervals: percentile bootstrap over logged rows (``n_bootstrap`` resamples). For DR
the per-row terms are resampled with the reward model held fixed (as Open Bandit Pipeline does).
Diagnostics: the mean weight (≈ 1 when the logging policy covers the evaluation policy), the
largest weight and the effective sample size ``(Σw)² / Σw²``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
import polars as pl
from numpy.typing import NDArray

from goodcall.evaluate.ope_data import (
    PROBABILITY,
    LogColumns,
    OpeInputError,
    PolicyOnLogs,
    check_log_columns,
    context_columns,
    key_text,
    lay_policy_on_logs,
    reward_as_number,
)
from goodcall.evaluate.ope_reward import REWARD_MODEL_PARAMS, cross_fitted_rewards
from goodcall.models.uplift.params import LightGBMParams

Estimator = Literal["ips", "snips", "dr"]
ESTIMATORS: tuple[Estimator, ...] = ("ips", "snips", "dr")
Vector = NDArray[np.float64]


@dataclass(frozen=True)
class OpeEstimate:
    """One estimator's estimate of the evaluation policy's value, with its interval."""

    estimator: str
    value: float
    lower: float
    upper: float

    def relative_error(self, truth: float) -> float | None:
        return abs(self.value - truth) / abs(truth) if truth else None

    def covers(self, truth: float) -> bool:
        return self.lower <= truth <= self.upper


@dataclass(frozen=True)
class OpeResult:
    """Every estimate plus what says how far to trust them."""

    estimates: list[OpeEstimate]
    rounds: int
    logged_value: float
    mean_weight: float
    max_weight: float
    effective_sample_size: float
    alpha: float
    n_bootstrap: int
    notes: list[str] = field(default_factory=list)

    def estimate(self, name: str) -> OpeEstimate:
        return next(e for e in self.estimates if e.estimator == name)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def ips_terms(weight: Vector, reward: Vector) -> Vector:
    return weight * reward


def snips_value(weight: Vector, reward: Vector) -> float:
    total = weight.sum()
    return float((weight * reward).sum() / total) if total > 0 else float("nan")


def dr_terms(weight: Vector, reward: Vector, q_logged: Vector, q_policy: Vector) -> Vector:
    return q_policy + weight * (reward - q_logged)


def bootstrap_interval(
    statistic: Callable[[NDArray[np.intp]], float],
    n: int,
    *,
    n_bootstrap: int,
    alpha: float,
    seed: int,
) -> tuple[float, float]:
    """Percentile interval of ``statistic(resampled row indices)``."""
    rng = np.random.default_rng(seed)
    values = np.array([statistic(rng.integers(n, size=n)) for _ in range(n_bootstrap)])
    values = values[np.isfinite(values)]
    if values.size == 0:
        return float("nan"), float("nan")
    low, high = np.quantile(values, [alpha / 2, 1 - alpha / 2])
    return float(low), float(high)


def _examples(column: pl.Series, limit: int = 3) -> str:
    values = column.drop_nulls().cast(pl.String).unique().sort().head(limit).to_list()
    return ", ".join(repr(v) for v in values)


def _unlogged_actions(
    logs: pl.DataFrame, laid: PolicyOnLogs, action: str, policy_source: str
) -> list[str]:
    """A note when the evaluation policy takes actions that never appear in the logs.

    Why: no logged row can show what such an action earns, so IPS counts it as 0 and the mean
    weight drops below 1 — the estimate is biased downwards, whatever the interval says.
    """
    logged = logs.select(key_text(logs, [action])).get_column(action).unique()
    unseen = laid.expanded.filter(~pl.col(action).is_in(logged.implode()))
    if unseen.height == 0:
        return []
    share = float(unseen.get_column(PROBABILITY).sum()) / logs.height
    return [
        f"{policy_source} gives {share:.1%} of its probability to action(s) never logged "
        f"({_examples(unseen.get_column(action))}): their rewards are unknown, so IPS and DR "
        "undervalue the policy"
    ]


def _check_options(estimators: Sequence[str], n_bootstrap: int, alpha: float) -> None:
    unknown = [e for e in estimators if e not in ESTIMATORS]
    if unknown or not estimators:
        raise OpeInputError(f"estimators must be among {', '.join(ESTIMATORS)}; got {unknown}")
    if n_bootstrap < 100:
        raise OpeInputError(f"n_bootstrap must be at least 100, got {n_bootstrap}")
    if not 0 < alpha < 1:
        raise OpeInputError(f"alpha must be in (0, 1), got {alpha}")


def estimate_policy_value(
    logs: pl.DataFrame,
    policy: pl.DataFrame,
    *,
    columns: LogColumns | None = None,
    context: Sequence[str] = (),
    estimators: Sequence[str] = ESTIMATORS,
    n_bootstrap: int = 1000,
    alpha: float = 0.05,
    seed: int = 0,
    folds: int = 3,
    reward_params: LightGBMParams = REWARD_MODEL_PARAMS,
    max_weight: float | None = None,
    source: str = "logs",
    policy_source: str = "policy",
) -> OpeResult:
    """Estimate the value of ``policy`` (``π_e`` table, see ``ope_data``) from ``logs``.

    ``max_weight`` clips the importance weights (as Open Bandit Pipeline's ``lambda_``): less
    variance when a few logged propensities are tiny, at the price of a downward bias.
    """
    cols = columns if columns is not None else LogColumns()
    _check_options(estimators, n_bootstrap, alpha)
    if cols.reward in logs.columns:
        logs = reward_as_number(logs, cols.reward)
    check_log_columns(logs, cols, source)
    context = context_columns(logs, context, source)
    laid = lay_policy_on_logs(logs, policy, cols.action, policy_source)
    notes = _unlogged_actions(logs, laid, cols.action, policy_source)
    reward = logs.get_column(cols.reward).cast(pl.Float64).to_numpy()
    weight = laid.logged / logs.get_column(cols.propensity).cast(pl.Float64).to_numpy()
    if not weight.any():
        raise OpeInputError(
            f"{policy_source}: the evaluation policy gives probability 0 to every logged action "
            f"of {source}, so every importance weight is 0 and nothing can be estimated; check "
            f"that its {cols.action!r} values match the logs' (logs: "
            f"{_examples(logs.get_column(cols.action))}; policy: "
            f"{_examples(policy.get_column(cols.action))})"
        )
    if max_weight is not None:
        if max_weight <= 0:
            raise OpeInputError(f"max_weight must be positive, got {max_weight}")
        notes.append(f"{int((weight > max_weight).sum())} weight(s) clipped at {max_weight:g}")
        weight = np.minimum(weight, max_weight)
    n = reward.size
    estimates: list[OpeEstimate] = []

    def interval(statistic: Callable[[NDArray[np.intp]], float]) -> tuple[float, float]:
        return bootstrap_interval(statistic, n, n_bootstrap=n_bootstrap, alpha=alpha, seed=seed)

    if "ips" in estimators:
        ips = ips_terms(weight, reward)
        low, high = interval(lambda i: float(ips[i].mean()))
        estimates.append(OpeEstimate("ips", float(ips.mean()), low, high))
    if "snips" in estimators:
        low, high = interval(lambda i: snips_value(weight[i], reward[i]))
        estimates.append(OpeEstimate("snips", snips_value(weight, reward), low, high))
    if "dr" in estimators:
        q_logged, q_policy = cross_fitted_rewards(
            logs, laid, cols, context, folds=folds, seed=seed, params=reward_params
        )
        dr = dr_terms(weight, reward, q_logged, q_policy)
        low, high = interval(lambda i: float(dr[i].mean()))
        estimates.append(OpeEstimate("dr", float(dr.mean()), low, high))
    ess = float(weight.sum() ** 2 / (weight**2).sum()) if weight.any() else 0.0
    return OpeResult(
        estimates=estimates,
        rounds=n,
        logged_value=float(reward.mean()),
        mean_weight=float(weight.mean()),
        max_weight=float(weight.max()),
        effective_sample_size=ess,
        alpha=alpha,
        n_bootstrap=n_bootstrap,
        notes=notes,
    )
