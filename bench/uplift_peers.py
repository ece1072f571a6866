"""goodcall's uplift learners side by side with causalml's and scikit-uplift's, on the same rows.

    make bench-peers                                  # creates .venv-peers, runs the full suite
    .venv-peers/bin/python -m bench.uplift_peers [--quick] [--splits 10] [--sizes 5000,50000]
        [--benchmarks hillstrom,make,telco] [--learners "goodcall auto,causalml X (LightGBM)"]
        [--scale 1000000 [--scale-learners "goodcall auto,…"]] [--json out.json]
    .venv-peers/bin/python -m bench.uplift_peers --tables-from a.json b.json   # merge two runs

The peers are never a dependency of the package: they live in their own environment
(``bench/requirements-peers.txt``). Benchmarks (``bench.peers_data``): Hillstrom women's and
men's e-mail vs none, visit and conversion; causalml's ``make_uplift_classification`` at each
of ``--sizes``; a semi-synthetic retention call on the IBM Telco covariates. Each runs
``--splits`` random stratified 70/30 splits (seeds 0, 1, …); every learner fits on the same
training rows and ranks the same test rows.

Per learner and benchmark, mean ± standard error over the splits of: Qini AUC
(``sklift.metrics.qini_auc_score``), uplift at 10 % and 30 % (``uplift_at_k``, overall), the
share of the oracle's value when calling the top 30 % (sum of the true uplift of the 30 % ranked
highest over that of the truly best 30 %, where the truth is known), CPU seconds of the fit and
prediction (user + system, every thread) and the peak memory above the data (resident set). Then
the paired difference of each goodcall learner's Qini AUC (oracle share where known) to the best
peer's, with its standard error. Every fit runs in its own process (forked from a server started
before any thread), so its CPU time and peak memory are its own. ``--scale N`` times goodcall's
default against causalml's X-learner on one draw of ``make_uplift_classification`` with N rows.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import math
import multiprocessing
import os
import resource
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from bench import peers_data
from bench.peers_data import Draw
from bench.peers_learners import DUPLICATES, GOODCALL, PEERS, Learner

ALL: dict[str, Learner] = {**GOODCALL, **PEERS}
PRELOAD = (
    "bench.peers_learners",
    "goodcall.models.uplift.fit",
    "goodcall.models.uplift.baseline",
    "causalml.inference.meta",
    "causalml.inference.tree",
    "sklift.models",
    "sklift.metrics",
)
_CONTEXT: Any = None
PRIMARY_WITHOUT_TRUTH = "qini_auc"
PRIMARY_WITH_TRUTH = "oracle@30%"


def _vm(name: str) -> float:
    """A field of /proc/self/status in MB (VmRSS: now, VmHWM: peak)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(name + ":"):
                return float(line.split()[1]) / 1024.0
    return float("nan")


def _cpu() -> float:
    """User + system seconds of this process and of its children that have ended."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def _end_workers() -> None:
    """End joblib's worker processes (causalml's R-learner cross-fits in them whatever its
    settings), so that their CPU time is counted with the fit's."""
    from joblib.externals.loky import get_reusable_executor

    get_reusable_executor().shutdown(wait=True)


def _child(label: str, draw: Draw, conn: Any) -> None:
    try:
        baseline, started = _vm("VmRSS"), _cpu()
        uplift = ALL[label](draw)
        _end_workers()
        conn.send(("ok", uplift, _cpu() - started, _vm("VmHWM") - baseline))
    except BaseException:  # the parent reports any failure of a learner
        conn.send(("error", traceback.format_exc(), 0.0, 0.0))
    finally:
        conn.close()


def _context() -> Any:
    """A fork server started before any thread: Polars' and OpenMP's thread pools do not
    survive ``fork`` (a child forked from a process that used them can hang), while a fork of a
    single-threaded server with the libraries already imported is cheap."""
    global _CONTEXT
    if _CONTEXT is None:
        # the server is a new interpreter: without the repository on its path it would fail to
        # preload (silently) and every child would import the libraries again
        root = str(Path(__file__).resolve().parent.parent)
        paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
        os.environ["PYTHONPATH"] = os.pathsep.join([root, *paths])
        _CONTEXT = multiprocessing.get_context("forkserver")
        _CONTEXT.set_forkserver_preload(list(PRELOAD))
    return _CONTEXT


def run_isolated(label: str, draw: Draw) -> tuple[NDArray[np.float64], float, float]:
    """The learner's test-row uplift, CPU seconds and peak MB, measured in a child process."""
    ctx = _context()
    parent, child = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(label, draw, child))
    process.start()
    child.close()
    status, payload, cpu, mb = parent.recv()
    process.join()
    if status != "ok":
        raise RuntimeError(payload)
    return np.asarray(payload, dtype=np.float64), cpu, mb


