"""Briefs per second in batch, on one core, against a bare Jinja2 render in the same run.

    .venv/bin/python -m bench.bench_brief --n 20000

Customers: the five example customers (French vous and tu, English, a four-line family, a recent
complaint) repeated under new ids, evaluated once by the real catalog engine (not timed). Timed:
``render_briefs`` over all contacts, text then HTML — everything from the profile frame to the
rendered strings. Baseline: the text layout alone rendered N times from one prepared document (no
facts, no wording, no formatting), i.e. the floor any Jinja2-based renderer pays.
"""

from __future__ import annotations

import os

os.environ.setdefault("POLARS_MAX_THREADS", "1")

import argparse  # noqa: E402
import resource  # noqa: E402
import time  # noqa: E402

import polars as pl  # noqa: E402

from goodcall.brief.batch import render_briefs  # noqa: E402
from goodcall.brief.build import build_brief  # noqa: E402
from goodcall.brief.examples import AT, EXAMPLES, example_tables  # noqa: E402
from goodcall.brief.render import brief_document, layout  # noqa: E402
from goodcall.catalog.compile import compile_catalog  # noqa: E402
from goodcall.catalog.engine import evaluate_offers  # noqa: E402
from goodcall.catalog.loader import load_catalog  # noqa: E402
from goodcall.profiles.build import build_profiles  # noqa: E402


def _population(n: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Profiles and contacts: the example customers repeated to ``n`` under new ids."""
    base = build_profiles(example_tables(), AT).collect()
    offers = {e.customer_id: e.offer_id for e in EXAMPLES}
    base = base.with_columns(pl.col("customer_id").replace_strict(offers).alias("_offer"))
    reps = -(-n // base.height)
    frame = (
        pl.concat([base] * reps)
        .head(n)
        .with_columns(
            (pl.lit("C-BENCH-") + pl.int_range(pl.len()).cast(pl.String)).alias("customer_id")
        )
    )
    contacts = frame.select(
        "customer_id", pl.col("_offer").alias("offer_id"), pl.lit("phone").alias("channel")
    )
    return frame.drop("_offer"), contacts


def _time(label: str, n: int, run: object) -> float:
    start = time.perf_counter()
    run()  # type: ignore[operator]
    seconds = time.perf_counter() - start
    print(f"{label:<34} {seconds:8.3f} s   {n / seconds:10,.0f} briefs/s")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=20000, help="number of briefs")
    args = parser.parse_args()
    n = args.n

    catalog = load_catalog()
    profiles, contacts = _population(n)
    evaluated = evaluate_offers(profiles.lazy(), compile_catalog(catalog), AT).collect()
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

    ex = EXAMPLES[0]
    one = profiles.row(0, named=True)
    rows = evaluated.filter(pl.col("customer_id") == one["customer_id"]).to_dicts()
    doc = brief_document(build_brief(one, ex.offer_id, "phone", catalog, rows, AT))
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
