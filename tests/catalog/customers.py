"""Contrasting customers built through the real profile builder, for wording and precedence tests.

Each is the seed customer's import rows with a few changes, so every derived field (plan names on
the lines, usage ratio, tenure, device age, financing) is computed the way production computes it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from goodcall.catalog.cooldown import cooldown_groups
from goodcall.catalog.loader import load_catalog
from goodcall.profiles.build import build_profiles
from goodcall.profiles.fixtures import reference_tables, seed_customer_rows
from goodcall.profiles.frames import table_schema
from goodcall.profiles.schema import TABLES_BY_NAME
from tests.policy.helpers import AS_OF


def built_profile(
    customer_id: str,
    *,
    customer: dict[str, Any] | None = None,
    line: dict[str, Any] | None = None,
    extra_lines: int = 0,
    self_service: dict[str, Any] | None = None,
    redeemed: tuple[str, ...] | None = None,
    declined: tuple[str, ...] = (),
) -> dict[str, Any]:
    """The seed customer's rows with changes, built into one profile row (as of ``AS_OF``);
    ``declined`` offers were each declined on a call ten days before."""
    rows = seed_customer_rows()
    for table in rows.values():
        for row in table:
            row["customer_id"] = customer_id
    first = rows["contacts"][0]
    rows["contacts"] += [
        {
            **first,
            "contact_id": f"K-{customer_id}-{n}",
            "at": AS_OF - dt.timedelta(days=10),
            "channel": "phone",
            "offer_id": offer_id,
            "outcome": "declined",
        }
        for n, offer_id in enumerate(declined)
    ]
    rows["customers"][0].update(customer or {})
    main = rows["lines"][0]
    main.update({"line_id": f"L-{customer_id}-0"}, **(line or {}))
    for n in range(extra_lines):
        rows["lines"].append({**main, "line_id": f"L-{customer_id}-{n + 1}", "is_primary": False})
    rows["self_service"][0].update(self_service or {})
    events = rows["promotion_events"]
    for event in events:
        event["line_id"] = None
    if redeemed is not None:
        kept = [e for e in events if e["event"] != "redeemed"]
        rows["promotion_events"] = kept + [
            {**events[0], "promotion_id": p, "event": "redeemed"} for p in redeemed
        ]
    tables = reference_tables()
    for name, table_rows in rows.items():
        schema = table_schema(TABLES_BY_NAME[name])
        tables[name] = pl.DataFrame(table_rows, schema=schema).lazy()
    return build_profiles(tables, AS_OF).collect().row(0, named=True)


def _usage(gb: float) -> dict[str, float]:
    return {"data_usage_gb_m1": gb, "data_usage_gb_m2": gb, "data_usage_gb_m3": gb}


def max_60_customer() -> dict[str, Any]:
    """Mme Bouchard: Max 60 Go (tier 4, not the top), an iPhone 15, 47.7 GB a month."""
    return built_profile(
        "C-MAX60",
        customer={"first_name": "Louise", "last_name": "Bouchard", "title": "Mme"},
        line={
            "plan_id": "MAX_60",
            "device_model": "iPhone 15",
            "device_purchase_date": dt.date(2023, 10, 5),
            **_usage(47.7),
        },
    )


OWNED_DEVICES = (
    ("Apple", "iPhone 17", "iOS"),
    ("Apple", "iPhone 16e", "iOS"),
    ("Samsung", "Galaxy S25", "Android"),
    ("Samsung", "Galaxy A56", "Android"),
    ("Google", "Pixel 10", "Android"),
    ("Motorola", "moto g 5G", "Android"),
)
"""Devices some offers sell: one customer already owns each."""


def owners() -> list[dict[str, Any]]:
    """One customer per device of :data:`OWNED_DEVICES`, bought a month before the as-of date."""
    return [
        built_profile(
            f"C-OWNS-{n}",
            line={
                "device_make": make,
                "device_model": model,
                "device_os": os_name,
                "device_purchase_date": dt.date(2026, 10, 10),
                "financing_end_date": None,
            },
        )
        for n, (make, model, os_name) in enumerate(OWNED_DEVICES)
    ]


def contrasting_customers() -> list[dict[str, Any]]:
    """Customers who between them fail every rule of the shipped catalog at least once."""
    recent = dt.date(2026, 8, 20)
    return [
        *owners(),
        built_profile("C-SEED"),
        max_60_customer(),
        built_profile(
            "C-PREPAID",
            customer={
                "language": "en-CA",
                "customer_since": recent,
                "region": "AB",
                "time_zone": "America/Edmonton",
            },
            line={
                "plan_id": "PRE_2",
                "device_make": "Samsung",
                "device_model": "Galaxy S21",
                "device_os": "Android",
                "device_purchase_date": dt.date(2026, 10, 1),
                "financing_end_date": dt.date(2027, 12, 1),
                **_usage(1.1),
            },
            self_service={"app_logins_90d": 1, "online_purchases_12m": 0},
        ),
        built_profile(
            "C-LG",
            line={
                "plan_id": "ESS_5",
                "device_make": "LG",
                "device_model": "Velvet",
                "device_os": "Android",
                "device_purchase_date": dt.date(2025, 9, 1),
                "financing_end_date": dt.date(2027, 9, 1),
                **_usage(9.0),
            },
            extra_lines=5,
        ),
        built_profile(
            "C-US",
            customer={"country": "US", "region": "NY", "time_zone": "America/New_York"},
            line={"plan_id": "PLUS_20", "device_os": "Other", **_usage(30.0)},
            redeemed=("PROMO_FETES_2026",),
        ),
        built_profile(
            "C-DECLINED",
            declined=tuple(group.offers[0] for group in cooldown_groups(load_catalog())),
        ),
        built_profile(
            "C-NODEVICE",
            line={
                "plan_id": "MAX_60",
                "device_make": None,
                "device_model": None,
                "device_os": None,
                "device_purchase_date": None,
                "financing_end_date": None,
                **_usage(80.0),
            },
        ),
    ]
