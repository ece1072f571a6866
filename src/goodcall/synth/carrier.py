"""Reference data of the demonstration carrier, Nordet Mobile: plans, promotions, devices.

Shared by the synthetic generator, the named fixtures and the example offer catalog, so that the
ids they use agree.
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


@dataclass(frozen=True)
class OfferSpec:
    """What an offer of the demo catalog really is, for the synthetic world and its truth.

    The example catalog (YAML) carries the marketing and the rules; this carries the facts the
    ground truth needs to decide who would want it. A test keeps the two in step.
    """

    offer_id: str
    kind: str  # handset | plan | addon | bundle | retention
    value: float  # margin to the carrier when accepted
    target_os: str | None = None  # handsets and OS-specific add-ons
    target_make: str | None = None
    plan_tier: int | None = None  # plan offers: the tier the customer would move to
    promotion_id: str | None = None
    appeal: float = 1.0  # how attractive the offer is to a customer it fits (truth only)
    cost: float = 0.0  # what the carrier gives away when it is accepted (a discount, a credit)

    @property
    def net_value(self) -> float:
        """What an accepted offer is worth to the carrier: its margin less its cost."""
        return self.value - self.cost


OFFERS: tuple[OfferSpec, ...] = (
    OfferSpec(
        "HS_IPHONE17_FETES",
        "handset",
        420.0,
        "iOS",
        "Apple",
        promotion_id="PROMO_FETES_2026",
        appeal=1.3,
        cost=150.0,
    ),
    OfferSpec("HS_IPHONE16E", "handset", 260.0, "iOS", "Apple", appeal=0.9, cost=90.0),
    OfferSpec(
        "HS_GALAXY_S25_FETES",
        "handset",
        380.0,
        "Android",
        "Samsung",
        promotion_id="PROMO_FETES_2026",
        appeal=1.2,
        cost=140.0,
    ),
    OfferSpec("HS_GALAXY_A56", "handset", 180.0, "Android", "Samsung", appeal=0.9, cost=60.0),
    OfferSpec("HS_PIXEL_10", "handset", 300.0, "Android", "Google", appeal=0.8, cost=110.0),
    OfferSpec("HS_LG_VELVET_CLEARANCE", "handset", 90.0, "Android", "LG", appeal=0.4, cost=40.0),
    OfferSpec("HS_MOTO_G_PREPAID", "handset", 60.0, "Android", "Motorola", appeal=0.7, cost=25.0),
    OfferSpec("PL_UP_PLUS_20", "plan", 150.0, plan_tier=3, appeal=1.0, cost=20.0),
    OfferSpec("PL_UP_MAX_60", "plan", 210.0, plan_tier=4, appeal=1.0, cost=25.0),
    OfferSpec("PL_UP_ULT_150", "plan", 260.0, plan_tier=5, appeal=0.9, cost=30.0),
    OfferSpec(
        "PL_FETES_ULT_150",
        "plan",
        230.0,
        plan_tier=5,
        promotion_id="PROMO_FETES_2026",
        appeal=1.2,
        cost=60.0,
    ),
    OfferSpec("PL_PREPAID_TO_ESS_5", "plan", 140.0, plan_tier=2, appeal=0.9, cost=15.0),
    OfferSpec("PL_RIGHTSIZE_PLUS_20", "retention", 80.0, plan_tier=3, appeal=1.1),
    OfferSpec("AO_US_ROAMING", "addon", 60.0, appeal=0.8),
    OfferSpec("AO_WORLD_ROAMING", "addon", 70.0, appeal=0.6),
    OfferSpec("AO_DATA_TOPUP_10", "addon", 45.0, appeal=1.1),
    OfferSpec("AO_DEVICE_PROTECT", "addon", 110.0, appeal=0.8),
    OfferSpec("AO_APPLECARE", "addon", 120.0, "iOS", "Apple", appeal=0.8),
    OfferSpec("AO_CLOUD_200", "addon", 40.0, appeal=0.6),
    OfferSpec("AO_STREAMING", "addon", 75.0, appeal=0.7),
    OfferSpec("AO_APPLE_WATCH_LINE", "addon", 140.0, "iOS", "Apple", appeal=0.7),
    OfferSpec("AO_GALAXY_WATCH_LINE", "addon", 130.0, "Android", "Samsung", appeal=0.7),
    OfferSpec("AO_TABLET_LINE", "addon", 120.0, appeal=0.5),
    OfferSpec("ML_ADD_LINE", "bundle", 220.0, appeal=0.9, cost=30.0),
    OfferSpec("ML_FAMILY_DISCOUNT", "bundle", 160.0, appeal=1.0),
    OfferSpec("HI_HOME_INTERNET", "bundle", 300.0, appeal=0.7, cost=120.0),
    OfferSpec("RT_LOYALTY_CREDIT", "retention", 200.0, appeal=1.2, cost=120.0),
    OfferSpec("RT_PRICE_MATCH", "retention", 150.0, appeal=1.0, cost=80.0),
    OfferSpec("RT_FINANCING_DONE", "retention", 120.0, appeal=1.0, cost=50.0),
    OfferSpec("SV_5G_PLUS_TRIAL", "addon", 50.0, appeal=0.6),
)
OFFERS_BY_ID = {o.offer_id: o for o in OFFERS}

# Plan a promotion put its redeemers on (a redeemed plan promotion means the line is on that plan).
PROMOTION_PLANS: dict[str, str] = {
    "PROMO_ULT_2024": "ULT_150",
    "PROMO_RENTREE_2025": "PLUS_20",
    "PROMO_FETES_2025": "MAX_60",
    "PROMO_PRINTEMPS_2026": "MAX_60",
}

# The device a handset offer puts in the customer's hands: (make, model, os).
OFFER_DEVICES: dict[str, tuple[str, str, str]] = {
    "HS_IPHONE17_FETES": ("Apple", "iPhone 17", "iOS"),
    "HS_IPHONE16E": ("Apple", "iPhone 16e", "iOS"),
    "HS_GALAXY_S25_FETES": ("Samsung", "Galaxy S25", "Android"),
    "HS_GALAXY_A56": ("Samsung", "Galaxy A56", "Android"),
    "HS_PIXEL_10": ("Google", "Pixel 10", "Android"),
    "HS_LG_VELVET_CLEARANCE": ("LG", "Velvet", "Android"),
    "HS_MOTO_G_PREPAID": ("Motorola", "moto g 5G", "Android"),
}