def metrics(draw: Draw, uplift: NDArray[np.float64]) -> dict[str, float]:
    """Qini AUC, uplift at 10/30 % and the oracle share (when the truth is known)."""
    from sklift.metrics import qini_auc_score, uplift_at_k

    y, t = draw.outcome[draw.test], draw.treated[draw.test].astype(int)
    out = {
        "qini_auc": float(qini_auc_score(y, uplift, t)),
        "uplift@10%": float(uplift_at_k(y, uplift, t, strategy="overall", k=0.1)),
        "uplift@30%": float(uplift_at_k(y, uplift, t, strategy="overall", k=0.3)),
    }
    if draw.truth is not None:
        out["oracle@30%"] = oracle_share(draw.truth[draw.test], uplift, 0.3)
    return out


def oracle_share(truth: NDArray[np.float64], uplift: NDArray[np.float64], k: float) -> float:
    """True uplift of the top ``k`` by ``uplift`` over that of the top ``k`` by the truth."""
    n = max(1, round(truth.size * k))
    jitter = np.random.default_rng(0).random(truth.size) * 1e-12  # ties broken at random
    chosen = np.argsort(-(uplift + jitter), kind="stable")[:n]
    best = np.sort(truth)[::-1][:n]
    return float(truth[chosen].sum() / best.sum())


@dataclass
class Result:
    """Every split's figures of one learner on one benchmark."""

    figures: list[dict[str, float]] = field(default_factory=list)

    def values(self, key: str) -> NDArray[np.float64]:
        return np.asarray([f[key] for f in self.figures], dtype=np.float64)


def mean_se(values: NDArray[np.float64]) -> tuple[float, float]:
    se = float(values.std(ddof=1) / math.sqrt(values.size)) if values.size > 1 else float("nan")
    return float(values.mean()), se


def _fmt(values: NDArray[np.float64], digits: int = 4) -> str:
    mean, se = mean_se(values)
    return f"{mean:.{digits}f}" if math.isnan(se) else f"{mean:.{digits}f} ± {se:.{digits}f}"


def benchmarks(args: argparse.Namespace) -> dict[str, Callable[[], Callable[[int], Draw]]]:
    """Name → factory of the benchmark's draw function (built only when it runs)."""
    chosen = set(args.benchmarks.split(","))
    out: dict[str, Callable[[], Callable[[int], Draw]]] = {}
    if "hillstrom" in chosen:
        for arm in ("Womens E-Mail", "Mens E-Mail"):
            for outcome in ("visit", "conversion"):
                name = f"Hillstrom {arm.split()[0].lower()} {outcome}"
                out[name] = lambda a=arm, o=outcome: peers_data.hillstrom(a, o)
    if "make" in chosen:
        for size in (int(s) for s in args.sizes.split(",")):
            out[f"make_uplift_classification {size:,}"] = lambda s=size: (
                peers_data.make_classification(s)
            )
    if "telco" in chosen:
        out["Telco semi-synthetic retention call"] = peers_data.telco
    return out


def run_benchmark(
    name: str, draw_of: Callable[[int], Draw], learners: list[str], splits: int, first: int = 0
) -> dict[str, Result]:
    results = {label: Result() for label in learners}
    for seed in range(first, first + splits):
        draw = draw_of(seed)
        for label in learners:
            uplift, cpu, mb = run_isolated(label, draw)
            figures = metrics(draw, uplift) | {"cpu_s": cpu, "peak_mb": mb}
            results[label].figures.append(figures)
            print(f"  [{name} split {seed}] {label}: {figures}", file=sys.stderr, flush=True)
    return results


def print_table(name: str, results: dict[str, Result], splits: int) -> dict[str, Any]:
    """The benchmark's markdown table; returns its figures for ``--json``."""
    truth = "oracle@30%" in next(iter(results.values())).figures[0]
    primary = PRIMARY_WITH_TRUTH if truth else PRIMARY_WITHOUT_TRUTH
    peers = [label for label in results if label in PEERS]
    best_peer = max(peers, key=lambda p: results[p].values(primary).mean()) if peers else None
    keys = ["qini_auc", "uplift@10%", "uplift@30%", *(["oracle@30%"] if truth else [])]
    print(f"\n### {name} ({splits} splits; Δ = {primary} − best peer's, {best_peer})\n")
    header = ["learner", *keys, "CPU s", "peak MB", "Δ vs best peer"]
    print("| " + " | ".join(header) + " |")
    print("|---" + "|---:" * (len(header) - 1) + "|")
    figures: dict[str, Any] = {}
    for label, result in results.items():
        delta = ""
        if best_peer is not None and label not in PEERS:
            diff = result.values(primary) - results[best_peer].values(primary)
            mean, se = mean_se(diff)
            delta = f"{mean:+.4f} ± {se:.4f}"
        cells = [_fmt(result.values(k)) for k in keys]
        cells += [_fmt(result.values("cpu_s"), 2), _fmt(result.values("peak_mb"), 0), delta]
        print(f"| {label} | " + " | ".join(cells) + " |")
        figures[label] = result.figures
    return {"best_peer": best_peer, "primary": primary, "learners": figures}


