"""Brands and subsidiaries: one catalog per brand, and no offer ever crosses brands."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goodcall.catalog.compile import CompiledCatalog, compile_catalog
from goodcall.catalog.engine import evaluate_offers, evaluate_offers_matrix
from goodcall.catalog.loader import load_brand_catalog, load_catalog
from goodcall.catalog.texts import reason_text
from goodcall.catalog.yamlsource import SourceError
from goodcall.profiles.brands import read_brands
from goodcall.profiles.fields import PROFILE_SCHEMA
from tests.catalog.customers import built_profile
from tests.policy.helpers import AS_OF

FRENCH = {
    "brand": "nordet_fr",
    "first_name": "Camille",
    "last_name": "Martin",
    "title": "Mme",
    "phone": "+33612345678",
    "country": "FR",
    "region": "FR",
    "time_zone": "Europe/Paris",
    "language": "fr-FR",
}
FRENCH_OFFERS = ("FR_AO_EUROPE", "FR_HS_GALAXY_S25", "FR_HS_IPHONE17")


@pytest.fixture(scope="module")
def brands() -> CompiledCatalog:
    return compile_catalog(load_brand_catalog())


@pytest.fixture(scope="module")
def french() -> dict[str, Any]:
    return built_profile("C-FR-0001", customer=FRENCH)


def _frame(*profiles: dict[str, Any]) -> pl.LazyFrame:
    return pl.DataFrame(list(profiles), schema=PROFILE_SCHEMA).lazy()


def _eligible(result: pl.DataFrame, customer_id: str) -> list[str]:
    mine = result.filter((pl.col("customer_id") == customer_id) & pl.col("eligible"))
    return sorted(mine.get_column("offer_id"))


def test_the_shipped_brands_merge_every_brand_catalog_each_offer_stamped() -> None:
    catalog = load_brand_catalog()
    assert read_brands().ids == ("nordet", "nordet_fr")
    assert catalog.brand == "nordet"
    by_brand = {b: sorted(o.id for o in catalog.offers if o.brand == b) for b in read_brands().ids}
    assert by_brand["nordet_fr"] == list(FRENCH_OFFERS)
    assert len(by_brand["nordet"]) == len(load_catalog().offers) == 30
    fr = catalog.brand_info("nordet_fr")
    assert (fr.company.fr, fr.currency, fr.locale) == ("Nordet France", "EUR", "fr_FR")
    assert catalog.brand_info(None).currency == "CAD"


def test_a_french_brand_customer_is_never_offered_a_canadian_offer(
    brands: CompiledCatalog, french: dict[str, Any]
) -> None:
    seed = built_profile("C-CA-0001")
    result = evaluate_offers(_frame(french, seed), brands, AS_OF).collect()
    assert _eligible(result, "C-FR-0001") == ["FR_AO_EUROPE", "FR_HS_IPHONE17"]
    canadian = result.filter(
        (pl.col("customer_id") == "C-FR-0001") & ~pl.col("offer_id").str.starts_with("FR_")
    )
    assert canadian.height == 30
    assert set(canadian.get_column("failed_tier")) == {"validity"}
    # The Canadian customer (no brand: the default one) gets no French offer.
    assert not set(_eligible(result, "C-CA-0001")) & set(FRENCH_OFFERS)
    assert _eligible(result, "C-CA-0001") == _eligible(
        evaluate_offers(_frame(seed), compile_catalog(load_catalog()), AS_OF).collect(),
        "C-CA-0001",
    )


def test_the_brand_reason_names_both_companies(
    brands: CompiledCatalog, french: dict[str, Any]
) -> None:
    row = (
        evaluate_offers(_frame(french), brands, AS_OF)
        .filter(pl.col("offer_id") == "HS_IPHONE17_FETES")
        .collect()
        .row(0, named=True)
    )
    failed = [r for r in row["reasons"] if not r["ok"]]
    assert failed[0]["code"] == "catalog.validity.brand"
    assert failed[0]["evidence"] == "brand=nordet_fr, offer_brand=nordet"
    catalog = brands.catalog
    texts = [
        reason_text(failed[0], french, catalog, "HS_IPHONE17_FETES", lang) for lang in ("fr", "en")
    ]
    assert texts == [
        "l'offre est celle de Nordet Mobile et le compte relève de Nordet France",
        "the offer is Nordet Mobile's and the account is with Nordet France",
    ]


def test_with_the_canadian_catalog_alone_a_french_customer_gets_nothing(
    french: dict[str, Any],
) -> None:
    result = evaluate_offers(_frame(french), compile_catalog(load_catalog()), AS_OF).collect()
    assert _eligible(result, "C-FR-0001") == []
    assert result.height == 30


BRAND_CHOICES = (None, "nordet", "nordet_fr")


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(BRAND_CHOICES),
            st.sampled_from(("iOS", "Android")),
            st.integers(min_value=0, max_value=80),
            st.sampled_from(("CA", "FR")),
            st.integers(min_value=1, max_value=5),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_no_offer_crosses_brands_for_any_customer(
    brands: CompiledCatalog, french: dict[str, Any], people: list[tuple[Any, ...]]
) -> None:
    """Whatever the profile says (device, age, country, plan), the decision path's matrix lets an
    offer through only to a customer of its brand (no brand: the default brand, nordet)."""
    rows = []
    for i, (brand, os_name, age, country, tier) in enumerate(people):
        rows.append(
            {
                **french,
                "customer_id": f"C{i}",
                "brand": brand,
                "device_os": os_name,
                "device_age_months": age,
                "country": country,
                "plan_tier": tier,
                "financing_months_left": 0,
            }
        )
    matrix = evaluate_offers_matrix(_frame(*rows), brands, AS_OF, ["phone", "email"]).collect()
    offer_brand = {o.id: o.offer.brand for o in brands.offers}
    for customer_id, offer_id in matrix.filter("eligible").select("customer_id", "offer_id").rows():
        brand = people[int(customer_id[1:])][0] or "nordet"
        assert offer_brand[offer_id] == brand, (customer_id, offer_id)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _brands_file(tmp_path: Path, currency: str = "EUR", default: str = "nordet") -> Path:
    canadian = load_catalog()
    french_text = (
        Path(__file__).resolve().parents[2] / "src/goodcall/catalog/data/nordet-france.yaml"
    ).read_text("utf-8")
    assert canadian.brand == "nordet"
    _write(tmp_path / "fr.yaml", french_text.replace("currency: EUR", f"currency: {currency}"))
    _write(
        tmp_path / "ca.yaml",
        (Path(__file__).resolve().parents[2] / "src/goodcall/catalog/data/nordet.yaml").read_text(
            "utf-8"
        ),
    )
    return _write(
        tmp_path / "brands.yaml",
        f"default: {default}\n"
        "brands:\n"
        "  - {id: nordet, company: {fr: Nordet Mobile, en: Nordet Mobile}, currency: CAD,\n"
        "     locale: fr_CA, catalog: ca.yaml}\n"
        "  - {id: nordet_fr, company: {fr: Nordet France, en: Nordet France}, currency: EUR,\n"
        "     locale: fr_FR, catalog: fr.yaml}\n",
    )


def test_a_brands_file_is_accepted_wherever_a_catalog_is(tmp_path: Path) -> None:
    catalog = load_catalog(_brands_file(tmp_path))
    assert [b.id for b in catalog.brands] == ["nordet", "nordet_fr"]
    assert len(catalog.offers) == 33


def test_a_catalog_whose_currency_is_not_its_brands_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as caught:
        load_catalog(_brands_file(tmp_path, currency="CAD"))
    assert [str(p) for p in caught.value.problems] == [
        f"{tmp_path / 'brands.yaml'}:5:5: brand nordet_fr: field currency: the catalog fr.yaml "
        "says 'CAD', the brand says 'EUR'"
    ]


def test_a_default_that_is_no_brand_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as caught:
        load_catalog(_brands_file(tmp_path, default="nordet_ca"))
    message = str(caught.value.problems[0])
    assert message.endswith("default 'nordet_ca' is not one of the brands (nordet, nordet_fr)"), (
        message
    )


def test_catalog_check_lists_the_brands() -> None:
    from typer.testing import CliRunner

    from goodcall.cli import app

    brands_file = Path(__file__).resolve().parents[2] / "src/goodcall/catalog/data/brands.yaml"
    result = CliRunner().invoke(app, ["catalog", "check", str(brands_file)], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == (
        "brands: nordet (Nordet Mobile, CAD, 30 offers, default); "
        "nordet_fr (Nordet France, EUR, 3 offers)"
    )


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    brand_list=st.lists(
        st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True), min_size=1, max_size=4, unique=True
    ),
    data=st.data(),
)
def test_no_offer_crosses_generated_brands(
    french: dict[str, Any], brand_list: list[str], data: st.DataObject
) -> None:
    """Any set of brands, any share-out of offers between them, any customers' brands (some
    undeclared, some empty): an eligible offer is always of the customer's brand."""
    from goodcall.catalog.model import Bilingual, Catalog
    from goodcall.profiles.brands import Brand, Names

    base = load_catalog().offers
    offers = []
    for index, offer in enumerate(base):
        owner = data.draw(st.sampled_from(brand_list), label=f"brand of offer {index}")
        offers.append(offer.model_copy(update={"brand": owner}))
    catalog = Catalog(
        company=Bilingual(fr="Groupe", en="Group"),
        brand=brand_list[0],
        brands=[
            Brand(id=b, company=Names(fr=b, en=b), currency="EUR", locale="fr_FR")
            for b in brand_list
        ],
        offers=offers,
    )
    compiled = compile_catalog(catalog)
    customer_brands = data.draw(
        st.lists(st.sampled_from([None, "other", *brand_list]), min_size=1, max_size=8),
        label="customers' brands",
    )
    rows = [
        {**french, "customer_id": f"C{i}", "brand": b, "country": "CA"}
        for i, b in enumerate(customer_brands)
    ]
    matrix = evaluate_offers_matrix(_frame(*rows), compiled, AS_OF).collect()
    owner_of = {o.id: o.brand for o in offers}
    for customer_id, offer_id in matrix.filter("eligible").select("customer_id", "offer_id").rows():
        brand = customer_brands[int(customer_id[1:])] or brand_list[0]
        assert owner_of[offer_id] == brand, (customer_id, offer_id)
    # Not vacuous: the seed-like customer of the default brand keeps an offer it owns, if any.
    default_rows = [i for i, b in enumerate(customer_brands) if b in (None, brand_list[0])]
    if default_rows and owner_of["AO_WORLD_ROAMING"] == brand_list[0]:
        eligible = set(matrix.filter("eligible")["customer_id"])
        assert f"C{default_rows[0]}" in eligible
