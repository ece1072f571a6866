"""Varied customers in the import format, drawn by Hypothesis, for checks on briefs.

Every shape the brief must handle: both languages (and fr-FR / en-US locales), both registers,
with or without a title or preferred name, one to four lines on any device of the demo carrier,
promotions redeemed and seen, contact histories, open complaints and repairs, names that are
themselves French or English words ("Tu", "Vous", "Will") and markup-looking text.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from goodcall.profiles.nordet import DEVICES, PLANS, PROMOTIONS

UTC = dt.UTC
AT = dt.datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
FIRST = ["Michel", "Émilie", "Priya", "Dave", "Tu", "Vous", "Will", "Zoë", "Jean-François", "Ali"]
LAST = ["Tremblay", "Gagnon", "Raman", "O'Brien", "Côté", "Nguyen", "Le", "Bouchard", "Smith"]
ZONES = ["America/Montreal", "America/Toronto", "America/Vancouver", "America/Halifax"]
LABELS = [None, "Léa (fille)", "Sarah (spouse)", "Tablette <b>", "Noah & Co"]
SUMMARIES = [None, "Facture contestée", "Screen cracked", "<script>alert(1)</script>"]
OUTCOMES = ["no_answer", "voicemail", "abandoned", "accepted", "declined", "callback", "complaint"]


def _moment(draw: st.DrawFn, days_back: int = 900) -> dt.datetime:
    back = draw(st.integers(min_value=1, max_value=days_back))
    minutes = draw(st.integers(min_value=0, max_value=24 * 60 - 1))
    return AT - dt.timedelta(days=back, minutes=minutes)


@st.composite
def customer_rows(draw: st.DrawFn, number: int) -> dict[str, list[dict[str, Any]]]:
    """One customer's rows, table by table."""
    cid = f"C-HYP-{number:04d}"
    language = draw(st.sampled_from(["fr-CA", "en-CA", "fr-CA", "en-CA", "fr-FR", "en-US"]))
    fr = language.startswith("fr")
    title = draw(st.sampled_from([None, "M.", "Mme"] if fr else [None, "Mr.", "Ms.", "Dr."]))
    informal = draw(st.booleans())
    n_lines = draw(st.integers(min_value=1, max_value=4))
    lines = []
    for i in range(n_lines):
        device = draw(st.sampled_from(DEVICES))
        plan = draw(st.sampled_from(PLANS))
        bought = AT.date() - dt.timedelta(days=draw(st.integers(30, 2500)))
        financed = draw(st.sampled_from([None, 24, 36]))
        usage = [draw(st.floats(0, plan.data_gb * 1.4, allow_nan=False)) for _ in range(3)]
        lines.append(
            {
                "line_id": f"L-{cid}-{i}",
                "customer_id": cid,
                "is_primary": i == 0,
                "user_label": draw(st.sampled_from(LABELS)) if i else None,
                "plan_id": plan.plan_id,
                "device_make": device.make,
                "device_model": device.model,
                "device_os": device.os,
                "device_purchase_date": bought,
                "financing_end_date": None
                if financed is None
                else bought + dt.timedelta(days=financed * 30),
                "data_usage_gb_m1": usage[0],
                "data_usage_gb_m2": usage[1],
                "data_usage_gb_m3": usage[2],
            }
        )
    promos = [
        {
            "customer_id": cid,
            "promotion_id": draw(st.sampled_from(PROMOTIONS)).promotion_id,
            "event": draw(st.sampled_from(["redeemed", "seen"])),
            "at": _moment(draw),
            "place": draw(st.sampled_from([None, "app", "email", "bill", "web", "store"])),
            "line_id": None,
        }
        for _ in range(draw(st.integers(0, 3)))
    ]
    promos = list({(p["promotion_id"], p["event"], p["at"]): p for p in promos}.values())
    contacts = [
        {
            "contact_id": f"K-{cid}-{i}",
            "customer_id": cid,
            "at": _moment(draw, 400),
            "channel": draw(st.sampled_from(["phone", "email", "sms", "app"])),
            "campaign_id": "CMP-HYP",
            "offer_id": draw(st.sampled_from([None, "HS_LG_VELVET_CLEARANCE", "AO_CLOUD_200"])),
            "group": draw(st.sampled_from(["treatment", "treatment", "control"])),
            "outcome": draw(st.sampled_from(OUTCOMES)),
            "converted": False,
            "silence_seconds": None,
            "agent_id": None,
        }
        for i in range(draw(st.integers(0, 4)))
    ]
    cases = [
        {
            "case_id": f"CASE-{cid}-{i}",
            "customer_id": cid,
            "kind": draw(st.sampled_from(["complaint", "repair", "billing", "porting"])),
            "status": draw(st.sampled_from(["open", "closed"])),
            "opened_at": _moment(draw, 200),
            "summary": draw(st.sampled_from(SUMMARIES)),
        }
        for i in range(draw(st.integers(0, 2)))
    ]
    start = draw(st.sampled_from([None, dt.time(9, 0), dt.time(10, 30)]))
    return {
        "customers": [
            {
                "customer_id": cid,
                "first_name": draw(st.sampled_from(FIRST)),
                "last_name": draw(st.sampled_from(LAST)),
                "preferred_name": draw(st.sampled_from([None, "Mimi", "Bob"])),
                "title": title,
                "phone": "+15145550100",
                "email": None,
                "country": "FR" if language == "fr-FR" else "US" if language == "en-US" else "CA",
                "region": "QC" if fr else "ON",
                "time_zone": draw(st.sampled_from(ZONES)),
                "language": language,
                "register": "informal" if informal else "formal",
                "register_source": draw(st.sampled_from(["default", "explicit", "inferred"])),
                "register_since": None,
                "customer_since": AT.date() - dt.timedelta(days=draw(st.integers(40, 9000))),
                "monthly_revenue": 60.0,
                "value": 1000.0,
            }
        ],
        "lines": lines,
        "promotion_events": promos,
        "preferences": [
            {
                "customer_id": cid,
                "channels_accepted": ["phone", "email", "sms", "app"],
                "preferred_start": start,
                "preferred_end": draw(st.sampled_from([None, dt.time(17, 0), dt.time(20, 30)])),
                "contact_only_on_request": False,
            }
        ],
        "consent": [
            {
                "customer_id": cid,
                "national_dnc": False,
                "national_dnc_snapshot": dt.date(2026, 11, 10),
                "internal_dnc_at": None,
                "internal_dnc_channel": None,
                "optin_phone": True,
                "optin_sms": True,
                "optin_email": True,
            }
        ],
        "contacts": contacts,
        "self_service": [
            {
                "customer_id": cid,
                "app_logins_90d": draw(st.integers(0, 80)),
                "inbound_contacts_90d": draw(st.integers(0, 3)),
                "online_purchases_12m": draw(st.integers(0, 5)),
            }
        ],
        "cases": cases,
    }


@st.composite
def populations(draw: st.DrawFn, max_size: int = 6) -> dict[str, list[dict[str, Any]]]:
    """Several customers, merged table by table."""
    size = draw(st.integers(min_value=1, max_value=max_size))
    merged: dict[str, list[dict[str, Any]]] = {}
    for number in range(size):
        for table, rows in draw(customer_rows(number)).items():
            merged.setdefault(table, []).extend(rows)
    return merged
