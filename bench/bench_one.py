"""One customer, warm: the prepared decider, the keyed profile read and the brief, per call.

    .venv/bin/python -m bench.bench_one [--customers 2000] [--calls 1000] [--postgres [URL]]
        [--reads-only]

Set-up (not timed): a synthetic carrier of ``--customers`` imported into a SQLite store; a model
set trained on its history; a campaign (calls capped at 1 % of the customers, cheap calls)
decided in batch,
whose prices prepare a :class:`goodcall.decide.PreparedDecider`; a
:class:`goodcall.store.keyed.ProfileReader` on the store. Each figure is over ``--calls`` warm
calls cycling through the customers (median and p99 of wall and CPU seconds):

* ``decide_one`` — one in-memory profile row decided by the core (the batch's row at its
  prices); then the share of each stage of the core (``decide``'s own stage clock);
* ``decide, 10 / 100 at once`` — a micro-batch in one call, per customer;
* ``keyed profile read`` — one customer's profile from the store by id (the row fold), then
  the same read through the batch's frames (the read before the row fold), back to back, and
  their CPU ratio; with ``--postgres URL`` the same two on that PostgreSQL database too (the
  carrier imported into a new schema, dropped after: :mod:`bench.keyed_reads`);
  ``--reads-only`` prints these lines only (no model set, no decisions);
* ``read + decide`` — both;
* ``service, profile kept`` — what ``POST /v1/decisions`` runs in process for one request:
  the profile from the service's kept profiles (:class:`goodcall.api.profiles.ProfileSource`,
  a settled moment) and the explain-shaped decision (value parts, next call) of
  :func:`goodcall.explain.decision.decide_customers`; ``service, 32 asks`` — a micro-batch of
  32 requests of different customers read from the store and decided in one call (per request);
* ``brief`` — the call brief of a decided contact (facts, wording, text layout) from its
  profile and engine rows (when the batch decides no phone call at these prices, each callable
  customer's first eligible phone offer stands in); the facts alone; the same contact briefed
  as a batch of one (``render_briefs``, the batch path); and the bare text layout rendering a
  prepared document;
* ``decide_one`` by stage — the core's own stage clock (wall), then each stage function's CPU
  time per call (:mod:`bench.one_stages`); then the Polars queries it runs and their CPU, by
  module, and the floor of one Polars operation (:mod:`bench.one_ops`);
* baseline — a bare LightGBM prediction (``Booster.predict`` of every booster of the response
  model) of the same customer's candidate rows, already encoded: the floor of any decision
  that scores its candidates with these models. Every figure is printed as a ratio to it.

Polars runs on one thread (``POLARS_MAX_THREADS=1``, set before Polars is imported), as a
service worker would. The machine may be shared: CPU time is printed beside wall time.
"""

from __future__ import annotations

import os

os.environ["POLARS_MAX_THREADS"] = "1"

import argparse
import datetime as dt
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import polars as pl

from bench.keyed_reads import postgres_store, print_reads
from bench.one_ops import floor_lines, query_clock, query_lines
from bench.one_stages import stage_clock, stage_lines
from goodcall.api.profiles import ProfileSource
from goodcall.brief.batch import render_briefs
from goodcall.brief.build import build_brief
from goodcall.brief.render import brief_document, layout, render_text
from goodcall.catalog.compile import compile_catalog
from goodcall.catalog.engine import evaluate_offers
from goodcall.catalog.loader import load_catalog
from goodcall.catalog.model import Catalog
from goodcall.decide import CampaignConfig, PreparedDecider, candidate_table, decide
from goodcall.explain.decision import Decider, decide_customers
from goodcall.explain.inputs import Rules
from goodcall.models.inputs import FEATURE_COLUMNS, candidate_features, offer_table
from goodcall.models.registry import ModelSet, train_model_set
from goodcall.models.rows import training_rows
from goodcall.policy.loader import load_policies
from goodcall.store.importer import import_directory
from goodcall.store.keyed import ProfileReader
from goodcall.store.reader import load_profiles, load_tables
from goodcall.synth.generate import write_carrier

AT = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)
c = pl.col
CHEAP = {"phone": 0.5, "sms": 0.05, "email": 0.01, "app": 0.0}
"""Calls cheap enough that the small carrier's models find some worth making (briefs need
phone contacts)."""


