"""Reason sentences: exact wording for the seed customer, in Canadian French and English."""

from __future__ import annotations

import polars as pl
import pytest

from goodcall.catalog.compile import compile_catalog
from goodcall.catalog.engine import evaluate_offers
from goodcall.catalog.loader import load_catalog
from goodcall.catalog.texts import format_profile, reason_text
from tests.policy.helpers import AS_OF, profiles, seed_row

CATALOG = load_catalog()
SEED = seed_row()
FRAME = evaluate_offers(profiles(SEED), compile_catalog(CATALOG), AS_OF).collect()


def reason(offer_id: str, code: str, notices: bool = False) -> dict[str, object]:
    row = FRAME.filter(pl.col("offer_id") == offer_id).row(0, named=True)
    found = [r for r in row["notices" if notices else "reasons"] if r["code"] == code]
    assert len(found) == 1
    return found[0]


@pytest.mark.parametrize(
    ("offer_id", "code", "fr", "en"),
    [
        (
            "HS_LG_VELVET_CLEARANCE",
            "catalog.applicability.device_os",
            "le client utilise un iPhone 13 (iOS) : cette offre est pour Android",
            "the customer uses an iPhone 13 (iOS): this offer is for Android",
        ),
        (
            "PL_UP_PLUS_20",
            "catalog.applicability.not_an_upgrade",
            "le client a déjà le forfait Ultime 150 Go (niveau 5, notre plus gros forfait) : "
            "« Passage au forfait Plus 20 Go » (niveau 3) n'est pas une amélioration",
            "the customer already has the Ultimate 150 GB plan (tier 5, our biggest plan): "
            "“Move up to Plus 20 GB” (tier 3) is not an upgrade",
        ),
        (
            "PL_UP_ULT_150",
            "catalog.applicability.already_owns",
            "le client a déjà le forfait Ultime 150 Go",
            "the customer already has the Ultimate 150 GB plan",
        ),
        (
            "AO_DATA_TOPUP_10",
            "catalog.applicability.near_data_limit",
            "il n'utilise que 40,9 Go de ses 150 Go par mois",
            "uses only 40.9 GB of 150 GB a month",
        ),
    ],
)
def test_exclusions_read_naturally(offer_id: str, code: str, fr: str, en: str) -> None:
    why = reason(offer_id, code)
    assert why["ok"] is False
    assert reason_text(why, SEED, CATALOG, offer_id, "fr") == fr
    assert reason_text(why, SEED, CATALOG, offer_id, "en") == en


def test_seen_promotion_says_where_and_when() -> None:
    seen = reason("HS_IPHONE17_FETES", "catalog.notice.promotion_seen", notices=True)
    assert reason_text(seen, SEED, CATALOG, "HS_IPHONE17_FETES", "fr") == (
        "le client a déjà vu la promo des Fêtes 2026 (dans l'appli le 17 novembre 2026) : "
        "ne la présentez pas comme une nouveauté"
    )
    assert reason_text(seen, SEED, CATALOG, "HS_IPHONE17_FETES", "en") == (
        "the customer already saw the 2026 holiday promotion (in the app on November 17, 2026): "
        "do not present it as news"
    )


def test_passing_checks_and_validity() -> None:
    ok = reason("HS_IPHONE17_FETES", "catalog.suitability.device_two_years_old")
    assert reason_text(ok, SEED, CATALOG, "HS_IPHONE17_FETES", "fr") == (
        "condition remplie : device_age_months >= 24"
    )
    valid = reason("HS_IPHONE17_FETES", "catalog.validity.expired")
    assert reason_text(valid, SEED, CATALOG, "HS_IPHONE17_FETES", "fr") == (
        "offre valide jusqu'au 31 décembre 2026"
    )
    assert reason_text({**valid, "ok": False}, SEED, CATALOG, "HS_IPHONE17_FETES", "en") == (
        "the offer ended on December 31, 2026"
    )


def test_profile_placeholders_use_the_locale_and_survive_nulls() -> None:
    row = {"data_usage_gb": 1234.5, "plan_id": None}
    assert format_profile("{data_usage_gb:,.1f} Go, {plan_id}", row, "fr") == (
        "1\u202f234,5 Go, inconnu"
    )
    assert format_profile("{data_usage_gb:,.1f} GB, {plan_id}", row, "en") == (
        "1,234.5 GB, unknown"
    )
