"""A campaign as a supervisor looks at it: the one function the page, ``GET /v1/campaigns/{id}``
and ``goodcall campaign report --campaign`` all call.

What it reads: the campaign's files (``report.json``: counts, the offer × channel mix, the plan's
hourly capacity; ``decisions.parquet``: the funnel and the groups; ``call_list.parquet``: the calls
per hour as placed) and the outcomes recorded in the store's ``contacts`` for that campaign (what
``POST /v1/outcomes`` and the agent's page write), optionally with a file of outcomes
(``customer_id, converted``) — then the measured uplift of :func:`goodcall.campaign.report.measure`.
A customer converted when any of their recorded outcomes converted.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any

import polars as pl
import sqlalchemy as sa
from pydantic import BaseModel

from goodcall.campaign.report import MeasuredUplift, check_outcomes, measure
from goodcall.decide import deciding_reason
from goodcall.store.outcomes import campaign_outcomes
from goodcall.store.plans import StoredPlan
from goodcall.writing import write_text

c = pl.col
HOUR_PREFIX = "hour:"


class FunnelStep(BaseModel):
    """Customers a rule decided for: removed by a policy or catalog check, held out, contacted."""

    code: str
    rule: str
    decision: str
    customers: int


class MixCell(BaseModel):
    offer_id: str
    channel: str
    contacts: int
    expected_value: float


class HourLoad(BaseModel):
    """Calls planned in one clock hour (UTC) against the capacity the plan had for it."""

    hour: str
    calls: int
    capacity: float | None


class CapacityUse(BaseModel):
    """A capacity of the plan other than an hour's (the day's calls, exploration, an offer's
    stock) and how much of it the plan uses."""

    name: str
    used: float
    capacity: float


class CampaignOverview(BaseModel):
    campaign_id: str
    plan_id: int
    decided_at: dt.datetime
    out_dir: str
    customers: int
    contacts: int
    calls: int
    control_group: int
    treatment_group: int
    expected_value: float
    withdrawn_do_not_call: int
    funnel: list[FunnelStep]
    mix: list[MixCell]
    hours: list[HourLoad]
    capacities: list[CapacityUse]
    outcomes: dict[str, int]
    converted: int
    alpha: float
    uplift: list[MeasuredUplift]


def overview(
    engine: sa.Engine | None,
    plan: StoredPlan,
    alpha: float = 0.05,
    outcomes_file: pl.DataFrame | None = None,
    decisions_path: Path | None = None,
) -> CampaignOverview:
    """The campaign of ``plan`` with the outcomes recorded so far (see the module docstring)."""
    folder = Path(plan.out_dir)
    report = _report(folder)
    recorded = [] if engine is None else campaign_outcomes(engine, plan.campaign_id)
    converted = per_customer(recorded, outcomes_file)
    decisions_path = decisions_path or folder / "decisions.parquet"
    uplift: list[MeasuredUplift] = []
    funnel: list[FunnelStep] = []
    if decisions_path.is_file():
        funnel = funnel_of(decisions_path)
        groups = pl.read_parquet(
            decisions_path,
            columns=["customer_id", "decision", "group", "offer_id", "shadow_offer_id"],
        )
        uplift = measure(groups, converted, alpha)
    return CampaignOverview(
        campaign_id=plan.campaign_id,
        plan_id=plan.plan_id,
        decided_at=plan.decided_at,
        out_dir=plan.out_dir,
        customers=int(report.get("customers", 0)),
        contacts=int(report.get("contacts", 0)),
        calls=int(report.get("calls", 0)),
        control_group=int(report.get("control_group", 0)),
        treatment_group=int(report.get("treatment_group", 0)),
        expected_value=float(report.get("expected_value", 0.0)),
        withdrawn_do_not_call=int(report.get("withdrawn_do_not_call", 0)),
        funnel=funnel,
        mix=[MixCell(**row) for row in report.get("per_offer_channel", [])],
        hours=_hours(folder, report),
        capacities=_capacities(report),
        outcomes=dict(Counter(outcome for _, outcome, _ in recorded).most_common()),
        converted=int(converted["converted"].sum()),
        alpha=alpha,
        uplift=uplift,
    )


def folder_plan(folder: Path) -> StoredPlan:
    """A campaign read from its folder alone (no store): its id and time from ``report.json``."""
    report = _report(folder)
    decided = dt.datetime.fromisoformat(str(report.get("decided_at", "1970-01-01T00:00:00+00:00")))
    return StoredPlan(plan_id=0, campaign_id=str(report.get("campaign_id", folder.name)),
                      decided_at=decided, written_at=decided, out_dir=str(folder), plan="",
                      store="")  # fmt: skip


def per_customer(
    recorded: list[tuple[str, str, bool]], outcomes_file: pl.DataFrame | None = None
) -> pl.DataFrame:
    """``customer_id, converted``: one row per customer, converted if any outcome converted."""
    frames = [
        pl.DataFrame(
            {"customer_id": [r[0] for r in recorded], "converted": [r[2] for r in recorded]},
            schema={"customer_id": pl.String, "converted": pl.Boolean},
        )
    ]
    if outcomes_file is not None:
        check_outcomes(outcomes_file)
        frames.append(
            outcomes_file.select(c("customer_id").cast(pl.String), c("converted").cast(pl.Boolean))
        )
    return pl.concat(frames).group_by("customer_id").agg(c("converted").any()).sort("customer_id")


def _report(folder: Path) -> dict[str, Any]:
    path = folder / "report.json"
    if not path.is_file():
        return {}
    loaded: dict[str, Any] = json.loads(path.read_text())
    return loaded


FUNNEL_CACHE = "funnel.json"
"""Beside ``decisions.parquet``: its funnel, counted once for every worker and command (the
count reads every decision's reasons: seconds per 100,000 customers)."""


def funnel_of(decisions_path: Path) -> list[FunnelStep]:
    """The funnel of a ``decisions.parquet``: from the cache beside it when that cache was made
    from this very file (its size and modification time), else counted and cached."""
    stat = decisions_path.stat()
    stamp = f"{stat.st_size}:{stat.st_mtime_ns}"
    cache = decisions_path.with_name(FUNNEL_CACHE)
    try:
        cached = json.loads(cache.read_text())
        if cached.get("decisions") == stamp:
            return [FunnelStep(**step) for step in cached["steps"]]
    except (OSError, ValueError, KeyError, TypeError):
        pass  # no cache, or not this file's: count
    steps = list(_funnel(str(decisions_path), stamp))
    try:
        document = {"decisions": stamp, "steps": [s.model_dump() for s in steps]}
        write_text(cache, json.dumps(document, indent=1))
    except OSError:
        pass  # a campaign folder one may only read: counted again next time
    return steps


@lru_cache(maxsize=32)
def _funnel(path: str, stamp: str) -> tuple[FunnelStep, ...]:
    """Customers per deciding reason (:func:`goodcall.decide.deciding_reason`, the reason
    ``explain`` says first), largest first; cached per file version (``stamp``)."""
    del stamp  # part of the cache key only
    frame = pl.read_parquet(path, columns=["decision", "reasons"])
    counts: Counter[tuple[str, str, str]] = Counter()
    for decision, reasons in frame.iter_rows():
        found = deciding_reason(reasons or [], decision)
        code = "" if found is None else str(found.get("code") or "")
        rule = "" if found is None else str(found.get("rule") or "")
        counts[(decision, code, rule)] += 1
    order = {"no_contact": 0, "control": 1, "contact": 2}
    rows = sorted(counts.items(), key=lambda kv: (order.get(kv[0][0], 3), -kv[1], kv[0][1]))
    return tuple(
        FunnelStep(decision=d, code=code or d, rule=rule, customers=n)
        for (d, code, rule), n in rows
    )


def _capacities(report: dict[str, Any]) -> list[CapacityUse]:
    optimisation = report.get("optimisation", {})
    used = optimisation.get("used", {})
    return [
        CapacityUse(name=key, used=float(used.get(key, 0.0)), capacity=float(value))
        for key, value in sorted(optimisation.get("capacity", {}).items())
        if not key.startswith(HOUR_PREFIX)
    ]


def _hours(folder: Path, report: dict[str, Any]) -> list[HourLoad]:
    optimisation = report.get("optimisation", {})
    capacity = {
        key.removeprefix(HOUR_PREFIX): float(value)
        for key, value in optimisation.get("capacity", {}).items()
        if key.startswith(HOUR_PREFIX)
    }
    calls: dict[str, int] = {}
    path = folder / "call_list.parquet"
    if path.is_file():
        planned = (
            pl.read_parquet(path, columns=["channel", "planned_at"])
            .filter(c("channel") == "phone")
            .group_by(c("planned_at").dt.strftime("%Y-%m-%dT%H").alias("hour"))
            .len()
        )
        calls = {str(h): int(n) for h, n in planned.iter_rows()}
    return [
        HourLoad(hour=hour, calls=calls.get(hour, 0), capacity=capacity.get(hour))
        for hour in sorted(set(capacity) | set(calls))
    ]
