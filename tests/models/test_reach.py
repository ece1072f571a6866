"""The reach-decomposed response model, on the synthetic carrier whose truth is known.

Known truth used here (``goodcall.truth.response``): a phone call is answered by 18–22 % of
customers between 09:00 and 16:59 and by 28–33 % between 17:00 and 19:59; an SMS is read by 85 %,
an e-mail opened by 22 %; a contact that does not reach the customer leaves their take-up at the
organic rate. Bad inputs tried: a history with no unreached contact (nothing records reach), a
history whose reached contacts never convert, a model saved before the conversion model existed.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from goodcall.catalog.loader import load_catalog
from goodcall.models.explore import beta_posteriors
from goodcall.models.inputs import FEATURE_COLUMNS, offer_table
from goodcall.models.reach import (
    OFFER_FEATURES,
    REACHED_OUTCOMES,
    UNREACHED_OUTCOMES,
    ReachInputError,
    ReachModel,
    fit_reach,
    not_reached,
    with_medium,
)
from goodcall.models.rows import holdout_mask, training_rows
from tests.decide.world import AT, FAST, make_world

c = pl.col


@pytest.fixture(scope="module")
def rows() -> pl.DataFrame:
    world = make_world(6_000, seed=2)
    return training_rows(world.tables, AT, offer_table(world.catalog.offers))


@pytest.fixture(scope="module")
def model(rows: pl.DataFrame) -> ReachModel:
    return fit_reach(rows, holdout_mask(rows["customer_id"]), params=FAST)


def _reach(model: ReachModel, frame: pl.DataFrame) -> np.ndarray:
    return model.parts["reach"].predict(with_medium(frame.select(FEATURE_COLUMNS)))


def test_reach_per_channel_matches_the_truths_rates(model: ReachModel, rows: pl.DataFrame) -> None:
    treated = rows.filter(c("treated") & (c("outcome") != "not_contacted"))
    predicted = treated.with_columns(pl.Series("p", _reach(model, treated)))
    means = dict(predicted.group_by("channel").agg(c("p").mean()).iter_rows())
    assert means["sms"] == pytest.approx(0.85, abs=0.04)
    assert means["email"] == pytest.approx(0.22, abs=0.04)
    assert 0.15 < means["phone"] < 0.32


def test_reach_of_a_channel_carries_over_to_offers_never_sent_through_it(
    model: ReachModel, rows: pl.DataFrame
) -> None:
    """The history sends each offer through one channel; the SMS of an offer only ever phoned
    must be read as often as any SMS (truth: 85 %), not answered like its calls (~25 %)."""
    phoned = rows.filter(c("treated") & (c("channel") == "phone"))
    as_sms = phoned.with_columns(
        pl.lit("sms").alias("channel"), pl.lit(12, pl.Int64).alias("local_hour")
    )
    assert _reach(model, as_sms).mean() == pytest.approx(0.85, abs=0.05)
    assert not set(model.parts["reach"].encoder.feature_names) & set(OFFER_FEATURES)


def test_reach_learns_that_evening_calls_are_answered_more(
    model: ReachModel, rows: pl.DataFrame
) -> None:
    calls = rows.filter(c("treated") & (c("channel") == "phone"))
    day = calls.with_columns(pl.lit(10, pl.Int64).alias("local_hour"))
    evening = calls.with_columns(pl.lit(18, pl.Int64).alias("local_hour"))
    lift = _reach(model, evening).mean() / _reach(model, day).mean()
    assert lift > 1.2, lift  # truth: 0.33 / 0.22 = 1.5


def test_unreached_contacts_take_up_like_the_control_groups(model: ReachModel) -> None:
    check = model.report.organic_check
    p1, n1 = float(check["unreached_rate"]), int(check["unreached_rows"])
    p0, n0 = float(check["control_rate"]), int(check["control_rows"])
    pooled = (p1 * n1 + p0 * n0) / (n1 + n0)  # two-proportion z-test under "no difference"
    se = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0))
    assert abs(p1 - p0) < 3.5 * se, (p1, n1, p0, n0, se)
    assert n1 > 5 * n0  # the point: many more rows than the control groups alone


def test_uplift_is_reach_times_the_effect_when_reached(
    model: ReachModel, rows: pl.DataFrame
) -> None:
    sample = rows.head(500).select(FEATURE_COLUMNS)
    uplift, contacted, organic = model.predict(sample)
    reach = model.parts["reach"].predict(with_medium(sample))
    accept, organic_again = model.take_up(sample)
    np.testing.assert_allclose(organic, organic_again, atol=1e-12)
    np.testing.assert_allclose(uplift, reach * (accept - organic), atol=1e-12)
    np.testing.assert_allclose(contacted - organic, uplift, atol=1e-12)
    assert ((contacted >= 0) & (contacted <= 1)).all()


def test_conversion_model_learns_from_every_conversion(
    model: ReachModel, rows: pl.DataFrame
) -> None:
    """One model for the organic and the reached take-up: its rows are the control contacts,
    the unreached and the reached treated ones, and so are its conversions."""
    treated = c("treated")
    known = ~treated | c("outcome").is_in([*REACHED_OUTCOMES, *UNREACHED_OUTCOMES])
    report = model.report.parts["conversion"]
    assert report.rows == rows.filter(known).height
    assert report.positives == rows.filter(known & c("converted")).height


def test_a_contacts_effect_on_the_log_odds_is_the_same_for_every_offer(
    model: ReachModel, rows: pl.DataFrame
) -> None:
    """What being reached adds to the log-odds depends on the customer and the moment, not on
    the offer (interaction constraints): exactly equal for two offers, the same customers."""
    part = model.parts["conversion"]
    sample = rows.filter(c("treated")).head(300).select(FEATURE_COLUMNS)

    def effect(offer_row: pl.DataFrame) -> np.ndarray:
        offer = offer_row.select(OFFER_FEATURES).row(0, named=True)
        frame = sample.with_columns(pl.lit(v, sample.schema[k]).alias(k) for k, v in offer.items())
        reached = with_medium(frame)
        return part.log_odds(reached) - part.log_odds(not_reached(reached))

    offers = rows.unique("offer_id", keep="first", maintain_order=True)
    first, second = effect(offers[0]), effect(offers[1])
    assert np.abs(first).max() > 0.1  # the contact does something: the test can fail
    np.testing.assert_allclose(first, second, atol=1e-9)


def test_the_contact_never_meets_an_offer_feature_in_a_tree(model: ReachModel) -> None:
    """Interaction constraints: a branch that tests whether and how the customer was reached
    tests no offer feature."""
    part = model.parts["conversion"]
    names = part.encoder.feature_names
    contact = {names.index("reached_by")}
    offer = {i for i, n in enumerate(names) if n in OFFER_FEATURES}
    dump = part.booster.dump_model()

    def paths(node: dict[str, object], used: frozenset[int]) -> list[frozenset[int]]:
        if "split_feature" not in node:
            return [used]
        here = used | {int(node["split_feature"])}  # type: ignore[call-overload]
        return paths(node["left_child"], here) + paths(node["right_child"], here)  # type: ignore[arg-type]

    seen_contact = seen_offer = False
    for tree in dump["tree_info"]:
        for used in paths(tree["tree_structure"], frozenset()):
            seen_contact |= bool(used & contact)
            seen_offer |= bool(used & offer)
            assert not (used & contact and used & offer), [names[i] for i in used]
    assert seen_contact and seen_offer, "a family is never used: the test would prove nothing"


def test_reach_settings_differ_from_the_historys_only_by_leaves_and_steps() -> None:
    """REACH_PARAMS: the history's bagging and bins, smaller leaves, more and smaller steps."""
    from goodcall.models.reach import REACH_PARAMS
    from goodcall.models.response import TRAINING_PARAMS

    changed = {
        name
        for name, value in REACH_PARAMS.model_dump().items()
        if value != getattr(TRAINING_PARAMS, name)
    }
    assert changed == {
        "learning_rate",
        "n_estimators",
        "early_stopping_rounds",
        "min_child_samples",
    }
    assert REACH_PARAMS.min_child_samples < TRAINING_PARAMS.min_child_samples


