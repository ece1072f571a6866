"""Caps per channel and agent pools by language constrain the arbitration, with exact values.

A call in French uses the French pool's capacity, one in English the English pool's; SMS, e-mail
and in-app messages have their own caps per campaign day (the 24 hours from the decision time).

Property (Hypothesis): on random items, caps and pools, every cap holds, nobody is called in a
language no pool speaks, and the plan lies within its reported gap of the MILP optimum.

Bad inputs tried: a pool keyed by something that is not a language (with the suggestion), a
negative pool capacity, an unknown key in a pool, ``phone`` in ``messages_per_day``.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from goodcall.arbitrate.exact import solve_milp
from goodcall.catalog.loader import load_catalog
from goodcall.decide.batch import decide
from goodcall.decide.config import CampaignConfig, pool_of
from goodcall.decide.plan import arbitrate, build_problem, positive_items
from tests.decide.world import AT, World

c = pl.col
H = dt.timedelta(hours=1)
CATALOG = load_catalog()
OFFER = "ML_ADD_LINE"  # no volume limit: only the caps under test bind


def items(rows: list[tuple[str, str, str, float, dt.datetime]]) -> pl.DataFrame:
    """Scored items: (customer, language, channel, EV, planned_at)."""
    return pl.DataFrame(
        [(cid, OFFER, ch, at, 10, ev, None, lang) for cid, lang, ch, ev, at in rows],
        schema={
            "customer_id": pl.String,
            "offer_id": pl.String,
            "channel": pl.String,
            "planned_at": pl.Datetime("us", "UTC"),
            "local_hour": pl.Int64,
            "ev": pl.Float64,
            "explore_ev": pl.Float64,
            "language": pl.String,
        },
        orient="row",
    )


def plan(frame: pl.DataFrame, config: CampaignConfig) -> tuple[dict[str, str], dict[str, float]]:
    """The channel chosen per customer, and the plan's prices; checks the used capacity."""
    positive = positive_items(frame, config, AT, CATALOG)
    chosen, summary = arbitrate(positive, config, CATALOG, 0.0)
    picks = positive.filter(pl.Series(chosen))
    for name, used in summary.used.items():
        assert used <= summary.capacity[name]
    assert summary.gap == pytest.approx(0.0, abs=1e-9)
    return dict(zip(picks["customer_id"], picks["channel"], strict=True)), summary.prices


# French customers F1-F3, English E1-E2: a call each, or an e-mail worth 0.5.
CALLS = [
    ("F1", "fr-CA", 5.0),
    ("F2", "fr-FR", 3.0),
    ("F3", "fr-CA", 2.0),
    ("E1", "en-CA", 4.0),
    ("E2", "en-US", 1.0),
]
POOLS = items(
    [(cid, lang, "phone", ev, AT) for cid, lang, ev in CALLS]
    + [(cid, lang, "email", 0.5, AT) for cid, lang, _ in CALLS]
)


def test_the_french_pool_binds_and_the_english_does_not() -> None:
    config = CampaignConfig(
        campaign_id="POOLS",
        explore_share=0.0,
        agent_pools={"fr": {"calls_per_day": 1}, "en": {"calls_per_day": 5}},  # type: ignore[dict-item]
    )
    picks, prices = plan(POOLS, config)
    assert picks == {"F1": "phone", "F2": "email", "F3": "email", "E1": "phone", "E2": "phone"}
    # the French call's gains over the e-mail are 4.5, 2.5, 1.5: the price lies between the
    # first and the second (their midpoint); the English pool has room, so its price is 0
    assert prices == {"calls:en:day0": 0.0, "calls:fr:day0": 3.5}


def test_without_pools_every_call_is_made_and_the_centre_cap_still_applies() -> None:
    picks, _ = plan(POOLS, CampaignConfig(campaign_id="ONE", explore_share=0.0))
    assert sorted(ch for ch in picks.values()) == ["phone"] * 5
    both = CampaignConfig(
        campaign_id="BOTH",
        explore_share=0.0,
        calls_per_day=2,
        agent_pools={"fr": {"calls_per_day": 1}, "en": {"calls_per_day": 5}},  # type: ignore[dict-item]
    )
    picks, prices = plan(POOLS, both)
    assert picks == {"F1": "phone", "F2": "email", "F3": "email", "E1": "phone", "E2": "email"}
    assert prices["calls:day0"] > 0


