"""Start-up of the command line: what every ``goodcall`` command pays before doing any work.

    .venv/bin/python -m bench.bench_startup [--repeat 15]

Measured in fresh interpreters, in the same run:

* ``python -X importtime -c 'import goodcall.cli'``: the import tree's total (the cumulative
  time of its top-level imports, as Python reports it) and the five costliest top-level imports;
* the wall time of ``python -c 'import goodcall.cli'``, of ``goodcall --help`` (the console
  entry point's own code, run as ``python -c``) and of the imports ``goodcall explain`` makes
  before it reads the store, median and worst of ``--repeat`` runs, and their CPU time;
* the baseline: ``python -c pass``, the interpreter's own start-up; every figure is also printed
  as a ratio to it.

The children get ``PYTHONPATH`` with this checkout's ``src`` first, so the code measured is the
code beside this file (``--src DIR``: another checkout's, e.g. to measure before and after).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
HELP = "import sys; sys.argv = ['goodcall', '--help']; from goodcall.cli import app; app()"
EXPLAIN = (
    "import goodcall.cli, goodcall.clock, goodcall.explain.build, goodcall.explain.decision, "
    "goodcall.explain.inputs"
)
"""What ``goodcall explain`` has imported when it starts reading the store (see its command)."""


SOURCES = [SRC]


def _env() -> dict[str, str]:
    rest = os.environ.get("PYTHONPATH", "")
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(SOURCES[0]), rest) if p)}


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _wall(code: str, repeat: int) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds (user + system) of ``repeat`` fresh runs of ``code``; the CPU time
    does not grow when other work shares the machine, the wall time does."""
    walls, cpus = [], []
    for _ in range(repeat):
        tick, cpu = time.perf_counter(), _cpu()
        subprocess.run([sys.executable, "-c", code], env=_env(), check=True, capture_output=True)
        walls.append(time.perf_counter() - tick)
        cpus.append(_cpu() - cpu)
    return walls, cpus


def _import_tree(code: str) -> tuple[float, list[tuple[float, str]]]:
    """Seconds of every top-level import of ``code`` (``-X importtime``), and the costliest
    imports one level below."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        env=_env(), check=True, capture_output=True, text=True,
    )  # fmt: skip
    top: list[tuple[float, str]] = []
    below: list[tuple[float, str]] = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "[us]" in line:
            continue
        _, cumulative, name = line.removeprefix("import time:").split("|")
        depth = (len(name) - len(name.lstrip(" ")) - 1) // 2
        (top if depth == 0 else below if depth == 1 else []).append(
            (int(cumulative) / 1e6, name.strip())
        )
    return sum(t for t, _ in top), sorted(below, reverse=True)[:6]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--src", type=Path, default=SRC, help="the goodcall sources to measure")
    args = parser.parse_args(argv)
    SOURCES[0] = args.src.resolve()
    print(f"goodcall from {SOURCES[0]}")

    bare = _wall("pass", args.repeat)
    base = statistics.median(bare[0])
    total, costliest = _import_tree("import goodcall.cli")
    bare_total, _ = _import_tree("pass")
    print(f"python -X importtime -c 'import goodcall.cli': {total * 1000:.0f} ms of imports "
          f"({total / bare_total:.1f}× the {bare_total * 1000:.0f} ms of 'pass')")  # fmt: skip
    for seconds, name in costliest:
        print(f"  {seconds * 1000:7.1f} ms  {name}")
    head = f"{args.repeat} runs each"
    print(f"{head:34s} {'wall median':>11s} {'worst':>7s} {'ratio':>6s} {'CPU median':>10s}")
    for label, code in (
        ("python -c pass", "pass"),
        ("python -c 'import goodcall.cli'", "import goodcall.cli"),
        ("goodcall --help", HELP),
        ("goodcall explain: its imports", EXPLAIN),
    ):
        walls, cpus = bare if code == "pass" else _wall(code, args.repeat)
        median = statistics.median(walls)
        print(
            f"{label:34s} {median * 1000:9.0f}ms {max(walls) * 1000:5.0f}ms "
            f"{median / base:5.1f}× {statistics.median(cpus) * 1000:8.0f}ms"
        )


if __name__ == "__main__":
    main()
