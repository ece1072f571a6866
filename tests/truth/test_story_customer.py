"""The story's customer under the truth: the blunders of the seed call cannot pay.

Michel Tremblay (iPhone 13, top plan taken under a promotion, already saw the holiday promotion in
the app, buys on his own, prefers calls 09:00–17:00) — checked for several seeds of the truth,
since his hidden traits depend on the seed.
"""

from __future__ import annotations

import polars as pl
import pytest

from goodcall.truth.response import ResponseTruth

from .conftest import contact

SEEDS = (1, 7, 42, 2026)
ANDROID_HANDSETS = ("HS_LG_VELVET_CLEARANCE", "HS_GALAXY_S25_FETES", "HS_GALAXY_A56", "HS_PIXEL_10")
PLAN_UPGRADES = ("PL_UP_PLUS_20", "PL_UP_MAX_60", "PL_UP_ULT_150", "PL_FETES_ULT_150")


def row(
    seed_profile: pl.DataFrame, seed: int, offer: str, channel: str, hour: int, **flags: bool
) -> dict[str, object]:
    out = ResponseTruth(seed).probabilities(contact(seed_profile, offer, channel, hour, **flags))
    return out.row(0, named=True)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("offer", ANDROID_HANDSETS + PLAN_UPGRADES)
def test_no_acceptance_for_android_handsets_or_plan_upgrades(
    seed_profile: pl.DataFrame, seed: int, offer: str
) -> None:
    r = row(seed_profile, seed, offer, "phone", 11)
    assert r["truth_misfit"] is True
    assert r["p_accept_contacted"] < 0.002
    assert r["p_accept_uncontacted"] < 0.002
    assert abs(r["uplift"]) < 0.001  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", SEEDS)
def test_holiday_promotion_already_seen_gives_little_uplift(
    seed_profile: pl.DataFrame, seed: int
) -> None:
    """He fits the iPhone 17 offer (old iPhone, financing over) but saw it and buys by himself."""
    r = row(seed_profile, seed, "HS_IPHONE17_FETES", "phone", 11)
    assert r["truth_fit"] > 1.0  # type: ignore[operator]
    assert r["p_accept_uncontacted"] > 0.03  # type: ignore[operator]  # a sure thing…
    assert r["uplift"] < 0.002  # type: ignore[operator]  # …whom a call barely moves
    unseen = seed_profile.with_columns(pl.lit([], pl.List(pl.String)).alias("seen_promotions"))
    fresh = ResponseTruth(seed).probabilities(contact(unseen, "HS_IPHONE17_FETES", "phone", 11))
    assert fresh["p_accept_uncontacted"][0] < r["p_accept_uncontacted"]  # type: ignore[operator]


@pytest.mark.parametrize("seed", SEEDS)
def test_evening_call_annoys_more_than_a_late_morning_call(
    seed_profile: pl.DataFrame, seed: int
) -> None:
    for offer in ("HS_IPHONE17_FETES", "HS_LG_VELVET_CLEARANCE"):
        evening = row(seed_profile, seed, offer, "phone", 19)
        morning = row(seed_profile, seed, offer, "phone", 11)
        assert evening["p_annoy_contacted"] > 3 * morning["p_annoy_contacted"]  # type: ignore[operator]
        # once he answers, the evening call does no better (whether he answers at either hour
        # is his own rhythm, goodcall.truth.answer_hours, a draw that depends on the seed)
        assert evening["p_accept_reached"] <= morning["p_accept_reached"]  # type: ignore[operator]


@pytest.mark.parametrize("seed", SEEDS)
def test_wrong_register_and_language_cost(seed_profile: pl.DataFrame, seed: int) -> None:
    right = row(seed_profile, seed, "RT_FINANCING_DONE", "phone", 11)
    tu = row(seed_profile, seed, "RT_FINANCING_DONE", "phone", 11, register_ok=False)
    english = row(seed_profile, seed, "RT_FINANCING_DONE", "phone", 11, language_ok=False)
    for wrong in (tu, english):
        assert wrong["p_annoy_contacted"] > 1.5 * right["p_annoy_contacted"]  # type: ignore[operator]
        assert wrong["p_accept_contacted"] < right["p_accept_contacted"]  # type: ignore[operator]


def test_the_seed_call_is_worse_than_no_call(seed_profile: pl.DataFrame) -> None:
    """19:00, tutoiement, an LG phone: negative uplift and a one-in-five-ish chance to annoy."""
    r = row(seed_profile, 7, "HS_LG_VELVET_CLEARANCE", "phone", 19, register_ok=False)
    assert r["uplift"] <= 0.0  # type: ignore[operator]
    assert r["p_annoy_contacted"] > 0.15  # type: ignore[operator]
