"""Named customers that tests, docs and demos refer to.

``SEED_CUSTOMER_ID`` is the customer of the story that started goodcall: a Quebecer served in
French, formal register, an iPhone, the largest data plan taken under an earlier promotion, who
already saw the current promotion in the app, buys on his own, and does not want evening calls.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from goodcall.profiles.frames import table_schema
from goodcall.profiles.nordet import PLANS, PROMOTIONS
from goodcall.profiles.schema import TABLES_BY_NAME

SEED_CUSTOMER_ID = "C-SEED-0001"
_UTC = dt.UTC


def _frame(table: str, rows: list[dict[str, object]]) -> pl.LazyFrame:
    return pl.DataFrame(rows, schema=table_schema(TABLES_BY_NAME[table])).lazy()


def reference_tables() -> dict[str, pl.LazyFrame]:
    """The carrier's plans and promotions as import tables."""
    return {
        "plans": _frame("plans", [vars(p) for p in PLANS]),
        "promotions": _frame("promotions", [vars(p) for p in PROMOTIONS]),
    }


def seed_customer_rows() -> dict[str, list[dict[str, object]]]:
    """The seed customer's rows, table by table (import format, timestamps in UTC)."""
    cid = SEED_CUSTOMER_ID
    return {
        "customers": [
            {
                "customer_id": cid,
                "first_name": "Michel",
                "last_name": "Tremblay",
                "preferred_name": None,
                "title": "M.",
                "phone": "+15145550142",
                "email": "michel.tremblay@example.ca",
                "country": "CA",
                "region": "QC",
                "time_zone": "America/Montreal",
                "language": "fr-CA",
                "register": "formal",
                "register_source": "default",
                "register_since": None,
                "customer_since": dt.date(2014, 6, 2),
                "monthly_revenue": 85.0,
                "value": 2400.0,
            }
        ],
        "lines": [
            {
                "line_id": "L-SEED-0001",
                "customer_id": cid,
                "is_primary": True,
                "user_label": None,
                "plan_id": "ULT_150",
                "device_make": "Apple",
                "device_model": "iPhone 13",
                "device_os": "iOS",
                "device_purchase_date": dt.date(2022, 10, 1),
                "financing_end_date": dt.date(2024, 10, 1),
                "data_usage_gb_m1": 41.0,
                "data_usage_gb_m2": 37.5,
                "data_usage_gb_m3": 44.2,
            }
        ],
        "line_changes": [],
        "promotion_events": [
            {
                "customer_id": cid,
                "promotion_id": "PROMO_ULT_2024",
                "event": "redeemed",
                "at": dt.datetime(2024, 4, 12, 16, 20, tzinfo=_UTC),
                "place": "web",
                "line_id": "L-SEED-0001",
            },
            {
                "customer_id": cid,
                "promotion_id": "PROMO_FETES_2026",
                "event": "seen",
                "at": dt.datetime(2026, 11, 17, 12, 3, tzinfo=_UTC),
                "place": "app",
                "line_id": None,
            },
        ],
        "preferences": [
            {
                "customer_id": cid,
                "channels_accepted": ["phone", "email", "app"],
                "preferred_start": dt.time(9, 0),
                "preferred_end": dt.time(17, 0),
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
                "optin_sms": False,
                "optin_email": True,
            }
        ],
        "contacts": [
            {
                "contact_id": "K-SEED-0001",
                "customer_id": cid,
                "at": dt.datetime(2026, 5, 6, 14, 30, tzinfo=_UTC),
                "channel": "email",
                "campaign_id": "CMP-PRINTEMPS-2026",
                "offer_id": "AO_US_ROAMING",
                "group": "treatment",
                "outcome": "no_answer",
                "converted": False,
                "silence_seconds": None,
                "agent_id": None,
            }
        ],
        "self_service": [
            {
                "customer_id": cid,
                "app_logins_90d": 58,
                "inbound_contacts_90d": 0,
                "online_purchases_12m": 4,
            }
        ],
        "cases": [],
    }


def seed_customer_tables() -> dict[str, pl.LazyFrame]:
    """Every import table holding just the seed customer (plus the carrier's reference data)."""
    tables = reference_tables()
    for name, rows in seed_customer_rows().items():
        tables[name] = _frame(name, rows)
    return tables
