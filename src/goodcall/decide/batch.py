"""``decide``: the one decision function, and the chunked driver every engine runs it with.

:func:`decide_chunks` runs the two passes of :mod:`goodcall.decide.passes` over chunks of
customers that arrive one at a time (from memory, from Parquet, from the store): the first pass
keeps only each chunk's compact candidates, the prices are found on all of them, and the second
pass hands each chunk's decision rows to ``emit`` as soon as they are made — a campaign writes
them to disk as it goes. :func:`decide` is the same driver over a frame already in memory.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable

import polars as pl

from goodcall.catalog.compile import CompiledCatalog
from goodcall.catalog.model import Catalog
from goodcall.decide.config import CampaignConfig
from goodcall.decide.core import DECISION_SCHEMA, Decisions
from goodcall.decide.passes import (
    MemorySides,
    Prepared,
    SideKeeper,
    assign_chunk,
    find_prices,
    first_pass,
)
from goodcall.decide.plan import PlanSummary
from goodcall.models.registry import ModelSet
from goodcall.policy.model import Policies
from goodcall.policy.resolve import CompiledPolicies

CHUNK_CUSTOMERS = 100_000
Emit = Callable[[pl.DataFrame], None]


def decide_chunks(
    chunks: Iterable[pl.LazyFrame | pl.DataFrame],
    prepared: Prepared,
    emit: Emit,
    *,
    keep: SideKeeper | None = None,
    timings: dict[str, float] | None = None,
    between: Callable[[PlanSummary], None] | None = None,
) -> PlanSummary:
    """Decide every customer of ``chunks`` — contiguous ranges in ``customer_id`` order, read
    once each — and ``emit`` each chunk's decision rows in that order; returns the plan.

    ``keep`` keeps each chunk's side between the passes (default: in memory). ``timings``,
    when given, receives the wall seconds of ``first pass``, ``arbitration`` and ``second
    pass`` (the benchmark reads them). ``between`` hears the plan before the second pass (a
    campaign refuses there, before it writes anything)."""
    clock = _StageClock(timings)
    keep = keep or MemorySides()
    compact: list[pl.DataFrame] = []
    treated = 0
    for index, chunk in enumerate(chunks):
        found = first_pass(chunk, prepared)
        compact.append(found.items)
        treated += found.treated
        keep(index, found.side)
        clock.tick("first pass")
    count = len(compact)
    items = pl.concat(compact, how="vertical_relaxed")
    compact.clear()
    picks, plan = find_prices(items, treated, prepared)
    del items
    clock.tick("arbitration")
    if between is not None:
        between(plan)
    for index in range(count):
        side = keep(index, None)
        assert side is not None, f"the side of chunk {index} was not kept"
        emit(assign_chunk(side, picks, plan.prices, prepared))
        clock.tick("second pass")
    return plan


def in_chunks(frame: pl.DataFrame, size: int) -> Iterable[pl.DataFrame]:
    """``frame`` in customer order, ``size`` customers at a time (at least one chunk); in
    memory, so that a small one is judged on Python rows (:func:`~.core.funnel`)."""
    ordered = frame.sort("customer_id")
    for start in range(0, max(ordered.height, 1), size):
        yield ordered.slice(start, size)


def decide(
    profiles: pl.LazyFrame,
    *,
    catalog: Catalog,
    compiled: CompiledCatalog,
    policies: Policies | CompiledPolicies,
    models: ModelSet,
    at: dt.datetime,
    config: CampaignConfig,
    timings: dict[str, float] | None = None,
) -> Decisions:
    """Decide every profile row (see :mod:`goodcall.decide.core` for the funnel); one row per
    customer, in customer order, the same bytes whatever the input's order or the chunks."""
    prepared = Prepared.of(
        catalog=catalog, compiled=compiled, policies=policies, models=models, config=config, at=at
    )
    return decide_prepared(profiles.collect(), prepared, timings=timings)


def decide_prepared(
    profiles: pl.DataFrame, prepared: Prepared, *, timings: dict[str, float] | None = None
) -> Decisions:
    """:func:`decide` with everything prepared (:class:`~goodcall.decide.passes.Prepared`):
    what the batch and the prepared decider both run."""
    parts: list[pl.DataFrame] = []
    chunks = in_chunks(profiles, CHUNK_CUSTOMERS)
    plan = decide_chunks(chunks, prepared, parts.append, timings=timings)
    frame = pl.concat(parts) if parts else DECISION_SCHEMA.to_frame()
    return Decisions(frame, plan)


class _StageClock:
    """Adds the wall time since the last tick to a stage's total (nothing when not asked)."""

    def __init__(self, totals: dict[str, float] | None) -> None:
        self.totals = totals
        self.last = time.perf_counter()

    def tick(self, stage: str) -> None:
        now = time.perf_counter()
        if self.totals is not None:
            self.totals[stage] = self.totals.get(stage, 0.0) + now - self.last
        self.last = now
