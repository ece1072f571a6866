"""The batch decision in two passes over chunks of customers, so that no stage holds the base.

* **first pass**, per chunk (:func:`first_pass`): the funnel and the scores, reduced to the
  chunk's *compact candidates* — the positive items of its treatment customers, the only rows the
  global arbitration needs — and its *side*: what the decision rows need afterwards (a summary
  row per customer, each customer's two best offers, the control customers' positive items, the
  lines of per-line offers). The side is kept by a :class:`SideKeeper` (in memory, or spilled to
  disk by the caller's keeper), so memory holds the compact candidates only;
* **prices** (:func:`find_prices`): the arbitration over every chunk's compact candidates, in
  customer order, gives the chosen items and the plan (prices, bound, gap);
* **second pass**, per chunk (:func:`assign_chunk`): the side, the chosen items and the control
  customers' shadow choice at the plan's prices (chunk by chunk: a shadow uses no capacity)
  make the chunk's decision rows.

Chunks are contiguous ranges of customers in ``customer_id`` order, so the compact candidates
arrive already in the arbitration's order and the decisions are the same bytes whatever the
chunk size or the engine that ran the passes (local, or Apache Spark over customer partitions).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from goodcall.catalog.compile import CompiledCatalog
from goodcall.catalog.model import Catalog
from goodcall.decide.assemble import assemble, customer_summary, ordered, top_offers
from goodcall.decide.config import CampaignConfig
from goodcall.decide.core import (
    CHOICE_COLUMNS,
    DECISION_SCHEMA,
    ITEM_COLUMNS,
    funnel,
    scored_items,
)
from goodcall.decide.plan import PlanSummary, arbitrate, explore_capacity, positive_items
from goodcall.decide.plan import shadow_choice as shadow
from goodcall.decide.score import Scorer
from goodcall.models.registry import ModelSet
from goodcall.policy.model import Policies
from goodcall.policy.resolve import CompiledPolicies, compile_policies

c = pl.col


@dataclass(frozen=True)
class Prepared:
    """What every chunk of one decision shares, prepared once: the catalog compiled, the
    policies compiled, what scoring needs, the settings and the decision time."""

    catalog: Catalog
    compiled: CompiledCatalog
    policies: CompiledPolicies
    scorer: Scorer
    config: CampaignConfig
    at: dt.datetime

    @classmethod
    def of(
        cls,
        *,
        catalog: Catalog,
        compiled: CompiledCatalog,
        policies: Policies | CompiledPolicies,
        models: ModelSet,
        config: CampaignConfig,
        at: dt.datetime,
    ) -> Prepared:
        _aware(at)
        if isinstance(policies, Policies):
            policies = compile_policies(policies)
        return cls(catalog, compiled, policies, Scorer.of(models, catalog), config, at)

    def at_moment(self, at: dt.datetime) -> Prepared:
        """The same preparation deciding at ``at`` (nothing is compiled or scored again)."""
        return dataclasses.replace(self, at=_aware(at))

    def priced(self, prices: dict[str, float]) -> Prepared:
        """The same preparation deciding at a plan's dual ``prices`` (no capacity couples the
        customers: each is decided alone, as the batch decides them at those prices)."""
        return dataclasses.replace(
            self, config=self.config.model_copy(update={"prices": dict(prices)})
        )


def _aware(at: dt.datetime) -> dt.datetime:
    if at.tzinfo is None:
        raise ValueError("at must be timezone-aware (the decision time, e.g. in UTC)")
    return at


@dataclass(frozen=True)
class Side:
    """What one chunk's decision rows need after the arbitration."""

    summary: pl.DataFrame  # one row per customer (assemble.customer_summary)
    top: pl.DataFrame  # each customer's two best offers
    controls: pl.DataFrame  # control customers' positive items (their shadow choice)
    lines: pl.DataFrame  # customer × per-line offer → line_id


@dataclass(frozen=True)
class ChunkCandidates:
    """The first pass of one chunk: its compact candidates and its side."""

    items: pl.DataFrame  # treatment customers' positive items, ITEM_COLUMNS, customer order
    side: Side

    @property
    def treated(self) -> int:
        """Treatment customers with at least one candidate (the exploration slice's base)."""
        return int(self.side.summary["in_control"].not_().sum())


def first_pass(chunk: pl.LazyFrame | pl.DataFrame, prepared: Prepared) -> ChunkCandidates:
    """Funnel, scores and positive items of one chunk of profiles (see the module docstring)."""
    stages = funnel(
        chunk,
        catalog=prepared.catalog,
        compiled=prepared.compiled,
        policies=prepared.policies,
        at=prepared.at,
        config=prepared.config,
    )
    scored = scored_items(stages, prepared.scorer, prepared.config, prepared.at)
    positive = positive_items(scored, prepared.config, prepared.at, prepared.catalog).select(
        *ITEM_COLUMNS
    )  # in the arbitration's order already (customer, value, ...)
    ranked = ordered(scored)
    side = Side(
        summary=customer_summary(stages, ranked),
        top=top_offers(ranked),
        controls=positive.filter(c("in_control")),
        lines=stages.eligible.filter(c("line_id").is_not_null()).select(
            "customer_id", "offer_id", "line_id"
        ),
    )
    return ChunkCandidates(positive.filter(~c("in_control")), side)


def find_prices(
    items: pl.DataFrame, treated: int, prepared: Prepared
) -> tuple[pl.DataFrame, PlanSummary]:
    """The chosen items (``customer_id`` and :data:`CHOICE_COLUMNS`) and the plan, over every
    chunk's compact candidates in customer order; at ``config.prices`` when they are given."""
    config = prepared.config
    cap = explore_capacity(config, treated)
    chosen, plan = arbitrate(items, config, prepared.catalog, cap, config.prices)
    picks = items.filter(pl.Series(chosen)).select("customer_id", *CHOICE_COLUMNS)
    return picks, plan


def assign_chunk(
    side: Side, picks: pl.DataFrame, prices: dict[str, float], prepared: Prepared
) -> pl.DataFrame:
    """The decision rows of one chunk (:data:`DECISION_SCHEMA`, customer order)."""
    config = prepared.config
    chosen_shadows = shadow(side.controls, config, prepared.catalog, prices)
    shadows = side.controls.filter(pl.Series(chosen_shadows, dtype=pl.Boolean)).select(
        "customer_id", *[c(n).alias("shadow_" + n) for n in CHOICE_COLUMNS]
    )
    return (  # the chunk's own picks: every join below starts from its summary
        assemble(side.summary, side.top, picks, shadows, config)
        .join(side.lines.lazy(), on=["customer_id", "offer_id"], how="left", maintain_order="left")
        .select(list(DECISION_SCHEMA))
        .cast(DECISION_SCHEMA)
        .sort("customer_id")
        .collect()
    )


SideKeeper = Callable[[int, Side | None], Side | None]
"""Keeps chunk ``k``'s side when given one, and hands it back when asked with None."""


class MemorySides:
    """The default keeper: every chunk's side in memory (one customer, a test, a small base)."""

    def __init__(self) -> None:
        self.sides: dict[int, Side] = {}

    def __call__(self, index: int, side: Side | None) -> Side | None:
        if side is not None:
            self.sides[index] = side
            return None
        return self.sides.pop(index)
