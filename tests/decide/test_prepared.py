"""The prepared decider: one customer at a time through the one core, the batch's decision.

A synthetic carrier of 1,000 customers is decided in one batch at the plan's prices; the
prepared decider, given the same prices, decides every customer alone and must give exactly the
batch's row (every column, reasons included) — from a one-row frame and from a mapping.
Bad inputs tried: no prices, two rows to ``decide_one``, a column that is not a profile field.
"""

from __future__ import annotations

import polars as pl
import pytest

from goodcall.decide import CampaignConfig, PreparedDecider, decide
from goodcall.decide.score import Scorer
from goodcall.models.registry import ModelSet
from tests.decide.world import AT, World

c = pl.col
CHEAP_CALLS = {"phone": 0.5, "sms": 0.05, "email": 0.01, "app": 0.0}
CUSTOMERS = 1000


def _batch(world: World, models: ModelSet, config: CampaignConfig) -> pl.DataFrame:
    return decide(
        world.profiles.head(CUSTOMERS).lazy(), catalog=world.catalog, compiled=world.compiled,
        policies=world.policies, models=models, at=AT, config=config,
    ).frame  # fmt: skip


@pytest.mark.slow
def test_each_customer_alone_gets_the_batch_row(world: World, trained: ModelSet) -> None:
    config = CampaignConfig(campaign_id="P1", calls_per_day=4, contact_cost=CHEAP_CALLS)
    plan = decide(
        world.profiles.head(CUSTOMERS).lazy(), catalog=world.catalog, compiled=world.compiled,
        policies=world.policies, models=trained, at=AT, config=config,
    ).plan  # fmt: skip
    assert plan.prices["calls:day0"] > 0 and plan.prices["explore"] > 0  # both capacities bind
    batch = _batch(world, trained, config.model_copy(update={"prices": plan.prices}))
    assert batch.height == CUSTOMERS
    assert set(batch["decision"]) == {"contact", "no_contact", "control"}
    decider = PreparedDecider.prepare(
        compiled=world.compiled, policies=world.policies, models=trained, config=config,
        prices=plan.prices,
    )  # fmt: skip
    profiles = world.profiles.head(CUSTOMERS)
    rows = {row["customer_id"]: row for row in batch.iter_rows(named=True)}
    for k in range(CUSTOMERS):
        alone = decider.decide_one(profiles.slice(k, 1), AT)
        assert alone == rows[alone["customer_id"]], alone["customer_id"]
    some = profiles.row(7, named=True)
    assert decider.decide_one(some, AT) == rows[some["customer_id"]]
    few = profiles.slice(10, 25)
    assert decider.decide(few, AT).equals(
        batch.filter(c("customer_id").is_in(few["customer_id"].to_list()))
    )


def test_the_scorer_is_prepared_once(world: World, trained: ModelSet) -> None:
    decider = PreparedDecider.prepare(
        compiled=world.compiled, policies=world.policies, models=trained,
        config=CampaignConfig(campaign_id="P2"), prices={},
    )  # fmt: skip
    assert Scorer.of(trained, world.catalog) is decider.scorer
    assert Scorer.of(world.priors, world.catalog) is not decider.scorer
    assert decider.config.prices == {} and decider.config.campaign_id == "P2"


def test_bad_inputs_are_refused(world: World) -> None:
    config = CampaignConfig(campaign_id="P3")
    with pytest.raises(ValueError, match="campaign P3: a prepared decider decides at a plan"):
        PreparedDecider.prepare(
            compiled=world.compiled, policies=world.policies, models=world.priors, config=config
        )
    decider = PreparedDecider.prepare(
        compiled=world.compiled, policies=world.policies, models=world.priors, config=config,
        prices={},
    )  # fmt: skip
    with pytest.raises(ValueError, match="one profile row, got 2"):
        decider.decide_one(world.profiles.head(2), AT)
    with pytest.raises(ValueError, match="not profile fields: shoe_size"):
        decider.decide_one({"customer_id": "C1", "shoe_size": 44}, AT)
