"""The contact-policy file's data model (what ``policies.yaml`` must contain).

A compliance officer reads and edits this file, so it speaks their language: calling windows per
jurisdiction in the customer's own time zone, public holidays, attempts per period, cool-down after
a refusal, suppression after a complaint, do-not-call lists, consent per channel, frequency caps.
Jurisdictions are ``CA`` (country) or ``CA-QC`` (a province or state that differs); a subdivision
inherits every field it does not set from its country.
"""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from goodcall.channels import CHANNELS, Channel

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_ALIASES = {
    **{d: d for d in WEEKDAYS},
    "monday": "mon",
    "tuesday": "tue",
    "wednesday": "wed",
    "thursday": "thu",
    "friday": "fri",
    "saturday": "sat",
    "sunday": "sun",
}


class Strict(BaseModel):
    """Unknown keys are errors, never silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def parse_clock(text: str, *, allow_24: bool = False) -> int:
    """``"21:30"`` → minutes after midnight (``"24:00"`` allowed as an end)."""
    hours, sep, minutes = str(text).partition(":")
    if not (sep and hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        raise ValueError(f'time {text!r} is not HH:MM (write it in quotes, e.g. "21:30")')
    value = int(hours) * 60 + int(minutes)
    if int(minutes) > 59 or value > 24 * 60 or (value == 24 * 60 and not allow_24):
        raise ValueError(f"time {text!r} is not a clock time")
    return value


def clock_text(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


class Window(Strict):
    """Calls are allowed on ``days`` from ``start`` (included) to ``end`` (excluded), local time."""

    days: list[str] = Field(min_length=1)
    start: str
    end: str

    @field_validator("days")
    @classmethod
    def _known_days(cls, days: list[str]) -> list[str]:
        out: list[str] = []
        for day in days:
            key = str(day).strip().lower()
            if key not in _DAY_ALIASES:
                close = difflib.get_close_matches(key, list(_DAY_ALIASES), n=1, cutoff=0.5)
                hint = f" (did you mean {_DAY_ALIASES[close[0]]!r}?)" if close else ""
                raise ValueError(f"unknown weekday {day!r}{hint}; use {', '.join(WEEKDAYS)}")
            if _DAY_ALIASES[key] in out:
                raise ValueError(f"weekday {day!r} is listed twice")
            out.append(_DAY_ALIASES[key])
        return out

    @field_validator("start")
    @classmethod
    def _start_time(cls, value: str) -> str:
        parse_clock(value)
        return value

    @field_validator("end")
    @classmethod
    def _end_time(cls, value: str) -> str:
        parse_clock(value, allow_24=True)
        return value

    @model_validator(mode="after")
    def _not_empty(self) -> Window:
        if parse_clock(self.start) >= parse_clock(self.end, allow_24=True):
            raise ValueError(
                f"window {self.start}–{self.end} is empty or reversed (start must be before end)"
            )
        return self

    @property
    def start_minute(self) -> int:
        return parse_clock(self.start)

    @property
    def end_minute(self) -> int:
        return parse_clock(self.end, allow_24=True)


class Limit(Strict):
    """At most ``max`` contacts (or attempts) over any ``days``-day period."""

    max: int = Field(ge=1)
    days: int = Field(ge=1, le=366)


class Holidays(Strict):
    """Public holidays of the jurisdiction (from the ``holidays`` package)."""

    block: bool = Field(default=True, description="no calls on public holidays")
    subdivisions: bool = Field(
        default=True, description="also the province's or state's own holidays"
    )
    extra_dates: list[dt.date] = Field(default_factory=list, description="more days without calls")


class Jurisdiction(Strict):
    """Calling rules of a country or of a subdivision that differs from its country."""

    name: str | None = None
    windows: list[Window] | None = None
    holidays: Holidays | None = None
    attempts: Limit | None = None
    refusal_cooldown_days: int | None = Field(default=None, ge=0, le=3650)
    fallback_time_zone: str | None = Field(
        default=None, description="used only when a customer's own time zone is missing or unknown"
    )

    @field_validator("windows")
    @classmethod
    def _no_overlap(cls, windows: list[Window] | None) -> list[Window] | None:
        for day in WEEKDAYS:
            spans = sorted(
                (w.start_minute, w.end_minute, f"{w.start}–{w.end}")
                for w in windows or []
                if day in w.days
            )
            for before, after in itertools.pairwise(spans):
                if after[0] < before[1]:
                    raise ValueError(f"windows {before[2]} and {after[2]} overlap on {day}")
        return windows


class ChannelPolicy(Strict):
    """What a channel needs before goodcall may use it for an offer."""

    consent: Literal["optin_phone", "optin_sms", "optin_email"] | None = Field(
        description="profile field that must be true (null: no opt-in needed, e.g. in-app)"
    )
    time_windows: bool = Field(description="bound by the jurisdiction's calling windows")
    preferred_hours: bool = Field(description="bound by the customer's preferred hours")
    frequency_cap: Limit | None = None


def _phone_only() -> list[Channel]:
    return ["phone"]


def _phone_and_sms() -> list[Channel]:
    return ["phone", "sms"]


def _every_channel() -> list[Channel]:
    return list(CHANNELS)


class NationalList(Strict):
    max_age_days: int = Field(default=31, ge=1, le=366)
    channels: list[Channel] = Field(default_factory=_phone_only)


class InternalList(Strict):
    channels: list[Channel] = Field(default_factory=_phone_and_sms)


class Complaints(Strict):
    suppression_days: int = Field(default=90, ge=0, le=3650)
    open_case_blocks: bool = True
    channels: list[Channel] = Field(default_factory=_every_channel)


class RefusalCooldown(Strict):
    days: int = Field(default=30, ge=0, le=3650)
    channels: list[Channel] = Field(default_factory=_every_channel)


class Attempts(Strict):
    max: int = Field(default=6, ge=1)
    days: int = Field(default=30, ge=1, le=366)
    channels: list[Channel] = Field(default_factory=_phone_only)


AbandonmentPeriod = Literal["campaign", "day", "30 days", "month"]


class Dialling(Strict):
    """What an automatic dialler may do: the abandoned-call rules (``goodcall.timing``).

    A call answered by a person is abandoned when no live agent speaks within
    ``agent_within_seconds`` of the hello; the pacing keeps abandoned calls at most
    ``abandonment_limit`` of the live-answered calls over ``abandonment_period``."""

    default_mode: Literal["preview", "progressive", "predictive"] = "preview"
    abandonment_limit: float = Field(default=0.03, gt=0.0, le=0.2)
    abandonment_period: AbandonmentPeriod = "campaign"
    agent_within_seconds: float = Field(default=2.0, gt=0.0, le=30.0)


class Policies(Strict):
    """A whole policy file."""

    horizon_days: int = Field(default=14, ge=1, le=60)
    national_list: NationalList = Field(default_factory=NationalList)
    internal_dnc: InternalList = Field(default_factory=InternalList)
    complaints: Complaints = Field(default_factory=Complaints)
    refusal_cooldown: RefusalCooldown = Field(default_factory=RefusalCooldown)
    attempts: Attempts = Field(default_factory=Attempts)
    dialling: Dialling = Field(default_factory=Dialling)
    channels: dict[Channel, ChannelPolicy]
    jurisdictions: dict[str, Jurisdiction] = Field(min_length=1)

    @field_validator("channels")
    @classmethod
    def _every_channel(cls, channels: dict[str, ChannelPolicy]) -> dict[str, ChannelPolicy]:
        missing = [c for c in CHANNELS if c not in channels]
        if missing:
            raise ValueError(f"every channel needs a policy; missing: {', '.join(missing)}")
        return channels
