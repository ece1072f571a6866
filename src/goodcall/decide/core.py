"""``decide``: the one decision function. Profiles in, one decision per customer out.

The funnel, in order (``docs/decisions.md`` explains each choice):

1. **policy** — which channels may be used now, and the next allowed window of each;
2. **catalog** — which offers are eligible, applicable and suitable;
3. **control group** — customers with at least one candidate (eligible offer × contactable
   channel) are held out at random (:mod:`goodcall.campaign.control`) *before* any model runs;
4. **models** — uplift, P(accept), P(annoy) and expected value for every candidate contact and
   candidate moment (:mod:`goodcall.decide.score`);
5. **arbitration** — the best (offer, channel, moment) per customer or none, under the campaign's
   capacities, by Lagrangian relaxation with a reported optimality gap; control customers get
   the choice the plan's prices would make for them (recorded, never contacted);
6. **timing** — the chosen moment: inside the policy's window, in the customer's local time.

The function is pure: no I/O, no clock (``at`` is the decision time), no randomness other than
stable hashes of ids. It works the same on one row and on millions; a single customer decided
with a batch's prices (``CampaignConfig.prices``) gets the batch's decision.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from goodcall.campaign.control import control_draw
from goodcall.catalog.compile import CompiledCatalog
from goodcall.catalog.model import Catalog
from goodcall.decide import explain
from goodcall.decide.candidates import (
    candidate_pairs,
    channel_view,
    offer_channels,
    offer_view,
    policy_reasons,
)
from goodcall.decide.config import CampaignConfig
from goodcall.decide.features import PROFILE_INPUTS, offer_table
from goodcall.decide.plan import PlanSummary, arbitrate, explore_capacity, positive_items
from goodcall.decide.plan import shadow_choice as shadow
from goodcall.decide.score import score_items
from goodcall.decide.timing import expand_moments
from goodcall.models.registry import ModelSet
from goodcall.policy.model import Policies
from goodcall.policy.resolve import CompiledPolicies
from goodcall.reasons import REASON_LIST

c = pl.col
ITEM_KEYS = ("customer_id", "offer_id", "channel", "planned_at", "local_hour")
CHOICE_COLUMNS = (*ITEM_KEYS[1:], "ev", "uplift", "p_accept", "p_annoy", "explore", "value")

DECISION_SCHEMA = pl.Schema(
    {
        "customer_id": pl.String(),
        "decision": pl.String(),
        "group": pl.String(),
        "offer_id": pl.String(),
        "channel": pl.String(),
        "planned_at": pl.Datetime("us", "UTC"),
        "local_hour": pl.Int64(),
        "language": pl.String(),
        "register": pl.String(),
        "language_ok": pl.Boolean(),
        "register_ok": pl.Boolean(),
        "ev": pl.Float64(),
        "uplift": pl.Float64(),
        "p_accept": pl.Float64(),
        "p_annoy": pl.Float64(),
        "explore": pl.Boolean(),
        "runner_up_offer_id": pl.String(),
        "runner_up_channel": pl.String(),
        "runner_up_ev": pl.Float64(),
        "shadow_offer_id": pl.String(),
        "shadow_channel": pl.String(),
        "shadow_planned_at": pl.Datetime("us", "UTC"),
        "shadow_local_hour": pl.Int64(),
        "shadow_ev": pl.Float64(),
        "reasons": REASON_LIST,
    }
)


@dataclass(frozen=True)
class Decisions:
    """One row per customer (:data:`DECISION_SCHEMA`) and the optimisation's summary."""

    frame: pl.DataFrame
    plan: PlanSummary

    @property
    def contacts(self) -> pl.DataFrame:
        return self.frame.filter(c("decision") == "contact")


@dataclass(frozen=True)
class Funnel:
    """What the policy and catalog stages leave: customers, channels, offers, candidate moments."""

    base: pl.DataFrame  # profile inputs, one row per customer
    channels: pl.DataFrame  # policy verdict per customer × channel
    eligible: pl.DataFrame  # eligible customer × offer
    catalog_reasons: pl.DataFrame
    groups: pl.DataFrame  # customers with a candidate, and whether they are held out
    items: pl.DataFrame  # candidate customer × offer × channel × moment, with profile inputs


def funnel(
    profiles: pl.LazyFrame,
    *,
    catalog: Catalog,
    compiled: CompiledCatalog,
    policies: Policies | CompiledPolicies,
    at: dt.datetime,
    config: CampaignConfig,
) -> Funnel:
    """Stages 1–3 and the candidate moments (evaluation scores the same candidates)."""
    if at.tzinfo is None:
        raise ValueError("at must be timezone-aware (the decision time, e.g. in UTC)")
    needed = list(dict.fromkeys((*PROFILE_INPUTS, "time_zone", "language", "register")))
    base = profiles.select(needed).collect()
    channels = channel_view(profiles, policies, at, config.channels)
    eligible, catalog_reasons = offer_view(profiles, compiled, at, config.channels, config.offers)
    pairs = candidate_pairs(eligible, channels, offer_channels(catalog)).filter(
        c("next_window_start") < at + dt.timedelta(hours=config.horizon_hours)
    )
    groups = (
        pairs.select("customer_id")
        .unique()
        .sort("customer_id")
        .with_columns((control_draw(config.campaign_id) < config.control_share).alias("in_control"))
    )
    items = expand_moments(
        pairs.join(base.select("customer_id", "time_zone"), on="customer_id"), config.call_hours
    ).join(base.drop("time_zone"), on="customer_id")
    return Funnel(base, channels, eligible, catalog_reasons, groups, items)


