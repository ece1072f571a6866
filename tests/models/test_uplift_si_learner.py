"""The S-learner with interactions (``si``): one outcome model on the features, each feature
times the group, and the group.

Its booster reads twice the schema's features plus one, and its categorical columns' interactions
are categorical codes shifted by one (0 = control): saving and loading must check that count for
``si.txt``, and prediction must build the same matrix the booster was trained on.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from goodcall.models.features import FeatureSchemaError
from goodcall.models.uplift import UpliftModel, fit_candidates, fit_uplift, load_uplift_model
from goodcall.models.uplift.candidates import Candidate, candidate_grid
from goodcall.models.uplift.learners import interaction_categorical, predict, with_interactions
from goodcall.models.uplift.simulate import SimulatedExperiment
from tests.models.fast import FAST, replace_booster


@pytest.fixture(scope="module")
def si_model(sim: SimulatedExperiment) -> UpliftModel:
    return fit_uplift(sim.features, sim.treated, sim.outcome, method="si", params=FAST)


def test_the_interaction_columns() -> None:
    """Column 1 is categorical: its interaction is the code + 1 on treated rows, 0 on control
    rows; the numeric columns' interactions are the value (missing stays missing) or 0."""
    x = np.array([[2.5, 0.0, -1.0], [3.0, 2.0, np.nan], [-4.0, 1.0, 7.0]], dtype=np.float32)
    treated = np.array([True, False, True])
    np.testing.assert_array_equal(
        with_interactions(x, treated, [1]),
        [
            [2.5, 0.0, -1.0, 2.5, 1.0, -1.0, 1.0],
            [3.0, 2.0, np.nan, 0.0, 0.0, 0.0, 0.0],
            [-4.0, 1.0, 7.0, -4.0, 2.0, 7.0, 1.0],
        ],
    )
    as_control = with_interactions(x, False, [1])
    np.testing.assert_array_equal(as_control[:, 3:], np.zeros((3, 4)))
    np.testing.assert_array_equal(with_interactions(x, True, [])[:, 3:6], x)
    assert with_interactions(x, treated, [1]).dtype == np.float32
    assert interaction_categorical([1, 4], 6) == [1, 4, 7, 10]
    assert interaction_categorical([], 6) == []


def test_candidates_put_it_after_the_s_learner() -> None:
    labels = [c.label for c in candidate_grid(("si", "t", "x", "ct", "s"), (2, 8))]
    assert labels == ["x:2", "ct:2", "x:8", "ct:8", "t", "s", "si"]
    assert Candidate("si", None).label == "si"


def test_it_alone(si_model: UpliftModel, sim: SimulatedExperiment) -> None:
    assert si_model.method == "si"
    assert list(si_model.boosters) == ["si"]
    width = len(si_model.encoder.specs)
    assert width == 7
    booster = si_model.boosters["si"]
    assert booster.num_feature() == 15
    assert [c.label for c in si_model.metadata.candidates] == ["si"]
    control, treated = si_model.predict_outcomes(sim.features)
    uplift = si_model.predict(sim.features)
    np.testing.assert_array_equal(treated - control, uplift)
    # the matrix the model predicts on is the documented one, categorical columns included
    x = si_model.encoder.transform(sim.features)
    categorical = si_model.encoder.categorical_indices
    assert categorical == [0, 1, 6]
    by_hand = predict(booster, with_interactions(x, True, categorical)) - predict(
        booster, with_interactions(x, False, categorical)
    )
    np.testing.assert_array_equal(uplift, by_hand)
    assert ((control > 0) & (control < 1) & (treated > 0) & (treated < 1)).all()
    # it learns the simulated effect: persuadables ranked above sleeping dogs
    assert np.corrcoef(uplift, sim.true_uplift)[0, 1] > 0.3


def test_the_booster_treats_the_interactions_of_categories_as_categories(
    si_model: UpliftModel,
) -> None:
    infos = si_model.boosters["si"].dump_model()["feature_infos"]
    # LightGBM lists the values of a categorical feature, none for a numeric one
    assert [i for i, info in enumerate(infos.values()) if info["values"]] == [0, 1, 6, 7, 8, 13]
    # the interaction of the first categorical column: 0 (control) and each code + 1
    assert sorted(infos["Column_7"]["values"]) == [-1, 0, 1, 2, 3, 4]
    assert sorted(infos["Column_0"]["values"]) == [-1, 0, 1, 2, 3]


def test_round_trip(si_model: UpliftModel, sim: SimulatedExperiment, tmp_path: Path) -> None:
    path = si_model.save(tmp_path / "model")
    assert sorted(p.name for p in path.iterdir()) == ["metadata.json", "si.txt"]
    stored = json.loads((path / "metadata.json").read_text())
    assert stored["method"] == "si"
    assert [c["name"] for c in stored["components"]] == ["si"]
    loaded = load_uplift_model(path)
    assert isinstance(loaded, UpliftModel)
    np.testing.assert_array_equal(loaded.predict(sim.features), si_model.predict(sim.features))
    np.testing.assert_array_equal(
        loaded.predict_outcomes(sim.features)[0], si_model.predict_outcomes(sim.features)[0]
    )


def test_an_si_file_of_an_s_learner_is_refused(
    si_model: UpliftModel, sim: SimulatedExperiment, tmp_path: Path
) -> None:
    """A booster reading the schema's features plus the group is an S-learner's, not this one's."""
    s_model = fit_uplift(sim.features, sim.treated, sim.outcome, method="s", params=FAST)
    s_path = s_model.save(tmp_path / "s")
    path = si_model.save(tmp_path / "si")
    replace_booster(path, "si.txt", (s_path / "s.txt").read_text())
    with pytest.raises(FeatureSchemaError, match=r"si\.txt reads 8 features .* gives it 15"):
        UpliftModel.load(path)


def test_on_a_continuous_outcome(sim: SimulatedExperiment) -> None:
    spend = sim.outcome * 50.0 + sim.features["monthly_bill"].to_numpy() / 10.0
    model = fit_uplift(sim.features, sim.treated, spend, method="si", params=FAST)
    assert model.metadata.outcome_kind == "continuous"
    control, treated = model.predict_outcomes(sim.features)
    np.testing.assert_array_equal(treated - control, model.predict(sim.features))
    fitted = np.where(sim.treated, treated, control)
    assert fitted.mean() == pytest.approx(spend.mean(), rel=0.005)
    assert (treated - control).mean() > 0  # the contact raises spend in the simulation


def test_auto_leaves_it_out_unless_listed(sim: SimulatedExperiment) -> None:
    """``auto`` compares T, X, class transformation and the S-learner; listed among the
    methods, the S-learner with interactions is scored and enters the standard-error rule."""
    auto = fit_uplift(sim.features, sim.treated, sim.outcome, params=FAST)
    assert [c.label for c in auto.metadata.candidates] == ["x:2", "ct:2", "x:4", "ct:4", "t", "s"]
    listed = fit_candidates(
        sim.features, sim.treated, sim.outcome, methods=("x", "s", "si"), params=FAST
    )
    scores = {c.label: c for c in listed.scores}
    assert list(scores) == ["x:2", "x:4", "s", "si"]
    assert scores["si"].qini_coefficient is not None
    assert scores["si"].qini_gain_se is not None  # eligible: it enters the standard-error rule
