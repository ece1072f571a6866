"""The four meta-learners, built from plain LightGBM boosters.

* **T-learner**: one outcome model per group, ``μ0(x)`` on control rows and ``μ1(x)`` on
  treated rows; uplift ``τ(x) = μ1(x) − μ0(x)``.
* **X-learner** (Künzel et al. 2019): from the T-learner's models, impute each row's effect —
  ``D1 = y − μ0(x)`` on treated rows, ``D0 = μ1(x) − y`` on control rows — regress them
  (``τ1``, ``τ0``) and blend ``τ(x) = e(x)·τ0(x) + (1 − e(x))·τ1(x)`` with the propensity
  ``e(x)`` (the known randomisation share, or a propensity model for observational logs).
* **Class transformation** (Jaśkowski & Jaroszewicz 2012): ``z = 1`` for treated responders and
  control non-responders; with rows weighted so that both groups weigh the same
  (``1/(2e)`` treated, ``1/(2(1−e))`` control — this is what makes it valid for unequal
  treatment shares), ``τ(x) = 2·P(z = 1 | x) − 1``. For a continuous outcome the same idea is
  the transformed-outcome regression ``z = y·(t − e)/(e(1 − e))``, ``τ(x) = E[z | x]``
  (unbiased, but noisier than T/X: prefer those for spend-like outcomes).
* **S-learner**: one outcome model ``μ(x, t)`` on every row with the group as a last feature;
  uplift ``τ(x) = μ(x, 1) − μ(x, 0)``. Why it is a candidate: the group enters the trees only
  where it splits better than a feature, so where the effect is weak next to the outcome's own
  variation (Hillstrom's men) it shrinks towards no effect instead of subtracting two noisy
  models — the open libraries' best learner on those tasks is this one.
* **S-learner with interactions** (scikit-uplift's "treatment interaction"): the same single
  model on the features, each feature times the group, and the group, so that one tree can give
  treated rows a slope of their own on a feature without subtracting two separate models.
  A categorical feature's interaction column holds its code + 1 on treated rows and 0
  ("control") on control rows.

Every booster early-stops on the held-out rows of its own target when a validation part exists.
The outcome models (and the propensity model) use ``num_leaves``; the effect models of X and
class transformation take their own number of leaves, which ``auto`` chooses (``candidates``):
the effect is a much weaker signal than the outcome, and often an additive one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal, cast

import lightgbm as lgb
import numpy as np
from numpy.typing import NDArray

from goodcall.models.uplift.data import OutcomeKind
from goodcall.models.uplift.params import LightGBMParams, Objective

Method = Literal["t", "x", "ct", "s", "si"]
METHODS: tuple[Method, ...] = ("t", "x", "ct", "s", "si")
AUTO_METHODS: tuple[Method, ...] = ("t", "x", "ct", "s")
"""The learners ``auto`` compares. The S-learner with interactions is asked for by name (or
listed in ``fit_candidates(methods=...)``, where it enters the standard-error rule like the
others): as a candidate of ``auto`` the rule never chose it on the benchmarks, while it added to
the cost of every fit (docs/decisions.md, "The S-learner with interactions")."""
PROPENSITY_CLIP = (0.01, 0.99)
Matrix = NDArray[np.float32]
Vector = NDArray[np.float64]


@dataclass(frozen=True)
class Part:
    """Rows of one part of the data: encoded features, treatment flags, outcomes."""

    x: Matrix
    treated: NDArray[np.bool_]
    outcome: Vector


_SEED_OFFSETS = {
    "mu0": 1, "mu1": 2, "propensity": 3, "tau0": 4, "tau1": 5, "ct": 6, "s": 7, "si": 8,
}  # fmt: skip


@dataclass(frozen=True)
class FitContext:
    """What every booster of one fit shares.

    With ``rounds`` (trees per booster name, from an earlier early-stopped fit) each booster
    grows exactly that many trees and ``valid`` is not used: this is the refit on every row.
    ``min_rounds``: an early-stopped booster that kept fewer trees is grown again to that many;
    ``pooled_folds``: each booster's trees are chosen by early stopping pooled over that many
    folds of the training part instead of on ``valid`` (both set only by ``rare_validation``).
    """

    params: LightGBMParams
    seed: int
    categorical: list[int]
    kind: OutcomeKind
    train: Part
    valid: Part | None
    rounds: Mapping[str, int] | None = None
    min_rounds: int = 0
    pooled_folds: int = 0


def _train(
    ctx: FitContext,
    name: str,
    objective: Objective,
    train: tuple[Matrix, Vector, Vector | None],
    valid: tuple[Matrix, Vector, Vector | None] | None,
    num_leaves: int | None = None,
) -> lgb.Booster:
    params = ctx.params.booster_params(
        objective, ctx.seed + _SEED_OFFSETS[name], rows=train[0].shape[0]
    )
    if num_leaves is not None:
        params["num_leaves"] = num_leaves
    rounds = ctx.params.n_estimators if ctx.rounds is None else max(1, ctx.rounds[name])
    if ctx.rounds is not None:
        valid = None
    x, y, w = train
    dataset = lgb.Dataset(
        x, label=y, weight=w, categorical_feature=ctx.categorical, params=params,
        free_raw_data=True,
    )  # fmt: skip
    callbacks: list[Callable[..., Any]] = []
    valid_sets: list[lgb.Dataset] = []
    if ctx.pooled_folds and valid is not None and ctx.params.early_stopping_rounds > 0:
        kept = _pooled_rounds(ctx, params, dataset, rounds, stratified=objective == "binary")
        booster = lgb.train(params, dataset, num_boost_round=kept)
        booster.best_iteration = kept
        return booster
    if valid is not None and ctx.params.early_stopping_rounds > 0 and valid[0].shape[0] > 0:
        xv, yv, wv = valid
        valid_sets.append(lgb.Dataset(xv, label=yv, weight=wv, reference=dataset))
        callbacks.append(lgb.early_stopping(ctx.params.early_stopping_rounds, verbose=False))
    booster = lgb.train(
        params,
        dataset,
        num_boost_round=rounds,
        valid_sets=valid_sets,
        callbacks=callbacks,
    )
    if booster.best_iteration <= 0:
        booster.best_iteration = booster.current_iteration()
    if valid_sets and booster.best_iteration < ctx.min_rounds:
        booster = lgb.train(params, dataset, num_boost_round=ctx.min_rounds)
        booster.best_iteration = ctx.min_rounds
    return booster


def rare_validation(params: LightGBMParams, kind: OutcomeKind, valid: Part | None) -> bool:
    """Whether the validation part of a binary outcome holds fewer than
    ``params.rare_positives`` positives in either group.

    Why it matters: early stopping on a few dozen positives is erratic — a booster can stop
    after one to three trees, nearly a constant, and an X-learner built on such an outcome model
    ranks by who responds anyway. ``params.rare_min_trees`` and ``params.rare_cv_folds`` (both
    off by default; docs/decisions.md, "Early stopping on a rare outcome") apply only then.
    """
    if kind != "binary" or valid is None:
        return False
    positives = [int(valid.outcome[valid.treated == group].sum()) for group in (False, True)]
    return min(positives) < params.rare_positives


def _pooled_rounds(
    ctx: FitContext, params: dict[str, Any], dataset: lgb.Dataset, rounds: int, *, stratified: bool
) -> int:
    """Trees at which early stopping, on the loss averaged over ``ctx.pooled_folds`` folds of
    the training rows, stops."""
    history = lgb.cv(
        params, dataset, num_boost_round=rounds, nfold=ctx.pooled_folds, stratified=stratified,
        seed=params["seed"],
        callbacks=[lgb.early_stopping(ctx.params.early_stopping_rounds, verbose=False)],
    )  # fmt: skip
    curve = next(v for k, v in history.items() if k.endswith("-mean"))
    return max(1, len(cast(list[float], curve)))


def _group(part: Part, treated: bool) -> tuple[Matrix, Vector, None]:
    mask = part.treated == treated
    return part.x[mask], part.outcome[mask], None


def _outcome_objective(kind: OutcomeKind) -> Objective:
    return "binary" if kind == "binary" else "regression"


def predict(booster: lgb.Booster, x: Matrix) -> Vector:
    """A booster's prediction with its best number of trees, as float64."""
    return np.asarray(booster.predict(x, num_iteration=booster.best_iteration), dtype=np.float64)