def _times(run: Callable[[int], object], calls: int) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds of ``calls`` calls of ``run(k)``, after 20 warm-up calls."""
    for k in range(20):
        run(k)
    walls, cpus = [], []
    for k in range(calls):
        wall, cpu = time.perf_counter(), time.process_time()
        run(k)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return walls, cpus


def _p99(values: Sequence[float]) -> float:
    return sorted(values)[min(len(values) - 1, int(0.99 * len(values)))]


def _row(label: str, walls: Sequence[float], cpus: Sequence[float], base: float | None) -> None:
    median = statistics.median(walls)
    ratio = f"{median / base:8.0f}×" if base else ""
    print(
        f"{label:26s} {median * 1000:9.2f} {_p99(walls) * 1000:9.2f} "
        f"{statistics.median(cpus) * 1000:9.2f} {_p99(cpus) * 1000:9.2f} {ratio}"
    )


HEAD = f"{'per call, ms':26s} {'median':>9s} {'p99':>9s} {'CPU med':>9s} {'CPU p99':>9s}"
LOCAL_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _reads(
    args: argparse.Namespace, url: str, carrier: Path, ids: list[str], base: float | None
) -> None:
    """The keyed read's lines (:mod:`bench.keyed_reads`), SQLite then PostgreSQL if asked."""
    print_reads(url, ids, AT, args.calls, _times, _row, base, "SQLite")
    if args.postgres:
        with postgres_store(args.postgres, carrier) as pg_url:
            print_reads(pg_url, ids, AT, args.calls, _times, _row, base, "PostgreSQL")


def _boosters(models: ModelSet) -> list[tuple[Any, Any]]:
    """(encoder, booster) of every booster the response model predicts with."""
    response = models.response
    if response is None:
        raise SystemExit("the model set has no response model: use more --customers")
    if response.reach is not None:
        return [(part.encoder, part.booster) for part in response.reach.parts.values()]
    assert response.pooled is not None
    return [(response.pooled.encoder, b) for b in response.pooled.boosters.values()]


def _encoded(decider: PreparedDecider, profiles: pl.DataFrame, ids: list[str]) -> list[Any]:
    """Per customer of ``ids``: each booster's encoded matrix of their candidate rows."""
    compiled = decider.compiled
    items = candidate_table(
        profiles.lazy(), catalog=compiled.catalog, compiled=compiled,
        policies=decider.policies, at=AT, config=decider.config,
    ).items  # fmt: skip
    features = candidate_features(
        items.lazy().with_columns(pl.lit(AT).alias("_as_of")), offer_table(compiled.catalog.offers)
    ).collect()
    boosters = _boosters(decider.models)
    matrices = []
    for cid in ids:
        mine = features.filter(c("customer_id") == cid).select(FEATURE_COLUMNS)
        matrices.append([(enc.transform(mine), booster) for enc, booster in boosters])
    return matrices


def _deciding(decider: PreparedDecider, groups: list[pl.DataFrame]) -> Callable[[int], object]:
    return lambda k: decider.decide(groups[k % len(groups)], AT)


def _stages(decider: PreparedDecider, profiles: pl.DataFrame, calls: int) -> str:
    """Each stage's share of ``decide`` on one row (its own stage clock)."""
    totals: dict[str, float] = {}
    for k in range(calls):
        decide(
            profiles.slice(k % profiles.height, 1).lazy(), catalog=decider.compiled.catalog,
            compiled=decider.compiled, policies=decider.policies, models=decider.models, at=AT,
            config=decider.config, timings=totals,
        )  # fmt: skip
    return ", ".join(f"{name} {seconds / calls * 1000:.1f} ms" for name, seconds in totals.items())


def _eligible_phone(
    evaluated: pl.DataFrame, catalog: Catalog, profiles: pl.DataFrame
) -> pl.DataFrame:
    """Stand-in contacts when the batch decides no phone call: each callable customer's first
    eligible phone offer in the catalog's order, on the line the engine judged it on."""
    phone = [o.id for o in catalog.offers if "phone" in o.channels]
    callable_ = profiles.filter(~c("internal_dnc").fill_null(False)).select("customer_id")
    return (
        evaluated.filter(c("eligible"), c("offer_id").is_in(phone))
        .join(callable_, on="customer_id")
        .group_by("customer_id", maintain_order=True)
        .first()
    )


