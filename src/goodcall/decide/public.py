"""What the surfaces and the evaluation read from the core besides :func:`decide` itself.

* :func:`candidate_table` — the candidates the core arbitrates (eligible offer × contactable
  channel × candidate moment), for the oracles and baselines that must judge *the same*
  candidates; :func:`score_candidates` — the core's own scores of them;
  :func:`arbitrate_values` — the core's arbitration of them at other values (an oracle's);
* :func:`deciding_reason` — the one reason that decided a customer's decision, for ``explain``,
  the brief and every report that says "why";
* :func:`value_parts` — a decision's expected value split into its parts (uplift × margin,
  contact cost, annoyance cost), the same formula the core scored with.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from goodcall.catalog.compile import CompiledCatalog
from goodcall.catalog.model import Catalog
from goodcall.decide.config import CampaignConfig
from goodcall.decide.core import ITEM_KEYS, funnel
from goodcall.decide.plan import PlanSummary, arbitrate, positive_items
from goodcall.decide.score import Scorer, score_items
from goodcall.models.inputs import offer_table
from goodcall.models.registry import ModelSet
from goodcall.policy.model import Policies
from goodcall.policy.resolve import CompiledPolicies
from goodcall.reasons import deciding_check

c = pl.col
SCORES = ("uplift", "p_accept", "p_annoy", "ev", "known", "mature")
"""The columns :func:`score_candidates` adds to the candidates' keys."""


@dataclass(frozen=True)
class Candidates:
    """What the core arbitrates, before any model runs."""

    items: pl.DataFrame  # customer × offer × channel × moment (ITEM_KEYS) and profile inputs
    channels: pl.DataFrame  # the policy's verdict per customer × channel, with the next window
    customers: pl.DataFrame  # profile inputs, one row per customer


def candidate_table(
    profiles: pl.LazyFrame,
    *,
    catalog: Catalog,
    compiled: CompiledCatalog,
    policies: Policies | CompiledPolicies,
    at: dt.datetime,
    config: CampaignConfig,
) -> Candidates:
    """The candidates :func:`~goodcall.decide.decide` would arbitrate for ``profiles``."""
    stages = funnel(
        profiles, catalog=catalog, compiled=compiled, policies=policies, at=at, config=config
    )
    return Candidates(stages.items, stages.channels, stages.base)


def score_candidates(
    candidates: Candidates,
    models: ModelSet,
    catalog: Catalog,
    config: CampaignConfig,
    at: dt.datetime,
) -> pl.DataFrame:
    """The core's scores of every candidate: ``ITEM_KEYS`` and :data:`SCORES`."""
    scored = score_items(candidates.items, Scorer.of(models, catalog), config, at, ITEM_KEYS)
    return scored.select(*ITEM_KEYS, *SCORES)


def arbitrate_values(
    values: pl.DataFrame, config: CampaignConfig, catalog: Catalog, at: dt.datetime
) -> tuple[pl.DataFrame, PlanSummary]:
    """The contacts the core's arbitration chooses when each candidate (``ITEM_KEYS``) is worth
    ``values``' ``ev`` — under the campaign's capacities, without exploration — and the plan's
    summary (its optimality gap): how an oracle that knows other values would decide. With agent
    pools, ``values`` must carry each customer's ``language`` (the pool a call uses)."""
    language = ["language"] if "language" in values.columns else []  # agent pools read it
    scored = values.select(*ITEM_KEYS, "ev", *language).with_columns(
        pl.lit(None, pl.Float64).alias("explore_ev")
    )
    positive = positive_items(scored, config, at, catalog)
    chosen, summary = arbitrate(positive, config, catalog, 0.0)
    return positive.filter(pl.Series(chosen)), summary


def deciding_reason(
    reasons: Sequence[Mapping[str, Any]], decision: str
) -> Mapping[str, Any] | None:
    """The reason that decided a decision row (``decision``: contact, control or no_contact).

    * contact: the exploration draw when the contact explores, else the best expected value;
    * control: the random hold-out;
    * no contact although candidates existed: capacity, an offer the models do not know (only
      the exploration slice may contact it), or no contact worth its cost;
    * no candidate at all: the policy when no channel may be used, the catalog (its deciding
      check, :func:`goodcall.reasons.deciding_check`) when no offer is eligible, else the
      core's own ``arbitration.no_candidate`` (an offer and a channel exist but never together,
      or the next window is beyond the campaign's horizon).
    """
    by_code = {r["code"]: r for r in reasons}
    wanted = {
        "contact": ("arbitration.explore", "arbitration.best_ev"),
        "control": ("campaign.control_group",),
        "no_contact": ("arbitration.capacity", "arbitration.cold", "arbitration.negative_ev"),
    }.get(decision, ())
    for code in wanted:
        if code in by_code:
            return by_code[code]
    none = by_code.get("arbitration.no_candidate")
    if none is None:
        return None
    counts = _evidence(none.get("evidence"))
    stage = (
        "policy."
        if counts.get("contactable_channels") == "0"
        else "catalog."
        if counts.get("eligible_offers") == "0"
        else None
    )
    if stage is not None:
        found = deciding_check([r for r in reasons if str(r["code"]).startswith(stage)])
        if found is not None:
            return found
    return none


def _evidence(text: str | None) -> dict[str, str]:
    pairs = (part.partition("=") for part in (text or "").split(", "))
    return {key.strip(): value.strip() for key, _, value in pairs if key}


def value_parts(
    decisions: pl.DataFrame, profiles: pl.DataFrame, catalog: Catalog, config: CampaignConfig
) -> pl.DataFrame:
    """Per contacted (or held-out) decision row: ``margin`` (the offer's value net of its
    cost), ``uplift_value`` (uplift × margin), ``contact_cost``, ``annoyance_cost`` (P(annoy) ×
    what an annoyance costs with this customer) — which sum to ``ev``: uplift_value −
    contact_cost − annoyance_cost. Null where no contact was chosen."""
    margins = offer_table(catalog.offers).select("offer_id", c("offer_value").alias("margin"))
    frame = (
        decisions.select("customer_id", "offer_id", "channel", "uplift", "p_annoy", "ev")
        .join(profiles.select("customer_id", "value"), on="customer_id", how="left")
        .join(margins, on="offer_id", how="left")
    )
    economics = config.economics
    return frame.select(
        "customer_id",
        "margin",
        (c("uplift") * c("margin")).alias("uplift_value"),
        economics.contact_cost_of(c("channel")).alias("contact_cost"),
        (c("p_annoy") * economics.annoyance_cost_of(c("value"))).alias("annoyance_cost"),
        "ev",
    )
