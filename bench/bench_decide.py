"""The decision core on a million customers: wall time per funnel stage, peak memory.

    .venv/bin/python -m bench.bench_decide --customers 1000000 [--base 50000]

Profiles: a synthetic carrier of ``--base`` customers (its history trains the model set, not
timed), whose profile rows are replicated with new customer ids up to ``--customers``. The
campaign has a daily call capacity of 1 % of the customers and a per-hour capacity, so the
arbitration has binding constraints. One call of :func:`goodcall.decide.decide`, which reports
the wall time of each stage (chunk by chunk of 100,000 customers: funnel — policy, catalog,
candidates and moments, control group — → scoring — features, uplift, annoyance, EV — →
summaries — what the reasons need — → arbitration over all chunks — Lagrangian + plan recovery
— → assembly and reasons).
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import time

import polars as pl

from goodcall.catalog.compile import compile_catalog
from goodcall.catalog.loader import load_catalog
from goodcall.decide import CampaignConfig, decide
from goodcall.models.inputs import offer_table
from goodcall.models.registry import train_model_set
from goodcall.models.rows import training_rows
from goodcall.policy.loader import load_policies
from goodcall.profiles.build import build_profiles
from goodcall.synth.generate import carrier_tables

AT = dt.datetime(2026, 11, 20, 14, 0, tzinfo=dt.UTC)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _replicate(profiles: pl.DataFrame, n: int) -> pl.DataFrame:
    copies = -(-n // profiles.height)
    parts = [
        profiles.with_columns((pl.col("customer_id") + f"-R{k:03d}").alias("customer_id"))
        for k in range(copies)
    ]
    return pl.concat(parts).head(n)


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
    tick = time.perf_counter()
    decisions = decide(
        profiles.lazy(), catalog=catalog, compiled=compiled, policies=policies, models=models,
        at=AT, config=config, timings=seconds,
    )  # fmt: skip
    total = time.perf_counter() - tick
    plan = decisions.plan
    print(
        f"{decisions.frame.height:,} decisions; {plan.items:,} positive items; plan value "
        f"{plan.primal:,.0f}, bound {plan.dual_bound:,.0f}, gap {100 * plan.relative_gap:.4f} % "
        f"after {plan.sweeps} sweeps"
    )
    print("stage seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in seconds.items()))
    print(
        f"total {total:.1f} s ({args.customers / total:,.0f} customers/s); contacts "
        f"{decisions.contacts.height:,}; peak memory {_peak_mb():,.0f} MB"
    )


if __name__ == "__main__":
    main()
