"""Uplift learners on Hillstrom and on 1,000,000 simulated contacts, against the logistic baseline.

    .venv/bin/python -m bench.bench_uplift [--rows 1000000] [--splits 10] [--skip-hillstrom]

(a) **Hillstrom** (``../shared/data/hillstrom/hillstrom.csv`` beside the repository):
women's e-mail vs no e-mail and men's e-mail vs no e-mail, outcomes visit and conversion. On the
50/50 split of seed 0: Qini coefficient, AUUC and uplift@30 % of every candidate learner, of
``auto``'s choice and of the two-model logistic baseline, all fitted on the same half (published
reference: uplift@30 % = 0.066 for women vs no e-mail, visit). Then over ``--splits`` seeds:
mean difference of Qini coefficients ``auto − baseline`` with its standard error, and wins.

(b) **Training at scale**: ``--rows`` simulated contacts (``goodcall.models.uplift.simulate``,
30 features: 6 informative plus 18 numeric and 6 categorical noise columns of 3 to 38 levels),
``fit_uplift(method="auto")`` against ``fit_logistic_baseline`` on the same rows. Each fit runs
in its own process, so that its peak resident memory is its own; data generation is not timed.
Prints wall time, peak memory (and the memory of the data alone), the time ratio, and the
held-out Qini and correlation with the true uplift on 100,000 fresh rows. Target: ≤ 120 s.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

import numpy as np

from bench.shared_data import shared_data

HILLSTROM = shared_data("hillstrom", "hillstrom.csv")
COMPARISONS = (
    ("Womens E-Mail", "visit"),
    ("Mens E-Mail", "visit"),
    ("Womens E-Mail", "conversion"),
    ("Mens E-Mail", "conversion"),
)
TEST_ROWS = 100_000


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _hillstrom(splits: int) -> None:
    from goodcall.models.uplift.evaluation import evaluate_uplift
    from goodcall.models.uplift.tabular import GroupValue, prepare_uplift_table, read_table

    frame = read_table(HILLSTROM)
    for arm, outcome in COMPARISONS:
        table = prepare_uplift_table(
            frame,
            treatment=GroupValue("segment", arm),
            control=GroupValue("segment", "No E-Mail"),
            outcome=outcome,
            exclude=[o for o in ("visit", "conversion", "spend") if o != outcome],
        )
        started = time.perf_counter()
        reports = [
            evaluate_uplift(table.features, table.treated, table.outcome, seed=seed)
            for seed in range(splits)
        ]
        first = reports[0]
        seconds = time.perf_counter() - started
        print(f"\n## Hillstrom: {arm} vs No E-Mail, outcome {outcome} ({seconds:.0f} s)")
        print(f"split seed 0: {first.rows_train:,} training rows, {first.rows_test:,} held out")
        print(
            f"{'learner':<16}{'Qini':>9}{'ratio':>7}{'AUUC':>9}{'ratio':>7}{'u@30%':>9}{'ratio':>7}"
        )
        for learner in first.learners:
            cells = []
            for metric, value in (
                ("qini_coefficient", learner.qini_coefficient),
                ("auuc", learner.auuc),
                ("uplift@30%", learner.uplift_at["uplift@30%"]),
            ):
                ratio = first.ratio(learner, metric)
                cells.append(f"{value:>9.4f}{'' if ratio is None else f'{ratio:>6.2f}x'}")
            print(f"{learner.name:<16}{''.join(c.ljust(16) for c in cells)}")
        gains = np.array([r.auto.qini_coefficient - r.baseline.qini_coefficient for r in reports])
        chosen = ", ".join(r.chosen for r in reports)
        spread = gains.std(ddof=1) / np.sqrt(gains.size) if gains.size > 1 else float("nan")
        print(
            f"over {splits} splits: Qini auto − baseline = {gains.mean():+.4f} ± {spread:.4f} "
            f"(SE), auto ahead on {int((gains > 0).sum())}/{splits}; chosen: {chosen}"
        )


def _measure(kind: str, rows: int, seed: int) -> None:
    """Child process: generate, fit one learner, print a JSON line."""
    from goodcall.models.metrics import qini_coefficient
    from goodcall.models.uplift import fit_logistic_baseline, fit_uplift
    from goodcall.models.uplift.simulate import simulate_experiment

    train = simulate_experiment(rows, seed=seed, noise_numeric=18, noise_categorical=6)
    test = simulate_experiment(TEST_ROWS, seed=seed + 1, noise_numeric=18, noise_categorical=6)
    data_mb = _peak_mb()
    started = time.perf_counter()
    if kind == "ours":
        model = fit_uplift(train.features, train.treated, train.outcome, seed=seed)
        label = f"{model.metadata.method}:{model.metadata.effect_leaves}"
        predicted = model.predict(test.features)
    else:
        baseline = fit_logistic_baseline(train.features, train.treated, train.outcome, seed=seed)
        label = "two logistic regressions"
        predicted = baseline.predict(test.features)
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "kind": kind,
                "learner": label,
                "seconds": seconds,
                "peak_mb": _peak_mb(),
                "data_mb": data_mb,
                "qini": qini_coefficient(test.outcome, predicted, test.treated),
                "correlation": float(np.corrcoef(predicted, test.true_uplift)[0, 1]),
                "features": train.features.width,
            }
        )
    )


def _scale(rows: int, seed: int) -> None:
    print(f"\n## Training on {rows:,} simulated contacts (load {os.getloadavg()[0]:.1f})")
    results = {}
    for kind in ("ours", "baseline"):
        child = subprocess.run(
            [sys.executable, "-m", "bench.bench_uplift", "--measure", kind, "--rows", str(rows),
             "--seed", str(seed)],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        results[kind] = json.loads(child.stdout.strip().splitlines()[-1])
        r = results[kind]
        print(
            f"{kind:<9} {r['learner']:<26} {r['seconds']:7.1f} s  peak {r['peak_mb']:7.0f} MB "
            f"(data alone {r['data_mb']:.0f} MB)  held-out Qini {r['qini']:.4f}  "
            f"corr. with true uplift {r['correlation']:.3f}  ({r['features']} features)"
        )
    ours, base = results["ours"], results["baseline"]
    print(
        f"ratio ours/baseline: time {ours['seconds'] / base['seconds']:.2f}x, peak memory "
        f"{ours['peak_mb'] / base['peak_mb']:.2f}x; target ≤ 120 s: "
        f"{'met' if ours['seconds'] <= 120 else 'NOT met'}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=1_000_000, help="simulated contacts")
    parser.add_argument("--splits", type=int, default=3, help="Hillstrom splits to average")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-hillstrom", action="store_true")
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--measure", choices=("ours", "baseline"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        _measure(args.measure, args.rows, args.seed)
        return
    if not args.skip_hillstrom:
        if HILLSTROM.is_file():
            _hillstrom(args.splits)
        else:
            print(f"Hillstrom data not found at {HILLSTROM}: part (a) skipped")
    if not args.skip_scale:
        _scale(args.rows, args.seed)


if __name__ == "__main__":
    main()
