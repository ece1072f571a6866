"""A fitted LightGBM uplift model: predict, explain what it is, save and load.

Saved as a directory (see ``storage``): ``metadata.json`` plus one LightGBM text file per booster
(``mu0.txt``, ``mu1.txt``, ``tau0.txt``, ``tau1.txt``, ``ct.txt``, ``s.txt``, ``si.txt``,
``propensity.txt`` — only those the method needs). Each booster file keeps only the trees up to
its early-stopping point. The S-learner's ``s.txt`` reads the schema's features plus the group as
a last column; the S-learner-with-interactions' ``si.txt`` the features, their interactions with
the group, then the group.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import cast

import lightgbm as lgb
import numpy as np
import polars as pl
from numpy.typing import NDArray

from goodcall.models.features import FeatureEncoder, FeatureSchemaError
from goodcall.models.uplift.learners import (
    METHODS,
    Matrix,
    Method,
    Vector,
    clip_propensity,
    components_of,
    extra_features,
    outcomes_of,
    predict,
    uplift_of,
)
from goodcall.models.uplift.metadata import ComponentFile, TrainingMetadata
from goodcall.models.uplift.storage import (
    ModelDirectoryError,
    read_checked,
    read_metadata,
    sha256_text,
    write_model_directory,
)

KIND = "lightgbm_meta_learner"


class UpliftModel:
    """Uplift of a contact, from a T-, X-, S- or class-transformation learner on LightGBM."""

    def __init__(
        self,
        encoder: FeatureEncoder,
        boosters: Mapping[str, lgb.Booster],
        metadata: TrainingMetadata,
    ) -> None:
        if metadata.method not in METHODS:
            raise ValueError(f"unknown uplift method {metadata.method!r}")
        needed = set(self.required_components(metadata))
        missing = needed - set(boosters)
        if missing:
            raise ValueError(f"method {metadata.method!r} needs boosters {sorted(missing)}")
        self.encoder = encoder
        self.boosters = {name: boosters[name] for name in sorted(needed)}
        self.metadata = metadata

    @staticmethod
    def required_components(metadata: TrainingMetadata) -> tuple[str, ...]:
        names = components_of(cast(Method, metadata.method))
        return (*names, "propensity") if metadata.propensity == "model" else names

    @property
    def method(self) -> Method:
        return cast(Method, self.metadata.method)

    def _propensity(self, x: Matrix) -> Vector:
        if self.metadata.propensity == "model":
            return clip_propensity(predict(self.boosters["propensity"], x))
        share = self.metadata.propensity_value
        assert share is not None  # guaranteed by fit for "share" and "fixed"
        return np.full(x.shape[0], share, dtype=np.float64)

    def predict_matrix(self, x: Matrix) -> NDArray[np.float64]:
        """Uplift for an already encoded matrix (``self.encoder.transform``)."""
        kind = self.metadata.outcome_kind
        return uplift_of(
            self.method, self.boosters, x, kind, self._propensity(x),
            categorical=self.encoder.categorical_indices,
        )  # fmt: skip

    def predict(self, features: pl.DataFrame) -> NDArray[np.float64]:
        """Predicted uplift: expected outcome if contacted minus if not, per row."""
        return self.predict_matrix(self.encoder.transform(features))

    def predict_outcomes(
        self, features: pl.DataFrame
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """(expected outcome without contact, with contact) — P(y | control), P(y | treated)."""
        x = self.encoder.transform(features)
        kind = self.metadata.outcome_kind
        return outcomes_of(
            self.method, self.boosters, x, kind, self._propensity(x),
            categorical=self.encoder.categorical_indices,
        )  # fmt: skip

    def save(self, directory: Path | str, *, overwrite: bool = False) -> Path:
        """Write the model directory atomically (refuses a non-empty one unless overwrite)."""
        files: dict[str, str] = {}
        components: list[ComponentFile] = []
        for name, booster in self.boosters.items():
            text = booster.model_to_string(num_iteration=booster.best_iteration)
            files[f"{name}.txt"] = text
            components.append(
                ComponentFile(
                    name=name,
                    file=f"{name}.txt",
                    sha256=sha256_text(text),
                    trees=int(booster.best_iteration),
                )
            )
        self.metadata = self.metadata.model_copy(update={"components": components})
        payload = self.metadata.model_dump(mode="json")
        return write_model_directory(Path(directory), files, payload, overwrite=overwrite)

    @classmethod
    def load(cls, directory: Path | str) -> UpliftModel:
        """Read a model directory written by ``save``, checking every file against metadata."""
        path = Path(directory)
        raw = read_metadata(path)
        if raw.get("kind") != KIND:
            raise ModelDirectoryError(f"{path} holds a {raw.get('kind')!r} model, not {KIND!r}")
        metadata = TrainingMetadata.model_validate(raw)
        encoder = FeatureEncoder.from_dict(metadata.features)
        boosters: dict[str, lgb.Booster] = {}
        for name in cls.required_components(metadata):
            try:
                entry = metadata.component(name)
            except KeyError:
                raise ModelDirectoryError(f"{path}: metadata lists no {name!r} model") from None
            booster = lgb.Booster(model_str=read_checked(path, entry.file, entry.sha256))
            width = len(encoder.specs)
            expected = width + extra_features(name, width)
            if booster.num_feature() != expected:
                raise FeatureSchemaError(
                    f"{path / entry.file} reads {booster.num_feature()} features but the "
                    f"model's schema gives it {expected}: the files come from "
                    "different feature sets"
                )
            booster.best_iteration = booster.current_iteration()
            boosters[name] = booster
        return cls(encoder, boosters, metadata)
