"""Timing: the moments a contact could happen, inside the window the policy engine allows.

The policy engine gives, per customer and channel, the next allowed window (UTC) — the legal
calling hours of the customer's jurisdiction in their own time zone, intersected with their
stated hours, holidays and cool-downs. Both are hard limits: every candidate moment lies inside
the window. Inside it:

* a **call** gets up to ``call_hours`` candidate moments: the window's start, then the top of every
  ``step`` hours after it (``step`` spreads the candidates over the window). Each moment is scored
  separately (the models know the hour of the call: answer rates and persuasion differ between
  10:00 and 19:00), and with an hourly capacity each moment is its own item in the arbitration
  (hour by hour and, with agent pools, language by language): a call goes to the best slot that
  still has room; without one, only the best moment per customer × offer is kept (exact: no
  constraint couples the hours).
* a **message** is sent at the window's start.

**When this customer answers** (:mod:`goodcall.models.answer`): every moment carries its *slot*
(``weekend``, ``band`` of local hours) and the customer's own answered and missed calls there
(``slot_attempts``, ``slot_answered``, from their contact history at the decision time); scoring
multiplies the call's reach by the customer's personal lift in that slot (posterior ÷ segment
prior), so the call's value in the arbitration is the value at that slot's reach.

**The next attempt after a missed call** (no answer, voicemail): a moment in the slot of the call
that was missed is dropped while the customer × offer has a moment in another slot, so a retry
goes elsewhere — to the best of the other slots, whose reach the missed call did not lower. How
many attempts are allowed is the policy's (``attempts``): a customer at the cap has no window.

``local_hour`` is the customer's local hour at that moment (what the brief, the audit and the
truth read).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from goodcall.models.answer import band, history_attempts, retries, slot_counts, weekend
from goodcall.zones import to_local

c = pl.col
HOUR = pl.duration(hours=1)
SLOT_COLUMNS = ("weekend", "band", "slot_attempts", "slot_answered")


def expand_moments(pairs: pl.DataFrame, call_hours: int) -> pl.DataFrame:
    """``pairs`` (with ``next_window_start/end`` and ``time_zone``) × candidate moments.

    Adds ``planned_at`` (UTC), ``local_hour`` and the slot (``weekend``, ``band``); drops pairs
    whose window is empty or unknown.
    """
    usable = pairs.filter(
        c("next_window_start").is_not_null()
        & c("next_window_end").is_not_null()
        & (c("next_window_end") > c("next_window_start"))
    )
    span_hours = (c("next_window_end") - c("next_window_start")).dt.total_seconds() / 3600.0
    slots = pl.DataFrame({"_k": list(range(call_hours))}, schema={"_k": pl.Int64})
    step = pl.max_horizontal((span_hours / call_hours).floor(), pl.lit(1.0)).cast(pl.Int64)
    start = c("next_window_start")
    moment = (
        pl.when(c("_k") == 0)
        .then(start)
        .otherwise(start.dt.truncate("1h") + pl.duration(hours=c("_k") * step))
    )
    phone = (
        usable.filter(c("channel") == "phone")
        .join(slots, how="cross")
        .with_columns(moment.alias("planned_at"))
        .filter((c("_k") == 0) | (c("planned_at") < c("next_window_end")))
        .drop("_k")
    )
    messages = usable.filter(c("channel") != "phone").with_columns(start.alias("planned_at"))
    both = pl.concat([phone, messages], how="vertical_relaxed")
    local = to_local(c("planned_at"), c("time_zone"))
    return (
        both.with_columns(local.alias("_local"))
        .with_columns(
            c("_local").dt.hour().cast(pl.Int64).alias("local_hour"),
            weekend(c("_local")),
            band(c("_local").dt.hour()),
        )
        .drop("_local")
        .filter(c("local_hour").is_not_null())
    )


def with_answer_history(
    moments: pl.DataFrame, profiles: pl.LazyFrame, at: dt.datetime
) -> pl.DataFrame:
    """``moments`` with the customer's own calls in each moment's slot, less the retries'
    moments in the slot of the call just missed (see the module)."""
    none = moments.with_columns(
        pl.lit(None, pl.Int64).alias("slot_attempts"),
        pl.lit(None, pl.Int64).alias("slot_answered"),
    )
    if "contact_history" not in profiles.collect_schema().names():
        return none
    calls = history_attempts(profiles).filter(c("at") <= at).collect()
    if calls.height == 0:  # most customers deciding alone: nothing to look up
        return none
    counts = slot_counts(calls.lazy()).collect()
    retry = retries(calls.lazy(), at).collect()
    keys = ["customer_id", "weekend", "band"]
    with_counts = moments.join(
        counts.rename({"attempts": "slot_attempts", "answered": "slot_answered"}),
        on=keys,
        how="left",
        maintain_order="left",
    )
    if retry.height == 0:
        return with_counts
    marked = with_counts.join(
        retry, on="customer_id", how="left", maintain_order="left"
    ).with_columns(
        (
            (c("channel") == "phone")
            & (c("weekend") == c("retry_weekend"))
            & (c("band") == c("retry_band"))
        )
        .fill_null(False)
        .alias("_missed_slot")
    )
    pair = ["customer_id", "offer_id", "channel"]
    elsewhere = (~c("_missed_slot")).any().over(pair)
    return marked.filter(~c("_missed_slot") | ~elsewhere).drop(
        "retry_weekend", "retry_band", "attempt", "_missed_slot"
    )
