"""``models health`` right after training on the same data reports no drift: the reference is
the customer base at the cut-off, compared like with like."""

from __future__ import annotations

import dataclasses

import polars as pl
import pytest

from goodcall.models.health import drift_checks, health_report, training_reference
from goodcall.models.inputs import offer_table
from goodcall.models.registry import ModelSet, train_model_set
from goodcall.models.rows import training_rows
from tests.decide.world import AT, FAST, World, make_world


@pytest.fixture(scope="module")
def world() -> World:
    return make_world()


def test_no_drift_right_after_training_on_the_same_base(world: World) -> None:
    rows = training_rows(world.tables, AT, offer_table(world.catalog.offers))
    models = train_model_set(
        rows, list(world.catalog.offers), cutoff=AT, trained_at=AT, method="t", params=FAST,
        population=world.profiles,
    )  # fmt: skip
    report = health_report(models, world.profiles, AT)
    names = {check.name for check in report.drift}
    assert {"device_age_months", "financing_months_left", "score uplift"} <= names
    assert [(ch.name, ch.value) for ch in report.drift] == [(n.name, 0.0) for n in report.drift]
    # the store gives customers back in no fixed order: the same base shuffled is the same base
    shuffled = world.profiles.sample(fraction=1.0, shuffle=True, seed=1)
    assert health_report(models, shuffled, AT).drift == report.drift
    # what the reference was: the training rows, customers a campaign chose, as they were at
    # their contact — the same base then reads as drifted
    old: ModelSet = dataclasses.replace(
        models, reference=training_reference(rows, models.response, models.annoyance)
    )
    by_name = {ch.name: ch for ch in drift_checks(old, world.profiles, AT)}
    assert by_name["device_age_months"].value is not None
    assert by_name["device_age_months"].value > 0.10
    # and a base that did change still shows it
    aged = world.profiles.with_columns(pl.col("device_age_months") + 24)
    moved = {ch.name: ch for ch in health_report(models, aged, AT).drift}
    assert moved["device_age_months"].status == "drifted"
    assert moved["tenure_months"].value == 0.0
