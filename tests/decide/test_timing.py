"""The timing stage: candidate moments inside the legal window and the stated hours in every
time zone (across daylight-saving changes), the story's customer never at 19:00, and a retry
after a missed call in another slot, inside the attempt caps."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goodcall.decide.candidates import channel_view
from goodcall.decide.config import CampaignConfig
from goodcall.decide.timing import expand_moments, with_answer_history
from goodcall.models.registry import ModelSet
from goodcall.policy.loader import load_policies
from goodcall.profiles.build import build_profiles
from goodcall.profiles.fields import CONTACT_STRUCT
from goodcall.profiles.fixtures import seed_customer_tables
from tests.decide.world import AT as WORLD_AT
from tests.decide.world import World

POLICIES = load_policies()
AT = dt.datetime(2026, 11, 20, 15, tzinfo=dt.UTC)
SEED = build_profiles(seed_customer_tables(), AT).collect()
ZONES = {  # time zone → (country, region)
    "America/Toronto": ("CA", "ON"),
    "America/Vancouver": ("CA", "BC"),
    "America/St_Johns": ("CA", "NL"),
    "America/Regina": ("CA", "SK"),
    "Europe/Paris": ("FR", "FR"),
}
DST_DAYS = (  # around the 2026 switches in North America and in Europe
    dt.datetime(2026, 3, 8, tzinfo=dt.UTC),
    dt.datetime(2026, 3, 29, tzinfo=dt.UTC),
    dt.datetime(2026, 10, 25, tzinfo=dt.UTC),
    dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
)
LEGAL = {  # the shipped policies: weekday → allowed [start, end) windows, local time
    "CA": {d: [(dt.time(9), dt.time(21, 30))] for d in range(5)}
    | {d: [(dt.time(10), dt.time(18))] for d in (5, 6)},
    "FR": {d: [(dt.time(10), dt.time(13)), (dt.time(14), dt.time(20))] for d in range(5)},
}


def _profile(
    zone: str, start: dt.time | None, end: dt.time | None, at: dt.datetime
) -> pl.DataFrame:
    country, region = ZONES[zone]
    return SEED.with_columns(
        pl.lit(zone).alias("time_zone"),
        pl.lit(country).alias("country"),
        pl.lit(region).alias("region"),
        pl.lit("FR" if country == "FR" else f"{country}-{region}").alias("jurisdiction"),
        pl.lit(start, pl.Time).alias("preferred_start"),
        pl.lit(end, pl.Time).alias("preferred_end"),
        pl.lit(at.date()).alias("national_dnc_snapshot"),
    )


def _moments(profiles: pl.DataFrame, at: dt.datetime, call_hours: int = 12) -> pl.DataFrame:
    windows = channel_view(profiles.lazy(), POLICIES, at, ["phone"])
    pairs = windows.with_columns(pl.lit("OFFER").alias("offer_id")).join(
        profiles.select("customer_id", "time_zone"), on="customer_id"
    )
    return expand_moments(pairs, call_hours)


hours = st.integers(min_value=6, max_value=22)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    zone=st.sampled_from(sorted(ZONES)),
    day=st.sampled_from(DST_DAYS),
    offset_minutes=st.integers(min_value=-3 * 24 * 60, max_value=3 * 24 * 60),
    start=st.one_of(st.none(), hours),
    length=st.integers(min_value=1, max_value=14),
    call_hours=st.integers(min_value=1, max_value=24),
)
def test_no_moment_outside_the_legal_window_or_the_stated_hours(
    zone: str,
    day: dt.datetime,
    offset_minutes: int,
    start: int | None,
    length: int,
    call_hours: int,
) -> None:
    at = day + dt.timedelta(minutes=offset_minutes)
    begin = dt.time(start) if start is not None else None
    end = dt.time(min(start + length, 23)) if start is not None else None
    moments = _moments(_profile(zone, begin, end, at), at, call_hours)
    country = ZONES[zone][0]
    for planned in moments["planned_at"].to_list():
        local = planned.astimezone(ZoneInfo(zone))
        wall = local.time()
        windows = LEGAL[country].get(local.weekday(), [])
        assert any(a <= wall < b for a, b in windows), (zone, planned, local)
        if begin is not None and end is not None:
            assert begin <= wall < end, (zone, planned, local, begin, end)
        assert planned >= at


def test_the_property_is_not_vacuous() -> None:
    """Every zone has candidate moments on an ordinary weekday."""
    at = dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC)
    for zone in ZONES:
        assert _moments(_profile(zone, None, None, at), at).height > 0, zone


def test_the_story_customer_is_never_called_at_seven_in_the_evening() -> None:
    """He states 09:00–17:00; the seed call came at 19:00 as he left the gym."""
    for hour in range(24):
        at = dt.datetime(2026, 11, 23, hour, tzinfo=dt.UTC)
        moments = _moments(SEED, at, call_hours=24)
        local = moments["local_hour"].to_list()
        assert 19 not in local
        assert all(9 <= h < 17 for h in local), (at, local)


def _with_calls(profile: pl.DataFrame, calls: list[tuple[dt.datetime, str]]) -> pl.DataFrame:
    history = profile["contact_history"][0].to_list() + [
        {
            "at": at,
            "channel": "phone",
            "campaign_id": "CMP-TEST",
            "offer_id": "HS_IPHONE17_FETES",
            "group": "treatment",
            "outcome": outcome,
            "converted": False,
        }
        for at, outcome in calls
    ]
    return profile.with_columns(
        pl.Series("contact_history", [history], dtype=pl.List(CONTACT_STRUCT))
    )


def test_the_next_attempt_after_a_missed_call_goes_to_another_slot() -> None:
    at = dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC)  # 07:00 in Montreal, Tuesday
    missed = dt.datetime(2026, 11, 23, 15, tzinfo=dt.UTC)  # 10:00 yesterday: band 09–11
    profile = _with_calls(SEED, [(missed, "no_answer")])
    before = _moments(SEED, at)
    assert 3 in before["band"].to_list()  # the morning is a candidate without the miss
    after = with_answer_history(_moments(profile, at), profile.lazy(), at)
    assert after.height > 0
    assert 3 not in after["band"].to_list()
    answered = _with_calls(SEED, [(missed, "accepted")])
    kept = with_answer_history(_moments(answered, at), answered.lazy(), at)
    assert 3 in kept["band"].to_list()  # an answered call changes nothing
    row = kept.filter(pl.col("band") == 3).row(0, named=True)
    assert (row["slot_attempts"], row["slot_answered"]) == (1, 1)


def test_a_retry_stays_in_the_missed_slot_when_the_window_has_no_other() -> None:
    at = dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC)
    narrow = SEED.with_columns(
        pl.lit(dt.time(9), pl.Time).alias("preferred_start"),
        pl.lit(dt.time(11), pl.Time).alias("preferred_end"),
    )
    profile = _with_calls(narrow, [(dt.datetime(2026, 11, 23, 15, tzinfo=dt.UTC), "voicemail")])
    moments = with_answer_history(_moments(profile, at), profile.lazy(), at)
    assert moments["band"].unique().to_list() == [3]


def test_attempts_past_the_cap_leave_no_window() -> None:
    """Six attempts in 30 days (the shipped cap): no seventh call, whatever the slot."""
    at = dt.datetime(2026, 11, 24, 15, tzinfo=dt.UTC)
    calls = [(at - dt.timedelta(days=d, hours=2), "no_answer") for d in range(1, 7)]
    profile = _with_calls(SEED, calls)
    view = channel_view(profile.lazy(), POLICIES, at, ["phone"])
    assert not view["contactable"].any()
    assert _moments(SEED, at).height > 0


def test_a_customers_own_calls_move_the_value_of_each_slot(world: World, trained: ModelSet) -> None:
    """Calls answered in the afternoon and missed in the morning (two months ago: no cap, no
    cool-down) raise the afternoon's uplift and lower the morning's, by the answer model's lift."""
    from goodcall.decide.core import ITEM_KEYS, funnel
    from goodcall.decide.score import Scorer, score_items

    config = CampaignConfig(campaign_id="SLOTS", call_hours=12)
    at = WORLD_AT

    def scores(profiles: pl.DataFrame) -> pl.DataFrame:
        stages = funnel(
            profiles.lazy(), catalog=world.catalog, compiled=world.compiled,
            policies=world.policies, at=at, config=config,
        )  # fmt: skip
        scored = score_items(stages.items, Scorer.of(trained, world.catalog), config, at, ITEM_KEYS)
        return scored.filter((pl.col("channel") == "phone") & pl.col("known"))

    plain = scores(world.profiles)
    assert plain.height > 0
    bands = plain.group_by("customer_id").agg((pl.col("local_hour") // 3).alias("b"))
    both_bands = bands.filter(pl.col("b").list.contains(3) & pl.col("b").list.contains(5))
    customer = both_bands.sort("customer_id")["customer_id"][0]
    profile = world.profiles.filter(pl.col("customer_id") == customer)
    zone = ZoneInfo(profile["time_zone"][0])
    old = (at - dt.timedelta(days=60)).astimezone(zone).replace(minute=0, second=0)
    morning = [old.replace(hour=10) - dt.timedelta(days=d) for d in (0, 1, 2)]
    afternoon = [old.replace(hour=16) - dt.timedelta(days=d) for d in (3, 4, 5)]
    history = _with_calls(
        profile,
        [(t.astimezone(dt.UTC), "no_answer") for t in morning]
        + [(t.astimezone(dt.UTC), "accepted") for t in afternoon],
    )
    before = plain.filter(pl.col("customer_id") == customer)
    after = scores(history)
    keys = ["offer_id", "planned_at"]
    both = before.join(after, on=keys, suffix="_after")
    band = both["local_hour"] // 3
    ratio = both["uplift_after"] / both["uplift"]
    assert (band == 3).any() and (band == 5).any()
    assert (ratio.filter(band == 3) < 1).all() and (ratio.filter(band == 5) > 1).all()
    assert ((ratio.filter((band != 3) & (band != 5)) - 1.0).abs() < 1e-9).all()