def decide(
    profiles: pl.LazyFrame,
    *,
    catalog: Catalog,
    compiled: CompiledCatalog,
    policies: Policies | CompiledPolicies,
    models: ModelSet,
    at: dt.datetime,
    config: CampaignConfig,
) -> Decisions:
    """Run the funnel for every profile row; see the module docstring."""
    stages = funnel(
        profiles, catalog=catalog, compiled=compiled, policies=policies, at=at, config=config
    )
    groups = stages.groups
    scored = score_items(stages.items, models, offer_table(catalog.offers), config, at, ITEM_KEYS)
    scored = scored.join(groups, on="customer_id", how="left")
    positive = positive_items(scored, config)
    treat = positive.filter(~c("in_control"))
    ctrl = positive.filter(c("in_control"))
    cap = explore_capacity(config, int((~groups["in_control"]).sum()))
    chosen, summary = arbitrate(treat, config, catalog, cap, config.prices)
    shadow_chosen = shadow(ctrl, config, catalog, summary.prices)
    picks = treat.filter(pl.Series(chosen)).select("customer_id", *CHOICE_COLUMNS)
    shadows = ctrl.filter(pl.Series(shadow_chosen)).select(
        "customer_id", *[c(n).alias("shadow_" + n) for n in CHOICE_COLUMNS]
    )
    frame = _assemble(stages.base, stages.channels, stages.eligible, groups, scored, picks, shadows)
    frame = _with_reasons(frame, stages.channels, stages.catalog_reasons, config)
    return Decisions(frame.select(list(DECISION_SCHEMA)).cast(DECISION_SCHEMA), summary)


def _best_by_customer(scored: pl.DataFrame, prefix: str) -> pl.DataFrame:
    best = scored.sort(
        ["customer_id", "ev", "offer_id", "channel", "planned_at"],
        descending=[False, True, False, False, False],
    )
    return best.unique("customer_id", keep="first", maintain_order=True).select(
        "customer_id",
        c("offer_id").alias(prefix + "offer_id"),
        c("channel").alias(prefix + "channel"),
        c("ev").alias(prefix + "ev"),
    )


def _assemble(
    base: pl.DataFrame,
    channels: pl.DataFrame,
    eligible: pl.DataFrame,
    groups: pl.DataFrame,
    scored: pl.DataFrame,
    picks: pl.DataFrame,
    shadows: pl.DataFrame,
) -> pl.DataFrame:
    counts = (
        base.select("customer_id")
        .join(eligible.group_by("customer_id").len("eligible_offers"), on="customer_id", how="left")
        .join(
            channels.filter(c("contactable")).group_by("customer_id").len("contactable_channels"),
            on="customer_id",
            how="left",
        )
        .fill_null(0)
    )
    chosen_offer = picks.select("customer_id", c("offer_id").alias("_chosen_offer"))
    others = scored.join(chosen_offer, on="customer_id", how="left").filter(
        c("_chosen_offer").is_null() | (c("offer_id") != c("_chosen_offer"))
    )
    frame = (
        base.select("customer_id", "language", "register")
        .join(groups, on="customer_id", how="left")
        .join(counts, on="customer_id", how="left")
        .join(picks, on="customer_id", how="left")
        .join(shadows, on="customer_id", how="left")
        .join(_best_by_customer(scored, "best_"), on="customer_id", how="left")
        .join(_best_by_customer(others, "runner_up_"), on="customer_id", how="left")
    )
    contacted = c("offer_id").is_not_null()
    return frame.with_columns(
        pl.when(c("in_control"))
        .then(pl.lit("control"))
        .when(contacted)
        .then(pl.lit("contact"))
        .otherwise(pl.lit("no_contact"))
        .alias("decision"),
        pl.when(c("in_control").is_null())
        .then(None)
        .when(c("in_control"))
        .then(pl.lit("control"))
        .otherwise(pl.lit("treatment"))
        .alias("group"),
        pl.when(contacted).then(True).otherwise(None).alias("language_ok"),
        pl.when(contacted).then(True).otherwise(None).alias("register_ok"),
        c("explore").fill_null(False),
        c("value").alias("explore_value"),
    )


def _with_reasons(
    frame: pl.DataFrame,
    channels: pl.DataFrame,
    catalog_reasons: pl.DataFrame,
    config: CampaignConfig,
) -> pl.DataFrame:
    frame = frame.join(policy_reasons(channels), on="customer_id", how="left").join(
        catalog_reasons, on="customer_id", how="left"
    )
    empty = pl.lit([], REASON_LIST)
    decision = c("decision")

    def one(reason: pl.Expr, when: pl.Expr) -> pl.Expr:
        return pl.when(when).then(pl.concat_list(reason)).otherwise(empty)

    has_candidates = c("group").is_not_null()
    parts = [
        c("policy_reasons").fill_null(empty),
        c("catalog_reasons").fill_null(empty),
        one(explain.no_candidate_reason(), ~has_candidates),
        one(explain.control_reason(config.control_share), decision == "control"),
        one(explain.contact_reason(), decision == "contact"),
        one(explain.explore_reason(), (decision == "contact") & c("explore")),
        one(
            explain.capacity_reason(),
            (decision == "no_contact") & has_candidates & (c("best_ev") > 0),
        ),
        one(
            explain.negative_ev_reason(),
            (decision == "no_contact") & has_candidates & ~(c("best_ev") > 0),
        ),
        one(explain.runner_up_reason(), (decision == "contact") & c("runner_up_ev").is_not_null()),
    ]
    return frame.with_columns(pl.concat_list(parts).alias("reasons"))