def test_a_language_tag_pool_takes_its_calls_and_an_unstaffed_language_gets_none() -> None:
    config = CampaignConfig(
        campaign_id="TAGS",
        explore_share=0.0,
        agent_pools={"fr": {"calls_per_day": 1}, "fr-FR": {"calls_per_day": 1}},  # type: ignore[dict-item]
    )
    picks, prices = plan(POOLS, config)
    # F2 (fr-FR) has the France pool to itself; no English-speaking agents: e-mails only
    assert picks == {"F1": "phone", "F2": "phone", "F3": "email", "E1": "email", "E2": "email"}
    assert set(prices) == {"calls:fr:day0", "calls:fr-FR:day0", "calls:en:day0"}


def test_the_pool_hour_cap() -> None:
    rows = [("F1", "fr-CA", "phone", 5.0, AT), ("F2", "fr-CA", "phone", 3.0, AT)]
    rows += [("F2", "fr-CA", "phone", 2.0, AT + H), ("F3", "fr-CA", "phone", 1.0, AT)]
    config = CampaignConfig(
        campaign_id="HOUR",
        explore_share=0.0,
        agent_pools={"fr": {"calls_per_day": 10, "calls_per_hour": 1}},  # type: ignore[dict-item]
    )
    picks, prices = plan(items(rows), config)
    assert picks == {"F1": "phone", "F2": "phone"}  # F2 an hour later; F3 has no other hour
    assert prices["hour:fr:2026-11-20T16"] == 0.0 and prices["hour:fr:2026-11-20T15"] > 0


def test_the_sms_cap_per_day() -> None:
    day0 = [("S1", 3.0), ("S2", 2.0), ("S3", 1.5), ("S4", 1.0)]
    rows = [(cid, "fr-CA", "sms", ev, AT) for cid, ev in day0]
    rows += [("S5", "en-CA", "sms", 0.7, AT + 25 * H), ("S6", "en-CA", "email", 0.2, AT)]
    config = CampaignConfig(campaign_id="SMS", explore_share=0.0, messages_per_day={"sms": 2})
    positive = positive_items(items(rows), config, AT, CATALOG)
    chosen, summary = arbitrate(positive, config, CATALOG, 0.0)
    picks = positive.filter(pl.Series(chosen))
    assert picks["customer_id"].to_list() == ["S1", "S2", "S5", "S6"]
    assert summary.capacity == {"sms:day0": 2.0, "sms:day1": 2.0}
    assert summary.used == {"sms:day0": 2.0, "sms:day1": 1.0}
    assert summary.prices == {"sms:day0": 1.75, "sms:day1": 0.0}  # between 2.0 and 1.5


def test_email_and_app_caps() -> None:
    rows = [(f"M{i}", "en-CA", "email", 1.0 + i, AT) for i in range(3)]
    rows += [(f"A{i}", "en-CA", "app", 1.0 + i, AT) for i in range(3)]
    config = CampaignConfig(
        campaign_id="MSG", explore_share=0.0, messages_per_day={"email": 1, "app": 0}
    )
    picks, _ = plan(items(rows), config)
    assert picks == {"M2": "email"}


def test_pool_and_cap_settings_are_validated() -> None:
    with pytest.raises(ValidationError, match=r"agent pool 'francais' is not a language"):
        CampaignConfig(campaign_id="X", agent_pools={"francais": {"calls_per_day": 1}})  # type: ignore[dict-item]
    with pytest.raises(ValidationError, match=r"'fr-ca' is not a language \(did you mean 'fr-CA'"):
        CampaignConfig(campaign_id="X", agent_pools={"fr-ca": {"calls_per_day": 1}})  # type: ignore[dict-item]
    with pytest.raises(ValidationError, match="greater than or equal to 0"):
        CampaignConfig(campaign_id="X", agent_pools={"fr": {"calls_per_day": -1}})  # type: ignore[dict-item]
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        CampaignConfig(campaign_id="X", agent_pools={"fr": {"calls_per_dy": 1}})  # type: ignore[dict-item]
    with pytest.raises(ValidationError, match="calls are capped by calls_per_day"):
        CampaignConfig(campaign_id="X", messages_per_day={"phone": 3})


