"""The audit of a large call list: wall time and peak memory, uniform and skewed.

    .venv/bin/python -m bench.bench_audit --rows 1000000 [--customers 20000] [--heavy 30000]

Profiles: a synthetic carrier of ``--customers`` customers (not timed). Two call lists of
``--rows`` rows are written as CSV: ``uniform`` spreads the rows evenly over the customers;
``skewed`` gives one customer ``--heavy`` rows and spreads the rest. Offers, channels and times
(30 days from the decision date) are drawn at random; the language and register are the
customer's, so the findings are the offers' rules, the channels and the policies. Each phase
runs in its own Python process so its peak RSS (``getrusage`` high-water mark) is its own:

* ``read`` — Polars reads the call list as text: the floor any audit pays (the baseline);
* ``audit`` — read and validate the list, every finding with its sentence, the summary by kind
  and the CSV report (what ``goodcall audit LIST --report findings.csv`` does).

CPU time (``time.process_time``, every thread of the process) is printed beside wall time: on a
shared machine it is the steadier figure.

The ratio is the audit's time over the baseline's, both measured in this run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

AT = dt.datetime(2026, 11, 20, 14, 0, tzinfo=dt.UTC)
SEED = 5


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def write_inputs(root: Path, customers: int, rows: int, heavy: int) -> None:
    """The profiles (Parquet) and the two call lists (CSV) under ``root``."""
    from goodcall.catalog.loader import load_catalog
    from goodcall.profiles.build import build_profiles
    from goodcall.synth.generate import carrier_tables

    tables = {k: v.lazy() for k, v in carrier_tables(customers, SEED).items()}
    profiles = build_profiles(tables, AT).collect()
    profiles.write_parquet(root / "profiles.parquet")
    ids = profiles.get_column("customer_id").to_numpy()
    speaks = dict(zip(ids, profiles.get_column("language").to_list(), strict=True))
    uses = dict(zip(ids, profiles.get_column("register").to_list(), strict=True))
    offers = np.array([o.id for o in load_catalog().offers])
    rng = np.random.default_rng(SEED)
    uniform = np.resize(ids, rows)
    skewed = np.concatenate([np.full(heavy, ids[0]), np.resize(ids[1:], rows - heavy)])
    for name, who in (("uniform", uniform), ("skewed", skewed)):
        minutes = rng.integers(0, 30 * 24 * 60, rows)
        planned = pl.Series(minutes, dtype=pl.Int64) * 60_000_000 + int(AT.timestamp() * 1_000_000)
        pl.DataFrame(
            {
                "customer_id": who,
                "offer_id": rng.choice(offers, rows),
                "planned_at": planned.cast(pl.Datetime("us", "UTC")).dt.to_string(
                    "%Y-%m-%dT%H:%M:%S+00:00"
                ),
                "channel": rng.choice(np.array(["phone", "sms", "email", "app"]), rows),
                "language": pl.Series(who).replace_strict(speaks, return_dtype=pl.String),
                "register": pl.Series(who).replace_strict(uses, return_dtype=pl.String),
            }
        ).write_csv(root / f"{name}.csv")


def run_phase(phase: str, root: Path, name: str) -> dict[str, float]:
    """One phase in this process; its wall time, peak memory and sizes."""
    path = root / f"{name}.csv"
    started = time.perf_counter()
    cpu = time.process_time()
    if phase == "read":
        rows = pl.read_csv(path, infer_schema=False).height
        findings = 0
    else:
        from goodcall.audit.calllist import read_call_list
        from goodcall.audit.cli import write_report
        from goodcall.audit.findings import audit_chunks
        from goodcall.audit.report import summary, worded_findings
        from goodcall.explain.inputs import load_rules

        profiles = pl.read_parquet(root / "profiles.parquet")
        started = time.perf_counter()
        cpu = time.process_time()
        calls = read_call_list(path)
        rules = load_rules(None, None)
        chunks = audit_chunks(calls, profiles.lazy(), rules.catalog, rules.policies)
        found = worded_findings(chunks, rules.catalog, "en")
        summary(found)
        write_report(found, root / f"{name}.findings.csv")
        rows, findings = calls.height, found.height
    return {
        "seconds": time.perf_counter() - started,
        "cpu": time.process_time() - cpu,
        "peak_mb": _peak_mb(),
        "rows": rows,
        "findings": findings,
    }


def _child(phase: str, root: Path, name: str) -> dict[str, float]:
    command = [sys.executable, "-m", "bench.bench_audit", "--phase", phase, str(root), name]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--heavy", type=int, default=30_000)
    parser.add_argument(
        "--phase", nargs=3, metavar=("PHASE", "DIR", "LIST"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.phase:
        phase, root, name = args.phase
        print(json.dumps(run_phase(phase, Path(root), name)))
        return
    with tempfile.TemporaryDirectory(prefix="bench-audit-") as tmp:
        root = Path(tmp)
        write_inputs(root, args.customers, args.rows, min(args.heavy, args.rows))
        print(
            f"{args.rows:,} planned calls over {args.customers:,} customers "
            f"(skewed: one customer has {min(args.heavy, args.rows):,})"
        )
        for name in ("uniform", "skewed"):
            base = _child("read", root, name)
            audit = _child("audit", root, name)
            print(
                f"{name:8s} read {base['seconds']:6.2f} s (CPU {base['cpu']:5.2f} s) "
                f"{base['peak_mb']:7,.0f} MB | audit {audit['seconds']:6.1f} s "
                f"(CPU {audit['cpu']:5.1f} s) {audit['peak_mb']:7,.0f} MB "
                f"({audit['findings']:,.0f} findings) | ratio "
                f"{audit['seconds'] / base['seconds']:,.0f}x",
                flush=True,
            )


if __name__ == "__main__":
    main()
