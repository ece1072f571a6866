"""Briefs per second in batch, on one core, against a bare Jinja2 render in the same run.

    .venv/bin/python -m bench.bench_brief --n 5000

Customers: the synthetic carrier (``goodcall.synth.generate.carrier_tables``: Canadian mixes of
languages, registers, devices, plans, histories), evaluated once by the real catalog engine (not
timed); each callable customer is briefed for their highest-value eligible phone offer. Timed:
``render_briefs`` over all contacts, in text, HTML and JSON — everything from the profile frame
to the rendered strings. Baseline: the text layout alone rendered N times from one prepared
document (no facts, no wording, no formatting), i.e. the floor any Jinja2-based renderer pays.

Polars runs on one thread (``POLARS_MAX_THREADS=1``, set before Polars is imported). The machine
may be shared, so every figure is the median of ``--repeat`` runs, CPU time beside wall time.
Before each run the caches of formatted values are emptied, so a run pays for its own
formatting as a fresh campaign would; compiled templates stay, as in a running service.
"""

from __future__ import annotations

import os

os.environ["POLARS_MAX_THREADS"] = "1"

import argparse
import resource
import statistics
import time
from collections.abc import Callable

import polars as pl

from goodcall.brief.batch import render_briefs
from goodcall.brief.build import build_brief
from goodcall.brief.examples import AT
from goodcall.brief.render import FORMATS, brief_document, clear_caches, layout
from goodcall.catalog.compile import compile_catalog
from goodcall.catalog.engine import evaluate_offers
from goodcall.catalog.loader import load_catalog
from goodcall.catalog.model import Catalog
from goodcall.profiles.build import build_profiles
from goodcall.synth.generate import carrier_tables

GOAL = 5000
"""Briefs per second of CPU, text, on one core."""


def _population(n: int, catalog: Catalog) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Profiles, engine rows and contacts for ``n`` synthetic customers (not timed).

    Each customer who may be called is briefed for the highest-value offer the rules leave
    eligible on the phone (the CLI's stand-in rule), as a campaign would brief decided contacts.
    """
    tables = {name: frame.lazy() for name, frame in carrier_tables(n, seed=11).items()}
    profiles = build_profiles(tables, AT).collect()
    evaluated = evaluate_offers(profiles.lazy(), compile_catalog(catalog), AT).collect()
    values = pl.DataFrame(
        {
            "offer_id": [o.id for o in catalog.offers],
            "_value": [o.value for o in catalog.offers],
            "_phone": ["phone" in o.channels for o in catalog.offers],
        }
    )
    contacts = (
        evaluated.filter("eligible")
        .join(values, on="offer_id")
        .filter("_phone")
        .join(profiles.filter(~pl.col("internal_dnc")).select("customer_id"), on="customer_id")
        .sort(["customer_id", "_value"], descending=[False, True])
        .group_by("customer_id", maintain_order=True)
        .first()
        .select("customer_id", "offer_id", pl.lit("phone").alias("channel"))
    )
    return profiles, evaluated, contacts


def _median_times(run: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median wall and CPU seconds of ``repeat`` runs (formatting caches emptied before each)."""
    walls, cpus = [], []
    for _ in range(repeat):
        clear_caches()
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def _line(label: str, n: int, wall: float, cpu: float) -> str:
    return f"{label:<30} wall {wall:7.3f} s {n / wall:8,.0f}/s   cpu {cpu:7.3f} s {n / cpu:8,.0f}/s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=5000, help="synthetic customers")
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure (median)")
    args = parser.parse_args()

    catalog = load_catalog()
    profiles, evaluated, contacts = _population(args.n, catalog)
    n = contacts.height
    print(
        f"{n:,} contacts, {evaluated.height:,} engine rows, POLARS_MAX_THREADS="
        f"{os.environ['POLARS_MAX_THREADS']}, median of {args.repeat} runs"
    )

    # warm-up: compile templates and language modules (as a long-running service would)
    for fmt in FORMATS:
        render_briefs(contacts.head(50), profiles, evaluated, catalog, AT, fmt)

    cpu_of: dict[str, float] = {}
    for fmt in FORMATS:
        wall, cpu = _median_times(
            lambda fmt=fmt: render_briefs(contacts, profiles, evaluated, catalog, AT, fmt),  # type: ignore[misc]
            args.repeat,
        )
        cpu_of[fmt] = cpu
        print(_line(f"render_briefs {fmt}", n, wall, cpu))

    cid, offer_id, _ = contacts.row(0)
    one = profiles.filter(pl.col("customer_id") == cid).row(0, named=True)
    rows = evaluated.filter(pl.col("customer_id") == cid).to_dicts()
    doc = brief_document(build_brief(one, offer_id, "phone", catalog, rows, AT))
    template = layout("text")
    base_wall, base_cpu = _median_times(
        lambda: [template.render(d=doc) for _ in range(n)], args.repeat
    )
    print(_line("baseline: bare Jinja2 layout", n, base_wall, base_cpu))

    ratios = "   ".join(f"{fmt} / baseline: {cpu_of[fmt] / base_cpu:5.1f}x" for fmt in FORMATS)
    print(f"CPU ratio {ratios}")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (RSS): {peak_mb:,.0f} MB")
    rate = n / cpu_of["text"]
    verdict = "meets" if rate >= GOAL else "misses"
    print(f"goal ≥ {GOAL:,} text briefs/s of CPU on one core: {verdict} ({rate:,.0f}/s)")


if __name__ == "__main__":
    main()
