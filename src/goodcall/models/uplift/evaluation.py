"""Held-out comparison of the uplift learners with the two-model logistic baseline.

``evaluate_uplift`` splits an experiment in two (stratified by group × outcome, seeded), fits
every candidate learner, ``auto``'s choice and the baseline on the first part, and scores their
rankings of the second part: Qini coefficient, AUUC (binary outcomes), uplift@k for each ``k``
(``by_group``, as in scikit-uplift's published Hillstrom figure), and each score's ratio to the
baseline's. The same split and the same training rows serve every learner.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import ArrayLike, NDArray

from goodcall.models.metrics import (
    EffectEstimate,
    MetricInputError,
    auuc,
    effect_with_ci,
    qini_coefficient,
    uplift_at_k,
)
from goodcall.models.uplift.baseline import fit_logistic_baseline
from goodcall.models.uplift.data import (
    UpliftInputError,
    stratified_split,
    validate_learning_data,
)
from goodcall.models.uplift.fit import fit_candidates
from goodcall.models.uplift.learners import AUTO_METHODS, Method
from goodcall.models.uplift.params import LightGBMParams

BASELINE = "logistic baseline"
DEFAULT_KS = (0.1, 0.2, 0.3)


@dataclass(frozen=True)
class LearnerScores:
    """One learner's held-out scores."""

    name: str
    qini_coefficient: float
    auuc: float | None
    uplift_at: dict[str, float]
    fit_seconds: float | None
    role: str  # "candidate", "auto" or "baseline"


@dataclass(frozen=True)
class EvaluationReport:
    """Everything ``goodcall uplift evaluate`` prints."""

    rows_train: int
    rows_test: int
    outcome_kind: str
    test_effect: EffectEstimate
    chosen: str
    learners: list[LearnerScores]

    @property
    def baseline(self) -> LearnerScores:
        return next(item for item in self.learners if item.role == "baseline")

    @property
    def auto(self) -> LearnerScores:
        return next(item for item in self.learners if item.role == "auto")

    def ratio(self, learner: LearnerScores, metric: str) -> float | None:
        """``learner``'s score over the baseline's (None when the baseline's is not positive)."""
        mine, theirs = _metric(learner, metric), _metric(self.baseline, metric)
        if mine is None or theirs is None or theirs <= 0:
            return None
        return mine / theirs

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["ratios_to_baseline"] = {
            item.name: {
                metric: self.ratio(item, metric)
                for metric in ("qini_coefficient", "auuc", *item.uplift_at)
            }
            for item in self.learners
        }
        return data


def _metric(learner: LearnerScores, metric: str) -> float | None:
    if metric == "qini_coefficient":
        return learner.qini_coefficient
    if metric == "auuc":
        return learner.auuc
    return learner.uplift_at.get(metric)


def k_label(k: float) -> str:
    return f"uplift@{round(k * 100)}%"


def _scores(
    name: str,
    uplift: NDArray[np.float64],
    y: NDArray[np.float64],
    t: NDArray[np.float64],
    ks: Sequence[float],
    seconds: float | None,
    role: str,
    binary: bool,
) -> LearnerScores:
    """Held-out scores; a metric undefined on these rows is an error that gives their counts."""
    try:
        return LearnerScores(
            name=name,
            qini_coefficient=qini_coefficient(y, uplift, t),
            auuc=auuc(y, uplift, t) if binary else None,
            uplift_at={k_label(k): uplift_at_k(y, uplift, t, k=k) for k in ks},
            fit_seconds=seconds,
            role=role,
        )
    except MetricInputError as error:
        treated = t == 1
        raise UpliftInputError(
            f"cannot score {name} on the held-out rows ({error}): they hold "
            f"{int(treated.sum()):,} treated rows (outcome total {y[treated].sum():g}) and "
            f"{int((~treated).sum()):,} control rows (outcome total {y[~treated].sum():g}); "
            "use more rows or a larger --test-share"
        ) from error


def evaluate_uplift(
    features: pl.DataFrame,
    treated: ArrayLike,
    outcome: ArrayLike,
    *,
    test_share: float = 0.5,
    seed: int = 0,
    params: LightGBMParams | None = None,
    ks: Sequence[float] = DEFAULT_KS,
    progress: Callable[[str], None] | None = None,
    methods: Sequence[Method] = AUTO_METHODS,
) -> EvaluationReport:
    """Fit on one part, score on the other; see the module docstring. ``methods``: the
    learners compared, among which ``auto`` chooses."""
    say = progress if progress is not None else (lambda _message: None)
    data = validate_learning_data(features, treated, outcome)
    train, test = stratified_split(data.treated, data.outcome, data.kind, test_share, seed)
    x_train, x_test = features[train], features[test]
    y, t = data.outcome[test], data.treated[test].astype(np.float64)
    binary = data.kind == "binary"
    say(f"fitting the uplift learners on {train.size:,} rows")
    started = time.perf_counter()
    search = fit_candidates(
        x_train, data.treated[train], data.outcome[train], seed=seed, params=params, final="all",
        methods=methods,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    learners = [
        _scores(c.label, model.predict(x_test), y, t, ks, None, "candidate", binary)
        for c, model in search.models.items()
    ]
    chosen = next(item for item in learners if item.name == search.chosen.label)
    learners.append(
        LearnerScores(**{**asdict(chosen), "name": f"auto → {chosen.name}", "role": "auto",
                         "fit_seconds": round(seconds, 2)})
    )  # fmt: skip
    say("fitting the two-model logistic baseline")
    started = time.perf_counter()
    baseline = fit_logistic_baseline(x_train, data.treated[train], data.outcome[train], seed=seed)
    seconds = time.perf_counter() - started
    learners.append(
        _scores(BASELINE, baseline.predict(x_test), y, t, ks, round(seconds, 2), "baseline", binary)
    )
    return EvaluationReport(
        rows_train=int(train.size),
        rows_test=int(test.size),
        outcome_kind=data.kind,
        test_effect=effect_with_ci(y[t == 1], y[t == 0]),
        chosen=search.chosen.label,
        learners=learners,
    )
