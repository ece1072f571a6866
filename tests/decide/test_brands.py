"""The decision core on a carrier with a French subsidiary: no decision crosses brands."""

from __future__ import annotations

import polars as pl

from goodcall.catalog.compile import compile_catalog
from goodcall.catalog.loader import load_brand_catalog
from goodcall.decide import CampaignConfig, decide
from goodcall.models.registry import ModelSet
from tests.decide.world import AT, World

c = pl.col


def test_french_customers_get_only_french_offers_and_the_others_only_canadian_ones(
    world: World,
) -> None:
    catalog = load_brand_catalog()
    french = pl.int_range(pl.len()) % 2 == 0
    profiles = world.profiles.with_columns(
        pl.when(french).then(pl.lit("nordet_fr")).alias("brand"),
        pl.when(french).then(pl.lit("FR")).otherwise(c("country")).alias("country"),
        pl.when(french).then(pl.lit("FR")).otherwise(c("region")).alias("region"),
        pl.when(french).then(pl.lit("FR")).otherwise(c("jurisdiction")).alias("jurisdiction"),
        pl.when(french).then(pl.lit("Europe/Paris")).otherwise(c("time_zone")).alias("time_zone"),
        pl.when(french).then(pl.lit("fr-FR")).otherwise(c("language")).alias("language"),
    )
    decisions = decide(
        profiles.lazy(),
        catalog=catalog,
        compiled=compile_catalog(catalog),
        policies=world.policies,
        models=ModelSet.priors_only(list(catalog.offers), AT),
        at=AT,
        # priors only: every contact is an exploration, so the slice is wide (150 contacts)
        config=CampaignConfig(campaign_id="BRANDS", calls_per_day=300, explore_share=0.5),
    )
    offer_brand = {o.id: o.brand for o in catalog.offers}
    chosen = (
        decisions.frame.filter(c("offer_id").is_not_null())
        .join(profiles.select("customer_id", "brand"), on="customer_id")
        .select(
            c("brand").fill_null("nordet"),
            c("offer_id").replace_strict(offer_brand, return_dtype=pl.String).alias("offer_brand"),
        )
    )
    assert chosen.filter(c("brand") != c("offer_brand")).height == 0
    per_brand = dict(chosen.group_by("brand").len().rows())
    assert per_brand.get("nordet_fr", 0) > 0 and per_brand.get("nordet", 0) > 0, per_brand
