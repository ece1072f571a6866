"""Every quality check on customers of the synthetic carrier (not in the repository).

300 customers drawn by ``carrier_tables`` (Canadian mixes of languages, registers, devices,
plans, families, histories); every eligible phone offer of the first 60 gets a brief, and every
callable customer gets one through the batch path, which must agree with the single path.
"""

from __future__ import annotations

import polars as pl
import pytest

from goodcall.brief.batch import briefs
from goodcall.brief.build import build_brief
from goodcall.brief.examples import AT
from goodcall.brief.render import render_text
from goodcall.catalog.compile import CompiledCatalog
from goodcall.catalog.engine import evaluate_offers
from goodcall.catalog.model import Catalog
from goodcall.profiles.build import build_profiles
from goodcall.synth.generate import carrier_tables
from tests.brief.test_quality import check_brief


@pytest.fixture(scope="module")
def carrier(compiled: CompiledCatalog) -> tuple[pl.DataFrame, pl.DataFrame]:
    tables = {name: frame.lazy() for name, frame in carrier_tables(300, seed=2026).items()}
    profiles = build_profiles(tables, AT).collect()
    return profiles, evaluate_offers(profiles.lazy(), compiled, AT).collect()


def test_every_eligible_phone_offer(
    carrier: tuple[pl.DataFrame, pl.DataFrame], catalog: Catalog
) -> None:
    profiles, evaluated = carrier
    phone = {o.id for o in catalog.offers if "phone" in o.channels}
    count = 0
    for profile in profiles.head(60).iter_rows(named=True):
        if profile["internal_dnc"]:
            continue
        rows = evaluated.filter(pl.col("customer_id") == profile["customer_id"]).to_dicts()
        for row in rows:
            if row["eligible"] and row["offer_id"] in phone:
                brief = build_brief(profile, row["offer_id"], "phone", catalog, rows, AT)
                check_brief(brief, profile, rows, catalog)
                count += 1
    assert count >= 200
    assert {"fr", "en"} <= set(profiles.head(60)["lang"].to_list())


def test_batch_path_passes_the_same_checks(
    carrier: tuple[pl.DataFrame, pl.DataFrame], catalog: Catalog
) -> None:
    profiles, evaluated = carrier
    phone = [o.id for o in catalog.offers if "phone" in o.channels]
    contacts = (
        evaluated.filter(pl.col("eligible") & pl.col("offer_id").is_in(phone))
        .join(profiles.filter(~pl.col("internal_dnc")).select("customer_id"), on="customer_id")
        .group_by("customer_id", maintain_order=True)
        .first()
        .select("customer_id", "offer_id", pl.lit("phone").alias("channel"))
    )
    assert contacts.height >= 250
    made = briefs(contacts, profiles, evaluated, catalog, AT)
    by_id = {p["customer_id"]: p for p in profiles.iter_rows(named=True)}
    for brief in made:
        profile = by_id[brief.customer_id]
        rows = evaluated.filter(pl.col("customer_id") == brief.customer_id).to_dicts()
        check_brief(brief, profile, rows, catalog)
    for brief in made[:40]:
        profile = by_id[brief.customer_id]
        rows = evaluated.filter(pl.col("customer_id") == brief.customer_id).to_dicts()
        single = build_brief(profile, brief.offer_id, "phone", catalog, rows, AT)
        assert render_text(brief) == render_text(single)
