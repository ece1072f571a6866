"""New offers are safe: an offer or an offer × channel cell the models have never seen is scored
from its catalog prior, explored only inside the exploration budget, and never takes contacts
outside it on the strength of its prior alone.

The new offer's prior is deliberately generous (30 % take-up when contacted against 1 %
organically, on a 300 $ margin): on its prior alone it beats every offer the models know for
most customers — before, it took most of the campaign.
"""

from __future__ import annotations

import dataclasses
import math

import polars as pl
import pytest

from goodcall.catalog.compile import compile_catalog
from goodcall.catalog.model import Catalog, Prior
from goodcall.decide.batch import decide
from goodcall.decide.config import CampaignConfig
from goodcall.decide.core import ITEM_KEYS, Decisions, funnel
from goodcall.decide.score import Scorer, score_items
from goodcall.models.explore import beta_posteriors, with_catalog_priors
from goodcall.models.registry import ModelSet
from tests.decide.world import AT, World

c = pl.col
NEW = "AO_NEW_GADGET"
GENEROUS = Prior(
    accept_rate_contacted=0.30, accept_rate_uncontacted=0.01, annoy_rate=0.02, strength=20.0
)
ALL_CHANNELS = ["app", "email", "phone", "sms"]


def with_new_offer(catalog: Catalog) -> Catalog:
    """The catalog plus one offer added after the models were trained, sold on every channel."""
    base = catalog.offer("AO_CLOUD_200")
    new = base.model_copy(
        update={
            "id": NEW,
            "value": 300.0,
            "cost": 0.0,
            "channels": ALL_CHANNELS,
            "prior": GENEROUS,
            "volume_limit": None,
            "promotion_id": None,
        }
    )
    return catalog.model_copy(update={"offers": [*catalog.offers, new]})


def decide_with(
    world: World, catalog: Catalog, models: ModelSet, config: CampaignConfig
) -> Decisions:
    return decide(
        world.profiles.lazy(), catalog=catalog, compiled=compile_catalog(catalog),
        policies=world.policies, models=models, at=AT, config=config,
    )  # fmt: skip


def codes(decisions: Decisions, code: str) -> int:
    reasons = decisions.frame.explode("reasons").select(c("reasons").struct.field("code"))
    return int((reasons["code"] == code).sum())


def test_per_cell_maturity_and_known_cells() -> None:
    """Mature counts the cell's own treated contacts; known counts the offer's and the channel's."""
    catalog_offers = [
        o.model_copy(update={"id": i, "channels": ["phone", "sms"], "prior": GENEROUS})
        for i, o in zip(("A", "B"), [with_new_offer(_catalog()).offer(NEW)] * 2, strict=True)
    ]
    history = pl.DataFrame(
        {
            "offer_id": ["A", "A", "A", "B", "B"],
            "channel": ["sms", "sms", "sms", "phone", "phone"],
            "treated": [True, True, True, True, False],
            "converted": [True, False, False, False, True],
            "annoyed": [False, False, True, False, False],
        }
    )
    post = beta_posteriors(history, catalog_offers, mature_rows=2)
    rows = {(r["offer_id"], r["channel"]): r for r in post.iter_rows(named=True)}
    assert [(k, rows[k]["known"], rows[k]["mature"]) for k in sorted(rows)] == [
        (("A", "phone"), False, False),  # channel phone: 1 treated contact, fewer than 2
        (("A", "sms"), True, True),
        (("B", "phone"), False, False),
        (("B", "sms"), False, False),  # never tried, and B has 1 treated contact
    ]
    a_sms = rows[("A", "sms")]
    assert (a_sms["alpha_t"], a_sms["beta_t"]) == pytest.approx((6.0 + 1, 14.0 + 2))
    assert (a_sms["alpha_a"], a_sms["beta_a"]) == pytest.approx((0.4 + 1, 19.6 + 2))
    b_phone = rows[("B", "phone")]
    assert (b_phone["alpha_c"], b_phone["beta_c"]) == pytest.approx((0.2 + 1, 19.8))


def _catalog() -> Catalog:
    from goodcall.catalog.loader import load_catalog

    return load_catalog()


def test_a_new_offer_starts_from_its_catalog_prior(world: World, trained: ModelSet) -> None:
    catalog = with_new_offer(world.catalog)
    post = with_catalog_priors(trained.posteriors, catalog.offers)
    new = post.filter(c("offer_id") == NEW)
    assert new["channel"].to_list() == ALL_CHANNELS
    assert new.select(
        "alpha_t", "beta_t", "alpha_c", "beta_c", "alpha_a", "beta_a"
    ).unique().rows() == [pytest.approx((6.0, 14.0, 0.2, 19.8, 0.4, 19.6))]
    assert new["treated"].to_list() == [0, 0, 0, 0]
    assert not new["known"].any() and not new["mature"].any()
    # the set's own cells are kept as trained
    kept = post.filter(c("offer_id") != NEW)
    assert kept.equals(trained.posteriors.sort("offer_id", "channel"))


