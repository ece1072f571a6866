"""The example customers' rows in the import format: one customer who chose tu, one in Vancouver,
a four-line family in Calgary and one with a fresh complaint (the seed customer comes from
``goodcall.profiles.fixtures``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

_UTC = dt.UTC
Rows = dict[str, list[dict[str, Any]]]


def _customer(cid: str, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "customer_id": cid,
        "preferred_name": None,
        "title": None,
        "email": None,
        "country": "CA",
        "register_source": "default",
        "register_since": None,
        "monthly_revenue": 70.0,
        "value": 1500.0,
    }
    return base | fields


def _line(lid: str, cid: str, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "line_id": lid,
        "customer_id": cid,
        "is_primary": False,
        "user_label": None,
        "financing_end_date": None,
    }
    return base | fields


def _usage(m1: float, m2: float, m3: float) -> dict[str, float]:
    return {"data_usage_gb_m1": m1, "data_usage_gb_m2": m2, "data_usage_gb_m3": m3}


def _consent(cid: str, snapshot: dt.date = dt.date(2026, 11, 10)) -> dict[str, Any]:
    return {
        "customer_id": cid,
        "national_dnc": False,
        "national_dnc_snapshot": snapshot,
        "internal_dnc_at": None,
        "internal_dnc_channel": None,
        "optin_phone": True,
        "optin_sms": True,
        "optin_email": True,
    }


def _contact(kid: str, cid: str, at: dt.datetime, outcome: str, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "contact_id": kid,
        "customer_id": cid,
        "at": at,
        "channel": "phone",
        "campaign_id": "CMP-EXEMPLE",
        "offer_id": None,
        "group": "treatment",
        "outcome": outcome,
        "converted": outcome == "accepted",
        "silence_seconds": None,
        "agent_id": None,
    }
    return base | fields


def informal_fr() -> Rows:
    cid = "C-EX-FR-TU"
    return {
        "customers": [
            _customer(
                cid,
                first_name="Émilie",
                last_name="Gagnon",
                title="Mme",
                phone="+18195550177",
                region="QC",
                time_zone="America/Toronto",
                language="fr-CA",
                register="informal",
                register_source="explicit",
                register_since=dt.datetime(2025, 3, 3, 15, 0, tzinfo=_UTC),
                customer_since=dt.date(2019, 8, 20),
                monthly_revenue=55.0,
            )
        ],
        "lines": [
            _line(
                "L-EX-FR-TU-1",
                cid,
                is_primary=True,
                plan_id="PLUS_20",
                device_make="Apple",
                device_model="iPhone 14",
                device_os="iOS",
                device_purchase_date=dt.date(2023, 1, 14),
                financing_end_date=dt.date(2025, 1, 14),
                **_usage(19.1, 18.4, 17.9),
            )
        ],
        "promotion_events": [
            {
                "customer_id": cid,
                "promotion_id": "PROMO_RENTREE_2025",
                "event": "redeemed",
                "at": dt.datetime(2025, 9, 2, 22, 15, tzinfo=_UTC),
                "place": "store",
                "line_id": "L-EX-FR-TU-1",
            }
        ],
        "preferences": [
            {
                "customer_id": cid,
                "channels_accepted": ["phone", "sms", "app"],
                "preferred_start": dt.time(10, 0),
                "preferred_end": dt.time(19, 30),
                "contact_only_on_request": False,
            }
        ],
        "consent": [_consent(cid)],
        "contacts": [
            _contact(
                "K-EX-FR-TU-1",
                cid,
                dt.datetime(2026, 6, 10, 23, 5, tzinfo=_UTC),
                "declined",
                offer_id="AO_STREAMING",
            )
        ],
        "self_service": [
            {
                "customer_id": cid,
                "app_logins_90d": 21,
                "inbound_contacts_90d": 1,
                "online_purchases_12m": 0,
            }
        ],
        "cases": [],
    }


def english() -> Rows:
    cid = "C-EX-EN-01"
    return {
        "customers": [
            _customer(
                cid,
                first_name="Priya",
                last_name="Raman",
                title="Ms.",
                phone="+16045550163",
                region="BC",
                time_zone="America/Vancouver",
                language="en-CA",
                register="formal",
                customer_since=dt.date(2017, 2, 11),
                monthly_revenue=40.0,
            )
        ],
        "lines": [
            _line(
                "L-EX-EN-01",
                cid,
                is_primary=True,
                plan_id="ESS_5",
                device_make="Samsung",
                device_model="Galaxy S21",
                device_os="Android",
                device_purchase_date=dt.date(2021, 9, 4),
                financing_end_date=dt.date(2023, 9, 4),
                **_usage(3.4, 2.9, 3.1),
            )
        ],
        "promotion_events": [
            {
                "customer_id": cid,
                "promotion_id": "PROMO_FETES_2026",
                "event": "seen",
                "at": dt.datetime(2026, 11, 16, 2, 40, tzinfo=_UTC),
                "place": "email",
                "line_id": None,
            }
        ],
        "preferences": [],
        "consent": [_consent(cid)],
        "contacts": [],
        "self_service": [
            {
                "customer_id": cid,
                "app_logins_90d": 3,
                "inbound_contacts_90d": 0,
                "online_purchases_12m": 0,
            }
        ],
        "cases": [],
    }


def family() -> Rows:
    cid = "C-EX-FAM-01"
    phones = (
        ("1", True, None, "MAX_60", "Apple", "iPhone 15", "iOS",
         dt.date(2023, 10, 2), (52, 47, 44)),
        ("2", False, "Sarah (spouse)", "MAX_60", "Apple", "iPhone 14", "iOS",
         dt.date(2022, 11, 20), (31, 28, 30)),
        ("3", False, "Emma (daughter)", "PLUS_20", "Samsung", "Galaxy A35", "Android",
         dt.date(2024, 6, 15), (19.5, 20.8, 18.2)),
        ("4", False, "Noah (son)", "ESS_5", "Apple", "iPhone SE", "iOS",
         dt.date(2024, 8, 30), (4.6, 4.1, 5.2)),
    )  # fmt: skip
    return {
        "customers": [
            _customer(
                cid,
                first_name="David",
                last_name="Kowalski",
                preferred_name="Dave",
                title="Mr.",
                phone="+14035550110",
                region="AB",
                time_zone="America/Edmonton",
                language="en-CA",
                register="informal",
                register_source="inferred",
                customer_since=dt.date(2012, 5, 1),
                monthly_revenue=240.0,
                value=6200.0,
            )
        ],
        "lines": [
            _line(
                f"L-EX-FAM-{n}",
                cid,
                is_primary=primary,
                user_label=label,
                plan_id=plan,
                device_make=make,
                device_model=model,
                device_os=os_,
                device_purchase_date=bought,
                **_usage(*usage),
            )
            for n, primary, label, plan, make, model, os_, bought, usage in phones
        ],
        "promotion_events": [
            {
                "customer_id": cid,
                "promotion_id": "PROMO_RENTREE_2025",
                "event": "redeemed",
                "at": dt.datetime(2025, 8, 28, 18, 0, tzinfo=_UTC),
                "place": "web",
                "line_id": "L-EX-FAM-3",
            }
        ],
        "preferences": [
            {
                "customer_id": cid,
                "channels_accepted": ["phone", "email", "app"],
                "preferred_start": dt.time(9, 0),
                "preferred_end": dt.time(18, 0),
                "contact_only_on_request": False,
            }
        ],
        "consent": [_consent(cid)],
        "contacts": [
            _contact(
                "K-EX-FAM-1",
                cid,
                dt.datetime(2026, 9, 30, 17, 20, tzinfo=_UTC),
                "voicemail",
            ),
            _contact(
                "K-EX-FAM-2",
                cid,
                dt.datetime(2026, 3, 20, 16, 0, tzinfo=_UTC),
                "accepted",
                channel="email",
                offer_id="AO_CLOUD_200",
            ),
        ],
        "self_service": [
            {
                "customer_id": cid,
                "app_logins_90d": 40,
                "inbound_contacts_90d": 2,
                "online_purchases_12m": 3,
            }
        ],
        "cases": [],
    }


def complaint() -> Rows:
    cid = "C-EX-PLAINTE"
    opened = dt.datetime(2026, 11, 12, 19, 40, tzinfo=_UTC)
    return {
        "customers": [
            _customer(
                cid,
                first_name="Nathalie",
                last_name="Bouchard",
                title="Mme",
                phone="+14185550199",
                region="QC",
                time_zone="America/Toronto",
                language="fr-CA",
                register="formal",
                customer_since=dt.date(2009, 3, 16),
                monthly_revenue=95.0,
                value=3900.0,
            )
        ],
        "lines": [
            _line(
                "L-EX-PLAINTE",
                cid,
                is_primary=True,
                plan_id="MAX_60",
                device_make="Samsung",
                device_model="Galaxy S23",
                device_os="Android",
                device_purchase_date=dt.date(2023, 5, 6),
                **_usage(24.0, 19.5, 22.3),
            )
        ],
        "promotion_events": [],
        "preferences": [],
        "consent": [_consent(cid)],
        "contacts": [
            _contact(
                "K-EX-PLAINTE-1",
                cid,
                opened,
                "complaint",
                channel="phone",
                offer_id="AO_US_ROAMING",
            )
        ],
        "self_service": [
            {
                "customer_id": cid,
                "app_logins_90d": 6,
                "inbound_contacts_90d": 3,
                "online_purchases_12m": 0,
            }
        ],
        "cases": [
            {
                "case_id": "CASE-EX-0042",
                "customer_id": cid,
                "kind": "complaint",
                "status": "open",
                "opened_at": opened,
                "summary": "Frais d’itinérance facturés en double sur la facture d’octobre",
            }
        ],
    }
