"""Pacers: how many lines a dialler keeps ringing for the agents it has.

A pacer sees the dialler's state (free and busy agents, lines ringing, customers waiting in
silence) and answers with the number of lines that should be in flight; the simulation tells it
what happened (lines resolved, answers, abandoned calls, handle times) so it can learn.

* :class:`ProgressivePacer`: one line per free agent. Nobody is ever left without an agent.
* :class:`FixedRatioPacer`: ``ratio`` lines per free agent (a classic predictive dialler's fixed
  "dial level"): occupancy rises with the ratio, and so does abandonment, blind to the hour's
  answer rate.
* :class:`AdaptivePacer`: the controller. It estimates online the live-answer rate, the time a
  line rings before the hello and the handle time, and chooses the largest number of lines for
  which the *predicted* share of answered calls finding no agent stays under its target. The
  target comes from a running abandonment budget over the campaign: the policy's limit times a
  safety margin, lowered after each abandoned call and raised back as answered calls accumulate
  without one, so a bad hour is paid back the same day. The budget covers the policy's period,
not one day: it starts from the live answers and abandoned calls the period already holds
(``period_live``, ``period_abandoned``: :mod:`goodcall.timing.period`), so a period already at
the limit leaves the day nothing to spend until answered calls without one pay it back.

The prediction: of ``L`` lines in flight, ``X ~ Binomial(L, p)`` will be answered by a person
within about a ring time ``w``; the agents available then are the free ones plus the busy ones
who finish within ``w``, ``Binomial(B, 1 − exp(−w / h))`` for mean handle time ``h``. The
expected abandoned calls are ``E[(X − A)⁺]``; the pacer keeps ``E[(X − A)⁺] ≤ target × E[X]``.
With a target of zero this is progressive dialling; the budget never lets it go below that.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class PoolState:
    """The dialler's view when it decides (agents on shift only)."""

    now: float
    free: int
    busy: int
    ringing: int
    waiting: int


class Pacer:
    """A pacer that learns nothing; subclasses choose :meth:`lines`."""

    name = "pacer"

    def lines(self, state: PoolState) -> int:
        """The lines that should be in flight now (the dialler dials the difference)."""
        return state.free

    def dialled(self, now: float) -> None:
        """A line was dialled."""

    def resolved(self, now: float, live: bool, ring_seconds: float) -> None:
        """A line stopped ringing: a person answered (``live``), or a machine or nobody."""

    def connected(self, now: float, silence: float) -> None:
        """An answered call reached an agent after ``silence`` seconds."""

    def abandoned(self, now: float) -> None:
        """An answered call got no agent in time."""

    def handled(self, now: float, seconds: float) -> None:
        """A conversation started that keeps its agent ``seconds`` (talk and wrap-up)."""


class ProgressivePacer(Pacer):
    """One line per free agent."""

    name = "progressive"


class FixedRatioPacer(Pacer):
    """``ratio`` lines per free agent, rounded to the nearest line."""

    def __init__(self, ratio: float) -> None:
        if not (1.0 <= ratio <= 10.0):
            raise ValueError(f"dial ratio must be between 1 and 10 lines per agent, got {ratio}")
        self.ratio = ratio
        self.name = f"fixed {ratio:g}"

    def lines(self, state: PoolState) -> int:
        return math.floor(self.ratio * state.free + 0.5)


def _binomial(n: int, p: float) -> list[float]:
    """The Binomial(n, p) probabilities of 0…n, from log-gamma (no overflow for large n)."""
    if p <= 0.0:
        return [1.0] + [0.0] * n
    if p >= 1.0:
        return [0.0] * n + [1.0]
    lp, lq = math.log(p), math.log1p(-p)
    top = math.lgamma(n + 1)
    return [
        math.exp(top - math.lgamma(k + 1) - math.lgamma(n - k + 1) + k * lp + (n - k) * lq)
        for k in range(n + 1)
    ]


