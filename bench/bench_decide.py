"""The decision core on a million customers: wall time per funnel stage, peak memory.

    .venv/bin/python -m bench.bench_decide --customers 1000000 [--base 50000]

Profiles: a synthetic carrier of ``--base`` customers (its history trains the model set, not
timed), whose profile rows are replicated with new customer ids up to ``--customers``. The
campaign has a daily call capacity of 1 % of the customers and a per-hour capacity, so the
arbitration has binding constraints. Stages are timed by calling the same functions
:func:`goodcall.decide.core.decide` calls, in the same order:

policy (channels and windows) → catalog (offers) → candidates and moments → control group →
scoring (features, uplift, annoyance, EV) → arbitration (Lagrangian + plan recovery) → assembly
and reasons. Baseline for the ratio: the same arbitration solved as a greedy cut (sort every
customer's best item by value, take while capacity lasts) in the same run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import time
from collections.abc import Callable
from typing import TypeVar

import numpy as np
import polars as pl

from goodcall.campaign.control import control_draw
from goodcall.catalog.compile import compile_catalog
from goodcall.catalog.loader import load_catalog
from goodcall.decide import core
from goodcall.decide.candidates import candidate_pairs, channel_view, offer_channels, offer_view
from goodcall.decide.config import CampaignConfig
from goodcall.decide.features import PROFILE_INPUTS, offer_table
from goodcall.decide.plan import arbitrate, build_problem, explore_capacity, positive_items
from goodcall.decide.score import score_items
from goodcall.decide.timing import expand_moments
from goodcall.models.registry import train_model_set
from goodcall.models.response import training_rows
from goodcall.policy.loader import load_policies
from goodcall.profiles.build import build_profiles
from goodcall.synth.generate import carrier_tables

AT = dt.datetime(2026, 11, 20, 14, 0, tzinfo=dt.UTC)
T = TypeVar("T")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _replicate(profiles: pl.DataFrame, n: int) -> pl.DataFrame:
    copies = -(-n // profiles.height)
    parts = [
        profiles.with_columns((pl.col("customer_id") + f"-R{k:03d}").alias("customer_id"))
        for k in range(copies)
    ]
    return pl.concat(parts).head(n)


def _greedy_value(items: pl.DataFrame, capacity: int) -> float:
    best = items.sort("value", descending=True).unique("customer_id", keep="first")
    calls = best.filter(pl.col("channel") == "phone").head(capacity)
    rest = best.filter(pl.col("channel") != "phone")
    return float(calls["value"].sum() + rest["value"].sum())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--base", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)

    tables = {k: v.lazy() for k, v in carrier_tables(args.base, args.seed).items()}
    catalog = load_catalog()
    compiled, policies = compile_catalog(catalog), load_policies()
    rows = training_rows(tables, AT, offer_table(catalog.offers))
    models = train_model_set(
        rows, list(catalog.offers), cutoff=AT, trained_at=AT, method="t", seed=args.seed
    )
    profiles = _replicate(build_profiles(tables, AT).collect(), args.customers)
    calls = max(1, args.customers // 100)
    config = CampaignConfig(
        campaign_id="BENCH", calls_per_day=calls, calls_per_hour=max(1, calls // 8)
    )
    print(f"{profiles.height:,} customers; {calls:,} calls/day; model set on {rows.height:,} rows")

    seconds: dict[str, float] = {}

    def stage(name: str, fn: Callable[[], T]) -> T:
        tick = time.perf_counter()
        out = fn()
        seconds[name] = time.perf_counter() - tick
        print(f"  {name:<12} {seconds[name]:8.1f} s   peak {_peak_mb():,.0f} MB", flush=True)
        return out

    lazy = profiles.lazy()
    needed = list(dict.fromkeys((*PROFILE_INPUTS, "time_zone", "language", "register")))
    base = stage("profiles", lambda: lazy.select(needed).collect())
    channels = stage("policy", lambda: channel_view(lazy, policies, AT, config.channels))
    eligible, _reasons = stage(
        "catalog", lambda: offer_view(lazy, compiled, AT, config.channels, None)
    )
    pairs = stage(
        "candidates",
        lambda: candidate_pairs(eligible, channels, offer_channels(catalog)).filter(
            pl.col("next_window_start") < AT + dt.timedelta(hours=config.horizon_hours)
        ),
    )
    groups = stage(
        "control",
        lambda: (
            pairs.select("customer_id")
            .unique()
            .with_columns(
                (control_draw(config.campaign_id) < config.control_share).alias("in_control")
            )
        ),
    )
    items = stage(
        "moments",
        lambda: expand_moments(
            pairs.join(base.select("customer_id", "time_zone"), on="customer_id"),
            config.call_hours,
        ).join(base.drop("time_zone"), on="customer_id"),
    )
    scored = stage(
        "scoring",
        lambda: score_items(items, models, offer_table(catalog.offers), config, AT, core.ITEM_KEYS),
    )
    positive = positive_items(scored.join(groups, on="customer_id"), config)
    treat = positive.filter(~pl.col("in_control"))
    cap = explore_capacity(config, int((~groups["in_control"]).sum()))
    chosen, plan = stage("arbitration", lambda: arbitrate(treat, config, catalog, cap))
    greedy = stage("greedy-cut", lambda: _greedy_value(treat, calls))
    total = sum(v for k, v in seconds.items() if k != "greedy-cut")
    problem, _ = build_problem(treat, config, catalog, cap)
    print(
        f"items {problem.n_items:,} (of {scored.height:,} scored); plan value {plan.primal:,.0f}, "
        f"bound {plan.dual_bound:,.0f}, gap {100 * plan.relative_gap:.4f} %, "
        f"{plan.sweeps} sweeps; greedy cut {greedy:,.0f} "
        f"({100 * (plan.primal / greedy - 1):+.2f} % for the plan); "
        f"contacts {int(np.sum(chosen)):,}"
    )
    print(
        f"decide stages total {total:.1f} s ({args.customers / total:,.0f} customers/s); "
        f"arbitration / greedy cut time = {seconds['arbitration'] / seconds['greedy-cut']:.1f}; "
        f"peak memory {_peak_mb():,.0f} MB"
    )
    tick = time.perf_counter()
    decisions = core.decide(
        lazy, catalog=catalog, compiled=compiled, policies=policies, models=models, at=AT,
        config=config,
    )  # fmt: skip
    print(
        f"decide() end to end (with assembly and reasons): {time.perf_counter() - tick:.1f} s, "
        f"{decisions.frame.height:,} decisions, peak {_peak_mb():,.0f} MB"
    )


if __name__ == "__main__":
    main()