def fit_outcome_models(ctx: FitContext) -> dict[str, lgb.Booster]:
    """``mu0`` on control rows and ``mu1`` on treated rows (the T-learner)."""
    objective = _outcome_objective(ctx.kind)
    boosters = {}
    for name, treated in (("mu0", False), ("mu1", True)):
        valid = _group(ctx.valid, treated) if ctx.valid is not None else None
        boosters[name] = _train(ctx, name, objective, _group(ctx.train, treated), valid)
    return boosters


def fit_propensity_model(ctx: FitContext) -> lgb.Booster:
    """``P(treated | x)``, for logs where treatment was not assigned at random."""
    train = (ctx.train.x, ctx.train.treated.astype(np.float64), None)
    valid = None
    if ctx.valid is not None:
        valid = (ctx.valid.x, ctx.valid.treated.astype(np.float64), None)
    return _train(ctx, "propensity", "binary", train, valid)


def _imputed_effects(
    part: Part, mu0: lgb.Booster, mu1: lgb.Booster, treated: bool
) -> tuple[Matrix, Vector, None]:
    x, y, _ = _group(part, treated)
    effect = y - predict(mu0, x) if treated else predict(mu1, x) - y
    return x, effect, None


ImputedEffects = dict[str, tuple[tuple[Matrix, Vector, None], tuple[Matrix, Vector, None] | None]]


