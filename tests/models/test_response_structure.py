"""Which response model is trained: the reach-decomposed one alone when the history records reach,
the pooled model (and its segments) otherwise — never a model no decision reads.

Bad inputs tried: a history whose contacts all reached the customer (no reach to learn), a
response model given neither structure.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from goodcall.models.inputs import FEATURE_COLUMNS, offer_table
from goodcall.models.reach import UNREACHED_OUTCOMES
from goodcall.models.registry import ModelSet, ModelSetError, train_model_set
from goodcall.models.response import ResponseModel, ResponseReport
from goodcall.models.rows import training_rows
from tests.decide.world import AT, FAST, World, make_world, train

c = pl.col


@pytest.fixture(scope="module")
def world() -> World:
    return make_world()


@pytest.fixture(scope="module")
def rows(world: World) -> pl.DataFrame:
    return training_rows(world.tables, AT, offer_table(world.catalog.offers))


def test_a_history_with_reach_trains_the_reach_model_only(tmp_path: Path) -> None:
    models = train(make_world(6_000, seed=2))  # enough reached and unreached contacts
    response = models.response
    assert response is not None and response.reach is not None
    assert response.pooled is None and response.segments == {}
    report = response.report
    assert report.structure == "reach" and report.model_name == "reach-decomposed model"
    assert report.pooled is None and report.pooled_method is None
    assert report.reach_scores is not None and report.scores == report.reach_scores
    target = models.save(tmp_path / "set")
    assert sorted(p.name for p in (target / "response").iterdir()) == ["reach"]
    loaded = ModelSet.load(target)
    assert loaded.response is not None and loaded.response.pooled is None
    assert loaded.metadata == models.metadata
    assert loaded.metadata.format == 3  # a format-1 reader refuses it by number


@pytest.mark.parametrize(("written", "readable"), [(1, True), (2, True), (3, True), (4, False)])
def test_the_model_set_format_is_checked(tmp_path: Path, written: int, readable: bool) -> None:
    """Sets of format 1 (pooled model saved beside the reach model) still load; a set from a
    newer version is refused by its number, naming the file."""
    target = ModelSet.priors_only(make_world(300).catalog.offers, AT).save(tmp_path / "set")
    meta = target / "model_set.json"
    meta.write_text(json.dumps({**json.loads(meta.read_text()), "format": written}))
    if readable:
        assert ModelSet.load(target).metadata.format == written
    else:
        with pytest.raises(ModelSetError, match=r"model_set\.json: format 4, this version reads"):
            ModelSet.load(target)


def test_a_history_without_reach_trains_the_pooled_model(
    world: World, rows: pl.DataFrame, tmp_path: Path
) -> None:
    every_contact_reached = rows.with_columns(
        pl.when(c("outcome").is_in(list(UNREACHED_OUTCOMES)))
        .then(pl.lit("declined"))
        .otherwise(c("outcome"))
        .alias("outcome")
    )
    models = train_model_set(
        every_contact_reached,
        list(world.catalog.offers),
        cutoff=AT,
        trained_at=AT,
        method="t",
        params=FAST,
    )
    response = models.response
    assert response is not None and response.reach is None and response.pooled is not None
    report = response.report
    assert report.structure == "pooled" and report.model_name == "pooled t-learner"
    assert report.reach_rejected == (
        "the history holds 0 unreached treated contacts (no_answer, voicemail, abandoned); need 200"
    )
    assert report.reach_scores is None and report.scores == report.pooled
    target = models.save(tmp_path / "set")
    assert "reach" not in {p.name for p in (target / "response").iterdir()}
    loaded = ModelSet.load(target)
    sample = rows.head(300).select(FEATURE_COLUMNS)
    assert loaded.response is not None
    assert np.allclose(response.predict(sample)[0], loaded.response.predict(sample)[0])


def test_a_response_model_is_one_structure() -> None:
    report = ResponseReport()
    with pytest.raises(ValueError, match="either reach-decomposed or pooled"):
        ResponseModel(None, {}, report)
    with pytest.raises(ValueError, match="has no scores for its pooled model"):
        _ = report.scores
