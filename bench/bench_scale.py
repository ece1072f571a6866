"""A carrier-scale campaign end to end from Parquet import tables: wall time, peak memory, ratios.

    .venv/bin/python -m bench.bench_scale --customers 1000000 [--base 50000] [--chunk 100000]

Set-up (not timed, kept in ``--work`` for the next run): a synthetic carrier of ``--base``
customers, whose history trains the model set, and its import tables replicated with new ids up
to ``--customers`` and written as Parquet sorted by customer (as a warehouse export would be).

Timed, in the same run:

* **reading** every import table with Polars (all columns) — the floor of any engine;
* **the campaign**: ``goodcall campaign run --input`` in a child process (so its peak memory is
  its own): wall seconds, peak resident memory, decisions per second;
* **bare LightGBM**: the model set's boosters predicting the first chunk's candidate rows
  (already encoded), scaled to the number of chunks — what scoring alone cannot go below.

Printed: the figures and the ratios campaign / reading and campaign / bare LightGBM, as CPU
seconds of every thread (the machine is shared: its wall seconds depend on its other work).

The copies of a base customer have the same features, and a chunk holds every copy of its
base customers (ids sort copy after copy), so the core's once-per-distinct-row prediction
predicts one row for all of them: the campaign's LightGBM work here is a real carrier's
divided by about ``customers / base`` (``docs/decisions.md``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import polars as pl

AT = dt.datetime(2026, 11, 20, 14, 0, tzinfo=dt.UTC)
RENAMED = ("customer_id", "line_id", "contact_id", "case_id")
"""The ids a replicated customer gets anew (everything else, plans and offers, is shared)."""


def _replicated(table: pl.DataFrame, copies: int, customers: int, base: int) -> pl.DataFrame:
    """``copies`` copies of ``table`` with suffixed ids, cut to the first ``customers``."""
    ids = [name for name in RENAMED if name in table.columns]
    if "customer_id" not in table.columns:
        return table
    parts = []
    for k in range(copies):
        keep = table if (k + 1) * base <= customers else _first(table, customers - k * base)
        parts.append(keep.with_columns(pl.col(n) + f"-R{k:04d}" for n in ids))
    return pl.concat(parts).sort("customer_id")


def _first(table: pl.DataFrame, n: int) -> pl.DataFrame:
    wanted = table.select("customer_id").unique().sort("customer_id").head(n)
    return table.join(wanted, on="customer_id", how="semi")


def set_up(work: Path, customers: int, base: int, seed: int) -> tuple[Path, Path]:
    """The Parquet import tables of ``customers`` and the model set trained on the base."""
    from goodcall.catalog.loader import load_catalog
    from goodcall.models.inputs import offer_table
    from goodcall.models.registry import train_model_set
    from goodcall.models.rows import training_rows
    from goodcall.profiles.schema import TABLES_BY_NAME
    from goodcall.store.files import write_table
    from goodcall.synth.generate import carrier_tables

    tables_dir = work / f"carrier-{customers}-{base}-{seed}"
    models_dir = work / f"models-{base}-{seed}"
    if tables_dir.exists() and models_dir.exists():
        return tables_dir, models_dir
    tables = carrier_tables(base, seed)
    catalog = load_catalog()
    if not models_dir.exists():
        lazy = {k: v.lazy() for k, v in tables.items()}
        rows = training_rows(lazy, AT, offer_table(catalog.offers))
        models = train_model_set(
            rows, list(catalog.offers), cutoff=AT, trained_at=AT, method="t", seed=seed
        )
        models.save(models_dir)
    copies = -(-customers // base)
    tmp = tables_dir.with_suffix(".tmp")
    tmp.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        frame = _replicated(table, copies, customers, base)
        write_table(frame, TABLES_BY_NAME[name], tmp, "parquet")
        print(f"  set-up: {name} {frame.height:,} rows", flush=True)
    tmp.rename(tables_dir)
    return tables_dir, models_dir


def read_seconds(tables_dir: Path) -> tuple[float, float]:
    """Wall and CPU seconds (every thread) of reading every table."""
    tick, cpu = time.perf_counter(), time.process_time()
    for path in sorted(tables_dir.glob("*.parquet")):
        pl.read_parquet(path)
    return time.perf_counter() - tick, time.process_time() - cpu


def campaign(tables_dir: Path, models_dir: Path, out: Path, customers: int, chunk: int) -> dict:
    calls = max(1, customers // 100)
    command = [
        sys.executable, "-m", "goodcall.cli", "--quiet", "campaign", "run", "--input",
        str(tables_dir), "--models", str(models_dir), "--out", str(out), "--overwrite",
        "--at", AT.isoformat(), "--name", "BENCH", "--calls-per-day", str(calls),
        "--calls-per-hour", str(max(1, calls // 8)), "--chunk-size", str(chunk), "--json",
    ]  # fmt: skip
    tick = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - tick
    if done.returncode != 0:
        raise SystemExit(f"the campaign failed ({done.returncode}):\n{done.stderr[-4000:]}")
    report = json.loads(done.stdout)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime  # every thread of the child: a shared machine's figure
    return {"seconds": seconds, "cpu": cpu, "peak_mb": usage.ru_maxrss / 1024.0, "report": report}


def bare_lightgbm(tables_dir: Path, models_dir: Path, chunk: int) -> tuple[float, int]:
    """Seconds the boosters take on the first chunk's candidate rows (encoded beforehand)."""
    from goodcall.campaign.source import ParquetSource
    from goodcall.catalog.compile import compile_catalog
    from goodcall.catalog.loader import load_catalog
    from goodcall.decide import CampaignConfig, Prepared
    from goodcall.decide.core import funnel
    from goodcall.models.inputs import candidate_features
    from goodcall.models.reach import ReachModel, with_medium
    from goodcall.models.registry import ModelSet
    from goodcall.policy.loader import load_policies

    catalog = load_catalog()
    models = ModelSet.load(models_dir)
    prepared = Prepared.of(
        catalog=catalog, compiled=compile_catalog(catalog), policies=load_policies(),
        models=models, config=CampaignConfig(campaign_id="BENCH"), at=AT,
    )  # fmt: skip
    first = next(iter(ParquetSource(tables_dir, AT).chunks(chunk)))
    stages = funnel(
        first.lazy(), catalog=catalog, compiled=prepared.compiled, policies=prepared.policies,
        at=AT, config=prepared.config,
    )  # fmt: skip
    features = candidate_features(
        stages.items.lazy().with_columns(pl.lit(AT).alias("_as_of")), prepared.scorer.offers
    ).collect()
    boosters = []
    reach = models.response.reach if models.response is not None else None
    if isinstance(reach, ReachModel):
        for part in reach.parts.values():
            boosters.append((part.booster, part.encoder.transform(with_medium(features))))
    if models.annoyance is not None and models.annoyance.booster is not None:
        boosters.append((models.annoyance.booster, models.annoyance.encoder.transform(features)))
    tick = time.process_time()
    for booster, matrix in boosters:
        booster.predict(matrix, num_iteration=booster.best_iteration)
    return time.process_time() - tick, features.height


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--base", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--chunk", type=int, default=100_000)
    parser.add_argument("--work", type=Path, default=Path(".bench-scale"))
    args = parser.parse_args(argv)

    tables_dir, models_dir = set_up(args.work, args.customers, args.base, args.seed)
    reading, reading_cpu = read_seconds(tables_dir)
    run = campaign(tables_dir, models_dir, args.work / "campaign", args.customers, args.chunk)
    bare_chunk, rows = bare_lightgbm(tables_dir, models_dir, args.chunk)
    chunks = -(-args.customers // args.chunk)
    bare = bare_chunk * chunks
    opt = run["report"]["optimisation"]
    print(f"{args.customers:,} customers from {tables_dir} in chunks of {args.chunk:,}")
    print(f"reading the import tables with Polars: {reading:.2f} s wall, {reading_cpu:.2f} s CPU")
    print(
        f"campaign: {run['seconds']:.1f} s wall ({args.customers / run['seconds']:,.0f} "
        f"decisions/s), {run['cpu']:.1f} s CPU (every thread), peak memory "
        f"{run['peak_mb']:,.0f} MB; {run['report']['contacts']:,} contacts"
    )
    print(
        f"bare LightGBM on the candidate rows: {bare:.1f} s CPU ({rows:,} rows in the first "
        f"chunk, × {chunks} chunks)"
    )
    print(
        f"ratios (CPU, every thread): campaign / reading {run['cpu'] / reading_cpu:,.0f}×, "
        f"campaign / bare LightGBM {run['cpu'] / bare:,.1f}×; wall: campaign / reading "
        f"{run['seconds'] / reading:,.0f}×"
    )
    print(
        f"plan value {opt['plan_value']:,.0f}, bound {opt['dual_bound']:,.0f}, gap "
        f"{100 * opt['relative_gap']:.4f} % after {opt['sweeps']} sweeps; {opt['items']:,} items"
    )


if __name__ == "__main__":
    main()