def imputed_effects(ctx: FitContext, mu0: lgb.Booster, mu1: lgb.Booster) -> ImputedEffects:
    """The targets of ``tau0`` and ``tau1`` (training and validation rows). Computed once for
    every X candidate of a fit: they depend on the outcome models only, and predicting those
    on every row is a large share of an X-learner's cost."""
    targets: ImputedEffects = {}
    for name, treated in (("tau0", False), ("tau1", True)):
        train = _imputed_effects(ctx.train, mu0, mu1, treated)
        valid = None
        if ctx.valid is not None:
            valid = _imputed_effects(ctx.valid, mu0, mu1, treated)
        targets[name] = (train, valid)
    return targets


def fit_x_effects(
    ctx: FitContext, mu0: lgb.Booster, mu1: lgb.Booster, num_leaves: int,
    targets: ImputedEffects | None = None,
) -> dict[str, lgb.Booster]:  # fmt: skip
    """``tau0`` and ``tau1``: regressions of the imputed effects of each group (``targets``,
    if already computed by ``imputed_effects``)."""
    if targets is None:
        targets = imputed_effects(ctx, mu0, mu1)
    return {
        name: _train(ctx, name, "regression", train, valid, num_leaves)
        for name, (train, valid) in targets.items()
    }


def _transformed(
    part: Part, propensity: Vector, kind: OutcomeKind
) -> tuple[Matrix, Vector, Vector | None]:
    t = part.treated.astype(np.float64)
    if kind == "binary":
        z = (t == part.outcome).astype(np.float64)
        weight = np.where(part.treated, 0.5 / propensity, 0.5 / (1.0 - propensity))
        return part.x, z, weight
    z = part.outcome * (t - propensity) / (propensity * (1.0 - propensity))
    return part.x, z, None


def fit_class_transformation(
    ctx: FitContext, propensity_train: Vector, propensity_valid: Vector | None, num_leaves: int
) -> lgb.Booster:
    """The class-transformation model (or transformed-outcome regression if continuous)."""
    objective = _outcome_objective(ctx.kind)
    train = _transformed(ctx.train, propensity_train, ctx.kind)
    valid = None
    if ctx.valid is not None and propensity_valid is not None:
        valid = _transformed(ctx.valid, propensity_valid, ctx.kind)
    return _train(ctx, "ct", objective, train, valid, num_leaves)


def with_group(x: Matrix, treated: NDArray[np.bool_] | bool) -> Matrix:
    """The features with the group (1 treated, 0 control) as a last column: the S-learner's
    input, whose booster therefore reads one feature more than the schema lists."""
    group = np.broadcast_to(np.asarray(treated, dtype=np.float32), (x.shape[0],))
    return np.column_stack([x, group]).astype(np.float32, copy=False)


def _with_group_part(part: Part) -> tuple[Matrix, Vector, None]:
    return with_group(part.x, part.treated), part.outcome, None


def fit_s_learner(ctx: FitContext) -> lgb.Booster:
    """The S-learner's single outcome model, on every row with the group as a feature."""
    valid = _with_group_part(ctx.valid) if ctx.valid is not None else None
    train = _with_group_part(ctx.train)
    return _train(ctx, "s", _outcome_objective(ctx.kind), train, valid)


