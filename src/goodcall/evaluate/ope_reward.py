"""The cross-fitted reward model of the doubly robust estimator.

``q̂(x, a)`` predicts the reward of action ``a`` in context ``x`` (the position and any context
columns) with LightGBM. Cross-fitting: the logs are cut into ``folds`` random parts and each
part's predictions come from a model trained on the other parts, so a row's own reward never
feeds its own correction term — the condition under which the doubly robust estimate keeps its
guarantees when the reward model is flexible.
"""

from __future__ import annotations

from collections.abc import Sequence

import lightgbm as lgb
import numpy as np
import polars as pl
from numpy.typing import NDArray

from goodcall.evaluate.ope_data import PROBABILITY, ROW, LogColumns, OpeInputError, PolicyOnLogs
from goodcall.models.features import FeatureEncoder
from goodcall.models.uplift.params import LightGBMParams

REWARD_MODEL_PARAMS = LightGBMParams(
    n_estimators=300, num_leaves=8, min_child_samples=100, early_stopping_rounds=30
)
EARLY_STOPPING_SHARE = 0.2


def _train(
    x: NDArray[np.float32],
    y: NDArray[np.float64],
    categorical: list[int],
    binary: bool,
    params: LightGBMParams,
    seed: int,
) -> lgb.Booster | float:
    """A booster, or the mean reward when the training rows hold a single reward value."""
    if np.unique(y).size < 2:
        return float(y.mean())
    settings = params.booster_params("binary" if binary else "regression", seed, rows=y.size)
    rng = np.random.default_rng(seed)
    order = rng.permutation(y.size)
    cut = int(y.size * EARLY_STOPPING_SHARE)
    stop, fit = order[:cut], order[cut:]
    data = lgb.Dataset(x[fit], label=y[fit], categorical_feature=categorical, params=settings)
    valid = lgb.Dataset(x[stop], label=y[stop], reference=data)
    booster = lgb.train(
        settings,
        data,
        num_boost_round=params.n_estimators,
        valid_sets=[valid],
        callbacks=[lgb.early_stopping(params.early_stopping_rounds, verbose=False)],
    )
    return booster


def _predict(model: lgb.Booster | float, x: NDArray[np.float32]) -> NDArray[np.float64]:
    if isinstance(model, float):
        return np.full(x.shape[0], model)
    return np.asarray(model.predict(x, num_iteration=model.best_iteration), dtype=np.float64)


def cross_fitted_rewards(
    logs: pl.DataFrame,
    policy: PolicyOnLogs,
    columns: LogColumns,
    context: Sequence[str],
    *,
    folds: int = 3,
    seed: int = 0,
    params: LightGBMParams = REWARD_MODEL_PARAMS,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """``q̂(x_i, a_i)`` for each logged row and ``Σ_a π_e(a | x_i) q̂(x_i, a)``."""
    if folds < 2:
        raise OpeInputError(f"cross-fitting needs at least 2 folds, got {folds}")
    inputs = [columns.action, *([columns.position] if columns.position else []), *context]
    as_text = [pl.col(columns.action).cast(pl.String)]
    if columns.position:
        as_text.append(pl.col(columns.position).cast(pl.String))
    frame = logs.select(inputs).with_columns(as_text)
    encoder = FeatureEncoder().fit(frame, inputs)
    x_logged = encoder.transform(frame)
    reward = logs.get_column(columns.reward).cast(pl.Float64).to_numpy()
    binary = bool(np.isin(reward, (0.0, 1.0)).all())
    fold_of = np.random.default_rng(seed).integers(folds, size=logs.height)
    if np.unique(fold_of).size < folds:
        raise OpeInputError(f"too few logged rows ({logs.height}) for {folds} folds")
    q_logged = np.empty(logs.height)
    q_policy = np.zeros(logs.height)
    others = frame.drop(columns.action).with_row_index(ROW)
    for fold in range(folds):
        held_out = fold_of == fold
        model = _train(
            x_logged[~held_out], reward[~held_out], encoder.categorical_indices, binary,
            params, seed + fold,
        )  # fmt: skip
        q_logged[held_out] = _predict(model, x_logged[held_out])
        rows = pl.Series(ROW, np.flatnonzero(held_out), dtype=pl.UInt32)
        pairs = policy.expanded.filter(pl.col(ROW).is_in(rows.implode())).join(
            others, on=ROW, how="left"
        )
        q_pairs = _predict(model, encoder.transform(pairs))
        weighted = (
            pairs.select(ROW, (pl.col(PROBABILITY) * pl.lit(pl.Series(q_pairs))).alias("value"))
            .group_by(ROW)
            .agg(pl.col("value").sum())
        )
        q_policy[weighted.get_column(ROW).to_numpy()] = weighted.get_column("value").to_numpy()
    return q_logged, q_policy
