"""Exact checks of the pieces around the learners: posteriors, draws, calibration, PSI, the
hot-deck repair of changed device/plan state, saving and loading a model set.

Bad inputs tried: a model-set directory without metadata, a non-empty target without overwrite,
a training cut-off without a time zone, a history without contacts.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from goodcall.catalog.loader import load_catalog
from goodcall.models.annoyance import Calibrator, expected_calibration_error
from goodcall.models.explore import beta_draw, beta_posteriors, posterior_means
from goodcall.models.health import health_report, psi
from goodcall.models.inputs import FEATURE_COLUMNS, offer_table
from goodcall.models.registry import ModelSet, ModelSetError
from goodcall.models.rows import HistoryError, _hot_deck, history_contacts, training_rows
from tests.decide.world import AT, World, make_world, train

c = pl.col


@pytest.fixture(scope="module")
def world() -> World:
    return make_world()


def test_beta_posteriors_count_the_history_exactly() -> None:
    offer = load_catalog().offer("HS_IPHONE17_FETES")  # prior 0.05 / 0.02 / 0.02, strength 50
    history = pl.DataFrame(
        {
            "offer_id": ["HS_IPHONE17_FETES"] * 6,
            "channel": ["phone"] * 6,
            "treated": [True, True, True, True, False, False],
            "converted": [True, False, False, False, True, False],
            "annoyed": [False, True, False, False, False, False],
        }
    )
    post = beta_posteriors(history, [offer], mature_rows=4)
    phone = post.filter(c("channel") == "phone").row(0, named=True)
    assert phone["alpha_t"] == pytest.approx(0.05 * 50 + 1)
    assert phone["beta_t"] == pytest.approx(0.95 * 50 + 3)
    assert phone["alpha_c"] == pytest.approx(0.02 * 50 + 1)
    assert phone["beta_c"] == pytest.approx(0.98 * 50 + 1)
    assert phone["alpha_a"] == pytest.approx(0.02 * 50 + 1)
    assert (phone["treated"], phone["control"], phone["mature"]) == (4, 2, True)
    email = post.filter(c("channel") == "email").row(0, named=True)
    assert email["alpha_t"] == pytest.approx(2.5) and email["mature"] is False
    means = post.with_columns(posterior_means()).filter(c("channel") == "phone")
    assert means["prior_uplift"][0] == pytest.approx(3.5 / 54 - 2.0 / 52)


def test_thompson_draws_are_stable_and_follow_the_posterior() -> None:
    keys = pl.Series([f"CMP:C-{i}:O:phone:t" for i in range(20_000)])
    a, b = np.full(20_000, 3.0), np.full(20_000, 97.0)
    draws = beta_draw(keys, a, b)
    assert np.array_equal(draws, beta_draw(keys, a, b))
    assert draws[7] == beta_draw(keys[7:8], a[:1], b[:1])[0]  # alone = in a batch
    assert draws.mean() == pytest.approx(0.03, abs=0.0015)
    assert draws.std() == pytest.approx(np.sqrt(3 * 97 / (100**2 * 101)), rel=0.05)


def test_calibrators_and_calibration_error() -> None:
    iso = Calibrator(kind="isotonic", x=[0.0, 0.5, 1.0], y=[0.0, 0.1, 0.3])
    assert iso.apply(np.array([0.25, 0.75, 2.0])).tolist() == pytest.approx([0.05, 0.2, 0.3])
    platt = Calibrator(kind="platt", a=1.0, b=0.0)
    assert platt.apply(np.array([0.2]))[0] == pytest.approx(0.2)
    p = np.array([0.1, 0.1, 0.9, 0.9])
    y = np.array([False, False, True, False])
    # two bins: |0.1 − 0| and |0.9 − 0.5|, each half of the rows
    assert expected_calibration_error(p, y, bins=2) == pytest.approx(0.5 * 0.1 + 0.5 * 0.4)


def test_psi() -> None:
    assert psi(np.array([0.5, 0.5]), np.array([0.5, 0.5])) == 0.0
    expected = (0.7 - 0.5) * np.log(0.7 / 0.5) + (0.3 - 0.5) * np.log(0.3 / 0.5)
    assert psi(np.array([0.5, 0.5]), np.array([0.7, 0.3])) == pytest.approx(expected)


def test_hot_deck_replaces_state_changed_after_the_row() -> None:
    rows = pl.DataFrame(
        {
            "customer_id": ["A", "B", "C", "A"],
            "campaign_id": ["K1", "K1", "K1", "K2"],
            "offer_id": ["HS", "HS", "HS", "HS"],
            "_as_of": [dt.datetime(2026, 1, 1, tzinfo=dt.UTC)] * 3
            + [dt.datetime(2026, 6, 1, tzinfo=dt.UTC)],
            "device_age_months": [0, 30, 30, 5],
        }
    )
    changed = pl.DataFrame(
        {"customer_id": ["A"], "_changed_at": [dt.datetime(2026, 3, 1, tzinfo=dt.UTC)]}
    )
    out = _hot_deck(rows, changed, ("device_age_months",), "device")
    assert out["customer_id"].to_list() == ["A", "B", "C", "A"]
    assert out["device_age_months"].to_list() == [30, 30, 30, 5]  # donor from K1; K2 untouched


def test_hot_deck_keeps_rows_rebuilt_from_a_recorded_change() -> None:
    """A's K1 row comes before A's change: kept when line_changes records a change of A after
    the row's instant (its profile shows the earlier state), hot-decked when the last recorded
    change is older than the row."""
    rows = pl.DataFrame(
        {
            "customer_id": ["A", "B", "C"],
            "campaign_id": ["K1"] * 3,
            "offer_id": ["HS"] * 3,
            "_as_of": [dt.datetime(2026, 1, 1, tzinfo=dt.UTC)] * 3,
            "device_age_months": [40, 30, 30],
        }
    )
    changed = pl.DataFrame(
        {"customer_id": ["A"], "_changed_at": [dt.datetime(2026, 3, 1, tzinfo=dt.UTC)]}
    )

    def recorded(until: dt.datetime) -> pl.DataFrame:
        return pl.DataFrame({"customer_id": ["A"], "_recorded_until": [until]})

    later = recorded(dt.datetime(2026, 3, 2, tzinfo=dt.UTC))
    out = _hot_deck(rows, changed, ("device_age_months",), "device", later)
    assert out["device_age_months"].to_list() == [40, 30, 30]
    older = recorded(dt.datetime(2025, 6, 1, tzinfo=dt.UTC))
    out = _hot_deck(rows, changed, ("device_age_months",), "device", older)
    assert out["device_age_months"].to_list() == [30, 30, 30]


def _recorded_state(rows: pl.DataFrame, changes: pl.DataFrame) -> pl.DataFrame:
    """Rows taken before a recorded change of the customer's line, with that line's state at
    the row's instant (the earliest change after it) as ``*_then`` columns."""
    then = [c(n).alias(f"{n}_then") for n in ("device_make", "device_os", "plan_id")]
    return (
        rows.with_row_index("_row")
        .join(changes.select("customer_id", "changed_at", *then), on="customer_id")
        .filter(c("changed_at") > c("_as_of"))
        .sort("_row", "changed_at")
        .unique("_row", keep="first", maintain_order=True)
    )


