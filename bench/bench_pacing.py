"""Pacing: agent occupancy at ≤ 3 % abandonment and ≤ 2 s to an agent, on simulated days.

    .venv/bin/python -m bench.bench_pacing [--days 4] [--seed 100] [--quick]

For each scenario (team size, handle time, an answer-rate profile that changes by hour), on the
same seeded days (common random numbers): the adaptive controller
(``goodcall.timing.pacing.AdaptivePacer``), progressive dialling, fixed-ratio diallers at 1.5, 2.0
and 2.5 lines per free agent, and the best FIXED dial level found by exhaustive search in the
simulator (every level from 1.0 to 4.0 by 0.1; the best is the one with the highest occupancy
and no day over the limit). Every dialler drops a call at 2 s without an agent (it counts as
abandoned), so "≤ 2 s to agent" holds for every connected call; the abandonment limit is checked
on every day. The controller alone also runs ``--check-days`` more seeded days per scenario, to
count days over the limit. Prints a table, the controller's gap to the best fixed level, and the
CPU time.
Goal: the controller within 2 occupancy points of the best fixed level, no day over the limit.
"""

from __future__ import annotations

import argparse
import time

from goodcall.timing.scenario import (
    Scenario,
    Summary,
    best_fixed_level,
    fixed,
    level_grid,
    run_days,
    sweep,
)

SCENARIOS = (
    Scenario(8, 180.0, (0.25,) * 8, name="8 agents, flat 25 %"),
    Scenario(
        20, 200.0, (0.15, 0.18, 0.22, 0.20, 0.18, 0.25, 0.35, 0.40), name="20 agents, evening rise"
    ),
    Scenario(
        40, 150.0, (0.30, 0.25, 0.15, 0.12, 0.20, 0.30, 0.35, 0.30), name="40 agents, midday dip"
    ),
    Scenario(4, 300.0, (0.40, 0.10, 0.30, 0.20, 0.35, 0.15, 0.30, 0.25), name="4 agents, swinging"),
)


def _row(summary: Summary, limit: float) -> str:
    breach = "" if summary.within(limit) else "  BREACH"
    return (
        f"  {summary.label:<16} occupancy {summary.occupancy:6.1%}  abandonment "
        f"{summary.abandonment:5.2%} (worst day {summary.worst_day:5.2%})  level "
        f"{summary.level:4.2f}  p99 silence {summary.worst_silence:4.1f} s  RPC/day "
        f"{summary.right_party:7.1f}{breach}"
    )


def bench_scenario(
    scenario: Scenario, days: int, seed: int, step: float, check_days: int
) -> dict[str, float]:
    limit = scenario.limit
    runs = [
        run_days(scenario, "predictive", scenario.adaptive, days, seed, "adaptive"),
        run_days(scenario, "progressive", lambda: None, days, seed, "progressive"),
        *(
            run_days(scenario, "predictive", fixed(r), days, seed, f"fixed {r:g}")
            for r in (1.5, 2.0, 2.5)
        ),
    ]
    swept = sweep(scenario, level_grid(1.0, 4.0, step), days, seed)
    best = best_fixed_level(swept, limit)
    print(f"{scenario.name} ({scenario.handle_seconds:g} s handle, {days} days)")
    for summary in runs:
        print(_row(summary, limit))
    if best is None:
        print("  no fixed level stays within the limit")
        return {}
    level, top = best
    print(_row(Summary(f"best fixed {level:g}", top.days), limit))
    controller, progressive = runs[0], runs[1]
    gap = top.occupancy - controller.occupancy
    print(
        f"  controller − best fixed: {-gap * 100:+.1f} occupancy points; controller / progressive "
        f"occupancy: {controller.occupancy / progressive.occupancy:.2f}; within limit on every "
        f"day: {controller.within(limit)}"
    )
    more = run_days(scenario, "predictive", scenario.adaptive, check_days, seed + 1000, "check")
    worst = max(controller.worst_day, more.worst_day)
    breaches = sum(d.abandonment > limit for d in controller.days + more.days)
    print(
        f"  controller on {days + check_days} days: worst day {worst:.2%} abandoned, "
        f"{breaches} day(s) over {limit:.0%}; longest silence after a hello "
        f"{max(d.silence_max for d in controller.days + more.days):.1f} s"
    )
    return {"gap_points": gap * 100, "breach": float(breaches)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=4)
    parser.add_argument("--seed", type=int, default=100)
    parser.add_argument(
        "--check-days", type=int, default=8, help="more seeded days for the controller alone"
    )
    parser.add_argument("--quick", action="store_true", help="2 days, levels by 0.25")
    args = parser.parse_args(argv)
    days, step, check = (2, 0.25, 2) if args.quick else (args.days, 0.1, args.check_days)
    started = time.process_time()
    results = [bench_scenario(s, days, args.seed, step, check) for s in SCENARIOS]
    gaps = [r["gap_points"] for r in results if r]
    breaches = sum(r.get("breach", 0.0) for r in results)
    cpu = time.process_time() - started
    print(
        f"controller − best fixed level, worst scenario: {-max(gaps):+.1f} occupancy points; "
        f"controller days over the limit: {breaches:.0f}; CPU {cpu:.0f} s (shared machine)"
    )


if __name__ == "__main__":
    main()
