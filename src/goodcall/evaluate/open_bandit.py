"""Off-policy evaluation runs from files, and the Open Bandit Dataset check.

The Open Bandit check (``compare_open_bandit``), both directions for one campaign:

1. **Random logs → Bernoulli TS.** The evaluation policy ``π_bts(item | position)`` is estimated
   from the bts logs with ``policy_from_logs`` (by default: the mean logged bts propensity of
   each (item, position), normalised to sum to 1 per position); every estimator then reweights
   the random logs (propensity 1/number of items) by ``π_bts / π_random``. The truth to compare
   with is the bts policy's on-policy value: the mean click of the bts logs.
2. **Bts logs → uniform random.** ``π_random`` is estimated the same way from the random logs
   (it is exactly uniform); the bts logs carry their own propensities. Truth: the mean click
   of the random logs.

The doubly robust reward model reads the item, the position and the four user features.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from goodcall.evaluate.ope import ESTIMATORS, OpeResult, estimate_policy_value
from goodcall.evaluate.ope_data import (
    LogColumns,
    OpeInputError,
    PolicyEstimate,
    open_bandit_logs,
    policy_from_logs,
    read_logs,
    read_table_file,
)
from goodcall.writing import write_csv

OPEN_BANDIT_CONTEXT = ("user_feature_0", "user_feature_1", "user_feature_2", "user_feature_3")


@dataclass(frozen=True)
class OpeOptions:
    """Estimation settings shared by every run."""

    estimators: tuple[str, ...] = ESTIMATORS
    n_bootstrap: int = 1000
    alpha: float = 0.05
    folds: int = 3
    seed: int = 0
    context: tuple[str, ...] = ()
    max_weight: float | None = None


@dataclass(frozen=True)
class OpeComparison:
    """One evaluation: what was estimated from which logs, the result and the truth if known."""

    title: str
    logs_label: str
    result: OpeResult
    truth: float | None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if self.truth is not None:
            data["relative_errors"] = {
                e.estimator: e.relative_error(self.truth) for e in self.result.estimates
            }
            data["ci_covers_truth"] = {
                e.estimator: e.covers(self.truth) for e in self.result.estimates
            }
        return data


def _estimate(
    logs: pl.DataFrame,
    policy: pl.DataFrame,
    columns: LogColumns,
    options: OpeOptions,
    context: tuple[str, ...],
    source: str,
    *,
    policy_source: str = "policy",
) -> OpeResult:
    return estimate_policy_value(
        logs,
        policy,
        columns=columns,
        context=context,
        estimators=options.estimators,
        n_bootstrap=options.n_bootstrap,
        alpha=options.alpha,
        seed=options.seed,
        folds=options.folds,
        max_weight=options.max_weight,
        source=source,
        policy_source=policy_source,
    )


def evaluate_from_files(
    logs_path: Path | None,
    policy_path: Path | None,
    policy_logs_path: Path | None,
    estimate: str,
    columns: LogColumns,
    options: OpeOptions,
    *,
    truth: float | None = None,
    write_policy: Path | None = None,
) -> OpeComparison:
    """``--logs`` with either ``--policy`` or ``--policy-from-logs`` (then the truth is known)."""
    if logs_path is None:
        raise OpeInputError("--logs is required (or use --open-bandit DIR)")
    if (policy_path is None) == (policy_logs_path is None):
        raise OpeInputError("give exactly one of --policy and --policy-from-logs")
    logs, used = read_logs(logs_path, columns)
    notes = [f"logs read from {', '.join(str(p) for p in used)}"]
    if policy_path is not None:
        policy = read_table_file(policy_path)
        label = str(policy_path)
    else:
        assert policy_logs_path is not None
        other, _ = read_logs(policy_logs_path, columns)
        policy = policy_from_logs(other, columns, _estimate_kind(estimate))
        label = f"policy of {policy_logs_path} ({estimate} estimate)"
        if truth is None:
            truth = _mean_reward(other, columns)
            notes.append("truth: the mean reward of the evaluation policy's own logs")
        if write_policy is not None:
            write_csv(policy, write_policy)
            notes.append(f"estimated policy written to {write_policy}")
    result = _estimate(
        logs, policy, columns, options, options.context, str(logs_path), policy_source=label
    )
    return OpeComparison(f"Value of {label}", str(logs_path), result, truth, notes)


def _mean_reward(logs: pl.DataFrame, columns: LogColumns) -> float:
    return float(logs.get_column(columns.reward).cast(pl.Float64).to_numpy().mean())


def _estimate_kind(text: str) -> PolicyEstimate:
    if text == "propensity":
        return "propensity"
    if text == "frequency":
        return "frequency"
    raise OpeInputError(f"--policy-estimate must be propensity or frequency, got {text!r}")


def compare_open_bandit(
    root: Path, campaign: str, estimate: str, options: OpeOptions
) -> list[OpeComparison]:
    """Both directions of the Open Bandit check for one campaign (module docstring)."""
    columns = LogColumns()
    kind = _estimate_kind(estimate)
    frames = {
        name: pl.read_csv(open_bandit_logs(root, name, campaign), infer_schema_length=None)
        for name in ("random", "bts")
    }
    context = options.context or OPEN_BANDIT_CONTEXT
    comparisons = []
    for behaviour, target in (("random", "bts"), ("bts", "random")):
        logs, target_logs = frames[behaviour], frames[target]
        policy = policy_from_logs(target_logs, columns, kind)
        truth = _mean_reward(target_logs, columns)
        source = f"{behaviour}/{campaign}"
        comparisons.append(
            OpeComparison(
                title=f"Open Bandit {campaign}: value of {target} estimated from {behaviour} logs",
                logs_label=source,
                result=_estimate(logs, policy, columns, options, context, source),
                truth=truth,
                notes=[
                    f"π_{target}(item | position) = {kind} estimate from the {target} logs; "
                    f"truth = mean click of the {target} logs (on-policy)"
                ],
            )
        )
    return comparisons
