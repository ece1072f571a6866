"""The decision core on a small synthetic carrier: one row per customer, never a forbidden
contact, the same answer for one customer alone as in the batch.

Bad inputs tried: a naive ``at``; a campaign config with a bad id, a share above 0.5, a channel
cost missing.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from goodcall.catalog.engine import evaluate_offers_matrix
from goodcall.decide import deciding_reason
from goodcall.decide.batch import decide
from goodcall.decide.config import CampaignConfig
from goodcall.decide.core import DECISION_SCHEMA, Decisions
from goodcall.models.registry import ModelSet
from goodcall.policy.engine import check_contact
from goodcall.profiles.build import build_profiles
from goodcall.synth.generate import carrier_tables
from tests.decide.world import AT, World

c = pl.col
CHEAP_CALLS = {"phone": 0.5, "sms": 0.05, "email": 0.01, "app": 0.0}
"""Calls cheap enough that the small carrier's models find some worth making (at 4.00 none are:
its history is too short for the response model to know the offers worth a call)."""


def run(world: World, models: ModelSet, config: CampaignConfig, rows: pl.DataFrame | None = None,
        at: dt.datetime = AT) -> Decisions:  # fmt: skip
    frame = world.profiles if rows is None else rows
    return decide(
        frame.lazy(), catalog=world.catalog, compiled=world.compiled, policies=world.policies,
        models=models, at=at, config=config,
    )  # fmt: skip


def test_the_same_bytes_whatever_the_order_and_the_chunks(
    world: World, trained: ModelSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Decisions come out in customer order, identical for a shuffled input decided in chunks
    of 97 customers (the campaign's sums then add in one order, to the last bit)."""
    config = CampaignConfig(campaign_id="ORDER", calls_per_day=8, contact_cost=CHEAP_CALLS)
    first = run(world, trained, config).frame
    monkeypatch.setattr("goodcall.decide.batch.CHUNK_CUSTOMERS", 97)
    shuffled = run(
        world, trained, config, world.profiles.sample(fraction=1.0, shuffle=True, seed=3)
    )
    assert first["customer_id"].is_sorted()
    assert shuffled.frame.equals(first)
    assert first.filter(c("decision") == "contact").height > 0


def test_one_row_per_customer_with_reasons(world: World, trained: ModelSet) -> None:
    decisions = run(world, trained, CampaignConfig(campaign_id="T1", calls_per_day=40))
    frame = decisions.frame
    assert frame.schema == DECISION_SCHEMA
    assert frame.height == world.profiles.height
    assert frame["customer_id"].n_unique() == frame.height
    assert set(frame["decision"].unique()) <= {"contact", "no_contact", "control"}
    assert frame["reasons"].list.len().min() > 0  # every decision says why  # type: ignore[operator]
    codes = frame.explode("reasons").select(c("reasons").struct.field("code"))["code"]
    for code in ("arbitration.best_ev", "campaign.control_group", "arbitration.no_candidate"):
        assert code in codes.to_list()
    contacts = decisions.contacts
    assert (contacts["channel"] == "phone").sum() <= 40
    assert contacts["ev"].min() > 0  # type: ignore[operator]
    assert decisions.plan.primal <= decisions.plan.dual_bound + 1e-6
    control = frame.filter(c("decision") == "control")
    assert control.height > 0 and control["offer_id"].null_count() == control.height


def _assert_lawful(
    world: World, decisions: Decisions, profiles: pl.DataFrame, at: dt.datetime
) -> None:
    planned = decisions.contacts.select("customer_id", "channel", "planned_at")
    checked = check_contact(profiles.lazy(), world.policies, planned.lazy()).collect()
    assert checked["allowed"].all(), checked.filter(~c("allowed")).head(3)
    assert (checked["planned_at"] >= at).all()
    eligible = evaluate_offers_matrix(profiles.lazy(), world.compiled, at).collect()
    joined = decisions.contacts.join(eligible, on=["customer_id", "offer_id"], how="left")
    assert joined["eligible"].all()


def test_no_contact_breaks_a_policy_or_the_catalog(world: World, trained: ModelSet) -> None:
    at = dt.datetime(2026, 11, 20, 23, 0, tzinfo=dt.UTC)  # 18:00 in Montreal, 15:00 in Vancouver
    decisions = run(world, trained, CampaignConfig(campaign_id="P1", calls_per_day=50), at=at)
    _assert_lawful(world, decisions, world.profiles, at)


@settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seed=st.integers(0, 10_000),
    hour=st.integers(0, 23),
    day=st.integers(14, 22),
    calls=st.integers(0, 30),
)
def test_generated_carriers_never_get_a_forbidden_contact(
    world: World, seed: int, hour: int, day: int, calls: int
) -> None:
    """Property: whatever the carrier and the clock, every contact passes policy and catalog."""
    at = dt.datetime(2026, 11, day, hour, 0, tzinfo=dt.UTC)
    tables = {k: v.lazy() for k, v in carrier_tables(150, seed=seed).items()}
    profiles = build_profiles(tables, at).collect()
    config = CampaignConfig(campaign_id=f"G{seed}", calls_per_day=calls)
    decisions = run(world, world.priors, config, profiles, at)
    assert decisions.frame.height == profiles.height
    _assert_lawful(world, decisions, profiles, at)


def test_one_customer_alone_gets_the_batch_decision(world: World, trained: ModelSet) -> None:
    config = CampaignConfig(campaign_id="T2", explore_share=0.0)  # no capacity at all
    batch = run(world, trained, config).frame
    sample = batch.filter(c("decision") != "no_contact").head(6)["customer_id"].to_list()
    for cid in sample:
        alone = run(world, trained, config, world.profiles.filter(c("customer_id") == cid)).frame
        assert alone.to_dicts() == batch.filter(c("customer_id") == cid).to_dicts()


def test_one_customer_with_the_batch_prices(world: World, trained: ModelSet) -> None:
    config = CampaignConfig(
        campaign_id="T3", calls_per_day=8, explore_share=0.0, contact_cost=CHEAP_CALLS
    )
    batch = run(world, trained, config)
    assert batch.plan.prices["calls:day0"] > 0  # the call capacity binds
    priced = config.model_copy(update={"prices": batch.plan.prices})
    again = run(world, trained, priced).frame
    same = (again["offer_id"].eq_missing(batch.frame["offer_id"])).mean()
    assert same is not None and same > 0.97  # only customers moved by the plan's repair differ
    cid = again.filter(c("decision") == "contact")["customer_id"][0]
    alone = run(world, trained, priced, world.profiles.filter(c("customer_id") == cid)).frame
    assert alone.to_dicts() == again.filter(c("customer_id") == cid).to_dicts()


def test_priors_only_decides_and_explores(world: World) -> None:
    decisions = run(world, world.priors, CampaignConfig(campaign_id="T4", calls_per_day=30))
    assert decisions.contacts.height > 0
    explored = decisions.contacts.filter(c("explore"))
    assert 0 < explored.height <= decisions.plan.capacity["explore"]


def test_bad_inputs_are_refused(world: World) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        run(world, world.priors, CampaignConfig(campaign_id="X"), at=dt.datetime(2026, 11, 20))
    with pytest.raises(ValidationError, match="campaign_id"):
        CampaignConfig(campaign_id="bad id with spaces")
    with pytest.raises(ValidationError, match="control_share"):
        CampaignConfig(campaign_id="X", control_share=0.7)
    with pytest.raises(ValidationError, match="lacks channels"):
        CampaignConfig(campaign_id="X", contact_cost={"phone": 4.0})


@pytest.mark.parametrize("trained_models", [True, False])
def test_every_decision_names_the_reason_that_decided_it(
    world: World, trained: ModelSet, trained_models: bool
) -> None:
    """With models, and with none (every cell cold: a lone decision without exploration contacts
    nobody, and says it is because the models do not know the offers, not nothing)."""
    models = trained if trained_models else ModelSet.priors_only(list(world.catalog.offers), AT)
    explore = 0.05 if trained_models else 0.0
    config = CampaignConfig(campaign_id="WHY", calls_per_day=8, explore_share=explore)
    frame = run(world, models, config).frame
    deciding = [
        deciding_reason(reasons, decision)
        for reasons, decision in frame.select("reasons", "decision").iter_rows()
    ]
    assert all(reason is not None for reason in deciding)
    codes = {str(reason["code"]) for reason in deciding if reason is not None}
    if not trained_models:
        assert "arbitration.cold" in codes and "arbitration.best_ev" not in codes
