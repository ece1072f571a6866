"""The simulation's queue with Poisson arrivals: where Erlang C and Erlang A apply exactly.

An outbound dialler's answered calls are not Poisson (the dialler reacts to its agents), so the
analytic check is made on this twin: the same SimPy mechanics — a pool of agents, customers who
wait in silence and hang up after an exponential patience — fed by Poisson arrivals with
exponential handle times. With infinite patience it is Erlang C's M/M/N queue; with a finite
one, Erlang A's M/M/N+M. The tests compare both (``tests/timing``).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import simpy


@dataclass(frozen=True)
class InboundFigures:
    arrivals: int
    wait_probability: float
    abandon_probability: float
    average_wait: float
    """Mean time in queue over every arrival (served or not), seconds."""
    service_level: float
    """Share of arrivals answered within ``target_seconds``."""
    occupancy: float


def simulate_inbound(
    servers: int,
    arrivals_per_second: float,
    handle_seconds: float,
    patience_seconds: float = math.inf,
    hours: float = 10.0,
    warm_up_hours: float = 1.0,
    target_seconds: float = 20.0,
    seed: int = 0,
) -> InboundFigures:
    """Simulate ``hours`` of an M/M/N(+M) queue; arrivals of the first ``warm_up_hours`` are not
    counted (the queue starts empty)."""
    env = simpy.Environment()
    agents = simpy.Resource(env, capacity=servers)
    rng = random.Random(seed)
    start, end = warm_up_hours * 3600.0, (warm_up_hours + hours) * 3600.0
    waits: list[tuple[float, bool]] = []  # (time in queue, served) of each counted arrival
    busy = [0.0]

    def customer() -> simpy.events.ProcessGenerator:
        arrived = env.now
        patience = (
            rng.expovariate(1 / patience_seconds) if math.isfinite(patience_seconds) else None
        )
        handle = rng.expovariate(1 / handle_seconds)
        with agents.request() as request:
            if patience is None:
                yield request
            else:
                yield request | env.timeout(patience)
            served = request.triggered
            if start <= arrived < end:
                waits.append((env.now - arrived, served))
            if not served:
                return
            # Busy time counted inside the measured window only.
            begin, finish = env.now, env.now + handle
            busy[0] += max(0.0, min(finish, end) - max(begin, start))
            yield env.timeout(handle)

    def arrivals() -> simpy.events.ProcessGenerator:
        while env.now < end:
            yield env.timeout(rng.expovariate(arrivals_per_second))
            env.process(customer())

    env.process(arrivals())
    env.run(until=end + 10 * handle_seconds)
    count = max(1, len(waits))
    return InboundFigures(
        arrivals=len(waits),
        wait_probability=sum(1 for w, _ in waits if w > 0) / count,
        abandon_probability=sum(1 for _, served in waits if not served) / count,
        average_wait=sum(w for w, _ in waits) / count,
        service_level=sum(1 for w, served in waits if served and w <= target_seconds) / count,
        occupancy=busy[0] / (servers * (end - start)),
    )