def test_decide_respects_pools_and_message_caps(world: World) -> None:
    config = CampaignConfig(
        campaign_id="CAPS",
        control_share=0.0,
        agent_pools={"fr": {"calls_per_day": 4}, "en": {"calls_per_day": 9}},  # type: ignore[dict-item]
        messages_per_day={"sms": 3, "email": 5, "app": 6},
    )
    decisions = decide(
        world.profiles.lazy(), catalog=world.catalog, compiled=world.compiled,
        policies=world.policies, models=world.priors, at=AT, config=config,
    )  # fmt: skip
    contacts = decisions.contacts.with_columns(
        ((c("planned_at") - AT).dt.total_seconds() // 86_400).cast(pl.Int64).alias("day"),
        c("language").str.split("-").list.first().alias("lang"),
    )
    used = decisions.plan.used
    calls = contacts.filter(c("channel") == "phone").group_by("lang", "day").len()
    for lang, day, n in calls.iter_rows():
        assert used[f"calls:{lang}:day{day}"] == n
        assert n <= {"fr": 4, "en": 9}[lang]
    messages = contacts.filter(c("channel") != "phone").group_by("channel", "day").len()
    for channel, day, n in messages.iter_rows():
        assert used[f"{channel}:day{day}"] == n
        assert n <= {"sms": 3, "email": 5, "app": 6}[channel]
    assert calls["len"].sum() > 0 and messages["len"].sum() > 0


LANGS = ("fr-CA", "fr-FR", "en-CA", "en-US")
CHANNELS = ("phone", "sms", "email", "app")


@st.composite
def instances(draw: st.DrawFn) -> tuple[pl.DataFrame, CampaignConfig]:
    """Random items (customers × channels × days) and random caps and pools."""
    rows = []
    for i in range(draw(st.integers(1, 8))):
        lang = draw(st.sampled_from(LANGS))
        for channel in draw(st.lists(st.sampled_from(CHANNELS), min_size=1, max_size=4)):
            ev = draw(st.floats(-1.0, 10.0, allow_nan=False))
            at = AT + draw(st.sampled_from([0, 1, 25])) * H
            rows.append((f"C{i}", lang, channel, ev, at))
    caps = st.none() | st.integers(0, 3)
    pools = {
        key: {"calls_per_day": draw(st.integers(0, 3)), "calls_per_hour": draw(caps)}
        for key in draw(st.lists(st.sampled_from(("fr", "en", "fr-FR")), unique=True))
    }
    messages = {
        ch: draw(st.integers(0, 3)) for ch in ("sms", "email", "app") if draw(st.booleans())
    }
    config = CampaignConfig(
        campaign_id="PROP",
        explore_share=0.0,
        calls_per_day=draw(caps),
        calls_per_hour=draw(caps),
        messages_per_day=messages,  # type: ignore[arg-type]
        agent_pools=pools or None,  # type: ignore[arg-type]
    )
    return items(rows), config


@given(instances())
@settings(max_examples=60, deadline=None)
def test_every_cap_holds_and_the_plan_is_within_its_gap_of_the_optimum(
    case: tuple[pl.DataFrame, CampaignConfig],
) -> None:
    frame, config = case
    positive = positive_items(frame, config, AT, CATALOG).sort("customer_id")
    if positive.height == 0:
        return
    chosen, summary = arbitrate(positive, config, CATALOG, 0.0)
    problem, _ = build_problem(positive, config, CATALOG, 0.0)
    assert problem.is_feasible(chosen)
    best = solve_milp(problem).value
    assert summary.primal <= best + 1e-6 and best <= summary.dual_bound + 1e-6
    picks = positive.filter(pl.Series(chosen))
    calls = picks.filter(c("channel") == "phone")
    for key, pool in (config.agent_pools or {}).items():
        language_pool = {tag: pool_of(tag, config.agent_pools or {}) for tag in LANGS}
        mine = calls.filter(c("language").replace_strict(language_pool) == key)
        per_day = mine.group_by("day").len()["len"]
        assert per_day.max() is None or per_day.max() <= pool.calls_per_day  # type: ignore[operator]
    if config.agent_pools is not None:  # nobody calls in a language no pool speaks
        staffed = [t for t in LANGS if pool_of(t, config.agent_pools) in config.agent_pools]
        assert calls.filter(~c("language").is_in(staffed)).height == 0
    for channel, cap in config.messages_per_day.items():
        per_day = picks.filter(c("channel") == channel).group_by("day").len()["len"]
        assert per_day.max() is None or per_day.max() <= cap  # type: ignore[operator]