def with_interactions(
    x: Matrix, treated: NDArray[np.bool_] | bool, categorical: Sequence[int]
) -> Matrix:
    """The S-learner-with-interactions' input: the features, each feature times the group,
    and the group (``2 × features + 1`` columns). A categorical column's interaction holds
    its code + 1 on treated rows and 0 on control rows, so that 0 is a category of its own
    ("control") instead of the first category of the vocabulary."""
    t = np.broadcast_to(np.asarray(treated, dtype=np.bool_), (x.shape[0],))
    times = np.where(t[:, None], x, np.float32(0.0))
    columns = list(categorical)
    if columns:
        times[:, columns] = np.where(t[:, None], x[:, columns] + np.float32(1.0), np.float32(0.0))
    return np.column_stack([x, times, t.astype(np.float32)]).astype(np.float32, copy=False)


def interaction_categorical(categorical: Sequence[int], width: int) -> list[int]:
    """Categorical columns of ``with_interactions``' output for a ``width``-column input."""
    return [*categorical, *(width + c for c in categorical)]


def fit_si_learner(ctx: FitContext) -> lgb.Booster:
    """The S-learner-with-interactions' single outcome model, on every row."""

    def design(part: Part) -> tuple[Matrix, Vector, None]:
        return with_interactions(part.x, part.treated, ctx.categorical), part.outcome, None

    width = ctx.train.x.shape[1]
    wide = replace(ctx, categorical=interaction_categorical(ctx.categorical, width))
    valid = design(ctx.valid) if ctx.valid is not None else None
    return _train(wide, "si", _outcome_objective(ctx.kind), design(ctx.train), valid)


def _s_outcomes(
    method: Method, booster: lgb.Booster, x: Matrix, categorical: Sequence[int]
) -> tuple[Vector, Vector]:
    """The single model's prediction with the group set to 0 and to 1."""
    if method == "si":
        control = with_interactions(x, False, categorical)
        return predict(booster, control), predict(booster, with_interactions(x, True, categorical))
    return predict(booster, with_group(x, False)), predict(booster, with_group(x, True))


def uplift_of(
    method: Method,
    boosters: Mapping[str, lgb.Booster],
    x: Matrix,
    kind: OutcomeKind,
    propensity: Vector,
    *,
    categorical: Sequence[int],
) -> Vector:
    """Predicted uplift of ``method`` from its fitted boosters (``categorical``: the encoder's
    categorical columns, which the S-learner with interactions encodes apart)."""
    if method == "t":
        return predict(boosters["mu1"], x) - predict(boosters["mu0"], x)
    if method in ("s", "si"):
        control, treated = _s_outcomes(method, boosters[method], x, categorical)
        return treated - control
    if method == "x":
        return propensity * predict(boosters["tau0"], x) + (1.0 - propensity) * predict(
            boosters["tau1"], x
        )
    score = predict(boosters["ct"], x)
    return 2.0 * score - 1.0 if kind == "binary" else score


def outcomes_of(
    method: Method,
    boosters: Mapping[str, lgb.Booster],
    x: Matrix,
    kind: OutcomeKind,
    propensity: Vector,
    *,
    categorical: Sequence[int],
) -> tuple[Vector, Vector]:
    """Expected outcome without and with the contact.

    The T-learner returns its two models, the S-learners their model with the group set to 0
    and to 1. X and class transformation model the uplift
    directly, so the treated outcome is the control model plus that uplift (clipped to [0, 1]
    for a binary outcome): ``p_treated − p_control`` then equals ``predict`` except where
    clipping applies.
    """
    if method in ("s", "si"):
        return _s_outcomes(method, boosters[method], x, categorical)
    control = predict(boosters["mu0"], x)
    if method == "t":
        return control, predict(boosters["mu1"], x)
    treated = control + uplift_of(method, boosters, x, kind, propensity, categorical=categorical)
    if kind == "binary":
        treated = np.clip(treated, 0.0, 1.0)
    return control, treated


def components_of(method: Method) -> tuple[str, ...]:
    """Names of the boosters a method needs at prediction time (besides a propensity model)."""
    return {
        "t": ("mu0", "mu1"),
        "x": ("mu0", "tau0", "tau1"),
        "ct": ("mu0", "ct"),
        "s": ("s",),
        "si": ("si",),
    }[method]


def extra_features(name: str, width: int) -> int:
    """Columns a booster reads beyond the ``width`` features of the schema: the S-learner's
    group column; the S-learner-with-interactions' ``width`` interactions and group."""
    return {"s": 1, "si": width + 1}.get(name, 0)


def clip_propensity(values: Vector) -> Vector:
    return np.clip(values, *PROPENSITY_CLIP)
