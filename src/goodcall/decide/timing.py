"""Timing: the moments a contact could happen, inside the window the policy engine allows.

The policy engine gives, per customer and channel, the next allowed window (UTC) — the legal
calling hours of the customer's jurisdiction in their own time zone, intersected with their
stated hours, holidays and cool-downs. Inside it:

* a **call** gets up to ``call_hours`` candidate moments: the window's start, then the top of every
  ``step`` hours after it (``step`` spreads the candidates over the window). Each moment is scored
  separately (the models know the hour of the call: answer rates and persuasion differ between
  10:00 and 19:00), and with an hourly capacity each moment is its own item in the arbitration;
  without one, only the best moment per customer × offer is kept (exact: no constraint couples
  the hours).
* a **message** is sent at the window's start.

``local_hour`` is the customer's local hour at that moment (what the brief, the audit and the
truth read).
"""

from __future__ import annotations

import polars as pl

from goodcall.zones import to_local

c = pl.col
HOUR = pl.duration(hours=1)


def expand_moments(pairs: pl.DataFrame, call_hours: int) -> pl.DataFrame:
    """``pairs`` (with ``next_window_start/end`` and ``time_zone``) × candidate moments.

    Adds ``planned_at`` (UTC) and ``local_hour``; drops pairs whose window is empty or unknown.
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
    return both.with_columns(
        to_local(c("planned_at"), c("time_zone")).dt.hour().cast(pl.Int64).alias("local_hour")
    ).filter(c("local_hour").is_not_null())
