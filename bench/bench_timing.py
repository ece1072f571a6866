"""When to call: right-party contacts of learned scheduling against a fixed hour and random slots.

``python -m bench.bench_timing [--customers N] [--days D] [--calls C] [--seed S]``

On the synthetic carrier (``goodcall.synth``, as of its default date), the answer model
(:mod:`goodcall.models.answer`) is fitted on the contact history; then on D simulated weekdays C
customers a day, drawn at random among those the policy engine lets us phone, are called by
three schedulers, each inside the customer's legal window ∩ stated hours (the policy engine's
next window; every top of the hour in it is a candidate slot):

* **learned** — the slot with the highest posterior answer probability (segment prior + the
  customer's own answered and missed calls, updated after each simulated day), placed greedily
  in the best slot that still has room (``calls per UTC hour`` = capacity);
* **fixed hour** — every call at local hour H (the nearest slot of the window when H is not in
  it), for H in 10, 14, 17, 19; the best H is the baseline (no capacity limit: generous to it);
* **random** — a uniform legal slot.

Whether each call reaches the right party is drawn from the truth (``goodcall.truth``: the
customer's answer rhythm and the hour), with the same uniform per customer × day for every
scheduler (common random numbers); a reached customer takes the day's offer with the truth's
``p_accept_reached`` (same uniforms). Prints the table with ratios and CPU seconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import time

import numpy as np
import polars as pl

from goodcall.arbitrate.lagrangian import solve
from goodcall.arbitrate.problem import Problem
from goodcall.hashing import stable_uniform_expr
from goodcall.models.answer import (
    band,
    fit_answer,
    history_attempts,
    phone_attempts,
    segment,
    slot_counts,
    weekend,
)
from goodcall.policy.engine import channel_check_codes, evaluate_channels_matrix
from goodcall.policy.loader import load_policies
from goodcall.profiles.build import build_profiles
from goodcall.synth.generate import DEFAULT_AS_OF, carrier_tables
from goodcall.truth.response import TRUTH_PROFILE_COLUMNS, ResponseTruth
from goodcall.zones import to_local

c = pl.col
FIXED_HOURS = (10, 14, 17, 19)
OFFER = "PL_UP_MAX_60"
CAPACITY_HEADROOM = 1.25
TIME_CHECKS = ("policy.legal_window", "policy.preferred_hours")


def _weekdays(start: dt.date, count: int) -> list[dt.date]:
    days, day = [], start
    while len(days) < count:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            days.append(day)
    return days


def _candidates(profiles: pl.LazyFrame, at: dt.datetime, policies: object) -> pl.DataFrame:
    """Every top of the hour inside each phone-contactable customer's next window (customers
    blocked at ``at`` only by the hour — the legal window, their stated hours — count)."""
    codes = channel_check_codes(policies, "phone")  # type: ignore[arg-type]
    timed = sum(1 << j for j, code in enumerate(codes) if code in TIME_CHECKS)
    windows = (
        evaluate_channels_matrix(profiles, policies, at)  # type: ignore[arg-type]
        .filter((c("channel") == "phone") & ((c("blocked_mask") & ~pl.lit(timed, pl.UInt64)) == 0))
        .select("customer_id", "next_window_start", "next_window_end")
        .collect()
        .filter(c("next_window_end") > c("next_window_start"))
        .filter(c("next_window_start") < at + dt.timedelta(hours=24))
    )
    first = c("next_window_start").dt.truncate("1h")
    first = (
        pl.when(first < c("next_window_start")).then(first + pl.duration(hours=1)).otherwise(first)
    )
    return (
        windows.with_columns(
            pl.datetime_ranges(first, c("next_window_end"), "1h", closed="left").alias("planned_at")
        )
        .explode("planned_at")
        .drop_nulls("planned_at")
        .filter(c("planned_at") < c("next_window_end"))
        .select("customer_id", "planned_at")
    )


def _place(frame: pl.DataFrame, value: pl.Expr, capacity: int) -> pl.DataFrame:
    """The calls the campaign's arbitration (:mod:`goodcall.arbitrate`, as the decision core
    runs it) chooses: at most one slot per customer, at most ``capacity`` calls per UTC hour,
    the largest total ``value``."""
    items = frame.with_columns(value.alias("_value")).sort("customer_id", "planned_at")
    hours = items["planned_at"].unique().sort()
    unit = items["planned_at"].replace_strict(
        hours, list(range(hours.len())), return_dtype=pl.Int64
    )
    problem = Problem(
        group=items["customer_id"].rank("dense").cast(pl.Int64).to_numpy() - 1,
        value=items["_value"].to_numpy().astype(np.float64),
        units=unit.to_numpy().reshape(-1, 1),
        unit_capacity=np.full(hours.len(), float(capacity)),
    )
    return items.filter(pl.Series(solve(problem).chosen))


def _plans(scored: pl.DataFrame, day: dt.date, capacity: int) -> dict[str, pl.DataFrame]:
    """Each scheduler's calls of the day, all within the same hourly capacity."""
    tie = stable_uniform_expr(c("customer_id"), str(day), c("planned_at")) * 1e-6
    plans = {
        "learned": _place(scored, c("answer_mean") + tie, capacity),
        "random": _place(
            scored,
            0.5 + 0.5 * stable_uniform_expr(c("customer_id"), str(day), c("planned_at")),
            capacity,
        ),
        "oracle": _place(scored, c("_true") + tie, capacity),
        "segment oracle": _place(
            scored, c("_true").mean().over("segment", "local_hour") + tie, capacity
        ),
    }
    for hour in FIXED_HOURS:
        distance = (c("local_hour") - hour).abs().cast(pl.Float64)
        plans[f"fixed {hour}:00"] = _place(scored, 1.0 - 0.05 * distance + tie, capacity)
    return plans


