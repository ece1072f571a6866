"""One decision, everywhere: for 200 customers of the small synthetic carrier, the decision
``campaign run`` writes is the one ``decide`` gives each customer alone with the campaign's plan,
the one ``explain`` opens with and the one ``brief`` briefs (or declines to pitch).

The campaign has a binding call capacity, a control group and an exploration slice, so the
plan's prices are not all zero and every kind of decision occurs.
"""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

from goodcall.brief.decided import decided_briefs
from goodcall.campaign.run import CampaignRun, run_campaign
from goodcall.decide import CampaignConfig, decide
from goodcall.explain.build import explain_customers
from goodcall.explain.decision import CampaignPlan, Decider, load_decider
from goodcall.models.registry import ModelSet
from tests.decide.world import AT, World

c = pl.col
SAMPLE = 200
KINDS = ("contact", "control", "no_contact")


@pytest.fixture(scope="module")
def campaign(
    world: World, trained: ModelSet, tmp_path_factory: pytest.TempPathFactory
) -> CampaignRun:
    root = tmp_path_factory.mktemp("one-decision")
    models = trained.save(root / "models")
    # cheap calls: the small carrier's models know no offer worth a call at 4.00, and an offer
    # they do not know is only explored
    cheap = {"phone": 0.5, "sms": 0.05, "email": 0.01, "app": 0.0}
    config = CampaignConfig(campaign_id="ONE-DECISION", calls_per_day=8, contact_cost=cheap)
    return run_campaign(
        world.profiles, config=config, at=AT, out_dir=root / "campaign", models=trained,
        catalog=world.catalog, models_dir=models,
    )  # fmt: skip


@pytest.fixture(scope="module")
def decider(campaign: CampaignRun) -> Decider:
    return load_decider(campaign.out_dir, None, None, None, AT)


