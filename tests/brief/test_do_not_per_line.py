"""On a family-discount call (an account-level offer) to the four-line family account, section 5
says what not to pitch to whom: each line's per-line exclusions under that line, worded from its
own device; a single-line account's brief has no line groups."""

from __future__ import annotations

from goodcall.brief.build import build_brief
from goodcall.brief.model import Brief
from goodcall.brief.render import render
from goodcall.catalog.compile import compile_catalog
from goodcall.catalog.engine import evaluate_offers
from goodcall.catalog.loader import load_catalog
from tests.catalog.family import GALAXY, family_row
from tests.policy.helpers import AS_OF, profiles

CATALOG = load_catalog()
COMPILED = compile_catalog(CATALOG)
OFFER = "ML_FAMILY_DISCOUNT"
ANDROIDS_FR = (
    "Galaxy S25 au prix des Fêtes, Galaxy A56, Google Pixel 10 ni LG Velvet en liquidation"
)
ANDROIDS_EN = "Galaxy S25 at the holiday price, Galaxy A56, Google Pixel 10 or LG Velvet clearance"


def family_brief(lang: str = "fr", **changes: object) -> Brief:
    row = family_row() | ({"language": "en-CA", "lang": "en"} if lang == "en" else {}) | changes
    rows = evaluate_offers(profiles(row), COMPILED, AS_OF).collect()
    return build_brief(row, OFFER, "phone", CATALOG, rows, AS_OF)


def do_not_lines(brief: Brief) -> list[str]:
    return [line for line in render(brief, "text").splitlines() if line.startswith("! ")]


def test_the_family_call_says_what_not_to_pitch_to_whom_in_french() -> None:
    assert do_not_lines(family_brief())[:5] == [
        f"! Ligne L-SEED-0001 (iPhone 13)\xa0: ne proposez pas {ANDROIDS_FR} — la ligne principale"
        " a un iPhone 13 (iOS), pas un appareil Android.",
        f"! Ligne L-SEED-0002 (iPhone 12)\xa0: ne proposez pas {ANDROIDS_FR} — la ligne"
        " L-SEED-0002 a un iPhone 12 (iOS), pas un appareil Android.",
        "! Ligne L-SEED-0003 (Galaxy S21)\xa0: ne proposez pas iPhone 17 au prix des Fêtes ni"
        " iPhone 16e — la ligne L-SEED-0003 a un Galaxy S21 (Android), pas un appareil iOS.",
        "! Ligne L-SEED-0004 (Nokia 2660 Flip)\xa0: ne proposez pas iPhone 17 au prix des Fêtes ni"
        " iPhone 16e — la ligne L-SEED-0004 a un Nokia 2660 Flip (autre système), pas un"
        " appareil iOS.",
        "! Ne proposez pas AppleCare+ pour iPhone — l'iPhone 13 de la ligne principale a 49 mois,"
        " et AppleCare+ doit s'ajouter dans les 60 jours suivant l'achat.",
    ]


def test_in_english() -> None:
    assert do_not_lines(family_brief("en"))[:5] == [
        f"! For line L-SEED-0001 (iPhone 13): don't offer {ANDROIDS_EN} — the main line has an"
        " iPhone 13 (iOS), not an Android device.",
        f"! For line L-SEED-0002 (iPhone 12): don't offer {ANDROIDS_EN} — line L-SEED-0002 has an"
        " iPhone 12 (iOS), not an Android device.",
        "! For line L-SEED-0003 (Galaxy S21): don't offer iPhone 17 at the holiday price or"
        " iPhone 16e — line L-SEED-0003 has a Galaxy S21 (Android), not an iOS device.",
        "! For line L-SEED-0004 (Nokia 2660 Flip): don't offer iPhone 17 at the holiday price or"
        " iPhone 16e — line L-SEED-0004 has a Nokia 2660 Flip (another system), not an iOS device.",
        "! Don't offer AppleCare+ for iPhone — the main line's iPhone 13 is 49 months old, and"
        " AppleCare+ must be added within 60 days of purchase.",
    ]


def test_the_informal_register_keeps_the_same_cues() -> None:
    formal = do_not_lines(family_brief())
    assert do_not_lines(family_brief(register="informal")) == formal


def test_the_groups_carry_their_line_and_device() -> None:
    groups = family_brief().avoid.offers
    galaxy = [g for g in groups if g.line_id == GALAXY]
    assert [(g.offer_ids, g.device) for g in galaxy] == [
        (["HS_IPHONE17_FETES", "HS_IPHONE16E"], "Galaxy S21")
    ]
    assert len(groups) == 5  # the cap: the lines' first groups, then the account's
    assert [g.line_id for g in groups][-1] is None


def test_a_single_line_account_has_no_line_groups() -> None:
    row = family_row()
    single = row | {"lines": [line for line in row["lines"] if line["is_primary"]]}
    rows = evaluate_offers(profiles(single), COMPILED, AS_OF).collect()
    brief = build_brief(single, "HS_IPHONE17_FETES", "phone", CATALOG, rows, AS_OF)
    assert brief.avoid.offers and all(group.line_id is None for group in brief.avoid.offers)
    assert not [line for line in do_not_lines(brief) if line.startswith("! Ligne L-")]
    assert '"line_id"' not in render(brief, "json").split('"avoid"')[1].split('"closing"')[0]
