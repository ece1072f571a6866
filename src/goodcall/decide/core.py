"""The decision funnel and its result; :func:`goodcall.decide.batch.decide` runs it.

The funnel, in order (``docs/decisions.md`` explains each choice):

1. **policy** — which channels may be used now, and the next allowed window of each;
2. **catalog** — which offers are eligible, applicable and suitable (handsets and plans line by
   line: the decision names the line, ``line_id``);
3. **control group** — customers with at least one candidate (eligible offer × contactable
   channel) are held out at random (:mod:`goodcall.decide.control`) *before* any model runs;
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

from goodcall.catalog.compile import CompiledCatalog
from goodcall.catalog.model import Catalog
from goodcall.decide.candidates import (
    candidate_pairs,
    channel_view,
    offer_channels,
    offer_view,
)
from goodcall.decide.config import CampaignConfig
from goodcall.decide.control import in_control
from goodcall.decide.plan import PlanSummary
from goodcall.decide.score import Scorer, score_items
from goodcall.decide.timing import expand_moments, with_answer_history
from goodcall.models.inputs import PROFILE_INPUTS
from goodcall.policy.model import Policies
from goodcall.policy.resolve import CompiledPolicies
from goodcall.reasons import REASON_LIST

c = pl.col
ITEM_KEYS = ("customer_id", "offer_id", "channel", "planned_at", "local_hour")
CHOICE_COLUMNS = (*ITEM_KEYS[1:], "ev", "uplift", "p_accept", "p_annoy", "explore", "value")
ITEM_COLUMNS = (
    *ITEM_KEYS,
    "ev",
    "uplift",
    "p_accept",
    "p_annoy",
    "explore",
    "value",
    "in_control",
    "day",
    "language",  # the agent pool a call uses
)

DECISION_SCHEMA = pl.Schema(
    {
        "customer_id": pl.String(),
        "decision": pl.String(),
        "group": pl.String(),
        "offer_id": pl.String(),
        "line_id": pl.String(),
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
    policies: Policies | CompiledPolicies
    channels: pl.DataFrame  # policy verdict per customer × channel (matrix path)
    eligible: pl.DataFrame  # eligible customer × offer
    catalog_reasons: pl.DataFrame
    groups: pl.DataFrame  # customers with a candidate, and whether they are held out
    items: pl.DataFrame  # candidate customer × offer × channel × moment, with profile inputs


def funnel(
    profiles: pl.LazyFrame | pl.DataFrame,
    *,
    catalog: Catalog,
    compiled: CompiledCatalog,
    policies: Policies | CompiledPolicies,
    at: dt.datetime,
    config: CampaignConfig,
) -> Funnel:
    """Stages 1–3 and the candidate moments (evaluation scores the same candidates). A
    :class:`~polars.DataFrame` of a few customers lets the stages judge them on Python rows."""
    if at.tzinfo is None:
        raise ValueError("at must be timezone-aware (the decision time, e.g. in UTC)")
    given, profiles = profiles, profiles.lazy()
    needed = list(dict.fromkeys((*PROFILE_INPUTS, "time_zone", "language", "register")))
    base = profiles.select(needed).collect()
    channels = channel_view(given, policies, at, config.channels, config.national_list_snapshot)
    eligible, catalog_reasons = offer_view(given, compiled, at, config.channels, config.offers)
    pairs = candidate_pairs(eligible, channels, offer_channels(catalog)).filter(
        c("next_window_start") < at + dt.timedelta(hours=config.horizon_hours)
    )
    groups = (
        pairs.select("customer_id")
        .unique()
        .sort("customer_id")
        .with_columns(in_control(config.campaign_id, config.control_share).alias("in_control"))
    )
    moments = expand_moments(
        pairs.join(base.select("customer_id", "time_zone"), on="customer_id"), config.call_hours
    )
    items = with_answer_history(moments, profiles, at).join(
        base.drop("time_zone"), on="customer_id"
    )
    return Funnel(base, policies, channels, eligible, catalog_reasons, groups, items)


def scored_items(
    stages: Funnel, scorer: Scorer, config: CampaignConfig, at: dt.datetime
) -> pl.DataFrame:
    """Stage 4 on a chunk's candidates, with the control draw and — when the campaign has agent
    pools, whose capacity a call uses by language — the customer's language."""
    scored = score_items(stages.items, scorer, config, at, ITEM_KEYS).join(
        stages.groups, on="customer_id", how="left"
    )
    if config.agent_pools is None:
        return scored.with_columns(pl.lit(None, pl.String).alias("language"))
    languages = stages.base.select("customer_id", "language")
    return scored.join(languages, on="customer_id", how="left")
