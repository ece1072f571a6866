"""The brief as data: every fact the agent reads is a field.

Parts are built with ``model_construct`` on the batch path (inputs come typed from Polars) and
validated as a whole by ``build_brief``; the tests validate every brief they build.

Templates only lay these fields out in words; they never look anything up. So a test can hold a
brief against the profile it came from, field by field, and the JSON output is the same facts the
text and HTML show.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

Lang = Literal["fr", "en"]
Register = Literal["formal", "informal"]
UsageLevel = Literal["low", "moderate", "high", "over"]
Acknowledge = Literal["complaint", "repair"]
FitCode = Literal[
    "same_os",
    "device_age",
    "financing_done",
    "financing_left",
    "usage_high",
    "usage_over",
    "usage_low",
    "top_plan",
    "lines",
    "tenure",
    "self_service",
]
TopicCode = Literal[
    "complaint_first",
    "repair_open",
    "recent_refusal",
    "basic_plan",
    "no_pressure",
]
Outcome = Literal[
    "accepted", "declined", "callback", "no_answer", "voicemail", "dnc_request", "complaint"
]
OUTCOMES: tuple[Outcome, ...] = (
    "accepted",
    "declined",
    "callback",
    "no_answer",
    "voicemail",
    "dnc_request",
    "complaint",
)


class Part(BaseModel):
    """Base of every brief part: immutable, and unknown fields are errors."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Address(Part):
    """Section 1: how to address the customer."""

    lang: Lang
    language: str = Field(description="BCP-47 tag of the customer's language (fr-CA, en-CA…)")
    formality: Register = Field(description="the customer's register: formal or informal")
    register_source: str
    first_name: str
    last_name: str
    preferred_name: str
    title: str | None
    spoken_name: str = Field(description="what the agent says: Monsieur Tremblay, Julie, Ms. Raman")
    time_zone: str
    preferred_start: dt.time | None
    preferred_end: dt.time | None

    @property
    def formal(self) -> bool:
        return self.formality == "formal"


class Line(Part):
    """One line of the account, with its device and plan."""

    line_id: str
    is_primary: bool
    user_label: str | None
    device_make: str
    device_model: str
    device_os: str
    device_purchase_date: dt.date | None
    financing_end_date: dt.date | None
    plan_id: str
    plan_name: str
    plan_tier: int | None
    plan_data_gb: float | None
    data_usage_gb: float | None


class Plan(Part):
    """The primary line's plan and how the customer's usage compares with it."""

    plan_id: str
    plan_name: str
    plan_tier: int
    plan_data_gb: float
    plan_price: float
    plan_is_top: bool
    data_usage_gb: float
    data_usage_ratio: float | None
    usage_level: UsageLevel | None


class PromotionEvent(Part):
    """A promotion the customer redeemed or saw: which, when, where."""

    promotion_id: str
    name: str | None = Field(description="name in the customer's language; None when unknown")
    event: Literal["redeemed", "seen"]
    at: dt.datetime
    place: str | None


class Contact(Part):
    """A past contact attempt and how it ended."""

    at: dt.datetime
    channel: str
    outcome: str
    offer_id: str | None
    offer_name: str | None = Field(
        description="shown only for offers not excluded for this customer"
    )


class Case(Part):
    """An open service case."""

    case_id: str
    kind: str
    opened_at: dt.datetime
    summary: str | None


class Knowledge(Part):
    """Section 3: what we know about the customer."""

    lines: list[Line]
    plan: Plan | None
    device_age_months: int | None
    financing_months_left: int | None
    redeemed: list[PromotionEvent]
    seen: list[PromotionEvent]
    tenure_months: int
    last_contacts: list[Contact] = Field(description="newest first")
    open_cases: list[Case]
    recent_complaint_at: dt.datetime | None
    last_refusal_at: dt.datetime | None
    app_logins_90d: int
    online_purchases_12m: int

    @property
    def primary(self) -> Line | None:
        return self.lines[0] if self.lines else None


class Opening(Part):
    """Section 2: who calls, for which company, why (one sentence), and is now a good time."""

    agent_name: str | None
    company: str
    why: str
    acknowledge: list[Acknowledge] = Field(description="what to raise before any offer")


class Pitch(Part):
    """Section 4: the offer and why it fits."""

    offer_id: str
    name: str
    kind: str
    fit: list[FitCode]
    talking_points: list[str] = Field(min_length=1, max_length=3)
    objection: str | None
    answer: str | None
    promotion_id: str | None
    promotion_seen: PromotionEvent | None
    line_id: str | None = Field(
        default=None, description="the line a handset or plan offer is for (None: the account)"
    )
    line: Line | None = Field(default=None, description="that line, when it is not the account")
    line_age_months: int | None = Field(default=None, description="age of that line's device")


class DoNotOffer(Part):
    """Excluded offers that share one reason ("Ne proposez pas … : le client utilise …")."""

    offer_ids: list[str]
    names: list[str]
    reason: str
    code: str
    more: int = Field(default=0, ge=0, description="further excluded offers, not named")
    line_id: str | None = Field(default=None, description="the line they fail on, if grouped")
    device: str | None = Field(default=None, description="that line's device")

    @model_serializer(mode="wrap")
    def _without_line(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """An account-wide exclusion is dumped as before line groups existed (no line keys)."""
        data: dict[str, Any] = handler(self)
        if self.line_id is None:
            data.pop("line_id", None)
            data.pop("device", None)
        return data


class Avoid(Part):
    """Section 5: offers and topics to stay away from."""

    offers: list[DoNotOffer]
    topics: list[TopicCode]
    excluded_total: int = Field(ge=0, description="every offer the rules excluded")


class Closing(Part):
    """Section 6: recording the outcome; a do-not-call request takes effect at once."""

    outcomes: list[Outcome]
    dnc_immediate: bool = True


class Brief(Part):
    """Everything the agent needs before saying a word, for one decided contact."""

    customer_id: str
    offer_id: str
    channel: str
    currency: str = Field(description="currency of every amount in the brief (ISO 4217)")
    at: dt.datetime = Field(description="when the brief was prepared (UTC)")
    address: Address
    opening: Opening
    knowledge: Knowledge
    offer: Pitch
    avoid: Avoid
    closing: Closing
