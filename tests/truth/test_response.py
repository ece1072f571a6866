"""The response model over a whole carrier: heterogeneity, base rates, channels, simulation.

Bad inputs tried: missing profile columns, an unknown offer, an unknown channel, an hour of 24,
a null flag — each named in the error.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from goodcall.truth.offers import OFFERS
from goodcall.truth.response import ResponseTruth, TruthInputError, simulate

from .conftest import SEED, contact

c = pl.col


@pytest.fixture(scope="module")
def all_offers_phone(profiles: pl.DataFrame) -> pl.DataFrame:
    offers = pl.DataFrame({"offer_id": [o.offer_id for o in OFFERS]})
    pairs = profiles.join(offers, how="cross").with_columns(
        pl.lit("phone").alias("channel"),
        pl.lit(11, pl.Int64).alias("local_hour"),
        pl.lit(True).alias("language_ok"),
        pl.lit(True).alias("register_ok"),
    )
    return ResponseTruth(SEED).probabilities(pairs)


def test_probabilities_are_probabilities(all_offers_phone: pl.DataFrame) -> None:
    for name in ("p_reach", "p_accept_contacted", "p_accept_uncontacted", "p_annoy_contacted"):
        assert all_offers_phone[name].is_between(0.0, 1.0).all(), name
    assert (
        (all_offers_phone["uplift"] - all_offers_phone["p_accept_contacted"]
         + all_offers_phone["p_accept_uncontacted"]).abs().max() < 1e-12  # type: ignore[operator]
    )  # fmt: skip


def test_realistic_base_rates(all_offers_phone: pl.DataFrame) -> None:
    fitting = all_offers_phone.filter(~c("truth_misfit") & (c("truth_fit") > 0.5))
    mean_accept = fitting["p_accept_contacted"].mean()
    assert 0.01 < mean_accept < 0.06  # type: ignore[operator]  # a few percent per call
    assert all_offers_phone["p_accept_contacted"].max() < 0.5  # type: ignore[operator]
    misfit = all_offers_phone.filter(c("truth_misfit"))
    assert misfit["p_accept_contacted"].mean() < 0.002  # type: ignore[operator]
    assert misfit["p_annoy_contacted"].mean() > 1.5 * fitting["p_annoy_contacted"].mean()  # type: ignore[operator]


def test_uplift_is_heterogeneous(all_offers_phone: pl.DataFrame) -> None:
    """Persuadables, sure things, lost causes and sleeping dogs are all there."""
    fitting = all_offers_phone.filter(~c("truth_misfit") & (c("truth_fit") > 0.3))
    shares = fitting.select(
        (c("uplift") < 0).mean().alias("sleeping_dogs"),
        (c("uplift") > 0.01).mean().alias("persuadables"),
        ((c("p_accept_uncontacted") > 0.02) & (c("uplift").abs() < 0.005)).mean().alias("sure"),
        ((c("p_accept_uncontacted") < 0.005) & (c("uplift") < 0.003)).mean().alias("lost"),
    ).row(0, named=True)
    assert 0.04 < shares["sleeping_dogs"] < 0.25
    assert 0.25 < shares["persuadables"] < 0.75
    assert shares["sure"] > 0.01
    assert shares["lost"] > 0.02
    dogs = fitting.filter(c("uplift") < 0)
    assert dogs["truth_self_directedness"].mean() > 1.0  # type: ignore[operator]


def test_phone_persuades_and_annoys_more_than_messages(profiles: pl.DataFrame) -> None:
    truth = ResponseTruth(SEED)
    by_channel = {
        ch: truth.probabilities(contact(profiles, "RT_FINANCING_DONE", ch, 11))
        for ch in ("phone", "sms", "email", "app")
    }
    uplift = {ch: f["uplift"].mean() for ch, f in by_channel.items()}
    annoy = {ch: f["p_annoy_contacted"].mean() for ch, f in by_channel.items()}
    assert uplift["phone"] > max(uplift["email"], uplift["app"])  # type: ignore[type-var]
    assert annoy["phone"] > 2 * max(annoy["sms"], annoy["email"], annoy["app"])  # type: ignore[operator]


def test_upgrade_needs_usage(profiles: pl.DataFrame) -> None:
    truth = ResponseTruth(SEED)
    frame = truth.probabilities(contact(profiles, "PL_UP_MAX_60", "phone", 11))
    small = frame.filter(c("plan_tier").is_between(2, 3))
    heavy = small.filter(c("data_usage_ratio") > 0.9)["uplift"].mean()
    light = small.filter(c("data_usage_ratio") < 0.4)["uplift"].mean()
    assert heavy > 4 * light  # type: ignore[operator]
    top = frame.filter(c("plan_tier") >= 4)
    assert top["truth_misfit"].all()


@pytest.mark.parametrize("rng_seed", [1, 2, 3])
def test_simulated_rates_match_probabilities(all_offers_phone: pl.DataFrame, rng_seed: int) -> None:
    """Over ~60,000 draws the observed rates sit within 4 standard errors of the expected ones."""
    rng = np.random.default_rng(rng_seed + 1_000)  # independent of the simulation's stream
    pairs = all_offers_phone.with_columns(
        pl.Series("contacted", rng.random(all_offers_phone.height) < 0.8)
    )
    drawn = simulate(pairs, rng_seed)
    treated = drawn.filter(c("contacted"))
    held = drawn.filter(~c("contacted"))
    for frame, outcome, prob in (
        (treated, "accepted", "p_accept_contacted"),
        (treated, "annoyed", "p_annoy_contacted"),
        (treated, "reached", "p_reach"),
        (held, "accepted", "p_accept_uncontacted"),
    ):
        p = frame[prob].to_numpy()
        expected = p.sum()
        se = np.sqrt((p * (1 - p)).sum())
        assert abs(frame[outcome].sum() - expected) < 4 * se + 1, (outcome, prob)
    assert held["outcome"].unique().to_list() == ["not_contacted"]
    assert not held["annoyed"].any()


def test_simulated_outcomes_are_consistent(all_offers_phone: pl.DataFrame) -> None:
    drawn = simulate(all_offers_phone, 9)
    reached_outcomes = set(drawn.filter(c("reached"))["outcome"].unique())
    assert reached_outcomes <= {"accepted", "declined", "complaint", "dnc_request"}
    missed = set(drawn.filter(~c("reached"))["outcome"].unique())
    assert missed == {"no_answer", "voicemail"}
    assert drawn.filter(c("outcome") == "accepted")["accepted"].all()
    assert drawn.filter(c("outcome").is_in(["complaint", "dnc_request"]))["annoyed"].all()
    again = simulate(all_offers_phone, 9)
    assert drawn["outcome"].equals(again["outcome"])


def test_same_seed_same_truth_other_seed_other_traits(profiles: pl.DataFrame) -> None:
    pairs = contact(profiles, "AO_STREAMING", "email", 11)
    a = ResponseTruth(SEED).probabilities(pairs)
    b = ResponseTruth(SEED).probabilities(pairs)
    other = ResponseTruth(SEED + 1).probabilities(pairs)
    assert a["uplift"].equals(b["uplift"])
    assert not a["uplift"].equals(other["uplift"])


def test_row_order_does_not_matter(profiles: pl.DataFrame) -> None:
    pairs = contact(profiles.head(300), "AO_CLOUD_200", "app", 11)
    truth = ResponseTruth(SEED)
    forward = truth.probabilities(pairs).select("customer_id", "uplift")
    backward = truth.probabilities(pairs.reverse()).select("customer_id", "uplift").reverse()
    assert forward.equals(backward)


def test_bad_inputs_are_named(seed_profile: pl.DataFrame) -> None:
    truth = ResponseTruth(SEED)
    good = contact(seed_profile, "AO_CLOUD_200", "phone", 11)
    with pytest.raises(TruthInputError, match=r"lack columns.*device_os"):
        truth.probabilities(good.drop("device_os"))
    with pytest.raises(TruthInputError, match=r"offer_id.*'NOPE'"):
        truth.probabilities(good.with_columns(pl.lit("NOPE").alias("offer_id")))
    with pytest.raises(TruthInputError, match=r"channel.*'fax'"):
        truth.probabilities(good.with_columns(pl.lit("fax").alias("channel")))
    with pytest.raises(TruthInputError, match=r"local_hour.*row 0: 24"):
        truth.probabilities(good.with_columns(pl.lit(24, pl.Int64).alias("local_hour")))
    with pytest.raises(TruthInputError, match="register_ok"):
        truth.probabilities(good.with_columns(pl.lit(None, pl.Boolean).alias("register_ok")))
    with pytest.raises(TruthInputError, match="simulate needs"):
        simulate(good, 1)


def test_empty_pairs(seed_profile: pl.DataFrame) -> None:
    out = ResponseTruth(SEED).probabilities(
        contact(seed_profile, "AO_CLOUD_200", "app", 11).head(0)
    )
    assert out.height == 0 and "uplift" in out.columns
