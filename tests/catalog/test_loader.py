"""Loading catalogs: the shipped one loads; every bad input is refused with file:line:column, the
offer id and the field, and nothing is returned half-loaded.

Bad inputs tried: malformed YAML, a duplicate key, a top-level list, a misspelt key (offer level
and rule level), a missing required key, a wrong type, an unknown offer kind, reversed validity
dates, duplicate offer ids, a predicate with an unknown field, an unknown function and a type
mismatch, a ``because`` placeholder naming no field (or a misspelt derived field), a broken
plural form, a rule id that shadows a built-in check, a repeated rule id, a handset without its
OS, a plan without its tier, a promotion the catalog does not declare, a file that does not exist.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from goodcall.catalog.compile import CatalogError, compile_catalog
from goodcall.catalog.loader import load_catalog
from goodcall.catalog.model import Catalog
from goodcall.catalog.yamlsource import SourceError

OFFER = """\
company: {fr: Nordet Mobile, en: Nordet Mobile}
offers:
  - id: HS_TEST
    kind: handset
    name: {fr: Téléphone, en: Phone}
    why_we_call: {fr_formal: Vous, fr_informal: Tu, en: You}
    talking_points:
      - {fr_formal: Vous, fr_informal: Tu, en: You}
    value: 100
    channels: [phone]
    valid_from: 2026-11-01
    target: {device_os: Android}
    eligibility:
      - id: old_device
        when: "device_age_months >= 24"
        because: {fr: "appareil récent", en: "recent device"}
