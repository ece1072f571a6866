"""The contact history is consistent with the rest of the carrier and carries learnable uplift."""

from __future__ import annotations

import zoneinfo

import polars as pl
import pytest

from goodcall.profiles.build import build_profiles
from goodcall.profiles.nordet import PLANS, PROMOTION_PLANS
from goodcall.synth.campaigns import campaign_calendar
from goodcall.synth.state import truth_state
from goodcall.truth.offers import OFFERS_BY_ID
from goodcall.truth.response import TRUTH_PROFILE_COLUMNS

from .conftest import AS_OF, AT

c = pl.col


def test_nothing_after_a_do_not_call_request(big: dict[str, pl.DataFrame]) -> None:
    contacts = big["contacts"]
    first = (
        contacts.filter(c("outcome") == "dnc_request")
        .group_by("customer_id")
        .agg(c("at").min().alias("dnc_at"))
    )
    assert first.height > 10
    later = contacts.join(first, on="customer_id").filter(c("at") > c("dnc_at"))
    assert later.height == 0
    consent = big["consent"].join(first, on="customer_id")
    assert (consent["internal_dnc_at"] <= consent["dnc_at"]).all()


def test_taken_plans_and_handsets_are_on_the_main_line(big: dict[str, pl.DataFrame]) -> None:
    tier_plan = {p.tier: p.plan_id for p in PLANS}
    taken = (
        big["contacts"]
        .filter(c("converted"))
        .sort("at")
        .group_by("customer_id")
        .agg(c("offer_id").filter(c("offer_id").str.starts_with("PL_")).last().alias("plan"))
        .drop_nulls()
    )
    assert taken.height > 5
    primary = big["lines"].filter(c("is_primary")).select("customer_id", "plan_id")
    joined = taken.join(primary, on="customer_id")
    expected = [tier_plan[OFFERS_BY_ID[o].plan_tier or 0] for o in joined["plan"]]
    assert joined["plan_id"].to_list() == expected


def test_redeemed_plan_promotion_means_that_plan(big: dict[str, pl.DataFrame]) -> None:
    """Unless a later plan offer was taken, a redeemed plan promotion sets the main line's plan."""
    moved = big["contacts"].filter(c("converted") & c("offer_id").str.starts_with("PL_"))
    redeemed = (
        big["promotion_events"]
        .filter((c("event") == "redeemed") & c("promotion_id").is_in(list(PROMOTION_PLANS)))
        .join(moved.select("customer_id").unique(), on="customer_id", how="anti")
        .join(big["lines"].filter(c("is_primary")), on="customer_id")
    )
    assert redeemed.height > 50
    expected = redeemed["promotion_id"].replace_strict(PROMOTION_PLANS)
    assert (redeemed["plan_id"] == expected).all()


def test_offers_tied_to_a_promotion_record_their_redemption(big: dict[str, pl.DataFrame]) -> None:
    promo_offers = [o.offer_id for o in OFFERS_BY_ID.values() if o.promotion_id]
    taken = big["contacts"].filter(c("converted") & c("offer_id").is_in(promo_offers))
    redeemed = big["promotion_events"].filter(
        (c("event") == "redeemed") & (c("promotion_id") == "PROMO_FETES_2026")
    )
    assert set(taken["customer_id"]) <= set(redeemed["customer_id"])


def test_phone_details(big: dict[str, pl.DataFrame]) -> None:
    phone = big["contacts"].filter((c("channel") == "phone") & (c("group") == "treatment"))
    answered = phone.filter(
        c("outcome").is_in(["accepted", "declined", "complaint", "dnc_request"])
    )
    assert answered["agent_id"].null_count() == 0
    assert answered["agent_id"].str.contains(r"^A-\d{4}$").all()
    silence = answered["silence_seconds"]
    assert silence.null_count() == 0
    assert (silence <= 2.0).mean() == pytest.approx(0.96, abs=0.02)
    assert silence.max() > 5.0  # type: ignore[operator]
    missed = phone.filter(c("outcome").is_in(["no_answer", "voicemail"]))
    assert missed["silence_seconds"].null_count() == missed.height
    messages = big["contacts"].filter(c("channel") != "phone")
    assert messages["agent_id"].null_count() == messages.height


def test_phone_calls_in_legal_weekday_hours(big: dict[str, pl.DataFrame]) -> None:
    calls = (
        big["contacts"]
        .filter(c("channel") == "phone")
        .join(big["customers"].select("customer_id", "time_zone"), on="customer_id")
    )
    local = [
        at.astimezone(zoneinfo.ZoneInfo(tz))
        for at, tz in calls.select("at", "time_zone").head(3000).iter_rows()
    ]
    assert all(9 <= t.hour <= 20 and t.weekday() < 5 for t in local)
    assert {t.hour for t in local} == set(range(9, 21))


def test_campaigns_follow_the_calendar(big: dict[str, pl.DataFrame]) -> None:
    calendar = {k.campaign_id: k.template.offer_id for k in campaign_calendar(AS_OF)}
    pairs = (
        big["contacts"]
        .filter(c("customer_id") != "C-SEED-0001")
        .select("campaign_id", "offer_id")
        .unique()
    )
    assert dict(pairs.iter_rows()) == calendar
    offers = set(pairs["offer_id"])
    assert offers == set(OFFERS_BY_ID)  # every catalog offer has history


def test_contacting_causes_take_up(big: dict[str, pl.DataFrame]) -> None:
    """Treatment converts more than control: the history holds uplift a learner can recover."""
    rates = (
        big["contacts"]
        .group_by("group")
        .agg(c("converted").mean().alias("rate"), pl.len().alias("n"))
    )
    rate = dict(rates.select("group", "rate").iter_rows())
    n = dict(rates.select("group", "n").iter_rows())
    se = (rate["control"] * (1 - rate["control"]) / n["control"]) ** 0.5
    assert rate["treatment"] - rate["control"] > 3 * max(se, 1e-4)


def test_truth_state_matches_build_profiles(big: dict[str, pl.DataFrame]) -> None:
    state = truth_state(big, AS_OF)
    profiles = build_profiles({k: v.lazy() for k, v in big.items()}, AT).collect()
    columns = [n for n in TRUTH_PROFILE_COLUMNS if n != "customer_id"]
    left = state.select("customer_id", *columns).sort("customer_id")
    right = profiles.select("customer_id", *columns).sort("customer_id")
    for name in columns:
        assert left[name].equals(right[name], check_names=True), name
