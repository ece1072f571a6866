"""The global arbitration alone, on as many compact candidates as a national base gives.

    .venv/bin/python -m bench.bench_arbitrate [--candidates 2500000] [--seed 0]

Ten million customers give about 25 million compact candidates (2.5 per customer at 1,000,000);
this draws ``--candidates`` of them (30 offers, 4 channels, 40 hours, 2 languages, 5 %
exploration, sorted by customer, ~2.5 per customer), with a call centre capped per day and per
hour and two agent pools, and prints, for :func:`goodcall.decide.plan.build_problem` and for the
whole :func:`goodcall.decide.plan.arbitrate` (problem and price search): CPU seconds, the memory
each adds to the process and the process peak, the plan (chosen, value, gap), and a hash of the
problem (equal across versions that build the same problem). Baseline in the same run: sorting
the candidates' values (``numpy.argsort``), the least any selection over them costs.

Polars runs on one thread. Memory is the process's resident size from ``/proc``.
"""

from __future__ import annotations

import os

os.environ["POLARS_MAX_THREADS"] = "1"

import argparse
import datetime as dt
import gc
import hashlib
import resource
import time

import numpy as np
import polars as pl

from goodcall.catalog.loader import load_catalog
from goodcall.decide.config import AgentPool, CampaignConfig
from goodcall.decide.plan import arbitrate, build_problem

AT = dt.datetime(2026, 11, 20, 14, tzinfo=dt.UTC)
CHANNELS = ["phone", "sms", "email", "app"]


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return 0.0


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def candidates(n: int, offers: list[str], seed: int) -> pl.DataFrame:
    """``n`` compact candidates sorted by customer, ~2.5 per customer."""
    rng = np.random.default_rng(seed)
    hours = rng.integers(0, 40, n)
    draws = pl.DataFrame(
        {
            "c": np.sort(rng.integers(0, int(n / 2.5) + 1, n)),
            "o": rng.integers(0, len(offers), n),
            "ch": rng.integers(0, len(CHANNELS), n),
            "h": hours,
            "lang": rng.integers(0, 2, n),
            "ex": rng.random(n) < 0.05,
            "v": rng.random(n),
        }
    )
    return draws.select(
        pl.format("C{}", pl.col("c").cast(pl.String).str.zfill(8)).alias("customer_id"),
        pl.col("o")
        .replace_strict(dict(enumerate(offers)), return_dtype=pl.String)
        .alias("offer_id"),
        pl.col("ch")
        .replace_strict(dict(enumerate(CHANNELS)), return_dtype=pl.String)
        .alias("channel"),
        (pl.lit(AT) + pl.duration(hours=pl.col("h"))).alias("planned_at"),
        pl.col("h").alias("local_hour"),
        (pl.col("h") // 24).alias("day"),
        pl.col("lang")
        .replace_strict({0: "fr-CA", 1: "en-CA"}, return_dtype=pl.String)
        .alias("language"),
        pl.col("ex").alias("explore"),
        pl.col("v").alias("value"),
    )


def config_for(n: int) -> CampaignConfig:
    return CampaignConfig(
        campaign_id="BENCH",
        calls_per_day=n // 100,
        calls_per_hour=n // 1000,
        messages_per_day={"sms": n // 50},
        agent_pools={
            "fr": AgentPool(calls_per_day=n // 200, calls_per_hour=n // 3000),
            "en": AgentPool(calls_per_day=n // 200),
        },
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=2_500_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    catalog = load_catalog()
    items = candidates(args.candidates, [o.id for o in catalog.offers], args.seed)
    config = config_for(args.candidates)
    gc.collect()
    base = _rss_mb()
    print(
        f"{items.height:,} candidates, {items.estimated_size() / 1e6:,.0f} MB; "
        f"process {base:,.0f} MB"
    )

    start = time.process_time()
    problem, names = build_problem(items, config, catalog, args.candidates * 0.01)
    build_cpu = time.process_time() - start
    build_peak = _peak_mb()
    digest = hashlib.sha256(
        problem.units.tobytes() + problem.group.tobytes() + "|".join(names).encode()
    ).hexdigest()[:16]
    print(
        f"build_problem: {build_cpu:.2f} CPU s, +{build_peak - base:,.0f} MB "
        f"(peak {build_peak:,.0f} MB), {len(names)} resources, problem hash {digest}"
    )
    del problem
    gc.collect()

    start = time.process_time()
    chosen, plan = arbitrate(items, config, catalog, args.candidates * 0.01)
    cpu = time.process_time() - start
    peak = _peak_mb()
    print(
        f"arbitrate: {cpu:.2f} CPU s, peak {peak:,.0f} MB (+{peak - base:,.0f} MB); "
        f"{int(chosen.sum()):,} chosen, value {plan.primal:,.4f}, gap {plan.relative_gap:.6%}, "
        f"{plan.sweeps} sweeps"
    )
    values = items["value"].to_numpy()
    start = time.process_time()
    np.argsort(values)
    sort_cpu = time.process_time() - start
    print(
        f"baseline, numpy.argsort of the values: {sort_cpu:.2f} CPU s; "
        f"arbitrate / sort {cpu / sort_cpu:,.1f}×"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
