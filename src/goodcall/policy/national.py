"""The national do-not-call list's age, per customer, in the jurisdiction's own date.

A number may be called only if it was matched against a copy of the national list (CRTC National
DNCL, the US registry, Bloctel) at most ``national_list.max_age_days`` old — the one definition,
in ``policies.yaml``. The age is counted in the customer's local date (their own time zone, the
jurisdiction's fallback zone otherwise): at 23:30 UTC it is already tomorrow in Paris, so a copy
31 days old in Montreal is 32 days old there. The per-contact policy check
(``policy.dnc_national``) blocks a call from a stale copy; :func:`check_national_list` refuses a
whole campaign with calls and names the customers whose copy is stale.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from goodcall.policy.local import with_local_date
from goodcall.policy.model import Policies
from goodcall.policy.resolve import CompiledPolicies, compile_policies
from goodcall.zones import UTC_DATETIME

SHOWN = 10
"""Customers a refusal names in its message; the campaign writes them all to a file."""


class NationalListTooOld(ValueError):
    """The national do-not-call list copy of some customers is too old (or dated in the future)
    to call from; ``stale`` has one row per such customer (see :func:`national_list_ages`)."""

    def __init__(self, message: str, stale: pl.DataFrame) -> None:
        super().__init__(message)
        self.stale = stale


def national_list_ages(
    profiles: pl.LazyFrame,
    policies: Policies | CompiledPolicies,
    at: dt.datetime,
    national_list_date: dt.date | None = None,
) -> pl.DataFrame:
    """Per customer with a known snapshot: ``customer_id, jurisdiction, local_date, snapshot,
    age_days, stale`` — ``national_list_date`` (a campaign's copy) replaces each profile's
    ``national_dnc_snapshot``. ``stale``: older than the policy allows, or after the local date."""
    if at.tzinfo is None:
        raise ValueError("at must be timezone-aware (e.g. datetime(..., tzinfo=UTC))")
    compiled = policies if isinstance(policies, CompiledPolicies) else compile_policies(policies)
    max_age = compiled.policies.national_list.max_age_days
    snapshot = (
        pl.lit(national_list_date, pl.Date)
        if national_list_date is not None
        else pl.col("national_dnc_snapshot")
    )
    rows = profiles.select("customer_id", "jurisdiction", "time_zone", snapshot.alias("snapshot"))
    rows = rows.with_columns(pl.lit(at.astimezone(dt.UTC), UTC_DATETIME).alias("__at"))
    age = (pl.col("local_date") - pl.col("snapshot")).dt.total_days()
    return (
        with_local_date(rows, compiled)
        .filter(pl.col("snapshot").is_not_null())
        .select(
            "customer_id",
            "jurisdiction",
            pl.coalesce(pl.col("__local_date"), pl.col("__at").dt.date()).alias("local_date"),
            "snapshot",
        )
        .with_columns(age.alias("age_days"))
        .with_columns(((pl.col("age_days") > max_age) | (pl.col("age_days") < 0)).alias("stale"))
        .collect()
    )


def check_national_list(
    profiles: pl.LazyFrame,
    policies: Policies | CompiledPolicies,
    at: dt.datetime,
    national_list_date: dt.date | None = None,
) -> pl.DataFrame:
    """Every customer's national-list age; raises :class:`NationalListTooOld` naming the first
    :data:`SHOWN` customers whose copy is stale (and how many there are) when any is."""
    ages = national_list_ages(profiles, policies, at, national_list_date)
    refuse_stale(ages.filter(pl.col("stale")).drop("stale"), policies)
    return ages


def refuse_stale(stale: pl.DataFrame, policies: Policies | CompiledPolicies) -> None:
    """Raise :class:`NationalListTooOld` when ``stale`` (rows of :func:`national_list_ages`
    whose copy is stale, from one frame or from every chunk of a base) has any row."""
    if stale.height == 0:
        return
    stale = stale.sort("age_days", "customer_id")
    rules = policies.policies if isinstance(policies, CompiledPolicies) else policies
    max_age = rules.national_list.max_age_days
    named = "; ".join(
        f"{r['customer_id']} ({r['jurisdiction']}: snapshot {r['snapshot']}, "
        f"{_age_text(r['age_days'])} on {r['local_date']})"
        for r in stale.head(SHOWN).iter_rows(named=True)
    )
    more = f" and {stale.height - SHOWN:,} more" if stale.height > SHOWN else ""
    raise NationalListTooOld(
        f"the national do-not-call list copy of {stale.height:,} customer(s) is more than "
        f"{max_age} days old (national_list.max_age_days), or dated after the decision, in "
        f"their own local date: {named}{more}. Import a fresh copy before running a campaign "
        "with calls.",
        stale,
    )


def _age_text(days: int) -> str:
    return f"{days} days old" if days >= 0 else f"dated {-days} day(s) in the future"
