"""``explain`` on a customer inside a cool-down: the date a block ends is shown even when it falls
beyond the search horizon; "none" is kept for blocks that never lift by themselves.

The seed customer declined the holiday iPhone 17 on a call on 10 November 2026 (10:00 in
Montreal); the decision is on 20 November. The policies' own 30-day cool-down after any refusal
blocks every channel until 10 December, beyond the 14-day horizon; the offer's cool-down blocks
both iPhone offers (its family) until the same day; the roaming pass stays eligible.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from rich.console import Console

from goodcall.catalog.compile import compile_catalog
from goodcall.catalog.loader import load_catalog
from goodcall.explain.build import explain_customer
from goodcall.explain.cli import render
from goodcall.explain.decision import lone_decider
from goodcall.explain.inputs import Rules
from goodcall.policy.loader import load_policies
from goodcall.policy.resolve import compile_policies
from tests.policy.helpers import AS_OF, contact, profiles, variant

RULES = Rules(compile_catalog(load_catalog()), compile_policies(load_policies()))
END = "2026-12-10T15:00:00+00:00"
TEN_AM = "10:00\u202fa.m."  # Babel's English time, narrow no-break space


def explained(lang: str = "en") -> dict[str, Any]:
    refusal = contact(AS_OF - dt.timedelta(days=10), outcome="declined")
    refusal["offer_id"] = "HS_IPHONE17_FETES"
    row = variant("C-NO", contact_history=[refusal])
    decider = lone_decider(RULES, AS_OF)
    return explain_customer(profiles(row), "C-NO", decider, AS_OF, lang)  # type: ignore[arg-type]


def test_offers_name_the_declined_offer_and_the_end_date() -> None:
    offers = {o["offer_id"]: o for o in explained()["offers"]}
    for offer in ("HS_IPHONE17_FETES", "HS_IPHONE16E"):
        assert offers[offer]["eligible"] is False
        assert offers[offer]["decided_by"]["code"] == "catalog.applicability.refusal_cooldown"
        assert offers[offer]["cooldown_until"] == END
    assert offers["HS_IPHONE16E"]["decided_by"]["text"] == (
        "the customer declined “iPhone 17 at the holiday price” on November 10, 2026: "
        "nothing of the same family before the cool-down ends on December 10, 2026"
    )
    assert offers["AO_US_ROAMING"]["eligible"] is True
    assert offers["AO_US_ROAMING"]["cooldown_until"] is None


def test_channels_show_the_end_beyond_the_horizon_and_none_only_for_good() -> None:
    channels = {c["channel"]: c for c in explained()["channels"]}
    email = channels["email"]
    assert [r["code"] for r in email["blocked_by"]] == ["policy.cooldown_refusal"]
    assert email["blocked_by"][0]["text"] == (
        "the customer declined an offer on November 10, 2026: 30-day cool-down, "
        "until December 10, 2026"
    )
    assert (email["next_window_start"], email["blocks_lift_at"]) == (None, END)
    assert email["next_allowed"] == (
        f"not before December 10, 2026, {TEN_AM} (America/Montreal), "
        "beyond the 14-day search horizon"
    )
    sms = channels["sms"]  # no consent: never lifts by itself
    assert (sms["blocks_lift_at"], sms["next_allowed"]) == (
        None,
        "none: a block does not lift by itself",
    )
    french = {c["channel"]: c for c in explained("fr")["channels"]}
    assert french["app"]["next_allowed"] == (
        "pas avant le 10 décembre 2026, 10 h 00 (America/Montreal), "
        "au-delà de l'horizon de 14 jours"
    )


def test_the_table_prints_the_date() -> None:
    out = io.StringIO()
    render(explained(), Console(file=out, width=250))
    text = out.getvalue()
    assert f"not before December 10, 2026, {TEN_AM} (America/Montreal), beyond the" in text
    assert "none: a block does not lift by itself" in text
    assert "none within the" not in text