def test_training_rows_of_recorded_changes_are_not_hot_decked(world: World) -> None:
    """The carrier records every plan and handset change: rows before one keep the device and
    plan the customer had then; without line_changes the same rows are hot-decked."""
    offers = offer_table(world.catalog.offers)
    changes = world.tables["line_changes"].collect()
    rows = training_rows(world.tables, AT, offers)
    before = _recorded_state(rows, changes)
    assert before.height >= 10
    assert before["device_make"].equals(before["device_make_then"], check_names=False)
    assert before["device_os"].equals(before["device_os_then"], check_names=False)
    tiers = dict(world.tables["plans"].select("plan_id", "tier").collect().iter_rows())
    assert before["plan_tier"].to_list() == [tiers[p] for p in before["plan_id_then"]]
    without = {k: v for k, v in world.tables.items() if k != "line_changes"}
    imputed = training_rows(without, AT, offers).with_row_index("_row")
    imputed = imputed.join(before.select("_row"), on="_row", how="semi")
    columns = ["device_make", "device_os", "device_age_months", "plan_tier"]
    assert not imputed.select(columns).equals(before.select(columns))


def test_training_rows_and_model_set_round_trip(world: World, tmp_path: Path) -> None:
    with pytest.raises(HistoryError, match="timezone-aware"):
        history_contacts(world.tables, dt.datetime(2026, 11, 20))
    offers = offer_table(world.catalog.offers)
    with pytest.raises(HistoryError, match="no contact"):
        training_rows(world.tables, dt.datetime(2020, 1, 1, tzinfo=dt.UTC), offers)
    rows = training_rows(world.tables, AT, offers)
    assert rows.equals(training_rows(world.tables, AT, offers))  # replayable, row for row
    assert rows["at"].max() < AT  # type: ignore[operator]
    assert set(FEATURE_COLUMNS) <= set(rows.columns)
    models = train(world)
    target = models.save(tmp_path / "set")
    with pytest.raises(ModelSetError, match="not empty"):
        models.save(target)
    loaded = ModelSet.load(target)
    sample = rows.head(200).select(FEATURE_COLUMNS)
    assert models.response is not None and loaded.response is not None
    assert np.allclose(models.response.predict(sample)[0], loaded.response.predict(sample)[0])
    assert models.annoyance is not None and loaded.annoyance is not None
    assert np.allclose(models.annoyance.predict(sample), loaded.annoyance.predict(sample))
    assert loaded.metadata == models.metadata
    report = health_report(loaded, world.profiles, AT)
    assert {ch.name for ch in report.checks} >= {"annoyance AUC", "uplift Qini coefficient"}
    drift = {ch.name: ch for ch in report.drift}
    assert "tenure_months" in drift and "score uplift" in drift
    with pytest.raises(ModelSetError, match=r"model_set\.json is missing"):
        ModelSet.load(tmp_path)