def test_a_new_offer_is_scored_from_its_prior(world: World, trained: ModelSet) -> None:
    catalog = with_new_offer(world.catalog)
    config = CampaignConfig(campaign_id="NEW-1")
    stages = funnel(
        world.profiles.lazy(), catalog=catalog, compiled=compile_catalog(catalog),
        policies=world.policies, at=AT, config=config,
    )  # fmt: skip
    scored = score_items(stages.items, Scorer.of(trained, catalog), config, AT, ITEM_KEYS)
    assert scored.select(pl.all_horizontal(c("ev").is_finite())).to_series().all()
    new = scored.filter(c("offer_id") == NEW).join(
        world.profiles.select("customer_id", "value"), on="customer_id"
    )
    assert new.height > 100
    assert new["uplift"].unique().to_list() == [pytest.approx(0.29)]  # 0.30 − 0.01
    assert new["p_accept"].unique().to_list() == [pytest.approx(0.30)]
    assert not new["known"].any() and not new["mature"].any()
    cost = {"phone": 4.0, "sms": 0.05, "email": 0.01, "app": 0.0}
    for row in new.head(20).iter_rows(named=True):
        expected = (
            0.29 * 300.0
            - cost[row["channel"]]
            - row["p_annoy"] * (15.0 + 0.10 * max(row["value"] or 0.0, 0.0))
        )
        assert row["ev"] == pytest.approx(expected, rel=1e-9)
        assert row["explore_ev"] is not None and math.isfinite(row["explore_ev"])


def test_a_new_offer_is_contacted_only_inside_the_exploration_budget(
    world: World, trained: ModelSet
) -> None:
    catalog = with_new_offer(world.catalog)
    config = CampaignConfig(campaign_id="NEW-2", calls_per_day=20, explore_share=0.25)
    decisions = decide_with(world, catalog, trained, config)
    contacts = decisions.contacts
    assert contacts["ev"].is_finite().all()
    budget = decisions.plan.capacity["explore"]
    assert budget == 5.0  # floor(0.25 × 20 calls)
    new = contacts.filter(c("offer_id") == NEW)
    assert 0 < new.height <= budget
    assert new["explore"].all()
    assert contacts["explore"].sum() <= budget
    # on its prior alone it would have beaten the known offers for many more customers
    assert codes(decisions, "arbitration.cold") > 10 * budget


def test_without_exploration_a_new_offer_gets_no_contact(world: World, trained: ModelSet) -> None:
    catalog = with_new_offer(world.catalog)
    config = CampaignConfig(campaign_id="NEW-3", calls_per_day=20, explore_share=0.0)
    decisions = decide_with(world, catalog, trained, config)
    assert decisions.contacts.filter(c("offer_id") == NEW).height == 0
    assert decisions.contacts.height > 0  # the known offers are still decided
    cold = decisions.frame.filter(
        c("reasons").list.eval(pl.element().struct.field("code") == "arbitration.cold").list.any()
    )
    assert cold.height > 0 and (cold["decision"] == "no_contact").all()
    evidence = (
        cold.explode("reasons")
        .filter(c("reasons").struct.field("code") == "arbitration.cold")["reasons"]
        .struct.field("evidence")
    )
    named = set(evidence.str.extract(r"^best=([A-Z0-9_]+)/").to_list())
    unknown = set(trained.posteriors.filter(~c("known"))["offer_id"].to_list())
    # a handset or plan for a line other than the account holder's is unknown to the models too
    per_line = {o.id for o in catalog.offers if o.per_line}
    assert NEW in named and named <= unknown | per_line | {NEW}  # only what the models never saw


def test_a_channel_the_models_never_saw_is_only_explored(world: World, trained: ModelSet) -> None:
    """Cells the history never tried on a channel it never used: prior only, explored in budget."""
    no_app = dataclasses.replace(
        trained, posteriors=trained.posteriors.filter(c("channel") != "app")
    )
    config = CampaignConfig(campaign_id="NEW-4", calls_per_day=40, explore_share=0.1)
    before = decide_with(world, world.catalog, trained, config).contacts
    assert (before["channel"] == "app").sum() > 50  # the models know app: many contacts
    decisions = decide_with(world, world.catalog, no_app, config)
    app = decisions.contacts.filter(c("channel") == "app")
    budget = decisions.plan.capacity["explore"]
    assert budget == 4.0
    assert 0 < app.height <= budget and app["explore"].all()
    assert decisions.contacts["ev"].is_finite().all()


def test_a_never_tried_cell_of_known_offer_and_channel_is_explored(
    world: World, trained: ModelSet
) -> None:
    """Maturity is per cell: a cell the history never tried gets exploration draws, while the
    response model, which knows its offer and its channel, scores it."""
    untried = trained.posteriors.filter(c("known") & (c("treated") == 0))
    assert untried.height > 0
    config = CampaignConfig(campaign_id="NEW-5", explore_share=0.05)
    stages = funnel(
        world.profiles.lazy(), catalog=world.catalog, compiled=world.compiled,
        policies=world.policies, at=AT, config=config,
    )  # fmt: skip
    scorer = Scorer.of(trained, world.catalog)
    holder = stages.items.filter(~c("other_line"))  # the account holder's line (or the account)
    scored = score_items(holder, scorer, config, AT, ITEM_KEYS)
    cells = scored.join(untried.select("offer_id", "channel"), on=["offer_id", "channel"])
    assert cells.height > 0
    assert cells["known"].all() and not cells["mature"].any()
    assert cells["explore_ev"].is_not_null().all()
    mature = scored.filter(c("mature"))
    assert mature.height > 0 and mature["explore_ev"].is_null().all()
    other = score_items(stages.items.filter(c("other_line")), scorer, config, AT, ITEM_KEYS)
    assert other.height > 0  # a family line's handset or plan: never seen by the models
    assert not other["known"].any() and not other["mature"].any()
    assert other["explore_ev"].is_not_null().all()


def test_sets_written_before_known_read_their_old_flag(trained: ModelSet, world: World) -> None:
    old = trained.posteriors.drop("known").with_columns(pl.lit(True).alias("mature"))
    post = with_catalog_priors(old, world.catalog.offers)
    assert post["known"].all()
    assert post["mature"].to_list() == (post["treated"] >= 50).to_list()
