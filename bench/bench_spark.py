"""Apache Spark ``local[2]`` against the local engine on the same customers, from Parquet.

    .venv/bin/python -m bench.bench_spark --customers 1000000 [--base 50000] [--master local[2]]

Profiles: a synthetic carrier of ``--base`` customers (its history trains the model set, not
timed), whose profile rows are replicated with new customer ids up to ``--customers`` and
written once as Parquet (10,000-row groups, shuffled: Spark splits the file between its tasks).
The local engine reads that file with Polars and runs :func:`goodcall.decide.decide`; the Spark
engine reads it with Spark and runs :func:`goodcall.campaign.spark.decide_on_spark`. Wall times
(Spark with and without starting its session), their ratio, each engine's stages, and whether
the decisions are identical (they must be: exit 1 otherwise).
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

import polars as pl

from goodcall.campaign.spark import DEFAULT_MASTER, decide_on_spark, spark_session
from goodcall.catalog.compile import compile_catalog
from goodcall.catalog.loader import load_catalog
from goodcall.decide import CampaignConfig, Prepared, decide
from goodcall.models.inputs import offer_table
from goodcall.models.registry import train_model_set
from goodcall.models.rows import training_rows
from goodcall.policy.loader import load_policies
from goodcall.profiles.build import build_profiles
from goodcall.synth.generate import carrier_tables

AT = dt.datetime(2026, 11, 20, 14, 0, tzinfo=dt.UTC)


def _replicated(profiles: pl.DataFrame, n: int) -> pl.DataFrame:
    copies = -(-n // profiles.height)
    parts = [
        profiles.with_columns((pl.col("customer_id") + f"-R{k:03d}").alias("customer_id"))
        for k in range(copies)
    ]
    return pl.concat(parts).head(n).sample(fraction=1.0, shuffle=True, seed=7)


def _stages(seconds: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:.1f}" for k, v in seconds.items())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--base", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--master", default=DEFAULT_MASTER)
    args = parser.parse_args(argv)

    tables = {k: v.lazy() for k, v in carrier_tables(args.base, args.seed).items()}
    catalog = load_catalog()
    rows = training_rows(tables, AT, offer_table(catalog.offers))
    models = train_model_set(
        rows, list(catalog.offers), cutoff=AT, trained_at=AT, method="t", seed=args.seed
    )
    calls = max(1, args.customers // 100)
    config = CampaignConfig(
        campaign_id="BENCH", calls_per_day=calls, calls_per_hour=max(1, calls // 8)
    )
    prepared = Prepared.of(
        catalog=catalog, compiled=compile_catalog(catalog), policies=load_policies(),
        models=models, config=config, at=AT,
    )  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="bench-spark-") as tmp:
        path = Path(tmp) / "profiles.parquet"
        profiles = _replicated(build_profiles(tables, AT).collect(), args.customers)
        profiles.write_parquet(path, row_group_size=10_000)
        del profiles
        print(f"{args.customers:,} customers ({path.stat().st_size / 1e6:,.0f} MB of Parquet); "
              f"{calls:,} calls/day; master {args.master}")  # fmt: skip

        local_stages: dict[str, float] = {}
        tick = time.perf_counter()
        local = decide(
            pl.scan_parquet(path), catalog=prepared.catalog, compiled=prepared.compiled,
            policies=prepared.policies, models=models, at=AT, config=config,
            timings=local_stages,
        )  # fmt: skip
        local_s = time.perf_counter() - tick
        print(f"local: {local_s:.1f} s ({args.customers / local_s:,.0f} customers/s); "
              f"{_stages(local_stages)}")  # fmt: skip

        spark_stages: dict[str, float] = {}
        tick = time.perf_counter()
        with spark_session(args.master) as spark:
            started = time.perf_counter()
            on_spark = decide_on_spark(spark, str(path), prepared, timings=spark_stages)
            decided = time.perf_counter()
        spark_s, session_s = decided - started, started - tick
        print(f"spark: {spark_s:.1f} s ({args.customers / spark_s:,.0f} customers/s) + "
              f"{session_s:.1f} s starting the session; {_stages(spark_stages)}")  # fmt: skip

    same = on_spark.frame.equals(local.frame) and on_spark.plan == local.plan
    print(
        f"spark / local: {spark_s / local_s:.2f}× ({(spark_s + session_s) / local_s:.2f}× with "
        f"the session); decisions identical: {same} ({local.contacts.height:,} contacts, "
        f"plan value {local.plan.primal:,.0f})"
    )
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
