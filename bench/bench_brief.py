"""Briefs per second in batch, on one core, against a bare Jinja2 render in the same run.

    .venv/bin/python -m bench.bench_brief --n 20000

Customers: the synthetic carrier (``goodcall.synth.generate.carrier_tables``: Canadian mixes of
languages, registers, devices, plans, histories), evaluated once by the real catalog engine (not
timed); each callable customer is briefed for their highest-value eligible phone offer. Timed:
``render_briefs`` over all contacts, text then HTML — everything from the profile frame to the
rendered strings. Baseline: the text layout alone rendered N times from one prepared document (no
facts, no wording, no formatting), i.e. the floor any Jinja2-based renderer pays.
"""

from __future__ import annotations

import os

os.environ.setdefault("POLARS_MAX_THREADS", "1")

import argparse
import resource
import time
from collections.abc import Callable

import polars as pl

from goodcall.brief.batch import render_briefs
from goodcall.brief.build import build_brief
from goodcall.brief.examples import AT
from goodcall.brief.render import brief_document, layout
from goodcall.catalog.compile import compile_catalog
from goodcall.catalog.engine import evaluate_offers
from goodcall.catalog.loader import load_catalog
from goodcall.catalog.model import Catalog
from goodcall.profiles.build import build_profiles
from goodcall.synth.generate import carrier_tables


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


def _time(label: str, n: int, run: Callable[[], object]) -> float:
    """Wall time of ``run``; CPU time beside it, since the machine may be shared."""
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{label:<30} wall {wall:7.3f} s {n / wall:8,.0f}/s   cpu {cpu:7.3f} s {n / cpu:8,.0f}/s")
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=20000, help="number of briefs")
    args = parser.parse_args()
    n = args.n

    catalog = load_catalog()
    profiles, evaluated, contacts = _population(n, catalog)
    n = contacts.height
    print(
        f"{n:,} contacts, {evaluated.height:,} engine rows, POLARS_MAX_THREADS="
        f"{os.environ['POLARS_MAX_THREADS']}"
    )

    # warm-up: compile templates, fill formatting caches (as a long-running service would)
    render_briefs(contacts.head(50), profiles, evaluated, catalog, AT, "text")
    render_briefs(contacts.head(50), profiles, evaluated, catalog, AT, "html")

    text_s = _time(
        "render_briefs text",
        n,
        lambda: render_briefs(contacts, profiles, evaluated, catalog, AT, "text"),
    )
    html_s = _time(
        "render_briefs html",
        n,
        lambda: render_briefs(contacts, profiles, evaluated, catalog, AT, "html"),
    )

    cid, offer_id, _ = contacts.row(0)
    one = profiles.filter(pl.col("customer_id") == cid).row(0, named=True)
    rows = evaluated.filter(pl.col("customer_id") == cid).to_dicts()
    doc = brief_document(build_brief(one, offer_id, "phone", catalog, rows, AT))
    template = layout("text")
    base_s = _time(
        "baseline: bare Jinja2 layout", n, lambda: [template.render(d=doc) for _ in range(n)]
    )

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"ratio text / baseline: {text_s / base_s:5.1f}x   html / baseline: {html_s / base_s:5.1f}x"
    )
    print(f"peak memory (RSS): {peak_mb:,.0f} MB")
    goal = 5000
    verdict = "meets" if n / max(text_s, html_s) >= goal else "misses"
    print(f"goal ≥ {goal:,} briefs/s on one core: {verdict}")


if __name__ == "__main__":
    main()
