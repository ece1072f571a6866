"""The demo catalog's offers as the synthetic world really sees them: kind, margin, cost, target
and appeal (the ground truth's side; the YAML catalog carries the marketing and the rules).
"""

from __future__ import annotations

from dataclasses import dataclass


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
