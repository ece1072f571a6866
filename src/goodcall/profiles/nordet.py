"""Reference data of the demonstration carrier, Nordet Mobile: plans, promotions, devices.

Shared by the named customers (:mod:`goodcall.profiles.fixtures`), the synthetic generator and the
example offer catalog, so that the ids they use agree. What the offers really are to the synthetic
customers lives with the ground truth (:mod:`goodcall.truth.offers`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

CARRIER_NAME = "Nordet Mobile"


@dataclass(frozen=True)
class Plan:
    plan_id: str
    name_fr: str
    name_en: str
    kind: str
    tier: int
    data_gb: float
    monthly_price: float


@dataclass(frozen=True)
class Promotion:
    promotion_id: str
    name_fr: str
    name_en: str
    start_date: dt.date
    end_date: dt.date | None


@dataclass(frozen=True)
class Device:
    make: str
    model: str
    os: str
    released: int
    share: float  # share of lines in the installed base (weights, need not sum to 1)


PLANS: tuple[Plan, ...] = (
    Plan("PRE_2", "Prépayé 2 Go", "Prepaid 2 GB", "prepaid", 1, 2.0, 25.0),
    Plan("ESS_5", "Essentiel 5 Go", "Essential 5 GB", "postpaid", 2, 5.0, 35.0),
    Plan("PLUS_20", "Plus 20 Go", "Plus 20 GB", "postpaid", 3, 20.0, 50.0),
    Plan("MAX_60", "Max 60 Go", "Max 60 GB", "postpaid", 4, 60.0, 65.0),
    Plan("ULT_150", "Ultime 150 Go", "Ultimate 150 GB", "postpaid", 5, 150.0, 85.0),
)
PLANS_BY_ID = {p.plan_id: p for p in PLANS}
TOP_PLAN = max(PLANS, key=lambda p: p.tier)

PROMOTIONS: tuple[Promotion, ...] = (
    Promotion(
        "PROMO_ULT_2024",
        "Ultime à prix réduit",
        "Ultimate at a reduced price",
        dt.date(2024, 3, 1),
        dt.date(2024, 5, 31),
    ),
    Promotion(
        "PROMO_RENTREE_2025",
        "Promo de la rentrée 2025",
        "Back to school 2025",
        dt.date(2025, 8, 15),
        dt.date(2025, 9, 30),
    ),
    Promotion(
        "PROMO_FETES_2025",
        "Promo des Fêtes 2025",
        "Holiday promotion 2025",
        dt.date(2025, 11, 15),
        dt.date(2025, 12, 31),
    ),
    Promotion(
        "PROMO_PRINTEMPS_2026",
        "Promo du printemps 2026",
        "Spring promotion 2026",
        dt.date(2026, 3, 15),
        dt.date(2026, 5, 15),
    ),
    Promotion(
        "PROMO_FETES_2026",
        "Promo des Fêtes 2026",
        "Holiday promotion 2026",
        dt.date(2026, 11, 15),
        dt.date(2026, 12, 31),
    ),
)
CURRENT_PROMOTION = PROMOTIONS[-1]

DEVICES: tuple[Device, ...] = (
    Device("Apple", "iPhone 17", "iOS", 2025, 6.0),
    Device("Apple", "iPhone 16", "iOS", 2024, 9.0),
    Device("Apple", "iPhone 15", "iOS", 2023, 9.0),
    Device("Apple", "iPhone 14", "iOS", 2022, 7.0),
    Device("Apple", "iPhone 13", "iOS", 2021, 7.0),
    Device("Apple", "iPhone 12", "iOS", 2020, 4.0),
    Device("Apple", "iPhone SE", "iOS", 2022, 3.0),
    Device("Samsung", "Galaxy S25", "Android", 2025, 5.0),
    Device("Samsung", "Galaxy S24", "Android", 2024, 6.0),
    Device("Samsung", "Galaxy S23", "Android", 2023, 5.0),
    Device("Samsung", "Galaxy A55", "Android", 2024, 5.0),
    Device("Samsung", "Galaxy A35", "Android", 2024, 4.0),
    Device("Samsung", "Galaxy S21", "Android", 2021, 3.0),
    Device("Google", "Pixel 9", "Android", 2024, 3.0),
    Device("Google", "Pixel 8a", "Android", 2024, 2.0),
    Device("Motorola", "moto g 5G", "Android", 2024, 3.0),
    Device("LG", "Velvet", "Android", 2020, 0.8),
    Device("LG", "G8X ThinQ", "Android", 2019, 0.6),
    Device("Huawei", "P30", "Android", 2019, 0.4),
    Device("BlackBerry", "KEY2", "Android", 2018, 0.2),
    Device("Nokia", "G400", "Android", 2023, 0.5),
)


# Plan a promotion put its redeemers on (a redeemed plan promotion means the line is on that plan).
PROMOTION_PLANS: dict[str, str] = {
    "PROMO_ULT_2024": "ULT_150",
    "PROMO_RENTREE_2025": "PLUS_20",
    "PROMO_FETES_2025": "MAX_60",
    "PROMO_PRINTEMPS_2026": "MAX_60",
}
