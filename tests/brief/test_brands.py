"""A brief for a customer of the French subsidiary: its company, its euros, French formatting."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

from goodcall.brief.build import build_brief
from goodcall.brief.render import render_text
from goodcall.catalog.compile import CompiledCatalog, compile_catalog
from goodcall.catalog.engine import evaluate_offers
from goodcall.catalog.loader import load_brand_catalog
from goodcall.profiles.fields import PROFILE_SCHEMA
from tests.catalog.customers import built_profile
from tests.catalog.test_brands import FRENCH
from tests.policy.helpers import AS_OF


@pytest.fixture(scope="module")
def brands() -> CompiledCatalog:
    return compile_catalog(load_brand_catalog())


def _brief_text(profile: dict[str, Any], offer_id: str, brands: CompiledCatalog) -> str:
    rows = evaluate_offers(pl.DataFrame([profile], schema=PROFILE_SCHEMA).lazy(), brands, AS_OF)
    brief = build_brief(profile, offer_id, "phone", brands.catalog, rows.collect(), AS_OF)
    french = offer_id.startswith("FR_")
    assert brief.currency == ("EUR" if french else "CAD")
    if french:  # only FR_HS_GALAXY_S25 is excluded: the 30 Canadian offers are not counted
        assert brief.avoid.excluded_total == 1
    return render_text(brief)


def test_a_french_brand_brief_names_the_subsidiary_and_prints_euros(
    brands: CompiledCatalog,
) -> None:
    text = _brief_text(built_profile("C-FR-0001", customer=FRENCH), "FR_HS_IPHONE17", brands)
    lines = text.splitlines()
    greeting = [line for line in lines if "Bonjour" in line]
    assert greeting == ["- «\xa0Bonjour Madame Martin, ici [prénom], de Nordet France.\xa0»"]
    money = [line for line in lines if "€" in line]
    assert money == [
        "- Forfait\xa0: Ultime 150 Go, notre plus gros forfait (85,00\xa0€ par mois). 40,9 Go "
        "utilisés en moyenne sur 150 Go (27\xa0%, loin de la limite), sur les trois derniers mois.",
        "    - Vous gardez votre forfait actuel à 85,00\xa0€ par mois; seul l'appareil change.",
    ]
    assert "$" not in text and "Nordet Mobile" not in text


def test_the_do_not_list_never_names_another_brands_offers(brands: CompiledCatalog) -> None:
    text = _brief_text(built_profile("C-FR-0001", customer=FRENCH), "FR_HS_IPHONE17", brands)
    avoid = text.split("5. À éviter")[1].split("6. Pour conclure")[0]
    assert avoid.strip().splitlines()[0] == (
        "! Ne proposez pas Galaxy S25 avec reprise — la ligne principale a un iPhone 13 (iOS), "
        "pas un appareil Android."
    )
    assert "Fêtes" not in avoid and "Pixel" not in avoid


def test_the_canadian_brand_brief_is_unchanged_by_the_merge(brands: CompiledCatalog) -> None:
    text = _brief_text(built_profile("C-CA-0001"), "HS_IPHONE17_FETES", brands)
    assert "de Nordet Mobile.\xa0»" in text and "€" not in text
    assert "(85,00\xa0$ par mois)" in text
