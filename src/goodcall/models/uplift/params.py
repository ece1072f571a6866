"""Validated LightGBM settings for the uplift learners.

Why validate here rather than let LightGBM complain: LightGBM silently clamps or ignores many
out-of-range values, and a typo in a parameter name is only a warning. A Pydantic model refuses
unknown names and impossible values up front, naming the field, and its JSON dump is what the
model's training metadata records, so a saved model says exactly how it was trained.

Defaults are chosen for uplift, where the signal (a difference of two response rates) is small
next to the noise: small trees with large leaves, an L2 penalty, a moderate learning rate and
early stopping on the held-out split; the effect models are tried as stumps and as 8-leaf
trees. ``bench/bench_uplift.py`` measures the training time on 1,000,000 rows × 30 features.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Objective = Literal["binary", "regression"]
THREADED_ROWS = 50_000


class LightGBMParams(BaseModel):
    """Settings shared by every LightGBM model inside an uplift learner."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    n_estimators: int = Field(default=3000, ge=1, le=20_000, description="maximum trees")
    learning_rate: float = Field(default=0.05, gt=0, le=1)
    num_leaves: int = Field(default=8, ge=2, le=4096, description="leaves of outcome models")
    effect_num_leaves: tuple[int, ...] = Field(
        default=(2, 8),
        min_length=1,
        max_length=4,
        description="leaves of the effect models; auto compares every value",
    )
    max_depth: int = Field(default=-1, ge=-1, le=64, description="-1 means no limit")
    min_child_samples: int = Field(default=200, ge=1, description="rows per leaf, at least")
    subsample: float = Field(default=1.0, gt=0, le=1, description="row share per tree")
    colsample_bytree: float = Field(default=0.8, gt=0, le=1, description="feature share per tree")
    reg_lambda: float = Field(default=5.0, ge=0, description="L2 penalty on leaf values")
    max_bin: int = Field(default=255, ge=2, le=1023)
    cat_smooth: float = Field(default=10.0, ge=0)
    min_data_per_group: int = Field(default=100, ge=1, description="rows per category split")
    early_stopping_rounds: int = Field(
        default=50, ge=0, description="stop after this many trees without validation gain; 0=off"
    )
    rare_min_trees: int = Field(
        default=0,
        ge=0,
        le=20_000,
        description="trees every booster keeps at least when the validation part is rare; 0=off",
    )
    rare_positives: int = Field(
        default=100,
        ge=1,
        description="validation positives (of a binary outcome, in the smaller group) below "
        "which the validation part is rare",
    )
    rare_cv_folds: int = Field(
        default=0,
        ge=0,
        le=10,
        description="when the validation part is rare, choose each booster's trees by "
        "early stopping pooled over this many folds of the training part; 0=off",
    )
    num_threads: int | None = Field(
        default=None,
        ge=0,
        description="None: 1 thread below 50,000 training rows, else 2; 0: every core",
    )

    @field_validator("effect_num_leaves")
    @classmethod
    def _leaves_in_range(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if any(not 2 <= leaves <= 4096 for leaves in value):
            raise ValueError(f"every effect_num_leaves must be in [2, 4096], got {list(value)}")
        return tuple(sorted(set(value)))

    def threads(self, rows: int | None) -> int:
        """Threads for a booster trained on ``rows`` rows.

        Why one thread on small data: a second thread saves little on a small booster, and on a
        shared two-core machine it can cost a lot when another process holds a core (see
        ``goodcall.models``: OpenMP waiting policy).
        """
        if self.num_threads is not None:
            return self.num_threads
        return 2 if rows is not None and rows >= THREADED_ROWS else 1

    def booster_params(
        self, objective: Objective, seed: int, *, rows: int | None = None
    ) -> dict[str, Any]:
        """The dictionary ``lightgbm.train`` reads, deterministic for a given ``seed``."""
        return {
            "objective": objective,
            "learning_rate": self.learning_rate,
            "num_leaves": self.num_leaves,
            "max_depth": self.max_depth,
            "min_data_in_leaf": self.min_child_samples,
            "bagging_fraction": self.subsample,
            "bagging_freq": 1 if self.subsample < 1 else 0,
            "feature_fraction": self.colsample_bytree,
            "lambda_l2": self.reg_lambda,
            "max_bin": self.max_bin,
            "cat_smooth": self.cat_smooth,
            "min_data_per_group": self.min_data_per_group,
            "num_threads": self.threads(rows),
            "seed": seed,
            "deterministic": True,
            "force_row_wise": True,
            "verbosity": -1,
        }
