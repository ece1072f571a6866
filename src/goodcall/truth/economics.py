"""What contacts cost and what annoyance costs — defined once, used by scoring and the oracle.

* ``CONTACT_COST`` — cost of one attempt, in the carrier's currency: a phone call is agent time
  (about 4 minutes of a loaded 60 $/h agent, dialling and wrap-up included), an SMS is an
  aggregator fee, an e-mail next to nothing, an in-app message nothing.
* ``annoyance_cost(value)`` — what an annoyed customer costs: handling a complaint or a do-not-call
  request (``COMPLAINT_HANDLING_COST``) plus the churn the annoyance causes, taken as a share
  (``ANNOYANCE_CHURN_SHARE``) of what the relationship is worth (the profile's ``value``). A loyal
  high-value customer is expensive to annoy; that is the point.
* the value of an acceptance is the offer's margin less what the carrier gives away when it is
  accepted (``OfferSpec.net_value`` = ``value − cost``, the catalog's ``value`` and ``cost``):
  the same economics the decision core maximises, so that "share of the oracle" compares two
  policies on one objective. (Before, the truth counted the gross margin and the core the net
  one: the oracle and the core optimised different things.)

Expected incremental value of a contact = uplift × offer value − contact cost − p_annoy ×
annoyance cost. "No contact" is worth 0: the organic take-up happens either way.
"""

from __future__ import annotations

import polars as pl

CONTACT_COST: dict[str, float] = {"phone": 4.00, "sms": 0.05, "email": 0.01, "app": 0.0}
COMPLAINT_HANDLING_COST = 15.0
ANNOYANCE_CHURN_SHARE = 0.10


def annoyance_cost(value: pl.Expr) -> pl.Expr:
    """Cost of annoying a customer whose relationship is worth ``value``."""
    return COMPLAINT_HANDLING_COST + ANNOYANCE_CHURN_SHARE * value.fill_null(0.0).clip(0.0)


def contact_cost(channel: pl.Expr) -> pl.Expr:
    """Cost of one attempt on ``channel``."""
    return channel.replace_strict(CONTACT_COST, return_dtype=pl.Float64)


def expected_value(
    uplift: pl.Expr, offer_value: pl.Expr, channel: pl.Expr, p_annoy: pl.Expr, value: pl.Expr
) -> pl.Expr:
    """Expected incremental value of one contact attempt."""
    return uplift * offer_value - contact_cost(channel) - p_annoy * annoyance_cost(value)
