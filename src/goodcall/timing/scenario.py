"""Simulated days of one call-centre scenario, for ``goodcall pace`` and the pacing benchmark.

A scenario is a team (agents, one language, all on shift the whole day), a handle time, an
answer-rate profile by hour, customers' patience in silence, and a call list longer than the
team can work. :func:`run_days` simulates seeded days with one dialling mode and pacer; the same
seeds meet the same customers whatever the pacer (common random numbers), so two pacers are
compared on the same days. :func:`best_fixed_level` searches the dial levels exhaustively.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from goodcall.timing.calls import (
    Agent,
    CallToDial,
    Mode,
    Settings,
    hourly_answers,
    lognormal_talks,
)
from goodcall.timing.figures import DayFigures, day_figures
from goodcall.timing.pacing import AdaptivePacer, FixedRatioPacer, Pacer
from goodcall.timing.simulation import simulate_day

PacerFactory = Callable[[], Pacer | None]


@dataclass(frozen=True)
class Scenario:
    agents: int
    handle_seconds: float
    answer_by_hour: tuple[float, ...]
    patience_seconds: float = 5.0
    machine_rate: float = 0.15
    right_party: float = 0.9
    limit: float = 0.03
    agent_within_seconds: float = 2.0
    name: str = "scenario"
    period_live: int = 0
    period_abandoned: int = 0
    """The abandonment period's live answers and abandoned calls before the day
    (:mod:`goodcall.timing.period`): the controller's budget starts from them."""

    def __post_init__(self) -> None:
        if self.agents < 1:
            raise ValueError(f"agents must be ≥ 1, got {self.agents}")
        if not self.handle_seconds > 0:
            raise ValueError(f"handle time must be > 0 seconds, got {self.handle_seconds}")
        if not self.answer_by_hour or not all(0 < r <= 1 for r in self.answer_by_hour):
            raise ValueError("answer rates must be in (0, 1]")
        if not self.patience_seconds > 0:
            raise ValueError(f"patience must be > 0 seconds, got {self.patience_seconds}")
        if not 0 < self.limit < 1:
            raise ValueError(f"abandonment limit must be in (0, 1), got {self.limit}")

    @property
    def hours(self) -> int:
        return len(self.answer_by_hour)

    def settings(self, mode: Mode) -> Settings:
        return Settings(
            mode=mode,
            day_seconds=self.hours * 3600.0,
            patience_seconds=self.patience_seconds,
            abandon_seconds=self.agent_within_seconds,
        )

    def adaptive(self) -> AdaptivePacer:
        """The controller, primed with the scenario's first hour (it learns the rest)."""
        return AdaptivePacer(
            limit=self.limit,
            answer_rate=self.answer_by_hour[0],
            handle_seconds=self.handle_seconds,
            period_live=self.period_live,
            period_abandoned=self.period_abandoned,
        )


@dataclass(frozen=True)
class Summary:
    """Several days of one mode and pacer."""

    label: str
    days: list[DayFigures] = field(default_factory=list)

    @property
    def occupancy(self) -> float:
        return sum(d.occupancy for d in self.days) / len(self.days)

    @property
    def abandonment(self) -> float:
        live = sum(d.live for d in self.days)
        return sum(d.abandoned for d in self.days) / live if live else 0.0

    @property
    def worst_day(self) -> float:
        return max(d.abandonment for d in self.days)

    @property
    def worst_silence(self) -> float:
        """The worst day's 99th percentile of silence after a hello (abandoned calls included)."""
        return max(d.silence_p99 for d in self.days)

    def within(self, limit: float) -> bool:
        """No day over the abandonment limit."""
        return self.worst_day <= limit

    @property
    def level(self) -> float:
        return sum(d.mean_level for d in self.days) / len(self.days)

    @property
    def right_party(self) -> float:
        return sum(d.right_party for d in self.days) / len(self.days)


def call_list(scenario: Scenario) -> list[CallToDial]:
    """More calls than the team can work in the day (two dials per agent-minute)."""
    count = scenario.agents * scenario.hours * 120
    return [CallToDial(f"C{i:07d}", "fr") for i in range(count)]


def run_days(
    scenario: Scenario,
    mode: Mode,
    pacer: PacerFactory,
    days: int = 3,
    seed: int = 0,
    label: str | None = None,
) -> Summary:
    """``days`` seeded days (seeds ``seed``, ``seed + 1``…) with a fresh pacer each day."""
    team = [Agent(f"A{i:03d}", frozenset({"fr"})) for i in range(scenario.agents)]
    calls = call_list(scenario)
    answers = hourly_answers(scenario.answer_by_hour, scenario.machine_rate, scenario.right_party)
    talk = lognormal_talks(scenario.handle_seconds)
    summary = Summary(label or mode)
    for day in range(days):
        result = simulate_day(
            team, calls, answers, talk, scenario.settings(mode), pacer(), seed=seed + day
        )
        summary.days.append(day_figures(result))
    return summary


def fixed(ratio: float) -> PacerFactory:
    return lambda: FixedRatioPacer(ratio)


def level_grid(low: float = 1.0, high: float = 4.0, step: float = 0.1) -> list[float]:
    return [round(low + i * step, 6) for i in range(math.floor((high - low) / step + 1e-9) + 1)]


def sweep(
    scenario: Scenario, levels: Sequence[float], days: int = 3, seed: int = 0
) -> list[tuple[float, Summary]]:
    """Fixed-ratio dialling at every level of ``levels`` on the same days."""
    return [
        (level, run_days(scenario, "predictive", fixed(level), days, seed, f"fixed {level:g}"))
        for level in levels
    ]


def best_fixed_level(
    swept: Sequence[tuple[float, Summary]], limit: float
) -> tuple[float, Summary] | None:
    """The swept level with the highest occupancy and no day over ``limit`` (None: none)."""
    allowed = [(level, s) for level, s in swept if s.within(limit)]
    return max(allowed, key=lambda item: item[1].occupancy, default=None)
