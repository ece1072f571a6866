"""Training a model set on a million contact records, against the two-model logistic baseline.

    .venv/bin/python -m bench.bench_training --contacts 1000000 [--method t]

Data: a synthetic carrier large enough to hold ``--contacts`` historical contacts with an offer
(about two per customer over 18 months), generated in memory (not timed). Timed, one after the
other:

1. **rows** — the contact history turned into training rows (profiles as of each campaign,
   features, hot-deck repair of changed device/plan state);
2. **response** — the model the decisions use: the reach-decomposed one when the history
   records reach (the synthetic carrier's does); else the pooled uplift model (``--method``: t by
   default, auto tries T, X and class transformation and keeps the best held-out Qini) plus up to
   three specialised segments;
3. **annoyance** — calibrated P(annoy | contacted);
4. **baseline** — ``fit_logistic_baseline`` (two logistic regressions) on the same rows and
   features, the reference for the ratio.

Prints wall time per step, total, peak resident memory, held-out Qini of both models, and the
ratio of our uplift fit time to the baseline's. Target: rows + response + annoyance ≤ 120 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import resource
import time

import polars as pl

from goodcall.catalog.loader import load_catalog
from goodcall.models.annoyance import fit_annoyance
from goodcall.models.inputs import FEATURE_COLUMNS, offer_table
from goodcall.models.metrics import qini_coefficient
from goodcall.models.response import fit_response
from goodcall.models.rows import holdout_mask, training_rows
from goodcall.models.uplift import fit_logistic_baseline
from goodcall.synth.generate import carrier_tables

CONTACTS_PER_CUSTOMER = 2.0
AT = dt.datetime(2026, 11, 20, 14, 0, tzinfo=dt.UTC)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--method", default="t", choices=("auto", "t", "x", "ct"))
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    customers = math.ceil(args.contacts / CONTACTS_PER_CUSTOMER)
    started = time.perf_counter()
    tables = {k: v.lazy() for k, v in carrier_tables(customers, args.seed).items()}
    offers = offer_table(load_catalog().offers)
    print(f"carrier: {customers:,} customers generated in {time.perf_counter() - started:.1f} s")

    timings: dict[str, float] = {}
    tick = time.perf_counter()
    rows = training_rows(tables, AT, offers)
    if rows.height > args.contacts:
        rows = rows.sample(args.contacts, seed=args.seed).sort("campaign_id", "customer_id", "at")
    timings["rows"] = time.perf_counter() - tick
    print(f"training rows: {rows.height:,} contacts ({int(rows['treated'].sum()):,} treated)")

    tick = time.perf_counter()
    response = fit_response(rows, method=args.method, seed=args.seed)
    timings["response"] = time.perf_counter() - tick
    tick = time.perf_counter()
    annoyance = fit_annoyance(rows, seed=args.seed)
    timings["annoyance"] = time.perf_counter() - tick

    held = pl.Series(holdout_mask(rows["customer_id"]))
    train, test = rows.filter(~held), rows.filter(held)
    tick = time.perf_counter()
    baseline = fit_logistic_baseline(
        train.select(FEATURE_COLUMNS),
        train["treated"].to_numpy(),
        train["converted"].to_numpy(),
        feature_columns=list(FEATURE_COLUMNS),
    )
    timings["baseline"] = time.perf_counter() - tick
    baseline_qini = qini_coefficient(
        test["converted"].to_numpy(),
        baseline.predict(test.select(FEATURE_COLUMNS)),
        test["treated"].to_numpy(),
    )

    ours = timings["rows"] + timings["response"] + timings["annoyance"]
    print(
        f"rows {timings['rows']:.1f} s | response ({response.report.model_name}, "
        f"{len(response.segments)} segments) {timings['response']:.1f} s | annoyance "
        f"{timings['annoyance']:.1f} s | total {ours:.1f} s (target ≤ 120 s: "
        f"{'met' if ours <= 120 else 'NOT met'})"
    )
    print(
        f"baseline two-model logistic: {timings['baseline']:.1f} s; uplift fit / baseline fit = "
        f"{timings['response'] / timings['baseline']:.2f}"
    )
    qini = response.report.scores.qini
    print(
        f"held-out Qini: {response.report.model_name} "
        f"{qini if qini is not None else float('nan'):.4f} (used by the decisions), "
        f"baseline {baseline_qini:.4f}; "
        f"annoyance AUC {annoyance.report.auc}, ECE {annoyance.report.ece:.5f}"
    )
    print(f"peak memory {_peak_mb():,.0f} MB")


if __name__ == "__main__":
    main()
