"""Calls an hour a team can dial in each mode: the capacity a campaign's arbitration respects.

* **Preview and progressive**: an agent is held for the whole of every call they dial (the brief
  read in preview, the rings, a machine's detection or the no-answer timeout, the conversation and
  its wrap-up), so calls an hour are ``agents × 3600 / E[agent seconds per dialled call]``, the
  expectation taken over the simulation's own timings (:class:`~goodcall.timing.calls.Settings`)
  and answer chances. Exact and instant.
* **Predictive**: no formula gives the lines the controller keeps in flight, so a seeded hour of
  the call-centre simulation is run with the same adaptive pacer ``goodcall pace`` recommends
  (:meth:`Scenario.adaptive <goodcall.timing.scenario.Scenario.adaptive>`, under the policy's
  abandonment limit) and its dialled calls are counted. Cached by team and figures: a campaign
  with a few distinct head counts simulates a few hours once. When that hour breaks the limit or
  dials fewer calls than progressive dialling would, the progressive figure is used (as
  ``goodcall pace`` recommends progressive when predictive dialling gains nothing).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import lru_cache

from goodcall.timing.calls import WRONG_PARTY_SECONDS, Mode, Settings
from goodcall.timing.scenario import Scenario, run_days

SIMULATED_HOURS = 1
"""Hours simulated for a predictive figure: one hour, the pacer's warm-up included, so the figure
errs low (docs/decisions.md, "Capacity from staffing")."""


LARGEST_SIMULATED_TEAM = 100
"""A larger team's predictive figure is this team's, scaled by head count: the simulation's cost
grows with the team (0.4 s CPU for 50 agents) and a hostile file may staff thousands; a larger
pool only paces better, so the scaled figure errs low."""


@dataclass(frozen=True)
class Dialling:
    """What a team's calls an hour depend on besides its head count."""

    mode: Mode
    handle_seconds: float
    """Mean talk time of a conversation with the customer (the simulation adds the wrap-up)."""
    answer_rate: float = 0.25
    """Share of dialled calls a person answers."""
    preview_seconds: float = Settings().preview_seconds
    patience_seconds: float = 5.0
    limit: float = 0.03
    """The policy's abandonment limit (predictive)."""
    agent_within_seconds: float = 2.0

    def scenario(self, agents: int) -> Scenario:
        return Scenario(
            agents,
            self.handle_seconds,
            (self.answer_rate,) * SIMULATED_HOURS,
            patience_seconds=self.patience_seconds,
            limit=self.limit,
            agent_within_seconds=self.agent_within_seconds,
        )


def agent_seconds_per_call(dialling: Dialling, scenario: Scenario) -> float:
    """Expected seconds an agent is held by one call dialled in preview or progressive mode."""
    s = Settings()
    ring = sum(s.ring_seconds) / 2
    live = dialling.answer_rate
    machine = min(scenario.machine_rate, 1 - live)
    nobody = 1 - live - machine
    talk = (
        scenario.right_party * dialling.handle_seconds
        + (1 - scenario.right_party) * WRONG_PARTY_SECONDS
        + s.wrap_seconds
    )
    seconds = (
        live * (ring + talk)
        + machine * (ring + s.machine_detect_seconds)
        + nobody * s.no_answer_seconds
    )
    return seconds + (dialling.preview_seconds if dialling.mode == "preview" else 0.0)


def calls_per_hour(agents: int, dialling: Dialling) -> int:
    """Calls ``agents`` agents can dial in one hour in ``dialling.mode`` (rounded down)."""
    if agents < 0:
        raise ValueError(f"agents must be ≥ 0, got {agents}")
    if agents == 0:
        return 0
    scenario = dialling.scenario(agents)
    held = agents * 3600.0 / agent_seconds_per_call(dialling, scenario)
    if dialling.mode != "predictive":
        return math.floor(held + 1e-9)
    progressive = calls_per_hour(agents, replace(dialling, mode="progressive"))
    team = min(agents, LARGEST_SIMULATED_TEAM)
    simulated = _predictive(team, dialling)
    if simulated is None:
        return progressive
    return max(math.floor(simulated * agents / team), progressive)


@lru_cache(maxsize=256)
def _predictive(agents: int, dialling: Dialling) -> int | None:
    """Dialled calls an hour in a seeded simulated hour with the adaptive pacer (None: the
    pacer broke the abandonment limit that hour)."""
    scenario = dialling.scenario(agents)
    summary = run_days(scenario, "predictive", scenario.adaptive, days=1, seed=0)
    if not summary.within(scenario.limit):
        return None
    return math.floor(summary.days[0].dialled / scenario.hours)
