"""The offer catalog's data model (what a YAML catalog file must contain).

Texts that an agent says exist in three voices: French formal (vous), French informal (tu) and
English. Rules carry their own explanation (``because``), so the reason an offer was excluded
reads in the customer's language on the agent's screen without anyone writing it twice.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from goodcall.channels import Channel
from goodcall.profiles.brands import BRAND_ID, Brand, Names

OfferKind = Literal["handset", "plan", "addon", "bundle", "retention"]
RuleTier = Literal["eligibility", "applicability", "suitability"]
PER_LINE_KINDS: frozenset[str] = frozenset({"handset", "plan"})
"""Offer kinds judged line by line (a handset or a plan is for one line of the account); the
others (add-ons, bundles, retention) are judged on the account, through its primary line."""


class Strict(BaseModel):
    """Base for catalog models: unknown keys are errors, never silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Bilingual(Strict):
    """A short text in French and English (names, reasons)."""

    fr: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Voiced(Strict):
    """A text an agent may say: French formal (vous), French informal (tu), English."""

    fr_formal: str = Field(min_length=1)
    fr_informal: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Rule(Strict):
    """One engagement rule: an SQL-style predicate over profile fields.

    ``when`` must be true for the offer to pass this rule. ``because`` explains an exclusion and
    may name profile fields in braces: ``"le client utilise un {device_make} {device_model}"``.
    """

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    when: str = Field(min_length=1)
    because: Bilingual


class Objection(Strict):
    """The likely objection and the answer to it."""

    objection: Bilingual
    answer: Voiced


class Target(Strict):
    """What the offer is, for the engine's built-in applicability checks.

    A handset with ``device_os`` is never offered to a customer on another OS; a plan with
    ``plan_tier`` only to customers below that tier; an offer tied to a ``promotion_id`` never to a
    customer who already redeemed it (and flagged when they have already seen it).
    """

    device_os: Literal["iOS", "Android"] | None = None
    device_make: str | None = None
    device_model: str | None = None
    plan_id: str | None = None
    plan_tier: int | None = Field(default=None, ge=1)


class Prior(Strict):
    """Cold-start beliefs before any contact history exists for this offer."""

    accept_rate_contacted: float = Field(ge=0, le=1)
    accept_rate_uncontacted: float = Field(ge=0, le=1)
    annoy_rate: float = Field(default=0.01, ge=0, le=1)
    strength: float = Field(default=50.0, gt=0, description="pseudo-observations behind the prior")


class Offer(Strict):
    """One offer of the catalog."""

    id: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    kind: OfferKind
    name: Bilingual
    why_we_call: Voiced = Field(description="one sentence: why this call, for this customer")
    talking_points: list[Voiced] = Field(min_length=1, max_length=5)
    objection: Objection | None = None
    value: float = Field(ge=0, description="margin to the carrier when accepted")
    cost: float = Field(default=0.0, ge=0, description="cost of the offer when accepted")
    channels: list[Channel] = Field(min_length=1)
    valid_from: dt.date
    valid_to: dt.date | None = None
    volume_limit: int | None = Field(default=None, ge=1)
    promotion_id: str | None = None
    family: str | None = Field(
        default=None,
        pattern=r"^[a-z][a-z0-9_]*$",
        description="offers a refusal blocks together (see cooldown_days)",
    )
    cooldown_days: int | None = Field(
        default=None,
        ge=1,
        le=3650,
        description="days a refusal of this offer blocks it and its family",
    )
    target: Target = Field(default_factory=Target)
    eligibility: list[Rule] = Field(default_factory=list)
    applicability: list[Rule] = Field(default_factory=list)
    suitability: list[Rule] = Field(default_factory=list)
    prior: Prior | None = None
    brand: str | None = Field(
        default=None,
        pattern=BRAND_ID,
        description="brand the offer belongs to (default: the brand of its catalog file)",
    )

    @model_validator(mode="after")
    def _dates_in_order(self) -> Offer:
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError(f"valid_to {self.valid_to} is before valid_from {self.valid_from}")
        return self

    @property
    def per_line(self) -> bool:
        """Judged for each line of the account (see :data:`PER_LINE_KINDS`)."""
        return self.kind in PER_LINE_KINDS

    def rules(self) -> list[tuple[RuleTier, Rule]]:
        """Every rule with its tier, in evaluation order."""
        tiers: tuple[RuleTier, ...] = ("eligibility", "applicability", "suitability")
        return [(tier, rule) for tier in tiers for rule in getattr(self, tier)]


class Catalog(Strict):
    """A whole catalog file (or the catalogs of every brand, merged by the brands loader)."""

    company: Bilingual = Field(description="the company name the agent announces")
    currency: str = Field(default="CAD", pattern=r"^[A-Z]{3}$")
    locale: str = Field(default="fr_CA", pattern=r"^[a-z]{2}_[A-Z]{2}$")
    brand: str | None = Field(
        default=None,
        pattern=BRAND_ID,
        description="brand of the offers (and of customers without one); none: one-brand carrier",
    )
    brands: list[Brand] = Field(
        default_factory=list, description="every brand, when loaded from a brands file"
    )
    promotions: dict[str, Bilingual] = Field(
        default_factory=dict,
        description="names of the promotions offers refer to (for the reason texts)",
    )
    offers: list[Offer] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> Catalog:
        seen: set[str] = set()
        for offer in self.offers:
            if offer.id in seen:
                raise ValueError(f"offer id {offer.id!r} appears twice")
            seen.add(offer.id)
            if self.promotions and offer.promotion_id and offer.promotion_id not in self.promotions:
                known = ", ".join(sorted(self.promotions))
                raise ValueError(
                    f"offer {offer.id}: promotion_id {offer.promotion_id!r} is not one of the "
                    f"catalog's promotions ({known})"
                )
        if self.brands:
            known_brands = [b.id for b in self.brands]
            for offer in self.offers:
                if self.offer_brand(offer) not in known_brands:
                    raise ValueError(
                        f"offer {offer.id}: brand {self.offer_brand(offer)!r} is not one of the "
                        f"brands ({', '.join(known_brands)})"
                    )
        return self

    def offer_brand(self, offer: Offer) -> str | None:
        """The brand an offer belongs to: its own, else its catalog's."""
        return offer.brand or self.brand

    def brand_info(self, brand_id: str | None) -> Brand:
        """Company, currency and locale of a brand (``None``: the default brand)."""
        wanted = brand_id or self.brand
        for brand in self.brands:
            if brand.id == wanted:
                return brand
        if wanted != self.brand:
            known = ", ".join(b.id for b in self.brands) or str(self.brand)
            raise KeyError(f"unknown brand {wanted!r} (this catalog has: {known})")
        return Brand(
            id=self.brand or "default",
            company=Names(fr=self.company.fr, en=self.company.en),
            currency=self.currency,
            locale=self.locale,
        )

    def offer(self, offer_id: str) -> Offer:
        for offer in self.offers:
            if offer.id == offer_id:
                return offer
        raise KeyError(offer_id)