def test_no_contact_has_no_channel(model: ReachModel, rows: pl.DataFrame) -> None:
    sample = rows.head(200).select(FEATURE_COLUMNS)
    by_phone = model.predict(sample.with_columns(pl.lit("phone").alias("channel")))[2]
    by_email = model.predict(sample.with_columns(pl.lit("email").alias("channel")))[2]
    np.testing.assert_array_equal(by_phone, by_email)


def test_saved_and_loaded_model_predicts_the_same(
    model: ReachModel, rows: pl.DataFrame, tmp_path: Path
) -> None:
    model.save(tmp_path / "reach")
    loaded = ReachModel.load(tmp_path / "reach")
    sample = rows.head(300).select(FEATURE_COLUMNS)
    for ours, theirs in zip(model.predict(sample), loaded.predict(sample), strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-9)
    assert loaded.report == model.report


def test_a_model_saved_before_the_conversion_model_is_refused(
    model: ReachModel, tmp_path: Path
) -> None:
    model.save(tmp_path / "reach")
    payload = json.loads((tmp_path / "reach" / "reach.json").read_text())
    payload["parts"] = {"reach": payload["parts"]["reach"], "organic": {}, "accept": {}}
    (tmp_path / "reach" / "reach.json").write_text(json.dumps(payload))
    with pytest.raises(ValueError, match=r"without its conversion part.*train the models again"):
        ReachModel.load(tmp_path / "reach")


def test_a_history_that_does_not_record_reach_is_refused(rows: pl.DataFrame) -> None:
    no_reach = rows.with_columns(
        pl.when(c("outcome").is_in(["no_answer", "voicemail"]))
        .then(pl.lit("declined"))
        .otherwise(c("outcome"))
        .alias("outcome")
    )
    with pytest.raises(ReachInputError, match="0 unreached treated contacts"):
        fit_reach(no_reach, holdout_mask(no_reach["customer_id"]), params=FAST)
    never = rows.with_columns(
        (c("converted") & ~c("outcome").is_in(["accepted", "declined"])).alias("converted")
    )
    with pytest.raises(ReachInputError, match="conversions among reached contacts"):
        fit_reach(never, holdout_mask(never["customer_id"]), params=FAST)


def test_an_offer_known_only_on_a_channel_the_catalog_dropped_is_known() -> None:
    """The model scores it (known), and its never-tried cells are explored (not mature)."""
    offer = load_catalog().offer("PL_RIGHTSIZE_PLUS_20")  # catalog: phone and e-mail
    assert "sms" not in offer.channels
    history = pl.DataFrame(
        {
            "offer_id": ["PL_RIGHTSIZE_PLUS_20"] * 60 + ["AO_STREAMING"] * 60,
            "channel": ["sms"] * 60 + ["phone"] * 30 + ["email"] * 30,
            "treated": [True] * 120,
            "converted": [False] * 120,
            "annoyed": [False] * 120,
        }
    )
    post = beta_posteriors(history, [offer], mature_rows=30)
    flags = post.sort("channel").select("channel", "known", "mature").rows()
    assert flags == [("email", True, False), ("phone", True, False)]