Briefed = tuple[dict[str, Any], str, pl.DataFrame, str | None]


def _briefs(
    briefs: list[Briefed], catalog: Catalog, profiles: pl.DataFrame, calls: int, base: float
) -> None:
    """The brief of one decided contact: facts and text (the one-customer path), the facts
    alone, the same contact as a batch of one (the batch path, what a brief cost before it
    had a row path), and the bare text layout rendering a prepared document (the floor)."""

    def brief(k: int) -> str:
        profile, offer_id, engine_rows, line_id = briefs[k % len(briefs)]
        made = build_brief(profile, offer_id, "phone", catalog, engine_rows, AT, line_id=line_id)
        return render_text(made)

    def facts(k: int) -> object:
        profile, offer_id, engine_rows, line_id = briefs[k % len(briefs)]
        return build_brief(profile, offer_id, "phone", catalog, engine_rows, AT, line_id=line_id)

    framed = [
        (
            pl.DataFrame(
                {"customer_id": [p["customer_id"]], "offer_id": [o], "channel": ["phone"],
                 "line_id": [line]},
                schema={n: pl.String() for n in ("customer_id", "offer_id", "channel", "line_id")},
            ),
            profiles.filter(c("customer_id") == p["customer_id"]),
            rows,
        )
        for p, o, rows, line in briefs
    ]  # fmt: skip

    def batch_of_one(k: int) -> object:
        contact, profile, rows = framed[k % len(framed)]
        return render_briefs(contact, profile, rows, catalog, AT, "text")

    documents = [brief_document(facts(k)) for k in range(len(briefs))]
    template = layout("text")
    times = {
        "brief (text)": _times(brief, calls),
        "brief facts (build_brief)": _times(facts, calls),
        "brief, batch of one": _times(batch_of_one, max(20, calls // 10)),
        "bare text layout": _times(
            lambda k: template.render(d=documents[k % len(documents)]), calls
        ),
    }
    for label, (walls, cpus) in times.items():
        _row(label, walls, cpus, base)
    cpu = {label: statistics.median(cpus) for label, (_, cpus) in times.items()}
    print(
        f"brief CPU median: {cpu['brief, batch of one'] / cpu['brief (text)']:.0f}× less than the "
        f"batch of one, {cpu['brief (text)'] / cpu['bare text layout']:.0f}× the bare layout"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--calls", type=int, default=1000, help="warm calls per figure")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument(
        "--postgres", nargs="?", const=LOCAL_PG, default=None, metavar="URL",
        help=f"also time the keyed read on this PostgreSQL database (default {LOCAL_PG})",
    )  # fmt: skip
    parser.add_argument("--reads-only", action="store_true", help="only the keyed read's lines")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'store.db'}"
        write_carrier(Path(tmp) / "carrier", args.customers, args.seed)
        assert import_directory(Path(tmp) / "carrier", url).landed
        if args.reads_only:
            ids = load_profiles(AT, url).collect()["customer_id"].to_list()
            print(f"{len(ids):,} customers; {args.calls:,} warm calls per figure\n{HEAD}")
            _reads(args, url, Path(tmp) / "carrier", ids, None)
            return
        tables, profiles = load_tables(url), load_profiles(AT, url).collect()
        catalog = load_catalog()
        compiled, policies = compile_catalog(catalog), load_policies()
        rows = training_rows(tables, AT, offer_table(catalog.offers))
        models = train_model_set(rows, list(catalog.offers), cutoff=AT, trained_at=AT, method="t")
        config = CampaignConfig(
            campaign_id="ONE", calls_per_day=max(1, args.customers // 100), contact_cost=CHEAP
        )
        batch = decide(
            profiles.lazy(), catalog=catalog, compiled=compiled, policies=policies,
            models=models, at=AT, config=config,
        )  # fmt: skip
        decider = PreparedDecider.prepare(
            compiled=compiled, policies=policies, models=models, config=config,
            prices=batch.plan.prices,
        )  # fmt: skip
        ids = profiles["customer_id"].to_list()
        single = [profiles.slice(k, 1) for k in range(profiles.height)]
        evaluated = evaluate_offers(profiles.lazy(), compiled, AT).collect()
        contacts = batch.frame.filter(c("decision") == "contact", c("channel") == "phone")
        what = "decided phone contacts"
        if contacts.is_empty():  # no call worth making at these prices: brief eligible ones
            contacts, what = _eligible_phone(evaluated, catalog, profiles), "eligible phone offers"
        briefs = [
            (
                profiles.filter(c("customer_id") == cid).row(0, named=True),
                offer_id,
                evaluated.filter(c("customer_id") == cid),
                line_id,
            )
            for cid, offer_id, line_id in contacts.select("customer_id", "offer_id", "line_id")
            .head(200)
            .iter_rows()
        ]
        matrices = _encoded(decider, profiles, ids)
        print(
            f"{profiles.height:,} customers in SQLite, model set on {rows.height:,} rows, "
            f"{len(briefs)} {what} briefed; {args.calls:,} warm calls per figure"
        )

        def bare(k: int) -> None:
            for x, booster in matrices[k % len(ids)]:
                booster.predict(x)

        base_walls, base_cpus = _times(bare, args.calls)
        base = statistics.median(base_walls)
        print(f"{HEAD} {'vs bare':>9s}")
        _row("bare LightGBM predict", base_walls, base_cpus, base)
        _row("decide_one", *_times(lambda k: decider.decide_one(single[k % len(ids)], AT),
             args.calls), base)  # fmt: skip
        for size in (10, 100):
            group = [profiles.slice(k, size) for k in range(0, profiles.height - size + 1, size)]
            walls, cpus = _times(_deciding(decider, group), max(20, args.calls // size))
            _row(f"decide, {size} at once (/{size})", [w / size for w in walls],
                 [u / size for u in cpus], base)  # fmt: skip
        _reads(args, url, Path(tmp) / "carrier", ids, base)
        with ProfileReader(url) as reader:
            _row("read + decide_one", *_times(
                lambda k: decider.decide_one(reader.read(ids[k % len(ids)], AT), AT), args.calls
            ), base)  # fmt: skip
        served = Decider(Rules(compiled, decider.policies), models, decider.config, None, None,
                         None)  # fmt: skip
        kept = ProfileSource(url, lambda: dt.datetime.now(dt.UTC))
        kept.read(ids, AT)  # a settled moment: every profile kept

        def service(k: int) -> object:
            cid = ids[k % len(ids)]
            return decide_customers(kept.read([cid], AT), served, AT)[cid]

        _row("service, profile kept", *_times(service, args.calls), base)
        fresh = ProfileSource(url, lambda: AT)  # nothing settled: every read goes to the store
        asks = [ids[k : k + 32] for k in range(0, len(ids) - 31, 32)]
        walls, cpus = _times(
            lambda k: decide_customers(fresh.read(asks[k % len(asks)], AT), served, AT),
            max(20, args.calls // 32),
        )
        _row("service, 32 asks (/32)", [w / 32 for w in walls], [u / 32 for u in cpus], base)
        kept.close()
        fresh.close()

        if briefs:
            _briefs(briefs, catalog, profiles, args.calls, base)
        else:
            print("brief (text): no phone contact to brief at these prices (use more --customers)")
        print("decide_one by stage (mean):", _stages(decider, profiles, min(args.calls, 300)))
        calls = min(args.calls, 300)
        with stage_clock() as totals:
            for k in range(calls):
                decider.decide_one(single[k % len(ids)], AT)
        print("decide_one, CPU per call by stage (bench/one_stages.py):")
        print("\n".join(stage_lines(totals, calls)))
        start = time.process_time()
        with query_clock() as queries:
            for k in range(calls):
                decider.decide_one(single[k % len(ids)], AT)
        spent = time.process_time() - start
        print("decide_one, Polars queries per call by module (bench/one_ops.py):")
        print("\n".join(query_lines(queries, calls, spent)))
        print("the floor: one Polars operation on a three-row frame (bench/one_ops.py):")
        print("\n".join(floor_lines()))


if __name__ == "__main__":
    main()
