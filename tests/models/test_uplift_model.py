"""Saving, loading and refusing: the uplift model's contract with the rest of goodcall.

Bad inputs tried: one group only, a constant outcome in a group, lengths that differ, a
treatment flag that is not 0/1, an unknown method, invalid LightGBM settings (negative rate,
unknown name, effect leaves out of range), ``auto`` without validation rows, a non-empty model
directory without overwrite, a model file edited after saving, a metadata file whose feature
schema was swapped for another one, scoring data missing a column or with a changed type.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from pydantic import ValidationError

from goodcall.models.features import FeatureSchemaError
from goodcall.models.uplift import (
    LightGBMParams,
    LinearUpliftModel,
    ModelDirectoryError,
    UpliftInputError,
    UpliftModel,
    fit_logistic_baseline,
    fit_uplift,
    load_uplift_model,
)
from goodcall.models.uplift.simulate import SimulatedExperiment
from tests.models.fast import AT, FAST


@pytest.fixture(scope="module")
def model(sim: SimulatedExperiment) -> UpliftModel:
    return fit_uplift(sim.features, sim.treated, sim.outcome, params=FAST, created_at=AT)


def test_metadata_records_the_training(model: UpliftModel, sim: SimulatedExperiment) -> None:
    meta = model.metadata
    assert meta.created_at == AT
    assert meta.requested_method == "auto"
    assert meta.data.rows == 4_000
    assert meta.data.rows_train + meta.data.rows_validation == 4_000
    assert meta.data.treatment_share == pytest.approx(sim.treated.mean())
    assert meta.data.outcome_mean_treated == pytest.approx(sim.outcome[sim.treated].mean())
    assert meta.refitted_on_all_rows
    assert [c.label for c in meta.candidates] == ["x:2", "ct:2", "x:4", "ct:4", "t", "s"]
    assert all(c.qini_coefficient is not None for c in meta.candidates)
    assert meta.params["n_estimators"] == 60
    assert {"lightgbm", "numpy", "polars", "python"} <= set(meta.versions)


def test_save_load_round_trip(model: UpliftModel, sim: SimulatedExperiment, tmp_path: Path) -> None:
    path = model.save(tmp_path / "model")
    stored = json.loads((path / "metadata.json").read_text())
    assert stored["method"] == model.method
    assert sorted(p.name for p in path.iterdir()) == sorted(
        ["metadata.json", *(f"{name}.txt" for name in model.boosters)]
    )
    loaded = load_uplift_model(path)
    assert isinstance(loaded, UpliftModel)
    np.testing.assert_array_equal(loaded.predict(sim.features), model.predict(sim.features))
    for mine, theirs in zip(
        loaded.predict_outcomes(sim.features), model.predict_outcomes(sim.features), strict=True
    ):
        np.testing.assert_array_equal(mine, theirs)


def test_predict_outcomes_are_consistent(model: UpliftModel, sim: SimulatedExperiment) -> None:
    control, treated = model.predict_outcomes(sim.features)
    assert ((control >= 0) & (control <= 1) & (treated >= 0) & (treated <= 1)).all()
    uplift = model.predict(sim.features)
    unclipped = (treated > 0) & (treated < 1)
    np.testing.assert_allclose((treated - control)[unclipped], uplift[unclipped], atol=1e-12)


def test_saving_never_clobbers_silently(model: UpliftModel, tmp_path: Path) -> None:
    path = model.save(tmp_path / "model")
    before = (path / "metadata.json").read_text()
    with pytest.raises(ModelDirectoryError, match="already holds files"):
        model.save(path)
    assert (path / "metadata.json").read_text() == before
    model.save(path, overwrite=True)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no leftovers


def test_edited_model_file_is_refused(model: UpliftModel, tmp_path: Path) -> None:
    path = model.save(tmp_path / "model")
    file = path / "mu0.txt"
    file.write_text(file.read_text().replace("learning_rate", "learning_rate "))
    with pytest.raises(ModelDirectoryError, match="SHA-256 differs"):
        UpliftModel.load(path)


def test_model_directory_with_another_feature_schema(
    model: UpliftModel, sim: SimulatedExperiment, tmp_path: Path
) -> None:
    path = model.save(tmp_path / "model")
    meta = json.loads((path / "metadata.json").read_text())
    meta["features"]["features"] = meta["features"]["features"][:-1]
    (path / "metadata.json").write_text(json.dumps(meta))
    with pytest.raises(FeatureSchemaError, match="different feature sets"):
        UpliftModel.load(path)
    with pytest.raises(ModelDirectoryError, match="not a model directory"):
        load_uplift_model(tmp_path)


def test_scoring_data_that_does_not_match(model: UpliftModel, sim: SimulatedExperiment) -> None:
    with pytest.raises(FeatureSchemaError, match="'tenure_years'"):
        model.predict(sim.features.drop("tenure_years"))
    with pytest.raises(FeatureSchemaError, match="'monthly_bill' must be numeric"):
        model.predict(sim.features.with_columns(pl.col("monthly_bill").cast(pl.String)))


def test_logistic_baseline_round_trip(sim: SimulatedExperiment, tmp_path: Path) -> None:
    baseline = fit_logistic_baseline(sim.features, sim.treated, sim.outcome, created_at=AT)
    assert baseline.method == "logistic"
    control, treated = baseline.predict_outcomes(sim.features)
    np.testing.assert_allclose(treated - control, baseline.predict(sim.features))
    loaded = load_uplift_model(baseline.save(tmp_path / "baseline"))
    assert isinstance(loaded, LinearUpliftModel)
    np.testing.assert_allclose(loaded.predict(sim.features), baseline.predict(sim.features))
    # the baseline agrees with the groups' observed rates on average
    assert control.mean() == pytest.approx(sim.outcome[~sim.treated].mean(), abs=0.01)


def test_explicit_method_and_no_validation(sim: SimulatedExperiment) -> None:
    model = fit_uplift(
        sim.features, sim.treated, sim.outcome, method="t", params=FAST, validation_share=0
    )
    assert model.method == "t"
    assert model.metadata.candidates[0].qini_coefficient is None
    assert model.boosters["mu0"].current_iteration() == 60


@pytest.mark.parametrize(
    ("treated", "outcome", "message"),
    [
        (np.ones(100, dtype=bool), np.r_[np.ones(50), np.zeros(50)], "at least 10 treated"),
        (
            np.r_[np.ones(50), np.zeros(50)].astype(bool),
            np.r_[np.zeros(50), np.ones(50)],
            "is 0 in every treated",
        ),
        (np.r_[np.ones(50), np.zeros(49)].astype(bool), np.zeros(99), "differ in length"),
        (np.r_[np.full(50, 2), np.zeros(50)], np.zeros(100), "only 1/True"),
    ],
)
def test_bad_learning_data(treated: np.ndarray, outcome: np.ndarray, message: str) -> None:
    features = pl.DataFrame({"x": np.arange(100.0)})
    with pytest.raises(UpliftInputError, match=message):
        fit_uplift(features, treated, outcome, params=FAST)


def test_bad_settings(sim: SimulatedExperiment) -> None:
    with pytest.raises(ValidationError, match="learning_rate"):
        LightGBMParams(learning_rate=-0.1)
    with pytest.raises(ValidationError, match="extra"):
        LightGBMParams(num_leave=8)  # type: ignore[call-arg]
    with pytest.raises(ValidationError, match="effect_num_leaves"):
        LightGBMParams(effect_num_leaves=(1,))
    args = (sim.features, sim.treated, sim.outcome)
    with pytest.raises(UpliftInputError, match="method must be one of"):
        fit_uplift(*args, method="r")  # type: ignore[arg-type]
    with pytest.raises(UpliftInputError, match="held-out rows"):
        fit_uplift(*args, validation_share=0)
    with pytest.raises(UpliftInputError, match="fixed propensity"):
        fit_uplift(*args, propensity=1.5)
