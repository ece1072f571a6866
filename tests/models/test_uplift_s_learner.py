"""The S-learner: one outcome model with the group as a feature, a candidate of ``auto``; and
``auto`` on a table above ``search_rows``.

The S-learner's booster reads one column more than the feature schema lists (the group), so
saving and loading must check that count for ``s.txt`` and for no other file.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from goodcall.models.features import FeatureSchemaError
from goodcall.models.uplift import (
    UpliftModel,
    fit_candidates,
    fit_uplift,
    load_uplift_model,
)
from goodcall.models.uplift.candidates import Candidate, candidate_grid
from goodcall.models.uplift.learners import with_group
from goodcall.models.uplift.simulate import SimulatedExperiment
from tests.models.fast import AT, FAST, replace_booster


@pytest.fixture(scope="module")
def s_model(sim: SimulatedExperiment) -> UpliftModel:
    return fit_uplift(sim.features, sim.treated, sim.outcome, method="s", params=FAST)


def test_the_group_is_the_last_column() -> None:
    x = np.arange(6, dtype=np.float32).reshape(3, 2)
    np.testing.assert_array_equal(
        with_group(x, np.array([True, False, True])), [[0, 1, 1], [2, 3, 0], [4, 5, 1]]
    )
    np.testing.assert_array_equal(with_group(x, False)[:, 2], [0, 0, 0])
    assert with_group(x, True).dtype == np.float32


def test_candidates_put_the_s_learner_last() -> None:
    labels = [c.label for c in candidate_grid(("t", "x", "ct", "s"), (2, 8))]
    assert labels == ["x:2", "ct:2", "x:8", "ct:8", "t", "s"]
    assert Candidate("s", None).label == "s"


def test_s_learner_alone(s_model: UpliftModel, sim: SimulatedExperiment) -> None:
    assert s_model.method == "s"
    assert list(s_model.boosters) == ["s"]
    assert s_model.boosters["s"].num_feature() == len(s_model.encoder.specs) + 1
    assert [c.label for c in s_model.metadata.candidates] == ["s"]
    control, treated = s_model.predict_outcomes(sim.features)
    uplift = s_model.predict(sim.features)
    np.testing.assert_array_equal(treated - control, uplift)
    assert ((control > 0) & (control < 1) & (treated > 0) & (treated < 1)).all()
    # it learns the simulated effect: persuadables ranked above sleeping dogs
    assert np.corrcoef(uplift, sim.true_uplift)[0, 1] > 0.3


def test_s_learner_round_trip(
    s_model: UpliftModel, sim: SimulatedExperiment, tmp_path: Path
) -> None:
    path = s_model.save(tmp_path / "model")
    assert sorted(p.name for p in path.iterdir()) == ["metadata.json", "s.txt"]
    stored = json.loads((path / "metadata.json").read_text())
    assert stored["method"] == "s"
    assert [c["name"] for c in stored["components"]] == ["s"]
    loaded = load_uplift_model(path)
    assert isinstance(loaded, UpliftModel)
    np.testing.assert_array_equal(loaded.predict(sim.features), s_model.predict(sim.features))


def test_an_s_file_without_the_group_column_is_refused(
    s_model: UpliftModel, sim: SimulatedExperiment, tmp_path: Path
) -> None:
    """A booster reading exactly the schema's features is not an S-learner's."""
    t_model = fit_uplift(sim.features, sim.treated, sim.outcome, method="t", params=FAST)
    t_path = t_model.save(tmp_path / "t")
    path = s_model.save(tmp_path / "s")
    replace_booster(path, "s.txt", (t_path / "mu0.txt").read_text())
    with pytest.raises(FeatureSchemaError, match=r"s\.txt reads 7 features .* gives it 8"):
        UpliftModel.load(path)


def test_auto_scores_the_s_learner(sim: SimulatedExperiment) -> None:
    model = fit_uplift(sim.features, sim.treated, sim.outcome, params=FAST, created_at=AT)
    scores = {c.label: c for c in model.metadata.candidates}
    assert list(scores) == ["x:2", "ct:2", "x:4", "ct:4", "t", "s"]
    assert scores["s"].qini_coefficient is not None
    assert scores["s"].qini_gain_se is not None  # eligible: it enters the standard-error rule


def test_s_learner_on_a_continuous_outcome(sim: SimulatedExperiment) -> None:
    spend = sim.outcome * 50.0 + sim.features["monthly_bill"].to_numpy() / 10.0
    model = fit_uplift(sim.features, sim.treated, spend, method="s", params=FAST)
    assert model.metadata.outcome_kind == "continuous"
    control, treated = model.predict_outcomes(sim.features)
    np.testing.assert_array_equal(treated - control, model.predict(sim.features))
    fitted = np.where(sim.treated, treated, control)
    assert fitted.mean() == pytest.approx(spend.mean(), rel=0.005)
    assert (treated - control).mean() > 0  # the contact raises spend in the simulation


def test_a_large_table_is_learned_from_its_sample(sim: SimulatedExperiment) -> None:
    """Above ``search_rows`` ``auto`` refits on the sample; a learner asked for by name is
    fitted on the whole training part (what the response model relies on)."""
    args = (sim.features, sim.treated, sim.outcome)
    sampled = fit_candidates(*args, methods=("x",), params=FAST, search_rows=2_000)
    named = fit_candidates(
        *args, methods=("x",), params=FAST, search_rows=2_000, requested_method="x"
    )
    small = fit_candidates(*args, methods=("x",), params=FAST)
    for search in (sampled, named):
        meta = search.models[search.chosen].metadata
        assert meta.search_rows is not None and 1_990 <= meta.search_rows <= 2_010
        assert not meta.refitted_on_all_rows
        assert meta.data.rows == 4_000
    assert small.models[small.chosen].metadata.search_rows is None
    assert small.models[small.chosen].metadata.refitted_on_all_rows
    on_sample = sampled.models[sampled.chosen].predict(sim.features)
    on_whole = named.models[named.chosen].predict(sim.features)
    assert not np.array_equal(on_sample, on_whole)
