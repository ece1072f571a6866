"""Uplift learners: what a contact changes, not who would respond anyway.

Entry points:

* ``fit_uplift(features, treated, outcome, method="auto")`` → ``UpliftModel`` (T-, X-learner or
  class transformation on LightGBM, chosen by held-out Qini coefficient);
* ``fit_logistic_baseline(...)`` → ``LinearUpliftModel``, the two-model baseline;
* ``load_uplift_model(directory)`` reads either kind back.

Both model kinds offer ``predict(features)`` (uplift), ``predict_outcomes(features)``
(``P(y | control)``, ``P(y | treated)``), ``save(directory)`` and a ``metadata`` record.

The names are loaded on first use (:func:`__getattr__`), not when the package is imported:
``goodcall.models.uplift.cli`` is imported by every command of the command line, and LightGBM
pulls in scikit-learn and SciPy (over a second), which only the commands that fit or predict need.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import numpy as np
    import polars as pl
    from numpy.typing import NDArray

    from goodcall.models.features import FeatureEncoder, FeatureSchemaError
    from goodcall.models.uplift.baseline import LinearUpliftModel, fit_logistic_baseline
    from goodcall.models.uplift.data import UpliftInputError
    from goodcall.models.uplift.fit import CandidateSearch, fit_candidates, fit_uplift
    from goodcall.models.uplift.metadata import TrainingMetadata
    from goodcall.models.uplift.model import UpliftModel
    from goodcall.models.uplift.params import LightGBMParams
    from goodcall.models.uplift.storage import ModelDirectoryError

_LAZY = {
    "FeatureSchemaError": "goodcall.models.features",
    "LinearUpliftModel": "goodcall.models.uplift.baseline",
    "fit_logistic_baseline": "goodcall.models.uplift.baseline",
    "UpliftInputError": "goodcall.models.uplift.data",
    "CandidateSearch": "goodcall.models.uplift.fit",
    "fit_candidates": "goodcall.models.uplift.fit",
    "fit_uplift": "goodcall.models.uplift.fit",
    "TrainingMetadata": "goodcall.models.uplift.metadata",
    "UpliftModel": "goodcall.models.uplift.model",
    "LightGBMParams": "goodcall.models.uplift.params",
    "ModelDirectoryError": "goodcall.models.uplift.storage",
}
"""Where each public name lives."""


def __getattr__(name: str) -> Any:
    """Import a public name's module on first use (PEP 562), then keep the name here."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


class UpliftPredictor(Protocol):
    """What every uplift model offers, whichever learner produced it."""

    metadata: TrainingMetadata
    encoder: FeatureEncoder

    def predict(self, features: pl.DataFrame) -> NDArray[np.float64]: ...

    def predict_outcomes(
        self, features: pl.DataFrame
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]: ...

    def save(self, directory: Path | str, *, overwrite: bool = False) -> Path: ...


def load_uplift_model(directory: Path | str) -> UpliftModel | LinearUpliftModel:
    """Load a model directory written by either learner, dispatching on its recorded kind."""
    from goodcall.models.uplift.baseline import LinearUpliftModel
    from goodcall.models.uplift.model import UpliftModel
    from goodcall.models.uplift.storage import ModelDirectoryError, read_metadata

    kind = read_metadata(Path(directory)).get("kind")
    if kind == "lightgbm_meta_learner":
        return UpliftModel.load(directory)
    if kind == "two_model_linear":
        return LinearUpliftModel.load(directory)
    raise ModelDirectoryError(f"{directory}: unknown model kind {kind!r}")


__all__ = [
    "CandidateSearch",
    "FeatureSchemaError",
    "LightGBMParams",
    "LinearUpliftModel",
    "ModelDirectoryError",
    "TrainingMetadata",
    "UpliftInputError",
    "UpliftModel",
    "UpliftPredictor",
    "fit_candidates",
    "fit_logistic_baseline",
    "fit_uplift",
    "load_uplift_model",
]