"""


def load_text(tmp_path: Path, text: str) -> Catalog:
    path = tmp_path / "catalog.yaml"
    path.write_text(text, encoding="utf-8")
    return load_catalog(path)


def problems(tmp_path: Path, text: str) -> str:
    with pytest.raises(SourceError) as caught:
        load_text(tmp_path, text)
    return str(caught.value)


def test_a_minimal_catalog_loads(tmp_path: Path) -> None:
    catalog = load_text(tmp_path, OFFER)
    assert catalog.offers[0].eligibility[0].when == "device_age_months >= 24"


def test_malformed_yaml_gives_line_and_column(tmp_path: Path) -> None:
    text = OFFER.replace("    kind: handset\n", "    kind: [handset\n")
    assert "catalog.yaml:5:" in problems(tmp_path, text)
    assert "malformed YAML" in problems(tmp_path, text)


def test_duplicate_key_is_refused(tmp_path: Path) -> None:
    text = OFFER.replace("    value: 100\n", "    value: 100\n    value: 120\n")
    message = problems(tmp_path, text)
    assert "catalog.yaml:10:5" in message
    assert "duplicate key 'value'" in message


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    assert "a catalog is a mapping" in problems(tmp_path, "- a\n- b\n")


def test_misspelt_keys_suggest_the_intended_key(tmp_path: Path) -> None:
    text = OFFER.replace("    channels: [phone]", "    chanels: [phone]")
    text = text.replace("        because:", "        becuase:")
    message = problems(tmp_path, text)
    assert "catalog.yaml:10:5: offer HS_TEST: field chanels: unknown key 'chanels'; " in message
    assert "did you mean 'channels'?" in message
    assert "offer HS_TEST, rule old_device: field eligibility[0].becuase" in message
    assert "did you mean 'because'?" in message
    assert "field channels: required key is missing" in message


def test_wrong_types_and_values_are_located(tmp_path: Path) -> None:
    text = OFFER.replace("value: 100", "value: lots").replace("kind: handset", "kind: phone")
    message = problems(tmp_path, text)
    assert "catalog.yaml:9:12: offer HS_TEST: field value:" in message
    assert "'lots'" in message
    assert "field kind: Input should be 'handset', 'plan'" in message
    reversed_dates = OFFER.replace(
        "valid_from: 2026-11-01", "valid_from: 2026-11-01\n    valid_to: 2026-10-01"
    )
    assert "valid_to 2026-10-01 is before valid_from 2026-11-01" in problems(
        tmp_path, reversed_dates
    )


def test_duplicate_offer_ids(tmp_path: Path) -> None:
    offer = OFFER.split("offers:\n")[1]
    assert "offer id 'HS_TEST' appears twice" in problems(tmp_path, OFFER + offer)


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("device_oss >= 24", "unknown field 'device_oss' (did you mean 'device_os'?)"),
        ("NOW() > 1", "unknown function NOW"),
        ("device_os > 3", "type mismatch (device_os is text, compared with number)"),
    ],
)
def test_bad_predicates_name_offer_rule_field_and_line(
    tmp_path: Path, when: str, expected: str
) -> None:
    text = OFFER.replace('"device_age_months >= 24"', f'"{when}"')
    message = problems(tmp_path, text)
    assert "catalog.yaml:15:15: offer HS_TEST, rule old_device: field eligibility[0].when: " in (
        message
    )
    assert expected in message


def test_because_placeholders_must_be_profile_fields(tmp_path: Path) -> None:
    text = OFFER.replace('"appareil récent"', '"appareil de {device_age_month} mois"')
    message = problems(tmp_path, text)
    assert "field eligibility[0].because.fr: unknown field {device_age_month}" in message
    assert "did you mean 'device_age_months'?" in message


def test_because_may_name_derived_fields_and_plural_forms(tmp_path: Path) -> None:
    """Derived names ({plan_name}, {the_device}) load; a misspelt one and a broken plural do not."""
    good = '"{the_device} a {device_age_months:mois|mois}, forfait {plan_name}"'
    catalog = load_text(tmp_path, OFFER.replace('"appareil récent"', good))
    assert "{plan_name}" in compile_catalog(catalog).offers[0].offer.eligibility[0].because.fr
    message = problems(tmp_path, OFFER.replace('"appareil récent"', '"forfait {plan_nme}"'))
    assert "unknown field {plan_nme} (did you mean 'plan_name'?)" in message
    broken = '"{lines_count:ligne|}"'
    message = problems(tmp_path, OFFER.replace('"appareil récent"', broken))
    assert "{lines_count:ligne|}: plural form 'ligne|' must be 'singular|plural'" in message


def test_rule_ids_cannot_shadow_builtins_or_repeat(tmp_path: Path) -> None:
    text = OFFER + (
        "    applicability:\n"
        "      - id: device_os\n"
        "        when: \"device_os = 'Android'\"\n"
        "        because: {fr: a, en: b}\n"
        "    suitability:\n"
        "      - id: old_device\n"
        '        when: "device_age_months >= 36"\n'
        "        because: {fr: a, en: b}\n"
    )
    message = problems(tmp_path, text)
    assert "'device_os' is a built-in check" in message
    assert "rule id 'old_device' repeats" in message


def test_built_in_checks_need_their_targets(tmp_path: Path) -> None:
    text = OFFER.replace("    target: {device_os: Android}\n", "")
    assert "field target.device_os: a handset offer must say which OS" in problems(tmp_path, text)
    plan = OFFER.replace("kind: handset", "kind: plan").replace("device_os: Android", "plan_id: X")
    assert "field target.plan_tier: a plan offer must give the tier" in problems(tmp_path, plan)


def test_promotions_must_be_declared_when_a_list_is_given(tmp_path: Path) -> None:
    text = OFFER.replace("offers:\n", "promotions:\n  PROMO_A: {fr: a, en: a}\noffers:\n")
    text = text.replace("    value: 100\n", "    value: 100\n    promotion_id: PROMO_B\n")
    assert "promotion_id 'PROMO_B' is not one of the catalog's promotions" in problems(
        tmp_path, text
    )


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="cannot read"):
        load_catalog(tmp_path / "nope.yaml")


def test_compile_refuses_a_catalog_built_in_code() -> None:
    catalog = load_catalog()
    offer = catalog.offers[0]
    bad_rule = offer.eligibility[0].model_copy(update={"when": "plan_teir >= 2"})
    bad_offer = offer.model_copy(update={"eligibility": [bad_rule]})
    bad = catalog.model_copy(update={"offers": [bad_offer]})
    with pytest.raises(CatalogError) as caught:
        compile_catalog(bad)
    assert (
        "offer HS_IPHONE17_FETES, rule postpaid_plan (eligibility), field when: unknown field "
        "'plan_teir' (did you mean 'plan_tier'?)"
    ) in str(caught.value)
