"""The next attempt after a missed call, asked for at a given moment (``goodcall simulate day``
plans retries within the day with it).

The same rules as a campaign's next run, for the customers whose last phone call went
unanswered: the policy engine's next window for the phone at ``at`` (legal hours ∩ stated hours;
none once the attempts cap, a frequency cap, a cool-down or the do-not-call list blocks — the
missed calls must already be in the profiles' ``contact_history``), its candidate moments every
hour (:func:`goodcall.decide.timing.expand_moments`), less those in the slot just missed
(:func:`goodcall.decide.timing.with_answer_history`). ``same_day=True`` drops the missed slot's
moments even when nothing else is open: later the same day they are the same call again.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from goodcall.decide.candidates import channel_view
from goodcall.decide.timing import expand_moments, with_answer_history
from goodcall.models.answer import history_attempts, retries
from goodcall.policy.model import Policies
from goodcall.policy.resolve import CompiledPolicies

c = pl.col
EVERY_HOUR = 24
"""Candidate moments per window: the core's largest ``call_hours``, one per hour."""
NEXT_ATTEMPT_SCHEMA = pl.Schema(
    {
        "customer_id": pl.String(),
        "planned_at": pl.Datetime("us", "UTC"),
        "local_hour": pl.Int64(),
        "next_window_end": pl.Datetime("us", "UTC"),
        "attempt": pl.Int64(),
    }
)


def next_attempts(
    profiles: pl.DataFrame,
    offers: pl.DataFrame,
    policies: Policies | CompiledPolicies,
    at: dt.datetime,
    *,
    same_day: bool = True,
) -> pl.DataFrame:
    """Per customer of ``profiles`` whose last phone call was missed and who may be called
    again: the earliest moment after ``at`` the rules leave (``planned_at``, its ``local_hour``),
    where its window ends (``next_window_end``) and the attempt's number (``attempt``: 1 + the
    calls missed in a row). ``offers``: ``customer_id``, ``offer_id`` (the call's offer)."""
    windows = channel_view(profiles.lazy(), policies, at, ["phone"])
    pairs = (
        windows.filter(c("next_window_start").is_not_null())
        .select("customer_id", "channel", "next_window_start", "next_window_end")
        .join(profiles.select("customer_id", "time_zone"), on="customer_id")
        .join(offers.select("customer_id", "offer_id"), on="customer_id", how="left")
    )
    slots = retries(history_attempts(profiles.lazy()), at).collect()
    if pairs.height == 0 or slots.height == 0:
        return pl.DataFrame(schema=NEXT_ATTEMPT_SCHEMA)
    moments = with_answer_history(expand_moments(pairs, EVERY_HOUR), profiles.lazy(), at)
    missed_slot = (c("weekend") == c("retry_weekend")) & (c("band") == c("retry_band"))
    return (
        moments.join(slots, on="customer_id", how="inner")
        .filter((c("planned_at") > at) & ~(missed_slot if same_day else pl.lit(False)))
        .sort("customer_id", "planned_at")
        .group_by("customer_id", maintain_order=True)
        .first()
        .select(list(NEXT_ATTEMPT_SCHEMA))
        .cast(NEXT_ATTEMPT_SCHEMA)
    )
