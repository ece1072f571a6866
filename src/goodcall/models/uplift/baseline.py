"""The baseline every uplift result is compared with: two linear models, one per group.

For a binary outcome, two logistic regressions (scikit-learn, L2, ``C=1``): ``P(y | x, control)``
and ``P(y | x, treated)``; uplift is their difference. For a continuous outcome, two ridge
regressions. Inputs: numerics standardised with the training mean and standard deviation
(missing → the mean), categoricals one-hot encoded over the training vocabulary plus a "missing"
level (a value unseen in training gets no level, i.e. the reference). Same interface as
``UpliftModel`` (predict, predict_outcomes, save, load); coefficients are saved as JSON.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import ArrayLike, NDArray
from scipy import sparse

from goodcall.models.features import FeatureEncoder, FeatureSchemaError
from goodcall.models.uplift.data import validate_learning_data
from goodcall.models.uplift.metadata import ComponentFile, GroupSummary, TrainingMetadata
from goodcall.models.uplift.storage import (
    ModelDirectoryError,
    library_versions,
    read_checked,
    read_metadata,
    sha256_text,
    write_model_directory,
)

KIND = "two_model_linear"
COEFFICIENTS_FILE = "linear.json"


@dataclass(frozen=True)
class LinearDesign:
    """How an encoded matrix becomes the sparse design matrix of the linear models."""

    numeric: tuple[int, ...]
    means: tuple[float, ...]
    scales: tuple[float, ...]
    categorical: tuple[tuple[int, int], ...]  # (column, levels incl. "missing")

    @classmethod
    def fit(cls, encoder: FeatureEncoder, x: NDArray[np.float32]) -> LinearDesign:
        numeric = tuple(i for i, s in enumerate(encoder.specs) if s.kind == "numeric")
        block = x[:, list(numeric)].astype(np.float64)
        with np.errstate(all="ignore"):
            means = np.nan_to_num(np.nanmean(block, axis=0)) if numeric else np.empty(0)
            scales = np.nan_to_num(np.nanstd(block, axis=0)) if numeric else np.empty(0)
        scales = np.where(scales > 0, scales, 1.0)
        categorical = tuple(
            (i, len(s.categories) + 1) for i, s in enumerate(encoder.specs) if s.kind != "numeric"
        )
        return cls(numeric, tuple(means.tolist()), tuple(scales.tolist()), categorical)

    @property
    def width(self) -> int:
        return len(self.numeric) + sum(levels for _, levels in self.categorical)

    def matrix(self, x: NDArray[np.float32]) -> sparse.csr_matrix:
        n = x.shape[0]
        dense = (x[:, list(self.numeric)].astype(np.float64) - self.means) / np.asarray(self.scales)
        blocks = [sparse.csr_matrix(np.nan_to_num(dense, nan=0.0))]
        for column, levels in self.categorical:
            codes = x[:, column].astype(np.int64)
            seen = codes < levels  # the "unseen value" code has no level
            rows = np.flatnonzero(seen)
            blocks.append(
                sparse.csr_matrix(
                    (np.ones(rows.size), (rows, codes[seen])), shape=(n, levels), dtype=np.float64
                )
            )
        return sparse.hstack(blocks, format="csr")

    def to_dict(self) -> dict[str, Any]:
        return {
            "numeric": list(self.numeric),
            "means": list(self.means),
            "scales": list(self.scales),
            "categorical": [list(item) for item in self.categorical],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LinearDesign:
        return cls(
            tuple(data["numeric"]),
            tuple(data["means"]),
            tuple(data["scales"]),
            tuple((int(c), int(n)) for c, n in data["categorical"]),
        )


@dataclass(frozen=True)
class LinearArm:
    coef: NDArray[np.float64]
    intercept: float

    def predict(self, design: sparse.csr_matrix, logistic: bool) -> NDArray[np.float64]:
        score = np.asarray(design @ self.coef, dtype=np.float64) + self.intercept
        return 1.0 / (1.0 + np.exp(-score)) if logistic else score


class LinearUpliftModel:
    """Two-model logistic (or ridge) uplift baseline with the ``UpliftModel`` interface."""

    def __init__(
        self,
        encoder: FeatureEncoder,
        design: LinearDesign,
        arms: dict[str, LinearArm],
        metadata: TrainingMetadata,
    ) -> None:
        self.encoder = encoder
        self.design = design
        self.arms = arms
        self.metadata = metadata

    @property
    def method(self) -> str:
        return self.metadata.method

    def predict_outcomes(
        self, features: pl.DataFrame
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        design = self.design.matrix(self.encoder.transform(features))
        logistic = self.metadata.outcome_kind == "binary"
        return (
            self.arms["control"].predict(design, logistic),
            self.arms["treated"].predict(design, logistic),
        )

    def predict(self, features: pl.DataFrame) -> NDArray[np.float64]:
        control, treated = self.predict_outcomes(features)
        return treated - control

    def save(self, directory: Path | str, *, overwrite: bool = False) -> Path:
        text = json.dumps(
            {
                "design": self.design.to_dict(),
                "arms": {
                    name: {"coef": arm.coef.tolist(), "intercept": arm.intercept}
                    for name, arm in self.arms.items()
                },
            }
        )
        component = ComponentFile(name="linear", file=COEFFICIENTS_FILE, sha256=sha256_text(text))
        self.metadata = self.metadata.model_copy(update={"components": [component]})
        payload = self.metadata.model_dump(mode="json")
        return write_model_directory(
            Path(directory), {COEFFICIENTS_FILE: text}, payload, overwrite=overwrite
        )

    @classmethod
    def load(cls, directory: Path | str) -> LinearUpliftModel:
        path = Path(directory)
        raw = read_metadata(path)
        if raw.get("kind") != KIND:
            raise ModelDirectoryError(f"{path} holds a {raw.get('kind')!r} model, not {KIND!r}")
        metadata = TrainingMetadata.model_validate(raw)
        entry = metadata.component("linear")
        stored = json.loads(read_checked(path, entry.file, entry.sha256))
        encoder = FeatureEncoder.from_dict(metadata.features)
        design = LinearDesign.from_dict(stored["design"])
        arms = {
            name: LinearArm(np.asarray(arm["coef"], dtype=np.float64), float(arm["intercept"]))
            for name, arm in stored["arms"].items()
        }
        if any(arm.coef.size != design.width for arm in arms.values()):
            raise FeatureSchemaError(f"{path}: coefficients do not match the feature schema")
        return cls(encoder, design, arms, metadata)


def fit_logistic_baseline(
    features: pl.DataFrame,
    treated: ArrayLike,
    outcome: ArrayLike,
    *,
    seed: int = 0,
    c: float = 1.0,
    feature_columns: Sequence[str] | None = None,
    created_at: dt.datetime | None = None,
) -> LinearUpliftModel:
    """Fit the two-model baseline on every row (no validation split: nothing to choose)."""
    from sklearn.linear_model import LogisticRegression, Ridge

    if c <= 0:
        raise ValueError(f"c (inverse regularisation) must be positive, got {c}")
    data = validate_learning_data(features, treated, outcome)
    encoder = FeatureEncoder().fit(features, feature_columns)
    x = encoder.transform(features)
    design = LinearDesign.fit(encoder, x)
    matrix = design.matrix(x)
    arms: dict[str, LinearArm] = {}
    for name, mask in (("control", ~data.treated), ("treated", data.treated)):
        if data.kind == "binary":
            model: Any = LogisticRegression(C=c, max_iter=2000, random_state=seed)
        else:
            model = Ridge(alpha=1.0 / c, random_state=seed)
        model.fit(matrix[mask], data.outcome[mask])
        coef = np.asarray(model.coef_, dtype=np.float64).ravel()
        arms[name] = LinearArm(coef, float(np.asarray(model.intercept_).ravel()[0]))
    treated_rows = int(data.treated.sum())
    metadata = TrainingMetadata(
        kind=KIND,
        method="logistic" if data.kind == "binary" else "ridge",
        requested_method="two_model_linear",
        outcome_kind=data.kind,
        params={"C": c, "max_iter": 2000},
        seed=seed,
        data=GroupSummary(
            rows=data.treated.size,
            rows_train=data.treated.size,
            rows_validation=0,
            treated_rows=treated_rows,
            control_rows=data.treated.size - treated_rows,
            treatment_share=treated_rows / data.treated.size,
            outcome_mean_treated=float(data.outcome[data.treated].mean()),
            outcome_mean_control=float(data.outcome[~data.treated].mean()),
        ),
        propensity="share",
        propensity_value=treated_rows / data.treated.size,
        features=encoder.to_dict(),
        versions=library_versions(),
        created_at=created_at if created_at is not None else dt.datetime.now(dt.UTC),
    )
    return LinearUpliftModel(encoder, design, arms, metadata)
