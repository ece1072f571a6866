"""A campaign's settings: what the decision core needs besides profiles, catalog, policies, models.

Economics default to the values documented in ``docs/decisions.md``: a call costs 4.00 (four
minutes of a loaded 60 $/h agent), an SMS 0.05, an e-mail 0.01, an in-app message nothing; an
annoyed customer costs 15.00 of handling plus 10 % of what the relationship is worth (``value``:
the churn an annoyance provokes). Expected value of a contact:

    EV = uplift × (offer value − offer cost) − contact cost − P(annoy) × (15 + 0.10 × value)

``prices`` are a previous batch plan's dual prices: given them, the core decides each customer
alone at those prices (the real-time path) instead of solving the global problem.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from goodcall.channels import CHANNELS, Channel

DEFAULT_CONTACT_COST: dict[str, float] = {"phone": 4.00, "sms": 0.05, "email": 0.01, "app": 0.0}


class CampaignConfig(BaseModel):
    """Settings of one campaign decision."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    campaign_id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.:-]+$")
    channels: tuple[Channel, ...] = CHANNELS
    offers: tuple[str, ...] | None = Field(default=None, description="restrict to these offers")
    control_share: float = Field(default=0.05, ge=0.0, le=0.5)
    calls_per_day: int | None = Field(default=None, ge=0)
    calls_per_hour: int | None = Field(default=None, ge=0)
    budget: float | None = Field(default=None, ge=0.0, description="total contact cost allowed")
    contact_cost: dict[str, float] = Field(default_factory=lambda: dict(DEFAULT_CONTACT_COST))
    complaint_cost: float = Field(default=15.0, ge=0.0)
    annoyance_value_share: float = Field(default=0.10, ge=0.0, le=1.0)
    explore_share: float = Field(default=0.05, ge=0.0, le=0.5)
    call_hours: int = Field(default=4, ge=1, le=24, description="candidate hours per call window")
    horizon_hours: float = Field(
        default=72.0, gt=0, description="plan contacts whose window opens within this time"
    )
    prices: dict[str, float] | None = Field(
        default=None, description="fixed dual prices by resource name (real-time decisions)"
    )

    @field_validator("contact_cost")
    @classmethod
    def _every_channel_costed(cls, value: dict[str, float]) -> dict[str, float]:
        missing = sorted(set(DEFAULT_CONTACT_COST) - set(value))
        if missing:
            raise ValueError(f"contact_cost lacks channels {missing}")
        if any(v < 0 for v in value.values()):
            raise ValueError("contact costs must be ≥ 0")
        return value
