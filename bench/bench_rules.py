"""Evaluate the offer catalog (30 offers) and the contact policies for many customers.

    .venv/bin/python -m bench.bench_rules --customers 1000000

Profiles come from the synthetic carrier (``carrier_tables`` for ``--base`` customers, built into
profiles once) and are replicated under new ids to ``--customers`` rows, then written to Parquet.
Each phase runs in its own Python process that reads that file; wall times exclude the read.
``peak MB`` is the process's high-water mark (profiles included); ``eval +MB`` is the highest RSS
sampled during the evaluation minus the RSS just before it.

* ``baseline rules`` — the baseline: the 30 offers' own rule predicates as plain Polars boolean
  columns, summed (no built-in checks, no validity, no melt) — the floor of evaluating the rules
  at all; ``× baseline`` compares each phase's time per customer with it;
* ``catalog matrix`` — :func:`evaluate_offers_matrix`, every customer × offer;
* ``policies matrix`` — :func:`evaluate_channels_matrix`, every customer × channel with the next
  window;
* ``catalog + policies`` — both, the goal figure (≤ 10 s for 1,000,000 × 30 on 2 cores);
* ``catalog reasons`` / ``policies reasons`` — the struct views (explain, audit, brief) on at most
  100,000 customers, for scale.

With ``--customers`` ≥ 200,000, ``catalog + policies`` also runs on a tenth of the customers and
the scaling ratio is printed (1.0 = linear).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import polars as pl

AT = dt.datetime(2026, 11, 20, 20, 0, tzinfo=dt.UTC)
REASONS_LIMIT = 100_000


def build_profiles_file(customers: int, base: int, seed: int, path: Path) -> float:
    """Profiles for ``customers`` customers, written to ``path``; returns seconds spent."""
    from goodcall.profiles.build import build_profiles
    from goodcall.synth.generate import carrier_tables

    started = time.perf_counter()
    tables = carrier_tables(min(base, customers), seed)
    profiles = build_profiles({k: v.lazy() for k, v in tables.items()}, AT).collect()
    picks = pl.int_range(customers, eager=True) % profiles.height
    many = profiles.select(pl.all().gather(picks))
    many = many.with_columns(
        ("B-" + pl.int_range(customers).cast(pl.String).str.zfill(8)).alias("customer_id")
    )
    many.write_parquet(path)
    return time.perf_counter() - started


def _rss_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class _PeakSampler(threading.Thread):
    """Samples this process's RSS every 5 ms until stopped."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = _rss_mb()
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(0.005):
            self.peak = max(self.peak, _rss_mb())

    def stop(self) -> float:
        self._stop_event.set()
        self.join()
        return max(self.peak, _rss_mb())


def run_phase(phase: str, path: Path, limit: int | None) -> dict[str, float]:
    """Run one phase in this process; returns its figures."""
    from goodcall.catalog.compile import compile_catalog
    from goodcall.catalog.engine import evaluate_offers, evaluate_offers_matrix
    from goodcall.catalog.loader import load_catalog
    from goodcall.policy.engine import evaluate_channels, evaluate_channels_matrix
    from goodcall.policy.loader import load_policies
    from goodcall.policy.resolve import compile_policies

    frame = pl.read_parquet(path)
    if limit is not None:
        frame = frame.head(limit)
    compiled = compile_catalog(load_catalog())
    policies = compile_policies(load_policies())
    snapshot = AT.date()
    lazy = frame.lazy()
    before = _rss_mb()
    sampler = _PeakSampler()
    sampler.start()
    started = time.perf_counter()
    rows = 0
    if phase == "baseline rules":
        rules = [
            c.passed.sum().alias(f"r{i}_{j}")
            for i, o in enumerate(compiled.offers)
            for j, c in enumerate(o.checks)
            if c.rule_id is not None
        ]
        rows = lazy.select(rules).collect().width
    if phase in ("catalog matrix", "catalog + policies"):
        rows += evaluate_offers_matrix(lazy, compiled, AT).collect().height
    if phase in ("policies matrix", "catalog + policies"):
        rows += evaluate_channels_matrix(lazy, policies, AT, snapshot).collect().height
    if phase == "catalog reasons":
        rows = evaluate_offers(lazy, compiled, AT).collect().height
    if phase == "policies reasons":
        rows = evaluate_channels(lazy, policies, AT, snapshot).collect().height
    seconds = time.perf_counter() - started
    eval_mb = sampler.stop() - before
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "customers": frame.height,
        "rows": rows,
        "seconds": seconds,
        "peak_mb": peak_mb,
        "eval_mb": eval_mb,
    }


def _subprocess(phase: str, path: Path, limit: int | None) -> dict[str, float]:
    command = [sys.executable, "-m", "bench.bench_rules", "--phase", phase, "--file", str(path)]
    if limit is not None:
        command += ["--limit", str(limit)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--base", type=int, default=20_000, help="distinct synthetic customers")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--limit", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        print(json.dumps(run_phase(args.phase, args.file, args.limit)))
        return
    with tempfile.TemporaryDirectory(prefix="goodcall-bench-rules-") as tmp:
        path = Path(tmp) / "profiles.parquet"
        made = build_profiles_file(args.customers, args.base, args.seed, path)
        print(
            f"profiles: {args.customers:,} customers from {min(args.base, args.customers):,} "
            f"synthetic ones ({made:.1f} s to build, {path.stat().st_size / 2**20:.0f} MB parquet)"
        )
        phases: list[tuple[str, int | None]] = [
            ("baseline rules", None),
            ("catalog matrix", None),
            ("policies matrix", None),
            ("catalog + policies", None),
            ("catalog reasons", min(args.customers, REASONS_LIMIT)),
            ("policies reasons", min(args.customers, REASONS_LIMIT)),
        ]
        if args.customers >= 200_000:
            phases.append(("catalog + policies", args.customers // 10))
        print(
            f"{'phase':<22}{'customers':>11}{'rows out':>13}{'wall s':>9}"
            f"{'cust/s':>12}{'peak MB':>9}{'eval +MB':>10}{'× baseline':>12}"
        )
        figures: dict[tuple[str, int], dict[str, float]] = {}
        baseline = None  # seconds per customer of the baseline
        for phase, limit in phases:
            result = _subprocess(phase, path, limit)
            figures[(phase, int(result["customers"]))] = result
            per_customer = result["seconds"] / result["customers"]
            baseline = baseline or per_customer
            print(
                f"{phase:<22}{int(result['customers']):>11,}{int(result['rows']):>13,}"
                f"{result['seconds']:>9.2f}{result['customers'] / result['seconds']:>12,.0f}"
                f"{result['peak_mb']:>9,.0f}{result['eval_mb']:>10,.0f}"
                f"{per_customer / baseline:>12.1f}"
            )
        if args.customers >= 200_000:
            full = figures[("catalog + policies", args.customers)]
            tenth = figures[("catalog + policies", args.customers // 10)]
            ratio = (full["seconds"] / full["customers"]) / (tenth["seconds"] / tenth["customers"])
            print(f"scaling: time per customer at full size / at a tenth = {ratio:.2f}")
        goal = figures[("catalog + policies", args.customers)]["seconds"]
        print(f"goal (1,000,000 × 30 offers + policies ≤ 10 s): {goal:.2f} s here")


if __name__ == "__main__":
    main()
