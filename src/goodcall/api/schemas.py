"""Request and response bodies of ``/v1`` (the store's tables are in :mod:`goodcall.store.tables`).

Requests refuse unknown fields (``extra="forbid"``): a misspelt ``callback_at`` must not be
silently dropped. Responses carry the core's JSON as ``explain --json`` prints it.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from goodcall.api.access import Role
from goodcall.brief.model import Outcome
from goodcall.channels import Channel

CustomerId = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")
Language = Annotated[str, Field(pattern=r"^[a-z]{2}(-[A-Z]{2})?$")]
Context = Literal["outbound", "inbound", "in_app"]
RecordedOutcome = Outcome | Literal["abandoned"]
"""What ``POST /v1/outcomes`` records: an agent's outcomes (the brief's buttons), and the
dialler's ``abandoned`` — a person said hello and no live agent came in time (phone only)."""


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class DecisionRequest(Request):
    customer_id: str = CustomerId
    channel: Channel | Literal["any"] = "any"
    context: Context = "outbound"
    at: AwareDatetime | None = Field(
        default=None, description="Decision time with an offset (default: the service's now)."
    )


class DecisionResponse(BaseModel):
    customer_id: str
    at: dt.datetime
    context: Context
    channels: list[str] | None = Field(description="The channels the decision could use.")
    decision: dict[str, Any] = Field(description="The core's decision, as `explain --json`.")
    brief: str = Field(description="Where the brief of this decision is.")


class ProfileResponse(BaseModel):
    customer_id: str
    at: dt.datetime
    profile: dict[str, Any]
    brand: dict[str, Any]


class OutcomeRequest(Request):
    key: str | None = Field(
        default=None,
        min_length=8,
        max_length=128,
        description="Idempotency key (or the Idempotency-Key header): sent again, recorded once.",
    )
    customer_id: str = CustomerId
    offer_id: str | None = Field(default=None, max_length=64)
    channel: Channel = "phone"
    campaign_id: str | None = Field(default=None, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")
    outcome: RecordedOutcome
    callback_at: AwareDatetime | None = None
    silence_seconds: float | None = Field(default=None, ge=0, le=3600)
    agent_id: str | None = Field(default=None, max_length=64)

    @model_validator(mode="after")
    def _callback_time(self) -> OutcomeRequest:
        if (self.outcome == "callback") != (self.callback_at is not None):
            raise ValueError("callback_at is required with outcome 'callback', and only with it")
        if self.outcome == "abandoned" and self.channel != "phone":
            raise ValueError("outcome 'abandoned' is a phone call's (channel 'phone')")
        return self


class OutcomeResponse(BaseModel):
    contact_id: str
    customer_id: str
    outcome: RecordedOutcome
    recorded_at: dt.datetime
    replayed: bool = Field(description="True: this key was recorded before; nothing new written.")


class DoNotCallRequest(Request):
    customer_id: str = CustomerId
    channel: Channel = "phone"


class DoNotCallResponse(BaseModel):
    customer_id: str
    effective_from: dt.datetime


class UserRequest(Request):
    user_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.@-]+$")
    role: Role
    display_name: str = Field(min_length=1, max_length=100)
    languages: list[Language] = Field(default_factory=lambda: ["fr", "en"], max_length=8)
    ui_language: Literal["fr", "en"] = "en"
    password: str | None = Field(default=None, min_length=8, max_length=256)


class UserResponse(BaseModel):
    user_id: str
    role: Role
    api_key: str = Field(description="Shown once: only its hash is kept.")


class Health(BaseModel):
    status: Literal["ok"]
    store: str
    schema_revision: str | None


class CampaignSummary(BaseModel):
    campaign_id: str
    plan_id: int
    decided_at: dt.datetime
    written_at: dt.datetime
    report: str = Field(description="Where the campaign's report is.")


class CampaignRunRequest(Request):
    """A campaign to decide now (or at ``at``) for every customer of the store; the settings
    not given take the defaults of ``goodcall campaign run``."""

    campaign_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")
    at: AwareDatetime | None = None
    channels: list[Channel] | None = Field(default=None, min_length=1, max_length=4)
    calls_per_day: int | None = Field(default=None, ge=0, le=10_000_000)
    calls_per_hour: int | None = Field(default=None, ge=0, le=1_000_000)
    budget: float | None = Field(default=None, ge=0)
    control_share: float | None = Field(default=None, ge=0, le=0.5)
    explore_share: float | None = Field(default=None, ge=0, le=0.5)


class CampaignRunStatus(BaseModel):
    run_id: str
    campaign_id: str
    state: Literal["queued", "running", "done", "failed"]
    step: str | None = None
    steps_done: int = 0
    steps: int = 0
    requested_by: str
    requested_at: dt.datetime
    finished_at: dt.datetime | None = None
    plan_id: int | None = None
    error: str | None = None
    report: str | None = Field(default=None, description="The report, once done.")


class QueueCall(BaseModel):
    customer_id: str
    campaign_id: str
    offer_id: str | None
    line_id: str | None
    window_end: dt.datetime
    brief: str


class QueueResponse(BaseModel):
    agent: str
    at: dt.datetime
    calls: list[QueueCall]


class AccessEntry(BaseModel):
    at: dt.datetime
    user_id: str
    action: str = Field(description="What was read: profile or brief.")
    customer_id: str
