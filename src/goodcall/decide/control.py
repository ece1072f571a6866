"""Random control groups, deterministic from the campaign and the customer.

A customer is held out of campaign ``C`` when ``u(C:customer_id) < share``, where ``u`` is the
stable uniform hash of :mod:`goodcall.hashing`. So:

* the same customer is in or out of the same campaign's control group on every run, in every
  engine, whether decided alone (real time) or in a batch of ten million;
* different campaigns draw independent groups (a customer is not a control forever);
* membership is drawn BEFORE arbitration, among the customers with at least one eligible offer on
  a contactable channel, and does not depend on any model or score — so treatment and control are
  exchangeable and their difference measures the campaign's effect without bias.

The decision core still arbitrates control customers (with the campaign's prices, consuming no
capacity) to record the offer and channel they *would* have received: the report compares
contacted customers with these "would-have-been-contacted" controls, the same selection on both
sides.
"""

from __future__ import annotations

import polars as pl

from goodcall.hashing import stable_uniform_expr

DEFAULT_CONTROL_SHARE = 0.05


class ControlGroupError(ValueError):
    """A control-group setting that cannot be used."""


def _checked_share(share: float) -> float:
    """The share, refused when it is not in [0, 0.5]."""
    if not 0.0 <= share <= 0.5:
        raise ControlGroupError(
            f"control share must be between 0 and 0.5 (a hold-out, not the campaign); got {share}"
        )
    return share


def control_draw(campaign_id: str, customer_id: pl.Expr | None = None) -> pl.Expr:
    """The customer's uniform draw for this campaign, in [0, 1)."""
    if not campaign_id:
        raise ControlGroupError("campaign_id must be a non-empty text")
    return stable_uniform_expr(
        campaign_id, customer_id if customer_id is not None else pl.col("customer_id")
    )


def in_control(campaign_id: str, share: float = DEFAULT_CONTROL_SHARE) -> pl.Expr:
    """True for the customers this campaign holds out."""
    return control_draw(campaign_id) < _checked_share(share)
