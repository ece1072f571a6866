"""Counts over the contact history, relative to each row's own decision time.

A profile's ``contact_history`` lists every attempt. For each row (a customer at ``at``, or a
planned call at its own time) this module counts what matters to the policies: attempts and
contacts per channel inside their periods, the last refusal and complaint, a do-not-call request
made during a contact — and, for a limit that is reached, when it will lift (the moment the oldest
counted contact leaves the period). Control-group rows (never contacted) never count.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from goodcall.channels import CHANNELS
from goodcall.policy.model import Policies
from goodcall.policy.resolve import CompiledPolicies
from goodcall.profiles.fields import CONTACT_STRUCT

_AT = pl.col("at")
_ROW_AT = pl.col("__at")


def cap_count(channel: str) -> str:
    return f"__cap_n_{channel}"


def cap_release(channel: str) -> str:
    return f"__cap_release_{channel}"


def history_columns(policies: Policies) -> list[str]:
    """Columns :func:`with_history` adds (besides ``__row``)."""
    columns = ["__dnc_request_at", "__refusal_at", "__complaint_at", "__att_n", "__att_release"]
    for channel, rules in policies.channels.items():
        if rules.frequency_cap is not None:
            columns += [cap_count(channel), cap_release(channel)]
    return columns


def lookback_days(policies: Policies, longest_attempts_period: int) -> int:
    """How far back any count or block looks (do-not-call requests count at any age)."""
    caps = [c.frequency_cap.days for c in policies.channels.values() if c.frequency_cap]
    return max(
        [
            *caps,
            longest_attempts_period,
            policies.attempts.days,
            policies.complaints.suppression_days,
            policies.refusal_cooldown.days,
        ]
    )


def longest_periods(compiled: CompiledPolicies) -> tuple[int, int]:
    """The longest refusal cool-down and attempts period of any jurisdiction (days)."""
    policies = compiled.policies
    longest_cooldown = max(
        [policies.refusal_cooldown.days]
        + [r.refusal_cooldown_days or 0 for r in compiled.jurisdictions.values()]
    )
    longest_attempts = max(
        [policies.attempts.days]
        + [r.attempts.days for r in compiled.jurisdictions.values() if r.attempts]
    )
    return longest_cooldown, longest_attempts


def with_history(
    rows: pl.LazyFrame, policies: Policies, longest_cooldown: int, longest_attempts: int
) -> pl.LazyFrame:
    """``rows`` plus the history aggregates; needs ``__row``, ``__at``, ``__att_max``,
    ``__att_days`` and ``contact_history``.

    ``longest_cooldown`` and ``longest_attempts`` are the longest refusal cool-down and attempts
    period of any jurisdiction: older contacts cannot matter (except do-not-call requests) and are
    dropped before anything is counted. Contacts are sorted newest first once, so the k-th most
    recent is a plain slice in each group.
    """
    outcome = pl.col("outcome")
    days = max(lookback_days(policies, longest_attempts), longest_cooldown)
    contacts = (
        rows.select("__row", "__at", "__att_max", "__att_days", "contact_history")
        .explode("contact_history")
        .drop_nulls("contact_history")
        .with_columns(
            *[
                pl.col("contact_history").struct.field(name).alias(name)
                for name in ("at", "channel", "group", "outcome")
            ]
        )
        .filter(
            _AT.is_not_null()
            & (_AT <= _ROW_AT)
            & (pl.col("group") == "treatment")
            & (outcome != "not_contacted")
            & ((_ROW_AT - pl.duration(days=days) < _AT) | (outcome == "dnc_request"))
        )
        .drop("contact_history")
        .sort(["__row", "at"], descending=[False, True])
    )
    attempt = pl.col("channel").is_in(list(policies.attempts.channels)) & (
        _ROW_AT - pl.duration(days=pl.col("__att_days")) < _AT
    )
    aggregates: list[pl.Expr] = [
        _AT.filter(outcome == "dnc_request").min().alias("__dnc_request_at"),
        _AT.filter(outcome == "declined").max().alias("__refusal_at"),
        _AT.filter(outcome == "complaint").max().alias("__complaint_at"),
        attempt.sum().cast(pl.Int64).alias("__att_n"),
        _kth_latest(attempt, pl.col("__att_max").first())
        .add(pl.duration(days=pl.col("__att_days").first()))
        .alias("__att_release"),
    ]
    for channel in CHANNELS:
        cap = policies.channels[channel].frequency_cap
        if cap is None:
            continue
        reached = ~((pl.col("channel") == "phone") & (outcome == "no_answer"))
        counted = (
            (pl.col("channel") == channel) & reached & (_ROW_AT - pl.duration(days=cap.days) < _AT)
        )
        aggregates += [
            counted.sum().cast(pl.Int64).alias(cap_count(channel)),
            (_kth_latest(counted, pl.lit(cap.max)) + pl.duration(days=cap.days)).alias(
                cap_release(channel)
            ),
        ]
    summary = contacts.group_by("__row").agg(aggregates)
    counts = [c for c in history_columns(policies) if c.startswith(("__att_n", "__cap_n_"))]
    return rows.join(summary, on="__row", how="left", maintain_order="left").with_columns(
        [pl.col(c).fill_null(0) for c in counts]
    )


def _kth_latest(condition: pl.Expr, k: pl.Expr) -> pl.Expr:
    """The k-th most recent contact time among those meeting ``condition`` (null if fewer);
    the contacts are already sorted newest first."""
    return _AT.filter(condition).slice(k - 1, 1).first()


EMPTY_HISTORY = pl.lit([], pl.List(CONTACT_STRUCT))


# --- the same on one row of Python values ---------------------------------------------------


def history_row(
    row: dict[str, Any], policies: Policies, longest_cooldown: int, longest_attempts: int
) -> None:
    """:func:`with_history` on one row of Python values, in place (the same columns, counts 0
    when nothing counts). Written beside the expressions it mirrors, condition by condition;
    ``tests/policy/test_rows.py`` holds the two together on generated histories and moments."""
    at = row["__at"]
    oldest = at - dt.timedelta(
        days=max(lookback_days(policies, longest_attempts), longest_cooldown)
    )
    contacts = sorted(
        (
            contact
            for contact in row["contact_history"] or ()
            if contact is not None
            and contact["at"] is not None
            and contact["at"] <= at
            and contact["group"] == "treatment"
            and contact["outcome"] is not None
            and contact["outcome"] != "not_contacted"
            and (oldest < contact["at"] or contact["outcome"] == "dnc_request")
        ),
        key=lambda contact: contact["at"],
        reverse=True,
    )

    def times(outcome: str) -> list[dt.datetime]:
        return [contact["at"] for contact in contacts if contact["outcome"] == outcome]

    row["__dnc_request_at"] = min(times("dnc_request"), default=None)
    row["__refusal_at"] = max(times("declined"), default=None)
    row["__complaint_at"] = max(times("complaint"), default=None)
    attempts_from = at - dt.timedelta(days=row["__att_days"])
    attempts = [
        c["at"]
        for c in contacts
        if c["channel"] in policies.attempts.channels and attempts_from < c["at"]
    ]
    row["__att_n"] = len(attempts)
    row["__att_release"] = _release(attempts, row["__att_max"], row["__att_days"])
    for channel in CHANNELS:
        cap = policies.channels[channel].frequency_cap
        if cap is None:
            continue
        cap_from = at - dt.timedelta(days=cap.days)
        counted = [
            c["at"]
            for c in contacts
            if c["channel"] == channel
            and not (c["channel"] == "phone" and c["outcome"] == "no_answer")
            and cap_from < c["at"]
        ]
        row[cap_count(channel)] = len(counted)
        row[cap_release(channel)] = _release(counted, cap.max, cap.days)


def _release(newest_first: list[dt.datetime], k: int, days: int) -> dt.datetime | None:
    """:func:`_kth_latest` plus the period: when the k-th most recent contact leaves it."""
    return newest_first[k - 1] + dt.timedelta(days=days) if len(newest_first) >= k else None
