"""Profile rows for tests: the seed customer, or variations of him built field by field."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from goodcall.profiles.build import build_profiles
from goodcall.profiles.fields import PROFILE_SCHEMA
from goodcall.profiles.fixtures import seed_customer_tables

UTC = dt.UTC
AS_OF = dt.datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def seed_row(as_of: dt.datetime = AS_OF) -> dict[str, Any]:
    """The seed customer's profile as a dict."""
    return build_profiles(seed_customer_tables(), as_of).collect().row(0, named=True)


def profiles(*rows: dict[str, Any]) -> pl.LazyFrame:
    """A profile frame with exactly the documented schema."""
    return pl.DataFrame(list(rows), schema=PROFILE_SCHEMA).lazy()


def variant(customer_id: str, **changes: Any) -> dict[str, Any]:
    """The seed customer with some fields changed (and a new id)."""
    row = seed_row()
    unknown = set(changes) - set(row)
    assert not unknown, f"not profile fields: {unknown}"
    row.update(changes)
    row["customer_id"] = customer_id
    return row


def contact(
    at: dt.datetime, channel: str = "phone", outcome: str = "no_answer", group: str = "treatment"
) -> dict[str, Any]:
    """One contact-history entry."""
    return {
        "at": at,
        "channel": channel,
        "campaign_id": "CMP-TEST",
        "offer_id": None,
        "group": group,
        "outcome": outcome,
        "converted": False,
    }


VIEW_COLUMNS = [  # what the reasons view and the matrix view of the channel engine both give
    "customer_id",
    "channel",
    "contactable",
    "next_window_start",
    "next_window_end",
    "blocks_lift_at",
]
