"""Erlang C and Erlang A: the queueing formulas a call centre is staffed with.

They are the analytic check of the simulation (``goodcall.timing.simulation``): where the
simulation's assumptions match theirs (Poisson arrivals, exponential handle times and patience,
one pool of identical agents) the two must agree, and ``goodcall pace`` prints them side by side.

* **Erlang C** (M/M/N): callers wait as long as it takes. ``load`` is the offered traffic in
  Erlangs (arrival rate × mean handle time); with ``load >= servers`` the queue grows without
  bound and every caller waits.
* **Erlang A** (M/M/N+M): callers hang up after an exponential patience. It is always stable;
  abandonment takes the excess. It is the model of a predictive dialler's answered calls: the
  customer who hears silence hangs up.

Both are computed without factorials or powers that overflow: Erlang B by its recursion (every
term between 0 and 1), Erlang A from its birth-death chain's ratios in log space, truncated where
the remaining terms are below double precision. ``servers`` may be in the hundreds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

_TAIL = 1e-17
"""Erlang A's queue-length sum stops when a term is this small against the largest one."""
_MAX_QUEUE = 1_000_000
"""…or after this many queue positions (patience close to zero against a huge load)."""


def _check(servers: int, load: float) -> None:
    if servers < 1 or int(servers) != servers:
        raise ValueError(f"servers must be a whole number ≥ 1, got {servers!r}")
    if not (load >= 0 and math.isfinite(load)):
        raise ValueError(f"load (Erlangs) must be a finite number ≥ 0, got {load!r}")


def erlang_b(servers: int, load: float) -> float:
    """Probability that every server is busy in a loss system (M/M/N/N): Erlang B.

    Computed by the recursion ``B(n) = a B(n-1) / (n + a B(n-1))``, stable for any ``servers``.

    >>> round(erlang_b(10, 8.0), 4)
    0.1217
    >>> erlang_b(1, 1.0)
    0.5
    """
    _check(servers, load)
    blocked = 1.0
    for n in range(1, servers + 1):
        blocked = load * blocked / (n + load * blocked)
    return blocked


def erlang_c(servers: int, load: float) -> float:
    """Probability that a caller waits (all ``servers`` busy on arrival) in M/M/N: Erlang C.

    ``C = N B / (N − a (1 − B))`` from Erlang B; 1 when ``load >= servers`` (unstable).

    The textbook case, 10 agents and 8 Erlangs: 40.9 % of callers wait.

    >>> round(erlang_c(10, 8.0), 4)
    0.4092
    >>> erlang_c(2, 2.0)
    1.0
    """
    _check(servers, load)
    if load >= servers:
        return 1.0
    blocked = erlang_b(servers, load)
    return servers * blocked / (servers - load * (1.0 - blocked))


@dataclass(frozen=True)
class ErlangC:
    """An M/M/N queue's figures: what a staffing table gives."""

    servers: int
    load: float
    wait_probability: float
    average_speed_of_answer: float
    """Mean wait of every caller, seconds (those served at once count as 0)."""
    service_level: float
    """Share of callers answered within ``target_seconds``."""
    target_seconds: float
    occupancy: float


def erlang_c_figures(
    servers: int, arrivals_per_second: float, handle_seconds: float, target_seconds: float = 20.0
) -> ErlangC:
    """Erlang C's figures for ``servers`` agents, Poisson arrivals, exponential handle times.

    The call-centre textbook example: 100 calls in 30 minutes, 3-minute handle time (10 Erlangs),
    14 agents: 17.4 % wait, 7.8 s average speed of answer, 88.8 % answered within 20 s.

    >>> f = erlang_c_figures(14, 100 / 1800, 180.0, 20.0)
    >>> round(f.wait_probability, 3), round(f.average_speed_of_answer, 1)
    (0.174, 7.8)
    >>> round(f.service_level, 3), round(f.occupancy, 3)
    (0.888, 0.714)
    """
    if not (handle_seconds > 0 and math.isfinite(handle_seconds)):
        raise ValueError(f"handle time must be a positive number of seconds, got {handle_seconds}")
    load = arrivals_per_second * handle_seconds
    waits = erlang_c(servers, load)
    if load >= servers:
        return ErlangC(servers, load, 1.0, math.inf, 0.0, target_seconds, 1.0)
    spare = servers - load
    asa = waits * handle_seconds / spare
    level = 1.0 - waits * math.exp(-spare * target_seconds / handle_seconds)
    return ErlangC(servers, load, waits, asa, level, target_seconds, load / servers)


@dataclass(frozen=True)
class ErlangA:
    """An M/M/N+M queue's figures (callers hang up after an exponential patience)."""

    servers: int
    load: float
    wait_probability: float
    """Share of callers who find every agent busy."""
    abandon_probability: float
    """Share of callers who hang up before an agent takes them."""
    average_wait: float
    """Mean time in queue of every caller, seconds (served or not)."""
    occupancy: float
    """Mean share of agents busy (carried load / agents)."""