def _outcomes(calls: pl.DataFrame, truth: ResponseTruth, day: dt.date) -> pl.DataFrame:
    pairs = calls.with_columns(
        pl.lit(OFFER).alias("offer_id"),
        pl.lit("phone").alias("channel"),
        pl.lit(True).alias("language_ok"),
        pl.lit(True).alias("register_ok"),
    )
    scored = truth.probabilities(pairs)
    u1 = stable_uniform_expr(c("customer_id"), str(day), "reach")
    u2 = stable_uniform_expr(c("customer_id"), str(day), "accept")
    return scored.with_columns(
        (u1 < c("p_reach")).alias("reached"),
    ).with_columns((c("reached") & (u2 < c("p_accept_reached"))).alias("converted"))


def run(customers: int, days: int, calls_per_day: int, seed: int, headroom: float) -> None:
    cpu = time.process_time()
    tables = carrier_tables(customers, seed)
    as_of = dt.datetime.combine(DEFAULT_AS_OF, dt.time(6), dt.UTC)
    profiles = build_profiles(tables, as_of).lazy().collect()
    contacts = tables["contacts"].join(
        tables["customers"].select("customer_id", "time_zone"), on="customer_id"
    )
    segments = profiles.select("customer_id", segment())
    model = fit_answer(slot_counts(phone_attempts(contacts.lazy())).collect(), segments)
    history = slot_counts(history_attempts(profiles.lazy())).collect()
    fit_cpu = time.process_time() - cpu
    truth = ResponseTruth(seed)
    policies = load_policies()
    strategies = [
        "learned",
        *[f"fixed {h}:00" for h in FIXED_HOURS],
        "random",
        "segment oracle",
        "oracle",
    ]
    totals = {s: [0, 0, 0.0, 0.0] for s in strategies}  # calls, reached, conversions, E[conv]
    learned_history = history
    for day in _weekdays(DEFAULT_AS_OF, days):
        at = dt.datetime.combine(day, dt.time(8), dt.UTC)
        slots = _candidates(profiles.lazy(), at, policies)
        chosen_ids = (
            slots.select("customer_id").unique().sort("customer_id")
            .with_columns(stable_uniform_expr(c("customer_id"), str(day), "pick").alias("_u"))
            .sort("_u").head(calls_per_day).select("customer_id")
        )  # fmt: skip
        slots = (
            slots.join(chosen_ids, on="customer_id")
            .join(profiles.select(*TRUTH_PROFILE_COLUMNS, "time_zone"), on="customer_id")
            .with_columns(to_local(c("planned_at"), c("time_zone")).alias("_local"))
            .with_columns(
                c("_local").dt.hour().cast(pl.Int64).alias("local_hour"),
                weekend(c("_local")),
                band(c("_local").dt.hour()),
                segment(),
            )
            .drop("_local")
        )
        with_counts = slots.join(learned_history, on=["customer_id", "weekend", "band"], how="left")
        scored = model.posterior(with_counts).drop("attempts", "answered", "prior_mean")
        truth_reach = truth.probabilities(
            scored.select(slots.columns).with_columns(
                pl.lit(OFFER).alias("offer_id"), pl.lit("phone").alias("channel"),
                pl.lit(True).alias("language_ok"), pl.lit(True).alias("register_ok"),
            )
        )["p_reach"]  # fmt: skip
        scored = scored.with_columns(truth_reach.alias("_true"))
        hours = slots["planned_at"].n_unique()
        capacity = math.ceil(headroom * chosen_ids.height / max(hours, 1))
        plans = _plans(scored, day, capacity)
        for name, plan in plans.items():
            out = _outcomes(plan.select(slots.columns), truth, day)
            t = totals[name]
            t[0] += out.height
            t[1] += int(out["reached"].sum())
            t[2] += float(out["converted"].sum())
            t[3] += float((out["p_reach"] * out["p_accept_reached"]).sum())
            if name == "learned":  # the learned scheduler reads its own calls the next day
                made = out.select(
                    "customer_id", "weekend", "band",
                    pl.lit(1, pl.Int64).alias("attempts"),
                    c("reached").cast(pl.Int64).alias("answered"),
                )  # fmt: skip
                learned_history = (
                    pl.concat([learned_history, made], how="vertical_relaxed")
                    .group_by("customer_id", "weekend", "band")
                    .agg(c("attempts").sum(), c("answered").sum())
                )
    cpu = time.process_time() - cpu
    best_fixed = max((s for s in strategies if s.startswith("fixed")), key=lambda s: totals[s][1])
    baseline = max(totals[best_fixed][1], totals["random"][1])
    print(
        f"bench_timing: {customers:,} customers (seed {seed}), {days} weekdays × "
        f"{calls_per_day:,} calls, capacity {headroom}× the mean hour; "
        f"answer model fitted in {fit_cpu:.2f} s CPU; "
        f"whole run {cpu:.1f} s CPU (shared machine)"
    )
    print(f"{'scheduler':<14} {'calls':>7} {'RPC':>7} {'RPC rate':>9} {'conv.':>6} "
          f"{'E[conv]':>8} {'RPC vs best baseline':>21}")  # fmt: skip
    for name in strategies:
        calls, reached, conv, expected = totals[name]
        print(
            f"{name:<14} {calls:>7,} {reached:>7,} {reached / max(calls, 1):>9.3f} "
            f"{conv:>6.0f} {expected:>8.1f} {reached / max(baseline, 1):>21.3f}"
        )
    gain = totals["learned"][1] / max(baseline, 1) - 1.0
    print(
        f"learned vs the better of best fixed hour ({best_fixed}) and random: "
        f"{gain:+.1%} right-party contacts; expected conversions "
        f"{totals['learned'][3] / max(totals[best_fixed][3], totals['random'][3]):.3f}×"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--days", type=int, default=10)
    parser.add_argument("--calls", type=int, default=3_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--headroom", type=float, default=CAPACITY_HEADROOM)
    args = parser.parse_args()
    run(args.customers, args.days, args.calls, args.seed, args.headroom)


if __name__ == "__main__":
    main()
