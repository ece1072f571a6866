"""The decision core on a million customers: wall time per funnel stage, peak memory.

    .venv/bin/python -m bench.bench_decide --customers 1000000 [--base 50000]

Profiles: a synthetic carrier of ``--base`` customers (its history trains the model set, not
timed), whose profile rows are replicated with new customer ids up to ``--customers``. The
campaign has a daily call capacity of 1 % of the customers and a per-hour capacity, so the
arbitration has binding constraints. Stages are timed by running the same loop as
:func:`goodcall.decide.core.decide`, chunk by chunk of 100,000 customers: funnel (policy,
catalog, candidates and moments, control group) → scoring (features, uplift, annoyance, EV) →
summaries (what the reasons need) → arbitration over all chunks (Lagrangian + plan recovery) →
assembly and reasons. Baseline for the ratio: a greedy cut of the same problem (each customer's
best item, best first, taken while every capacity lasts) in the same run.
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

from goodcall.arbitrate.problem import Problem
from goodcall.catalog.compile import compile_catalog
from goodcall.catalog.loader import load_catalog
from goodcall.decide import core
from goodcall.decide.assemble import assemble, customer_summary, top_offers
from goodcall.decide.config import CampaignConfig
from goodcall.decide.plan import arbitrate, build_problem, explore_capacity, positive_items
from goodcall.models.inputs import offer_table
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
        seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - tick
        return out

    offers = offer_table(catalog.offers)
    summaries, tops, positives = [], [], []
    scored_rows = 0
    for start in range(0, profiles.height, core.CHUNK_CUSTOMERS):
        lazy = profiles.slice(start, core.CHUNK_CUSTOMERS).lazy()
        stages = stage(
            "funnel",
            lambda lazy=lazy: core.funnel(
                lazy, catalog=catalog, compiled=compiled, policies=policies, at=AT, config=config
            ),
        )
        scored = stage(
            "scoring",
            lambda stages=stages: core.scored_items(stages, models, offers, config, AT),
        )
        scored_rows += scored.height
        summaries.append(stage("summaries", lambda s=stages, x=scored: customer_summary(s, x)))
        tops.append(stage("summaries", lambda x=scored: top_offers(x)))
        positives.append(
            stage(
                "summaries",
                lambda x=scored: positive_items(x, config, AT, catalog).select(*core.ITEM_COLUMNS),
            )
        )
        print(f"  chunk {start:>9,}: {', '.join(f'{k} {v:.1f} s' for k, v in seconds.items())}, "
              f"peak {_peak_mb():,.0f} MB", flush=True)  # fmt: skip
    summary = pl.concat(summaries)
    positive = core.sorted_items(pl.concat(positives))
    treat = positive.filter(~pl.col("in_control"))
    cap = explore_capacity(config, int(summary["in_control"].not_().sum()))
    chosen, plan = stage("arbitration", lambda: arbitrate(treat, config, catalog, cap))
    problem, _ = build_problem(treat, config, catalog, cap)
    greedy = stage("greedy-cut", lambda: greedy_cut(problem))
    picks = treat.filter(pl.Series(chosen)).select("customer_id", *core.CHOICE_COLUMNS)
    empty = picks.head(0).select(
        "customer_id", *[pl.col(n).alias("shadow_" + n) for n in core.CHOICE_COLUMNS]
    )
    decided = stage(
        "assembly",
        lambda: pl.concat(
            [
                assemble(part, top, picks, empty, config)
                for part, top in zip(summaries, tops, strict=True)
            ]
        ),
    )
    total = sum(v for k, v in seconds.items() if k != "greedy-cut")
    print(
        f"{decided.height:,} decisions; {scored_rows:,} candidate moments scored; "
        f"{problem.n_items:,} positive items; plan value {plan.primal:,.0f}, bound "
        f"{plan.dual_bound:,.0f}, gap {100 * plan.relative_gap:.4f} % after {plan.sweeps} sweeps; "
        f"greedy cut (same constraints) {greedy:,.0f}: "
        f"plan {100 * (plan.primal / greedy - 1):+.2f} %"
    )
    print("stage seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in seconds.items()))
    print(
        f"total {total:.1f} s ({args.customers / total:,.0f} customers/s); arbitration / greedy "
        f"cut time = {seconds['arbitration'] / seconds['greedy-cut']:.1f}; contacts "
        f"{int(np.sum(chosen)):,}; peak memory {_peak_mb():,.0f} MB"
    )


def greedy_cut(problem: Problem) -> float:
    """The baseline we never ship: customers by their best value, take while capacity lasts."""
    order = np.lexsort((-problem.value, problem.group))
    first = order[np.concatenate([[True], problem.group[order][1:] != problem.group[order][:-1]])]
    left_u = problem.unit_capacity.copy()
    left_w = problem.weight_capacity.copy()
    total = 0.0
    for i in first[np.argsort(-problem.value[first], kind="stable")]:
        res = problem.units[i][problem.units[i] >= 0]
        if np.all(left_u[res] >= 1) and np.all(problem.weights[i] <= left_w):
            left_u[res] -= 1
            left_w -= problem.weights[i]
            total += float(problem.value[i])
    return total


if __name__ == "__main__":
    main()
