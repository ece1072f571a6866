"""Count a call list's own earlier calls toward attempts and frequency caps, in linear time.

A call list plans several contacts with one customer; each planned call counts the same
customer's calls planned before it (earlier time, or the same time and earlier in the list)
toward the attempts limit and the channel's frequency cap, as if they had happened. Pairing every
call with every earlier one grows with the square of a customer's calls, so the counts come from
running totals instead: the rows are sorted by customer and time once, each channel gets a
cumulative count, and the count inside a period is the running total now minus the running total
at the period's start (an as-of join on time). Memory and time grow with the number of rows.

Planned calls are never refusals, complaints or do-not-call requests, so they touch no other
history aggregate; :func:`goodcall.policy.engine.check_contact` reports no lift times, so the
release times keep counting the stored history only.
"""

from __future__ import annotations

import polars as pl

from goodcall.channels import CHANNELS
from goodcall.policy.history import cap_count
from goodcall.policy.model import Policies

_CUSTOMER = "customer_id"


def _running(channel: str) -> str:
    return f"__cum_{channel}"


def with_list_counts(rows: pl.LazyFrame, policies: Policies, order: str) -> pl.LazyFrame:
    """``rows`` with ``__att_n`` and every ``__cap_n_<channel>`` raised by the same customer's
    calls earlier in the list (by ``__at``, ties by ``order``) inside each period; needs
    ``__row``, ``customer_id``, ``channel``, ``__at``, ``__att_days`` and the history counts."""
    rows = rows.cache()  # read twice: ranked here, and the counts joined back onto it
    ranked = (
        rows.select("__row", _CUSTOMER, "channel", "__at", "__att_days", order)
        .sort(_CUSTOMER, "__at", order, nulls_last=True)
        .with_columns(
            [
                (pl.col("channel") == c).cast(pl.Int64).cum_sum().over(_CUSTOMER).alias(_running(c))
                for c in CHANNELS
            ]
        )
        .cache()
    )
    marks = (
        ranked.filter(pl.col("__at").is_not_null())
        .group_by(_CUSTOMER, "__at")
        .agg([pl.col(_running(c)).max() for c in CHANNELS])
        .sort("__at")
        .cache()
    )
    periods: list[tuple[str, pl.Expr, tuple[str, ...]]] = [
        (
            "__att_n",
            pl.col("__at") - pl.duration(days=pl.col("__att_days")),
            tuple(policies.attempts.channels),
        )
    ]
    for channel, rules in policies.channels.items():
        if rules.frequency_cap is not None:
            since = pl.col("__at") - pl.duration(days=rules.frequency_cap.days)
            periods.append((cap_count(channel), since, (channel,)))
    counts = ranked.select("__row")
    for column, since, channels in periods:
        counts = counts.join(
            _count_since(ranked, marks, since, channels, column), on="__row", how="left"
        )
    added = [c for c, _, _ in periods]
    return (
        rows.join(
            counts.rename({c: f"{c}__list" for c in added}),
            on="__row",
            how="left",
            maintain_order="left",
        )
        .with_columns([(pl.col(c) + pl.col(f"{c}__list").fill_null(0)).alias(c) for c in added])
        .drop([f"{c}__list" for c in added])
    )


def _count_since(
    ranked: pl.LazyFrame,
    marks: pl.LazyFrame,
    since: pl.Expr,
    channels: tuple[str, ...],
    name: str,
) -> pl.LazyFrame:
    """``__row`` and ``name``: the row's earlier calls on ``channels`` after ``since``."""
    before_me = [pl.col(_running(c)) - (pl.col("channel") == c).cast(pl.Int64) for c in channels]
    at_start = [pl.col(f"{_running(c)}_start").fill_null(0) for c in channels]
    return (
        ranked.with_columns(since.alias("__since"))
        .filter(pl.col("__since").is_not_null())
        .sort("__since")
        .join_asof(
            marks.rename(
                {"__at": "__mark", **{_running(c): f"{_running(c)}_start" for c in CHANNELS}}
            ),
            left_on="__since",
            right_on="__mark",
            by=_CUSTOMER,
            strategy="backward",
            check_sortedness=False,
        )
        .select(
            "__row",
            pl.sum_horizontal([b - s for b, s in zip(before_me, at_start, strict=True)])
            .cast(pl.Int64)
            .alias(name),
        )
    )
