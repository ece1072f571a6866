"""Contacts that must not be briefed, and bad inputs: each refused with a clear message.

Bad inputs tried: an offer the rules excluded, an offer not in the catalog, an offer not sold on
the channel, an unknown channel, no engine row for the offer, a phone brief for a customer on the
internal do-not-call list, a naive ``at``, an unsupported language, an unknown time zone, a
catalog sentence naming a field the profile lacks, and an engine notice without its event.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from goodcall.brief.build import build_brief
from goodcall.brief.facts import BriefError
from goodcall.brief.pitch import fill
from goodcall.profiles.build import build_profiles
from goodcall.profiles.fixtures import SEED_CUSTOMER_ID, seed_customer_tables
from tests.brief.handmade import CATALOG, SEEN, reason_text, row, seed_rows

AT = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)
CID = SEED_CUSTOMER_ID


@pytest.fixture(scope="module")
def seed() -> dict[str, Any]:
    return build_profiles(seed_customer_tables(), AT).collect().row(0, named=True)


def _build(profile: dict[str, Any], offer: str = "HS_IPHONE17_FETES", **kw: Any) -> Any:
    rows = kw.pop("rows", seed_rows(CID))
    channel = kw.pop("channel", "phone")
    at = kw.pop("at", AT)
    return build_brief(profile, offer, channel, CATALOG, rows, at, reason_text=reason_text, **kw)


def test_hand_made_seed_brief_is_exact(seed: dict[str, Any]) -> None:
    brief = _build(seed, agent_name=" Sophie ")
    assert brief.opening.agent_name == "Sophie"
    assert brief.opening.why.startswith("Votre iPhone 13 commence à dater")
    assert brief.offer.talking_points[-1] == "Le prix est garanti pendant deux ans."
    assert len(brief.offer.talking_points) == 3
    assert brief.offer.fit == ["same_os", "device_age", "financing_done"]
    assert [(d.offer_ids, d.code) for d in brief.avoid.offers] == [
        (["HS_GALAXY_S25_FETES", "HS_LG_VELVET_CLEARANCE"], "catalog.applicability.device_os"),
        (["PL_UP_MAX_60", "PL_UP_ULT_150"], "catalog.applicability.plan_tier"),
    ]
    assert brief.avoid.topics == ["basic_plan", "no_pressure"]
    assert brief.avoid.excluded_total == 4


def test_excluded_offer_is_refused(seed: dict[str, Any]) -> None:
    with pytest.raises(BriefError, match=r"'HS_LG_VELVET_CLEARANCE' was excluded.*device_os"):
        _build(seed, "HS_LG_VELVET_CLEARANCE")


@pytest.mark.parametrize(
    ("offer", "channel", "message"),
    [
        ("NOPE", "phone", "'NOPE' is not in the catalog"),
        ("HS_IPHONE17_FETES", "sms", "not offered by 'sms'"),
        ("HS_IPHONE17_FETES", "fax", "channel 'fax' is not one of"),
    ],
)
def test_unknown_offer_or_channel(
    seed: dict[str, Any], offer: str, channel: str, message: str
) -> None:
    with pytest.raises(BriefError, match=message):
        _build(seed, offer, channel=channel)


def test_missing_engine_row(seed: dict[str, Any]) -> None:
    rows = [r for r in seed_rows(CID) if r["offer_id"] != "HS_IPHONE17_FETES"]
    with pytest.raises(BriefError, match="no evaluation row for offer 'HS_IPHONE17_FETES'"):
        _build(seed, rows=rows)


def test_internal_do_not_call_is_never_briefed_for_phone(seed: dict[str, Any]) -> None:
    with pytest.raises(BriefError, match="internal do-not-call"):
        _build(seed | {"internal_dnc": True})
    assert _build(seed | {"internal_dnc": True}, channel="email").channel == "email"


def test_bad_time_language_and_zone(seed: dict[str, Any]) -> None:
    with pytest.raises(BriefError, match="timezone-aware"):
        _build(seed, at=dt.datetime(2026, 11, 20, 15, 0))
    with pytest.raises(BriefError, match="language 'es-MX' is not served"):
        _build(seed | {"lang": "es", "language": "es-MX"})
    with pytest.raises(BriefError, match="unknown time zone 'Mars/Olympus'"):
        _build(seed | {"time_zone": "Mars/Olympus"})


def test_unknown_placeholder_in_catalog_text() -> None:
    with pytest.raises(BriefError, match=r"offer 'X': text names \{shoe_size\}"):
        fill("Votre {shoe_size}", {"device_model": "iPhone 13"}, "X")
    assert fill("Votre {device_model}.", {"device_model": "iPhone 13"}, "X") == "Votre iPhone 13."


def test_seen_notice_without_event_is_refused(seed: dict[str, Any]) -> None:
    rows = [row(CID, "HS_IPHONE17_FETES", True, notices=[SEEN])]
    history = [e for e in seed["promotion_history"] if e["event"] != "seen"]
    with pytest.raises(BriefError, match="was seen, but the profile has no such event"):
        _build(seed | {"promotion_history": history}, rows=rows)


def test_formal_without_title_uses_full_name(seed: dict[str, Any]) -> None:
    assert _build(seed | {"title": None}).address.spoken_name == "Michel Tremblay"
    english = seed | {"lang": "en", "language": "en-CA", "title": "M."}
    assert _build(english).address.spoken_name == "Mr. Tremblay"
    informal = seed | {"register": "informal", "preferred_name": "Mike"}
    assert _build(informal).address.spoken_name == "Mike"
