"""What a contact costs and what it is worth: the one definition of the expected-value formula.

The decision core maximises it, the synthetic truth scores policies with it and the oracles plan
with it, so "share of the oracle" compares two policies on one objective. The defaults are the
values documented in ``docs/decisions.md``:

* **contact cost** of one attempt, in the carrier's currency: a call is agent time (about four
  minutes of a loaded 60 $/h agent, dialling and wrap-up included), an SMS an aggregator fee,
  an e-mail next to nothing, an in-app message nothing;
* **annoyance cost**: handling a complaint or a do-not-call request (``complaint_cost``) plus the
  churn the annoyance causes, a share (``annoyance_value_share``) of what the relationship is
  worth (the profile's ``value``): a loyal high-value customer is expensive to annoy;
* an acceptance is worth the offer's margin less what the carrier gives away when it is accepted
  (the catalog's ``value − cost``).

Expected incremental value of one contact attempt ("no contact" is worth 0: the organic take-up
happens either way)::

    EV = uplift × (offer value − offer cost) − contact cost − P(annoy) × (complaint cost
         + share × value)
"""

from __future__ import annotations

import polars as pl
from pydantic import BaseModel, ConfigDict, Field, field_validator

from goodcall.channels import Channel

c = pl.col

DEFAULT_CONTACT_COST: dict[Channel, float] = {"phone": 4.00, "sms": 0.05, "email": 0.01, "app": 0.0}
DEFAULT_COMPLAINT_COST = 15.0
DEFAULT_ANNOYANCE_VALUE_SHARE = 0.10


def check_contact_costs(value: dict[Channel, float]) -> dict[Channel, float]:
    """Every channel costed, no cost negative (the validator of every contact-cost table)."""
    missing = sorted(set(DEFAULT_CONTACT_COST) - set(value))
    if missing:
        raise ValueError(f"contact_cost lacks channels {missing}")
    if any(v < 0 for v in value.values()):
        raise ValueError("contact costs must be ≥ 0")
    return value


class Economics(BaseModel):
    """The prices of the expected-value formula (a campaign's: ``CampaignConfig.economics``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    contact_cost: dict[Channel, float] = Field(default_factory=lambda: dict(DEFAULT_CONTACT_COST))
    complaint_cost: float = Field(default=DEFAULT_COMPLAINT_COST, ge=0.0)
    annoyance_value_share: float = Field(default=DEFAULT_ANNOYANCE_VALUE_SHARE, ge=0.0, le=1.0)

    @field_validator("contact_cost")
    @classmethod
    def _every_channel_costed(cls, value: dict[Channel, float]) -> dict[Channel, float]:
        return check_contact_costs(value)

    def contact_cost_of(self, channel: pl.Expr) -> pl.Expr:
        """Cost of one attempt on ``channel``."""
        return channel.replace_strict(self.contact_cost, return_dtype=pl.Float64)

    def annoyance_cost_of(self, value: pl.Expr) -> pl.Expr:
        """Cost of annoying a customer whose relationship is worth ``value`` (null or < 0: 0)."""
        return self.complaint_cost + self.annoyance_value_share * value.fill_null(0.0).clip(0.0)

    def expected_value(
        self,
        uplift: pl.Expr,
        offer_value: pl.Expr,
        p_annoy: pl.Expr,
        *,
        channel: pl.Expr | None = None,
        value: pl.Expr | None = None,
    ) -> pl.Expr:
        """EV of one contact attempt; ``offer_value`` is the margin net of the offer's cost,
        ``channel`` and ``value`` default to the columns of those names."""
        channel = c("channel") if channel is None else channel
        value = c("value") if value is None else value
        return (
            uplift * offer_value
            - self.contact_cost_of(channel)
            - p_annoy * self.annoyance_cost_of(value)
        )
