"""Every quality check on customers of the synthetic carrier (not in the repository).

300 customers drawn by ``carrier_tables`` (Canadian mixes of languages, registers, devices,
plans, families, histories); every eligible phone offer of the first 10 (59 briefs; the first
60 and 408 briefs in the slow run) gets a brief, every callable customer gets one through the
batch path, and every one of those must read exactly as the same brief built on its own (text,
and HTML and JSON for a sample).
"""

from __future__ import annotations

import polars as pl
import pytest

from goodcall.brief.batch import render_briefs
from goodcall.brief.build import build_brief
from goodcall.brief.examples import AT
from goodcall.brief.render import render
from goodcall.catalog.compile import CompiledCatalog
from goodcall.catalog.engine import evaluate_offers
from goodcall.catalog.model import Catalog
from goodcall.profiles.build import build_profiles
from goodcall.synth.generate import carrier_tables
from tests.brief.batches import batch, rounds
from tests.brief.test_quality import check_brief


@pytest.fixture(scope="module")
def carrier(compiled: CompiledCatalog) -> tuple[pl.DataFrame, pl.DataFrame]:
    tables = {name: frame.lazy() for name, frame in carrier_tables(300, seed=2026).items()}
    profiles = build_profiles(tables, AT).collect()
    return profiles, evaluate_offers(profiles.lazy(), compiled, AT).collect()


@pytest.mark.parametrize(
    ("customers", "least"),
    [(10, 50), pytest.param(60, 200, marks=pytest.mark.slow)],
)
def test_every_eligible_phone_offer(
    carrier: tuple[pl.DataFrame, pl.DataFrame], catalog: Catalog, customers: int, least: int
) -> None:
    profiles, evaluated = carrier
    first = profiles.head(customers).filter(~pl.col("internal_dnc"))
    chosen = evaluated.join(first.select("customer_id"), on="customer_id", how="semi")
    by_id = {p["customer_id"]: p for p in first.iter_rows(named=True)}
    count = 0
    for contacts in rounds(chosen, catalog):
        for brief, d, text in batch(contacts, profiles, evaluated, catalog, AT):
            rows = evaluated.filter(pl.col("customer_id") == brief.customer_id).to_dicts()
            check_brief(brief, by_id[brief.customer_id], rows, catalog, d, text)
            count += 1
    assert count >= least
    assert {"fr", "en"} <= set(first["lang"].to_list())


def test_batch_path_passes_the_same_checks_and_equals_one_by_one(
    carrier: tuple[pl.DataFrame, pl.DataFrame], catalog: Catalog
) -> None:
    profiles, evaluated = carrier
    callable_ = evaluated.join(
        profiles.filter(~pl.col("internal_dnc")).select("customer_id"), on="customer_id"
    )
    contacts = rounds(callable_, catalog)[0]
    assert contacts.height >= 250
    made = batch(contacts, profiles, evaluated, catalog, AT)
    html = render_briefs(contacts.head(30), profiles, evaluated, catalog, AT, "html")
    json = render_briefs(contacts.head(30), profiles, evaluated, catalog, AT, "json")
    by_id = {p["customer_id"]: p for p in profiles.iter_rows(named=True)}
    for number, (brief, d, text) in enumerate(made):
        profile = by_id[brief.customer_id]
        rows = evaluated.filter(pl.col("customer_id") == brief.customer_id).to_dicts()
        check_brief(brief, profile, rows, catalog, d, text)
        single = build_brief(profile, brief.offer_id, "phone", catalog, rows, AT)
        assert single == brief
        assert render(single, "text") == text
        if number < len(html):
            assert render(single, "html") == html[number]
            assert render(single, "json") == json[number]
