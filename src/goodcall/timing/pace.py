"""``goodcall pace``'s answer: which dialling mode and dial level for a team, from simulation.

Several seeded days of the scenario are simulated in progressive mode, in preview mode, with
the adaptive controller, and with fixed dial levels over a grid (the chart's curves). The
recommendation in ``auto`` mode: predictive dialling with the controller when it kept every
simulated day under the limit and gains at least :data:`MIN_GAIN` occupancy over progressive
dialling; else progressive. Next to it, Erlang A and Erlang C for an inbound queue with the
same load of answered calls: where the analytic model and the simulation meet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from goodcall.progress import Progress
from goodcall.timing.calls import Mode
from goodcall.timing.erlang import erlang_a, erlang_a_service_level, erlang_c_figures
from goodcall.timing.period import PeriodSoFar
from goodcall.timing.scenario import Scenario, Summary, best_fixed_level, fixed, run_days

MIN_GAIN = 0.02
"""Occupancy predictive dialling must gain over progressive to be recommended (abandoned calls
are a cost to customers, taken only for a real gain)."""
CHART_LEVELS = (1.0, 1.25, 1.5, 1.75, 2.0, 2.25, 2.5, 2.75, 3.0, 3.5)


@dataclass(frozen=True)
class PaceAdvice:
    scenario: Scenario
    mode: Mode
    level: float
    chosen: Summary
    runs: dict[str, Summary]
    curve: list[tuple[float, Summary]]
    best_fixed: float | None
    erlang: dict[str, float]
    period: PeriodSoFar | None = field(default=None)
    """The store's abandonment period so far (``--db``), which the controller started from."""

    def as_dict(self) -> dict[str, Any]:
        def figures(summary: Summary) -> dict[str, Any]:
            last = summary.days
            return {
                "occupancy": round(summary.occupancy, 4),
                "abandonment": round(summary.abandonment, 4),
                "worst_day_abandonment": round(summary.worst_day, 4),
                "dial_level": round(summary.level, 3),
                "right_party_contacts_per_day": round(summary.right_party, 1),
                "silence_seconds": {
                    "p50": round(max(d.silence_p50 for d in last), 2),
                    "p90": round(max(d.silence_p90 for d in last), 2),
                    "p99": round(max(d.silence_p99 for d in last), 2),
                    "max": round(max(d.silence_max for d in last), 2),
                },
                "within_limit_every_day": summary.within(self.scenario.limit),
            }

        return {
            "agents": self.scenario.agents,
            "handle_seconds": self.scenario.handle_seconds,
            "answer_rate_by_hour": list(self.scenario.answer_by_hour),
            "patience_seconds": self.scenario.patience_seconds,
            "hours": self.scenario.hours,
            "limit": self.scenario.limit,
            "days": len(self.chosen.days),
            "recommended": {"mode": self.mode, "dial_level": round(self.level, 3)},
            "predicted": figures(self.chosen),
            "modes": {name: figures(s) for name, s in self.runs.items()},
            "best_fixed_level": self.best_fixed,
            "curve": [{"level": level, **figures(summary)} for level, summary in self.curve],
            "erlang": {k: round(v, 4) for k, v in self.erlang.items()},
            "period": None if self.period is None else self.period.as_dict(),
        }


def _erlang(scenario: Scenario, summary: Summary, settle: float) -> dict[str, float]:
    """Erlang A and C for Poisson arrivals at the simulated rate of answered calls."""
    seconds = scenario.hours * 3600.0 * len(summary.days)
    rate = sum(d.live for d in summary.days) / seconds
    handle = scenario.handle_seconds + settle
    a = erlang_a(scenario.agents, rate, handle, scenario.patience_seconds)
    within = erlang_a_service_level(
        scenario.agents, rate, handle, scenario.patience_seconds, scenario.agent_within_seconds
    )
    c = erlang_c_figures(scenario.agents, rate, handle, scenario.agent_within_seconds)
    return {
        "answered_per_hour": rate * 3600,
        "erlang_a_wait_probability": a.wait_probability,
        "erlang_a_abandonment": a.abandon_probability,
        "erlang_a_occupancy": a.occupancy,
        "erlang_a_within_limit_seconds": within,
        "erlang_c_wait_probability": c.wait_probability,
        "erlang_c_within_limit_seconds": c.service_level,
        "erlang_c_occupancy": c.occupancy,
    }


def advise(
    scenario: Scenario,
    mode: Mode | None = None,
    days: int = 3,
    seed: int = 0,
    progress: Progress | None = None,
    wrap_seconds: float = 10.0,
    period: PeriodSoFar | None = None,
) -> PaceAdvice:
    """Simulate the scenario and recommend a mode (``mode=None``: auto) and a dial level."""
    steps = 3 + len(CHART_LEVELS)
    done = 0

    def step(what: str) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(what, done, steps)

    runs: dict[str, Summary] = {}
    runs["preview"] = run_days(scenario, "preview", lambda: None, days, seed, "preview")
    step("preview")
    runs["progressive"] = run_days(scenario, "progressive", lambda: None, days, seed)
    step("progressive")
    runs["predictive"] = run_days(scenario, "predictive", scenario.adaptive, days, seed)
    step("predictive")
    curve = []
    for level in CHART_LEVELS:
        curve.append((level, run_days(scenario, "predictive", fixed(level), days, seed)))
        step(f"dial level {level:g}")
    best = best_fixed_level(curve, scenario.limit)
    if mode is None:
        predictive, progressive = runs["predictive"], runs["progressive"]
        gain = predictive.occupancy - progressive.occupancy
        mode = (
            "predictive"
            if predictive.within(scenario.limit) and gain >= MIN_GAIN
            else "progressive"
        )
    chosen = runs[mode]
    level = chosen.level if mode != "preview" else 1.0
    return PaceAdvice(
        scenario,
        mode,
        level,
        chosen,
        runs,
        curve,
        best[0] if best else None,
        _erlang(scenario, chosen, wrap_seconds),
        period,
    )