def versions() -> dict[str, str]:
    out = {}
    for package in ("goodcall", "causalml", "scikit-uplift", "lightgbm", "scikit-learn", "numpy"):
        try:
            out[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            out[package] = "not installed"
    return out


SCALE_LEARNERS = "causalml X (LightGBM),goodcall auto"


def scale(rows: int, labels: str = SCALE_LEARNERS) -> None:
    """CPU time of goodcall's default (and any ``labels``) against causalml's X-learner on one
    ``rows``-row draw."""
    draw = peers_data.make_classification(rows)(0)
    print(f"\n### Fit time at {rows:,} rows (make_uplift_classification, one draw)\n")
    print("| learner | CPU s | peak MB | Qini AUC | ratio to causalml X |")
    print("|---|---:|---:|---:|---:|")
    timed = {}
    chosen = [s.strip() for s in labels.split(",")]
    for label in dict.fromkeys(["causalml X (LightGBM)", *chosen]):
        uplift, cpu, mb = run_isolated(label, draw)
        timed[label] = (cpu, mb, metrics(draw, uplift)["qini_auc"])
    base = timed["causalml X (LightGBM)"][0]
    for label, (cpu, mb, qini) in timed.items():
        print(f"| {label} | {cpu:.1f} | {mb:.0f} | {qini:.4f} | {cpu / base:.2f}× |")


def tables_from(paths: list[str]) -> None:
    """The tables of several ``--json`` runs printed as one: other learners on the same splits
    are added as rows, further splits (``--first-split``) of a learner extend its figures.
    Only the splits every learner of a benchmark ran are compared."""
    merged: dict[str, dict[str, Result]] = {}
    for path in paths:
        with open(path) as source:
            report = json.load(source)
        print(f"{path}: " + ", ".join(f"{k} {v}" for k, v in report["versions"].items()))
        for name, bench in report["benchmarks"].items():
            for label, figures in bench["learners"].items():
                merged.setdefault(name, {}).setdefault(label, Result()).figures.extend(figures)
    for name, results in merged.items():
        common = min(len(r.figures) for r in results.values())
        ordered = {
            k: Result(results[k].figures[:common])
            for k in sorted(results, key=lambda k: k in PEERS)
        }
        print_table(name, ordered, common)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--splits", type=int, default=10)
    parser.add_argument("--first-split", type=int, default=0, help="seed of the first split")
    parser.add_argument("--sizes", default="5000,20000,100000")
    parser.add_argument("--benchmarks", default="hillstrom,make,telco")
    parser.add_argument("--learners", default=None, help="comma-separated labels (default: all)")
    parser.add_argument("--quick", action="store_true", help="3 splits, sizes 5000,20000")
    parser.add_argument("--scale", type=int, default=0, help="also time both at N rows")
    parser.add_argument(
        "--scale-learners", default=SCALE_LEARNERS, help="learners timed by --scale"
    )
    parser.add_argument("--json", default=None, help="write every split's figures here")
    parser.add_argument(
        "--tables-from", nargs="+", default=None, help="print the tables of earlier --json files"
    )
    args = parser.parse_args(argv)
    if args.tables_from:
        tables_from(args.tables_from)
        return
    if args.quick:
        args.splits, args.sizes = 3, "5000,20000"
    learners = [label for label in ALL if label not in DUPLICATES]
    if args.learners:
        learners = [s.strip() for s in args.learners.split(",")]
        unknown = [w for w in learners if w not in ALL]
        if unknown:
            raise SystemExit(f"unknown learners {unknown}; known: {list(ALL)}")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    print("versions: " + ", ".join(f"{k} {v}" for k, v in versions().items()))
    print(f"splits: {args.splits}; CPU seconds are user + system time of fit and prediction")
    report: dict[str, Any] = {"versions": versions(), "splits": args.splits, "benchmarks": {}}
    for name, factory in benchmarks(args).items():
        results = run_benchmark(name, factory(), learners, args.splits, args.first_split)
        report["benchmarks"][name] = print_table(name, results, args.splits)
        sys.stdout.flush()
    if args.scale:
        scale(args.scale, args.scale_learners)
    if args.json:
        with open(args.json, "w") as out:
            json.dump(report, out, indent=1)


if __name__ == "__main__":
    main()
