"""The learners ``auto`` compares, and how their boosters are fitted together.

A candidate is a meta-learner plus the number of leaves of its effect models: ``x:2`` is the
X-learner whose effect regressions are stumps (an additive effect), ``x:8`` the same learner
with 8-leaf trees (effects that depend on combinations of features), ``ct:2``/``ct:8`` likewise
for class transformation, ``t`` the T-learner (no effect model of its own), ``s`` the
S-learner (one outcome model with the group as a feature, fitted on its own), ``si`` the
S-learner with interactions (compared only when listed: ``learners.AUTO_METHODS``). Why both sizes:
on Hillstrom the stump effect models rank customers best, on simulated campaigns with
interactions (bargain hunters × heavy data users) the deeper ones do, and which is true for a
given experiment is only known from its held-out rows (``selection``).

All candidates but the S-learners share the outcome models ``μ0``/``μ1`` (and the propensity
model), so comparing them costs the two outcome models plus two boosters per X candidate, one
per class-transformation candidate and one (on every row) per S-learner.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import lightgbm as lgb
import numpy as np
from numpy.typing import NDArray

from goodcall.models.uplift.learners import (
    FitContext,
    Method,
    Part,
    clip_propensity,
    fit_class_transformation,
    fit_outcome_models,
    fit_propensity_model,
    fit_s_learner,
    fit_si_learner,
    fit_x_effects,
    imputed_effects,
    predict,
)

Propensity = float | Literal["share", "model"]
_METHOD_ORDER: dict[Method, int] = {"x": 0, "ct": 1, "t": 2, "s": 3, "si": 4}
_NO_EFFECT_MODEL = ("t", "s", "si")
_SINGLE_MODEL = ("s", "si")


@dataclass(frozen=True)
class Candidate:
    """A learner and the leaves of its effect models (``None`` for the T- and S-learner)."""

    method: Method
    effect_leaves: int | None

    @property
    def label(self) -> str:
        return self.method if self.effect_leaves is None else f"{self.method}:{self.effect_leaves}"


def candidate_grid(methods: Sequence[Method], effect_leaves: Sequence[int]) -> list[Candidate]:
    """Candidates simplest first: fewer effect leaves, then X before CT; T and S last."""
    grid = [
        Candidate(m, None) if m in _NO_EFFECT_MODEL else Candidate(m, leaves)
        for m in dict.fromkeys(methods)
        for leaves in (effect_leaves if m not in _NO_EFFECT_MODEL else (0,))
    ]
    return sorted(
        grid, key=lambda c: (c.effect_leaves or max(effect_leaves) + 1, _METHOD_ORDER[c.method])
    )


@dataclass(frozen=True)
class FittedCandidates:
    """Boosters of every candidate under the canonical names ``UpliftModel`` expects."""

    boosters: dict[Candidate, dict[str, lgb.Booster]]
    seconds: dict[Candidate, float]
    propensity_valid: NDArray[np.float64] | None
    constant_propensity: float | None


def propensity_values(
    part: Part | None,
    boosters: dict[str, lgb.Booster],
    propensity: Propensity,
    share: float,
) -> NDArray[np.float64]:
    """Treatment probability of each row: the model's, the observed share, or a fixed value."""
    if part is None:
        return np.empty(0)
    if propensity == "model":
        return clip_propensity(predict(boosters["propensity"], part.x))
    value = share if propensity == "share" else float(propensity)
    return np.full(part.x.shape[0], value)


def fit_candidate_boosters(
    ctx: FitContext, candidates: Sequence[Candidate], propensity: Propensity, share: float
) -> FittedCandidates:
    """Fit the shared outcome models once (if a candidate uses them), then each candidate's
    own models."""
    started = time.perf_counter()
    needs_outcome_models = any(c.method not in _SINGLE_MODEL for c in candidates)
    shared = fit_outcome_models(ctx) if needs_outcome_models else {}
    if propensity == "model":
        shared["propensity"] = fit_propensity_model(ctx)
    e_train = propensity_values(ctx.train, shared, propensity, share)
    e_valid = propensity_values(ctx.valid, shared, propensity, share) if ctx.valid else None
    shared_seconds = time.perf_counter() - started
    targets = None
    boosters: dict[Candidate, dict[str, lgb.Booster]] = {}
    seconds: dict[Candidate, float] = {}
    for candidate in candidates:
        started = time.perf_counter()
        own = dict(shared)
        if candidate.method in _SINGLE_MODEL:
            fit_single = fit_s_learner if candidate.method == "s" else fit_si_learner
            own[candidate.method] = fit_single(ctx)
            boosters[candidate] = own
            seconds[candidate] = time.perf_counter() - started
            continue
        if candidate.method == "x":
            assert candidate.effect_leaves is not None
            if targets is None:
                targets = imputed_effects(ctx, shared["mu0"], shared["mu1"])
            own.update(
                fit_x_effects(ctx, shared["mu0"], shared["mu1"], candidate.effect_leaves, targets)
            )
        elif candidate.method == "ct":
            assert candidate.effect_leaves is not None
            own["ct"] = fit_class_transformation(ctx, e_train, e_valid, candidate.effect_leaves)
        boosters[candidate] = own
        seconds[candidate] = shared_seconds + time.perf_counter() - started
    constant = None if propensity == "model" else float(e_train[0])
    return FittedCandidates(boosters, seconds, e_valid, constant)
