"""The brief of a per-line call: a Galaxy handset for the Galaxy line of the family account (the
story's customer, whose own line is an iPhone 13). The brief names the line, its fit and "do not"
lines speak of that line's device — never the account holder's iPhone — and the account-level
exclusions keep the account holder's line."""

from __future__ import annotations

import polars as pl

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
FAMILY = family_row()


def brief_for(offer: str, line: str | None, lang: str = "fr") -> Brief:
    row = FAMILY | {"language": "en-CA", "lang": "en"} if lang == "en" else FAMILY
    wanted = profiles(row).with_columns(pl.lit(line, pl.String).alias("call_line"))
    rows = evaluate_offers(wanted, COMPILED, AS_OF, line_column="call_line").collect()
    return build_brief(row, offer, "phone", CATALOG, rows, AS_OF, line_id=line)


def test_the_brief_names_the_line_and_its_device() -> None:
    brief = brief_for("HS_GALAXY_A56", GALAXY)
    assert brief.offer.line_id == GALAXY
    assert brief.offer.line is not None and brief.offer.line.device_model == "Galaxy S21"
    assert brief.offer.line_age_months == 68
    text = render(brief, "text")
    assert (
        "- Pour la ligne L-SEED-0003 (Galaxy S21) ; ne la proposez pas pour une autre ligne."
        in (text)
    )
    assert "    - Son Galaxy S21 a 5 ans (acheté en mars 2021)." in text
    assert "iPhone 13 a" not in text.split("4. ")[1].split("5. ")[0]  # the pitch: the line only


def test_the_do_not_lines_are_about_the_called_line() -> None:
    brief = brief_for("HS_GALAXY_A56", GALAXY)
    groups = [(g.offer_ids, g.reason) for g in brief.avoid.offers]
    assert groups[0] == (
        ["HS_IPHONE17_FETES", "HS_IPHONE16E"],
        "la ligne L-SEED-0003 a un Galaxy S21 (Android), pas un appareil iOS",
    )
    # account-level offers are judged, and worded, on the account holder's line
    assert (
        ["AO_GALAXY_WATCH_LINE"],
        "la ligne principale a un iPhone 13 (iOS), pas un appareil Android",
    ) in groups


def test_in_english_too() -> None:
    brief = brief_for("HS_GALAXY_A56", GALAXY, "en")
    assert (
        brief.avoid.offers[0].reason
        == "line L-SEED-0003 has a Galaxy S21 (Android), not an iOS device"
    )
    assert "- For the line L-SEED-0003 (Galaxy S21); do not pitch it to another line." in render(
        brief, "text"
    )


def test_an_account_level_brief_names_no_line() -> None:
    brief = brief_for("AO_US_ROAMING", None)
    assert (brief.offer.line_id, brief.offer.line, brief.offer.line_age_months) == (
        None,
        None,
        None,
    )
    assert "ligne L-SEED" not in render(brief, "text")
