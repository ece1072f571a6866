"""A simulated day's figures: what a supervisor and a regulator ask about.

Abandonment is counted as the rules count it: abandoned calls over calls answered by a person
(machines and no-answers are not in the denominator). Occupancy is the agents' handle time (talk
and wrap-up) over their logged-in time; reading a brief and waiting through rings are not
occupied time.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from goodcall.timing.calls import DayResult

PERCENTILES = (50, 90, 99)


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (nearest rank) of ``values``; 0 for none.

    >>> percentile([1.0, 2.0, 3.0, 4.0], 50)
    2.0
    """
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class DayFigures:
    dialled: int
    live: int
    machines: int
    right_party: int
    abandoned: int
    abandonment: float
    """Abandoned over live-answered calls."""
    occupancy: float
    silence_p50: float
    silence_p90: float
    silence_p99: float
    silence_max: float
    """Seconds of silence after the hello, over the calls a person answered (an abandoned call
    counts its silence until the line dropped or the customer hung up)."""
    do_not_call: int
    mean_level: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def day_figures(day: DayResult) -> DayFigures:
    """The figures of one simulated day."""
    live = [r for r in day.records if r.answered_at is not None]
    silences = [r.silence for r in live if r.silence is not None]
    abandoned = [r for r in live if r.abandoned]
    occupancy = day.busy_seconds / day.logged_in_seconds if day.logged_in_seconds else 0.0
    return DayFigures(
        dialled=len(day.records),
        live=len(live),
        machines=sum(1 for r in day.records if r.machine),
        right_party=sum(1 for r in live if r.right_party and not r.abandoned),
        abandoned=len(abandoned),
        abandonment=len(abandoned) / len(live) if live else 0.0,
        occupancy=min(1.0, occupancy),
        silence_p50=percentile(silences, 50),
        silence_p90=percentile(silences, 90),
        silence_p99=percentile(silences, 99),
        silence_max=max(silences, default=0.0),
        do_not_call=sum(1 for r in day.records if r.do_not_call),
        mean_level=day.mean_level,
    )