def expected_excess(lines: int, p: float, sure: int, busy: int, q: float) -> tuple[float, float]:
    """``(E[(X − A)⁺], E[X])`` for ``X ~ Bin(lines, p)`` answers and ``A = sure + Bin(busy, q)``
    agents to take them.

    >>> excess, mean = expected_excess(2, 0.5, 1, 0, 0.0)  # two lines, one agent
    >>> round(excess, 12), mean  # both answer one time in four: one call finds no agent
    (0.25, 1.0)
    """
    answers = _binomial(lines, p)
    below, weighted = [0.0], [0.0]  # P(X ≤ a − 1) and E[X; X ≤ a − 1], prefix sums
    for x, probability in enumerate(answers):
        below.append(below[-1] + probability)
        weighted.append(weighted[-1] + x * probability)
    mean = lines * p
    excess = 0.0
    for extra, probability in enumerate(_binomial(busy, q)):
        agents = max(0, sure + extra)
        if agents >= lines or probability == 0.0:
            continue
        # E[(X − a)⁺] = E[X] − a + E[(a − X)⁺]
        excess += probability * (mean - agents + agents * below[agents + 1] - weighted[agents + 1])
    return max(0.0, excess), mean


class AdaptivePacer(Pacer):
    """The predictive controller: keeps the predicted abandonment under a budgeted target."""

    name = "adaptive"

    def __init__(
        self,
        limit: float = 0.03,
        safety: float = 0.6,
        answer_rate: float = 0.25,
        handle_seconds: float = 180.0,
        ring_seconds: float = 10.0,
        window: int = 200,
        horizon: int = 150,
        max_level: float = 6.0,
        period_live: int = 0,
        period_abandoned: int = 0,
    ) -> None:
        if not 0.0 <= limit < 1.0:
            raise ValueError(f"abandonment limit must be in [0, 1), got {limit}")
        self.limit, self.safety, self.max_level = limit, safety, max_level
        self.answer_rate, self.handle, self.ring = answer_rate, handle_seconds, ring_seconds
        self.window, self.horizon = window, horizon
        if min(period_live, period_abandoned) < 0 or period_abandoned > period_live:
            raise ValueError(
                f"the period's abandoned calls ({period_abandoned}) must be between 0 and its "
                f"live answers ({period_live})"
            )
        self.live = period_live
        self.abandons = period_abandoned
        self._cache: dict[tuple[int, int, int, int, int, int], int] = {}

    def target(self) -> float:
        """The predicted abandonment allowed now: the margin's share of the limit, plus what the
        budget has spare (or minus what it owes), spread over the next ``horizon`` answers."""
        base = self.limit * self.safety
        spare = base * self.live - self.abandons
        return min(self.limit, max(0.0, base + spare / self.horizon))

    def lines(self, state: PoolState) -> int:
        sure = state.free - state.waiting
        q = 1.0 - math.exp(-self.ring / max(self.handle, 1.0))
        p, target = self.answer_rate, self.target()
        key = (sure, state.busy, round(p * 400), round(q * 400), round(target * 4000), 0)
        if key in self._cache:
            return self._cache[key]
        low = max(0, sure)
        high = max(low, math.ceil(self.max_level * max(1, state.free + state.busy * q)))

        def safe(lines: int) -> bool:
            excess, mean = expected_excess(lines, p, sure, state.busy, q)
            return mean == 0.0 or excess <= target * mean

        while low < high:  # the largest safe number of lines (the ratio grows with lines)
            middle = (low + high + 1) // 2
            if safe(middle):
                low = middle
            else:
                high = middle - 1
        if len(self._cache) > 50_000:
            self._cache.clear()
        self._cache[key] = low
        return low

    def resolved(self, now: float, live: bool, ring_seconds: float) -> None:
        self.answer_rate += ((1.0 if live else 0.0) - self.answer_rate) / self.window
        if live:
            self.live += 1
            self.ring += (ring_seconds - self.ring) / 50

    def abandoned(self, now: float) -> None:
        self.abandons += 1

    def handled(self, now: float, seconds: float) -> None:
        self.handle += (seconds - self.handle) / 50