@pytest.fixture(scope="module")
def sample(campaign: CampaignRun) -> pl.DataFrame:
    """200 customers: a third of each kind of decision where there are enough (calls first
    among the contacts, so that their briefs are compared), the rest from the others."""
    frame = pl.read_parquet(campaign.out_dir / "decisions.parquet")
    phone_first = frame.sort(c("channel") != "phone", "customer_id")
    parts = [phone_first.filter(c("decision") == kind).head(SAMPLE // 3) for kind in KINDS]
    picked = pl.concat(parts)
    rest = frame.join(picked.select("customer_id"), on="customer_id", how="anti")
    return pl.concat([picked, rest.sort("customer_id").head(SAMPLE - picked.height)])


def shown(decision: dict[str, Any]) -> tuple[Any, ...]:
    """What a surface shows of a decision."""
    reason = decision["deciding_reason"]
    return (
        decision["decision"],
        decision["group"],
        decision["offer_id"],
        decision["channel"],
        decision["planned_at"],
        None if decision["ev"] is None else round(decision["ev"], 9),
        None if reason is None else reason["code"],
    )


def written(row: dict[str, Any]) -> tuple[Any, ...]:
    """The same, from a row of the campaign's decisions.parquet."""
    from goodcall.decide import deciding_reason

    reason = deciding_reason(row["reasons"], row["decision"])
    planned = row["planned_at"]
    return (
        row["decision"],
        row["group"],
        row["offer_id"],
        row["channel"],
        None if planned is None else planned.isoformat(),
        None if row["ev"] is None else round(row["ev"], 9),
        None if reason is None else reason["code"],
    )


def test_the_sample_holds_every_kind_of_decision(sample: pl.DataFrame) -> None:
    kinds = set(sample["decision"].to_list())
    assert kinds == set(KINDS), kinds
    assert sample.height == SAMPLE
    assert (sample["channel"] == "phone").any()


def test_the_plan_records_the_campaigns_prices_and_sources(
    campaign: CampaignRun, decider: Decider
) -> None:
    plan = CampaignPlan.read(campaign.out_dir)
    assert plan.config.prices == campaign.decisions.plan.prices
    assert any(price > 0 for price in campaign.decisions.plan.prices.values())
    assert plan.decided_at == AT and plan.models is not None
    basis = decider.basis(AT)
    assert (basis["prices"], basis["same_time_as_plan"], basis["models_trained"]) == (
        "campaign plan",
        True,
        True,
    )


def test_each_customer_decided_alone_gets_the_campaigns_decision(
    world: World, decider: Decider, sample: pl.DataFrame
) -> None:
    differ = []
    for row in sample.iter_rows(named=True):
        alone = decide(
            world.profiles.filter(c("customer_id") == row["customer_id"]).lazy(),
            catalog=world.catalog, compiled=world.compiled, policies=world.policies,
            models=decider.models, at=AT, config=decider.config,
        ).frame.row(0, named=True)  # fmt: skip
        if written(alone) != written(row):
            differ.append((row["customer_id"], written(alone), written(row)))
    assert differ == []


def test_explain_opens_with_the_campaigns_decision(
    world: World, decider: Decider, sample: pl.DataFrame
) -> None:
    profiles = world.profiles.join(sample.select("customer_id"), on="customer_id", how="semi")
    explained = explain_customers(profiles, decider, AT)
    assert len(explained) == SAMPLE
    differ = [
        (row["customer_id"], shown(explained[row["customer_id"]]["decision"]), written(row))
        for row in sample.iter_rows(named=True)
        if shown(explained[row["customer_id"]]["decision"]) != written(row)
    ]
    assert differ == []


def test_brief_briefs_the_campaigns_decision_and_nothing_else(
    world: World, decider: Decider, sample: pl.DataFrame, campaign: CampaignRun
) -> None:
    profiles = world.profiles.join(sample.select("customer_id"), on="customer_id", how="semi")
    briefs = decided_briefs(profiles, decider, AT)
    campaign_briefs = dict(
        pl.read_ndjson(campaign.out_dir / "briefs.jsonl").select("customer_id", "brief").rows()
    )
    compared = 0
    for row in sample.iter_rows(named=True):
        brief = briefs[row["customer_id"]]
        assert shown(brief.decision) == written(row)
        if row["decision"] == "contact":
            assert (brief.offer_id, brief.channel) == (row["offer_id"], row["channel"])
            if row["channel"] == "phone":  # the campaign writes the briefs of its calls
                assert brief.text == campaign_briefs[row["customer_id"]]
                compared += 1
        else:
            assert brief.offer_id is None and "No pitch" in brief.text
            assert (row["decision"] == "control") == ("control group" in brief.text)
    assert compared > 0


def test_the_expected_value_parts_add_up(
    decider: Decider, sample: pl.DataFrame, world: World
) -> None:
    profiles = world.profiles.join(
        sample.filter(c("decision") == "contact").select("customer_id"),
        on="customer_id",
        how="semi",
    )
    explained = explain_customers(profiles, decider, AT)
    for result in explained.values():
        d = result["decision"]
        parts = d["value_parts"]
        assert parts["uplift_value"] == pytest.approx(d["uplift"] * parts["margin"])
        total = parts["uplift_value"] - parts["contact_cost"] - parts["annoyance_cost"]
        assert total == pytest.approx(d["ev"], abs=1e-9)


def test_a_named_offer_the_core_would_not_choose_is_briefed_with_a_warning(
    world: World, decider: Decider, sample: pl.DataFrame
) -> None:
    contact = sample.filter(c("decision") == "contact").row(0, named=True)
    cid = contact["customer_id"]
    profile = world.profiles.filter(c("customer_id") == cid)
    same = decided_briefs(
        profile, decider, AT, offer=contact["offer_id"], channel=contact["channel"]
    )
    assert same[cid].warning is None and same[cid].offer_id == contact["offer_id"]
    held = sample.filter((c("decision") == "control") & c("shadow_offer_id").is_not_null())
    held_row = held.row(0, named=True)
    hid, offer, channel = (
        held_row["customer_id"],
        held_row["shadow_offer_id"],
        held_row["shadow_channel"],
    )
    profile = world.profiles.filter(c("customer_id") == hid)
    named = decided_briefs(profile, decider, AT, offer=offer, channel=channel)[hid]
    assert named.offer_id == offer and named.channel == channel
    assert named.warning is not None
    assert named.warning.startswith(
        f"the core would not choose {offer} by {channel} now — NO CONTACT: held out in the "
        "campaign's control group"
    )
