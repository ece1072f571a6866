"""``explain`` names the customer's brand and writes each offer's value in its brand's money."""

from __future__ import annotations

from io import StringIO

import polars as pl
from rich.console import Console

from goodcall.catalog.compile import compile_catalog
from goodcall.catalog.loader import load_brand_catalog, load_catalog
from goodcall.explain.build import explain_customer
from goodcall.explain.cli import render
from goodcall.explain.decision import lone_decider
from goodcall.explain.inputs import Rules
from goodcall.policy.loader import load_policies
from goodcall.policy.resolve import compile_policies
from goodcall.profiles.fields import PROFILE_SCHEMA
from tests.catalog.customers import built_profile
from tests.catalog.test_brands import FRENCH
from tests.policy.helpers import AS_OF


def _explained(catalog_rules: Rules, lang: str) -> dict:  # type: ignore[type-arg]
    profile = built_profile("C-FR-0001", customer=FRENCH)
    frame = pl.DataFrame([profile], schema=PROFILE_SCHEMA).lazy()
    decider = lone_decider(catalog_rules, AS_OF)
    return explain_customer(frame, "C-FR-0001", decider, AS_OF, lang)  # type: ignore[arg-type]


def test_a_french_brand_customer_sees_the_subsidiary_and_euros() -> None:
    rules = Rules(compile_catalog(load_brand_catalog()), compile_policies(load_policies()))
    result = _explained(rules, "fr")
    assert result["brand"] == {
        "id": "nordet_fr",
        "company": "Nordet France",
        "currency": "EUR",
        "known": True,
    }
    # The core's decision weighs only French offers (alone, at prices 0: not worth a contact).
    deciding = result["decision"]["deciding_reason"]
    assert deciding["code"] == "arbitration.negative_ev"
    assert deciding["evidence"].startswith("best=FR_HS_IPHONE17/")
    offers = {o["offer_id"]: o for o in result["offers"]}
    assert offers["FR_HS_IPHONE17"]["value"] == "300,00\xa0€"
    assert offers["FR_HS_IPHONE17"]["eligible"] is True
    assert offers["HS_IPHONE17_FETES"]["value"] == "420,00\xa0$"
    assert offers["HS_IPHONE17_FETES"]["decided_by"]["code"] == "catalog.validity.brand"
    english = {o["offer_id"]: o for o in _explained(rules, "en")["offers"]}
    assert english["FR_HS_IPHONE17"]["value"] == "€300.00"
    console = Console(file=StringIO(), width=200)
    render(result, console)
    assert "brand Nordet France (nordet_fr), prices in EUR" in console.file.getvalue()  # type: ignore[attr-defined]


def test_a_brand_the_catalog_lacks_is_said_so() -> None:
    rules = Rules(compile_catalog(load_catalog()), compile_policies(load_policies()))
    result = _explained(rules, "en")
    assert result["brand"] == {"id": "nordet_fr", "company": None, "currency": None, "known": False}
    assert not any(o["eligible"] for o in result["offers"])
