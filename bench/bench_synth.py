"""Synthesise a carrier to Parquet: wall time, per-chunk time, peak memory and linear scaling.

    .venv/bin/python -m bench.bench_synth --customers 1000000

Two runs in the same invocation, each in its own Python process so each peak RSS (``getrusage``
high-water mark) is its own: a baseline at a tenth of the size, then the full size. The scaling
ratio is (full time / baseline time) / (full size / baseline size): 1.0 is perfectly linear, above
1 means per-customer cost grows with size. Streaming shows as a peak memory that stays flat while
the customer count grows ten-fold. Goal: 1,000,000 customers in ≤ 60 s on 2 cores.
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _child(customers: int, seed: int, fmt: str, chunk_size: int) -> None:
    from goodcall.synth.generate import write_carrier

    out = Path(tempfile.mkdtemp(prefix="bench-synth-"))
    marks: list[float] = []
    started = time.perf_counter()
    try:
        counts = write_carrier(
            out,
            customers,
            seed,
            fmt,
            chunk_size=chunk_size,
            progress=lambda done, total: marks.append(time.perf_counter()),
        )
        wall = time.perf_counter() - started
        size = sum(p.stat().st_size for p in out.glob("*.*"))
    finally:
        shutil.rmtree(out, ignore_errors=True)
    chunk_times = [b - a for a, b in itertools.pairwise(marks)]
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "wall": wall,
                "peak_mb": peak_kb / 1024,
                "rows": sum(counts.values()),
                "bytes": size,
                "chunk_times": chunk_times,
            }
        )
    )


def _run(customers: int, seed: int, fmt: str, chunk_size: int) -> dict[str, object]:
    command = [
        sys.executable,
        "-m",
        "bench.bench_synth",
        "--child",
        "--customers",
        str(customers),
        "--seed",
        str(seed),
        "--format",
        fmt,
        "--chunk-size",
        str(chunk_size),
    ]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _report(label: str, customers: int, r: dict[str, object]) -> None:
    wall = float(r["wall"])  # type: ignore[arg-type]
    chunks = [float(x) for x in r["chunk_times"]]  # type: ignore[attr-defined]
    generated = chunks[1:] or chunks  # the first mark is the seed customer's tiny chunk
    print(
        f"{label:9} {customers:>10,} customers  {wall:7.1f} s  "
        f"{customers / wall:>9,.0f} customers/s  peak RSS {float(r['peak_mb']):7.0f} MB  "  # type: ignore[arg-type]
        f"{int(r['rows']):>11,} rows  {int(r['bytes']) / 2**20:6.0f} MiB"  # type: ignore[call-overload]
    )
    if generated:
        mean = sum(generated) / len(generated)
        print(
            f"{'':9} per chunk: {len(generated)} chunks, mean {mean:.2f} s,"
            f" min {min(generated):.2f} s, max {max(generated):.2f} s"
        )


def main(argv: list[str] | None = None) -> None:
    from goodcall.synth.generate import CHUNK_SIZE

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--format", default="parquet", choices=("parquet", "csv"))
    parser.add_argument("--chunk-size", type=int, default=CHUNK_SIZE)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.customers, args.seed, args.format, args.chunk_size)
        return
    baseline_n = max(args.customers // 10, 1_000)
    baseline = _run(baseline_n, args.seed, args.format, args.chunk_size)
    full = _run(args.customers, args.seed, args.format, args.chunk_size)
    print(f"synth → {args.format}, chunk {args.chunk_size:,} customers, seed {args.seed}")
    _report("baseline", baseline_n, baseline)
    _report("full", args.customers, full)
    ratio = (float(full["wall"]) / float(baseline["wall"])) / (args.customers / baseline_n)  # type: ignore[arg-type]
    memory = float(full["peak_mb"]) / float(baseline["peak_mb"])  # type: ignore[arg-type]
    print(f"scaling ratio (1.0 = linear): {ratio:.2f}; peak memory full/baseline: {memory:.2f}")
    goal = "met" if args.customers < 1_000_000 or float(full["wall"]) <= 60 else "MISSED"  # type: ignore[arg-type]
    print(f"goal 1,000,000 customers ≤ 60 s: {goal if args.customers >= 1_000_000 else 'n/a'}")


if __name__ == "__main__":
    main()