def _erlang_a_logs(servers: int, load: float, patience_ratio: float) -> list[float]:
    """Unnormalised log probabilities of 0, 1, 2… callers in an M/M/N+M system.

    Time is in mean handle times (service rate 1): birth rate ``load``, death rate ``min(n, N)``
    plus ``(n − N) × patience_ratio`` in queue, where ``patience_ratio`` is handle / patience."""
    logs = [0.0]
    log_load = math.log(load)
    for n in range(1, servers + 1):
        logs.append(logs[-1] + log_load - math.log(n))
    peak = max(logs)
    for k in range(1, _MAX_QUEUE):
        logs.append(logs[-1] + log_load - math.log(servers + k * patience_ratio))
        peak = max(peak, logs[-1])
        if logs[-1] - peak < math.log(_TAIL) and logs[-1] < logs[-2]:
            break
    return logs


def erlang_a(
    servers: int, arrivals_per_second: float, handle_seconds: float, patience_seconds: float
) -> ErlangA:
    """Erlang A's figures: ``servers`` agents, Poisson arrivals, exponential handle times and
    exponential patience (mean ``patience_seconds``).

    Two exact checks. With patience equal to the handle time every caller leaves at the same
    rate waiting or served, so the number in the system is Poisson (the M/M/∞ queue): with
    8 Erlangs and 10 agents, P(wait) = P(Poisson(8) ≥ 10) = 0.2834 and
    P(abandon) = E[(Poisson(8) − 10)⁺] / 8 = 0.0532. With a very long patience it
    tends to Erlang C (0.4092 for the same load).

    >>> a = erlang_a(10, 8 / 180, 180.0, 180.0)
    >>> round(a.wait_probability, 4), round(a.abandon_probability, 4)
    (0.2834, 0.0532)
    >>> round(erlang_a(10, 8 / 180, 180.0, 1e9).wait_probability, 4)
    0.4092
    """
    _check(servers, arrivals_per_second * handle_seconds)
    if not (handle_seconds > 0 and patience_seconds > 0):
        raise ValueError("handle time and patience must be positive numbers of seconds")
    load = arrivals_per_second * handle_seconds
    if load == 0:
        return ErlangA(servers, 0.0, 0.0, 0.0, 0.0, 0.0)
    logs = _erlang_a_logs(servers, load, handle_seconds / patience_seconds)
    peak = max(logs)
    weights = [math.exp(value - peak) for value in logs]
    total = math.fsum(weights)
    probabilities = [w / total for w in weights]
    waiting = math.fsum(probabilities[servers:])
    queue = math.fsum(k * p for k, p in enumerate(probabilities[servers:]))
    busy = math.fsum(min(n, servers) * p for n, p in enumerate(probabilities))
    # Little's law: mean queue = arrival rate × mean wait; abandonments = queue × 1/patience.
    average_wait = queue / arrivals_per_second
    abandons = queue / patience_seconds / arrivals_per_second
    return ErlangA(servers, load, waiting, abandons, average_wait, busy / servers)


def erlang_a_service_level(
    servers: int,
    arrivals_per_second: float,
    handle_seconds: float,
    patience_seconds: float,
    target_seconds: float,
) -> float:
    """Share of callers an agent takes within ``target_seconds`` in Erlang A (M/M/N+M).

    A caller who finds ``j`` others waiting reaches an agent after ``j + 1`` stages: while ``k``
    are ahead the queue moves at rate ``N/h + k/p`` (an agent frees up or one ahead hangs up);
    the caller's own patience ends the wait at rate ``1/p`` throughout. That chain is solved by
    uniformisation (Poisson-weighted steps), so no matrix exponential is needed. With endless
    patience it is Erlang C's service level.

    >>> round(erlang_a_service_level(10, 8 / 180, 180.0, 1e12, 20.0), 4)
    0.6724
    >>> round(erlang_a_service_level(10, 8 / 180, 180.0, 60.0, 20.0), 4)
    0.8608
    """
    import numpy as np

    _check(servers, arrivals_per_second * handle_seconds)
    if not (handle_seconds > 0 and patience_seconds > 0 and target_seconds >= 0):
        raise ValueError("handle time and patience must be positive, the target ≥ 0 seconds")
    load = arrivals_per_second * handle_seconds
    if load == 0:
        return 1.0
    logs = _erlang_a_logs(servers, load, handle_seconds / patience_seconds)
    peak = max(logs)
    weights = np.exp(np.array(logs) - peak)
    arrival = weights / weights.sum()
    at_once = float(arrival[:servers].sum())
    ahead = arrival[servers:]  # P(arrival finds k waiting), k = 0, 1, …
    serve, quit_ = servers / handle_seconds, 1.0 / patience_seconds
    move = serve + np.arange(ahead.size) * quit_  # rate at which the queue moves with k ahead
    rate = float(move[-1] + quit_)
    stay = 1.0 - (move + quit_) / rate
    mean = rate * target_seconds
    state, served, total, step = ahead.copy(), 0.0, 0.0, 0
    log_mean = math.log(mean) if mean > 0 else -math.inf
    limit = mean + 12 * math.sqrt(mean) + 30
    while step <= limit:
        weight = math.exp(-mean + step * log_mean - math.lgamma(step + 1)) if mean > 0 else 1.0
        total += weight * served
        if mean == 0:
            break
        served += float(state[0]) * serve / rate
        advanced = np.empty_like(state)
        advanced[:-1] = state[:-1] * stay[:-1] + state[1:] * move[1:] / rate
        advanced[-1] = state[-1] * stay[-1]
        state = advanced
        step += 1
    return at_once + total
