"""A campaign's settings: what the decision core needs besides profiles, catalog, policies, models.

Economics (``contact_cost``, ``complaint_cost``, ``annoyance_value_share``) default to the values
of :mod:`goodcall.decide.economics`, where the expected-value formula is defined once;
:attr:`CampaignConfig.economics` gives them to it.

``prices`` are a previous batch plan's dual prices: given them, the core decides each customer
alone at those prices (the real-time path) instead of solving the global problem.

Capacities (each optional; none means "no limit"): ``calls_per_day`` and ``calls_per_hour`` for
the whole call centre; ``messages_per_day`` for SMS, e-mail and in-app messages; ``agent_pools``
for the calls each language's agents can make — a call in French counts against the French pool,
one in English against the English pool. A campaign *day* is the 24 hours from the decision time.
The same settings are read from a campaign YAML file by :mod:`goodcall.campaign.settings`.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from goodcall.channels import CHANNELS, Channel
from goodcall.decide.economics import (
    DEFAULT_ANNOYANCE_VALUE_SHARE,
    DEFAULT_COMPLAINT_COST,
    DEFAULT_CONTACT_COST,
    Economics,
    check_contact_costs,
)
from goodcall.profiles.schema import LANGUAGES
from goodcall.zones import is_known_zone

POOL_KEYS: tuple[str, ...] = tuple(
    dict.fromkeys([*sorted({tag.split("-")[0] for tag in LANGUAGES}), *LANGUAGES])
)
"""Agent pools are keyed by language (``fr``: every French-speaking customer) or by language tag
(``fr-FR``: only those; it takes precedence over ``fr`` for them)."""


DiallingMode = Literal["preview", "progressive", "predictive"]
"""How a dialler places calls (``docs/timing.md``); written on every call of the call list."""


class AgentPool(BaseModel):
    """The agents who speak one language: how many calls in that language they can make.

    An hour's cap is ``calls_per_hour`` for every hour, or, hour by hour, ``calls_by_local_hour``
    read in the call centre's ``time_zone`` (an hour left out: no calls), as a staffing block
    gives it (``goodcall.campaign.staffing``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    calls_per_day: int = Field(ge=0, description="calls per campaign day")
    calls_per_hour: int | None = Field(default=None, ge=0, description="calls per clock hour")
    calls_by_local_hour: dict[int, int] | None = Field(
        default=None, description="calls per local hour 0–23 of the call centre"
    )
    time_zone: str | None = Field(default=None, description="the call centre's IANA time zone")

    @model_validator(mode="after")
    def _one_hourly_cap(self) -> AgentPool:
        table = self.calls_by_local_hour
        if table is not None and self.calls_per_hour is not None:
            raise ValueError("give calls_per_hour or calls_by_local_hour, not both")
        if (table is None) != (self.time_zone is None):
            raise ValueError("calls_by_local_hour needs the call centre's time_zone, and only it")
        if self.time_zone is not None and not is_known_zone(self.time_zone):
            raise ValueError(f"unknown time zone {self.time_zone!r}")
        if any(h not in range(24) or n < 0 for h, n in (table or {}).items()):
            raise ValueError("calls_by_local_hour maps hours 0–23 to calls ≥ 0")
        return self

    @property
    def hourly(self) -> bool:
        """Whether the pool caps its calls per clock hour."""
        return self.calls_per_hour is not None or self.calls_by_local_hour is not None

    def hour_cap(self, utc_hour: dt.datetime) -> int | None:
        """Calls in the clock hour starting at ``utc_hour`` (aware) (None: no hourly cap)."""
        if self.calls_by_local_hour is None or self.time_zone is None:
            return self.calls_per_hour
        local = utc_hour.astimezone(zoneinfo.ZoneInfo(self.time_zone))
        return self.calls_by_local_hour.get(local.hour, 0)


def pool_of(language: str | None, pools: dict[str, AgentPool]) -> str:
    """The pool whose capacity a call in ``language`` uses: the pool of the exact tag, else of
    the language, else the language itself (a pool nobody staffs, whose capacity is 0)."""
    tag = language or "unknown"
    if tag in pools:
        return tag
    return tag.split("-")[0]


class CampaignConfig(BaseModel):
    """Settings of one campaign decision."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    campaign_id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.:-]+$")
    channels: tuple[Channel, ...] = CHANNELS
    offers: tuple[str, ...] | None = Field(default=None, description="restrict to these offers")
    control_share: float = Field(default=0.05, ge=0.0, le=0.5)
    calls_per_day: int | None = Field(default=None, ge=0)
    calls_per_hour: int | None = Field(default=None, ge=0)
    messages_per_day: dict[Channel, int] = Field(
        default_factory=dict, description="SMS, e-mail, in-app messages per campaign day"
    )
    agent_pools: dict[str, AgentPool] | None = Field(
        default=None, description="calls per language's agents (None: one pool for every call)"
    )
    budget: float | None = Field(default=None, ge=0.0, description="total contact cost allowed")
    contact_cost: dict[Channel, float] = Field(default_factory=lambda: dict(DEFAULT_CONTACT_COST))
    complaint_cost: float = Field(default=DEFAULT_COMPLAINT_COST, ge=0.0)
    annoyance_value_share: float = Field(default=DEFAULT_ANNOYANCE_VALUE_SHARE, ge=0.0, le=1.0)
    explore_share: float = Field(default=0.05, ge=0.0, le=0.5)
    call_hours: int = Field(default=4, ge=1, le=24, description="candidate hours per call window")
    horizon_hours: float = Field(
        default=72.0, gt=0, description="plan contacts whose window opens within this time"
    )
    national_list_snapshot: dt.date | None = Field(
        default=None,
        description="date of the national do-not-call list copy the profiles were matched "
        "against (None: each profile's own national_dnc_snapshot)",
    )
    prices: dict[str, float] | None = Field(
        default=None, description="fixed dual prices by resource name (real-time decisions)"
    )
    dialling_mode: DiallingMode | None = Field(
        default=None,
        description="how the dialler places the campaign's calls: preview (the agent reads the "
        "brief, then dials), progressive or predictive (None: the policy file's "
        "dialling.default_mode, preview as shipped)",
    )

    def daily_cap(self, channel: str) -> int | None:
        """Contacts per campaign day allowed on ``channel`` (None: no limit)."""
        if channel == "phone":
            return self.calls_per_day
        return self.messages_per_day.get(channel)  # type: ignore[call-overload, no-any-return]

    @field_validator("messages_per_day")
    @classmethod
    def _messages_only(cls, value: dict[str, int]) -> dict[str, int]:
        if "phone" in value:
            raise ValueError(
                "calls are capped by calls_per_day, calls_per_hour and agent_pools, "
                "not by messages_per_day"
            )
        if any(v < 0 for v in value.values()):
            raise ValueError("messages per day must be ≥ 0")
        return value

    @field_validator("agent_pools")
    @classmethod
    def _known_languages(cls, value: dict[str, AgentPool] | None) -> dict[str, AgentPool] | None:
        from goodcall.catalog.parse import suggest

        for key in value or {}:
            if key not in POOL_KEYS:
                raise ValueError(
                    f"agent pool {key!r} is not a language{suggest(key, POOL_KEYS)}; "
                    f"use one of {', '.join(POOL_KEYS)}"
                )
        return value

    @field_validator("contact_cost")
    @classmethod
    def _every_channel_costed(cls, value: dict[Channel, float]) -> dict[Channel, float]:
        return check_contact_costs(value)

    @property
    def economics(self) -> Economics:
        """The campaign's prices of the expected-value formula."""
        return Economics(
            contact_cost=self.contact_cost,
            complaint_cost=self.complaint_cost,
            annoyance_value_share=self.annoyance_value_share,
        )
