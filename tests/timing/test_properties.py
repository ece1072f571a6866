"""Properties over generated inputs: the pacer's prediction against brute force, and the modes'
guarantees on any small team and answer profile."""

from __future__ import annotations

import itertools
import math
from typing import cast

from hypothesis import given, settings
from hypothesis import strategies as st

from goodcall.timing.calls import (
    Agent,
    CallToDial,
    Mode,
    Settings,
    hourly_answers,
    lognormal_talks,
)
from goodcall.timing.erlang import erlang_a, erlang_c
from goodcall.timing.figures import day_figures
from goodcall.timing.pacing import expected_excess
from goodcall.timing.simulation import simulate_day


def _brute(lines: int, p: float, sure: int, busy: int, q: float) -> float:
    total = 0.0
    for answers in itertools.product((0, 1), repeat=lines):
        pa = math.prod(p if a else 1 - p for a in answers)
        for frees in itertools.product((0, 1), repeat=busy):
            pf = math.prod(q if f else 1 - q for f in frees)
            # Customers already waiting (a negative ``sure``) take the first agents to free up.
            total += pa * pf * max(0, sum(answers) - max(0, sure + sum(frees)))
    return total


@settings(max_examples=40, deadline=None)
@given(
    st.integers(0, 6),
    st.floats(0.0, 1.0),
    st.integers(-1, 4),
    st.integers(0, 4),
    st.floats(0.0, 1.0),
)
def test_the_predicted_excess_is_the_exact_expectation(
    lines: int, p: float, sure: int, busy: int, q: float
) -> None:
    excess, mean = expected_excess(lines, p, sure, busy, q)
    assert math.isclose(excess, _brute(lines, p, sure, busy, q), abs_tol=1e-9)
    assert math.isclose(mean, lines * p, abs_tol=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 60), st.floats(0.05, 0.99), st.floats(1.0, 1e6))
def test_erlang_a_never_waits_more_than_erlang_c(
    servers: int, utilisation: float, patience: float
) -> None:
    load = servers * utilisation
    a = erlang_a(servers, load / 100, 100.0, patience)
    assert 0.0 <= a.abandon_probability <= a.wait_probability <= erlang_c(servers, load) + 1e-9
    assert 0.0 <= a.occupancy <= utilisation + 1e-9


@settings(max_examples=12, deadline=None)
@given(
    st.integers(1, 4),
    st.lists(st.floats(0.05, 0.9), min_size=1, max_size=2),
    st.floats(0.2, 20.0),
    st.sampled_from(["preview", "progressive"]).map(lambda m: cast(Mode, m)),
    st.integers(0, 1000),
)
def test_preview_and_progressive_never_abandon(
    agents: int, rates: list[float], patience: float, mode: Mode, seed: int
) -> None:
    team = [Agent(f"A{i}", frozenset({"fr"})) for i in range(agents)]
    calls = [CallToDial(f"C{i}", "fr") for i in range(400)]
    day = Settings(mode=mode, day_seconds=len(rates) * 1800.0, patience_seconds=patience)
    f = day_figures(
        simulate_day(team, calls, hourly_answers(rates), lognormal_talks(90.0), day, seed=seed)
    )
    assert f.abandoned == 0 and f.silence_max <= 0.3


@settings(max_examples=15, deadline=None)
@given(
    st.integers(1, 3),
    st.lists(st.tuples(st.floats(0.0, 3000.0), st.floats(1.0, 900.0)), min_size=1, max_size=60),
    st.sampled_from(["preview", "progressive", "predictive"]).map(lambda m: cast(Mode, m)),
    st.integers(0, 1000),
)
def test_no_call_is_dialled_outside_its_window(
    agents: int, windows: list[tuple[float, float]], mode: Mode, seed: int
) -> None:
    """Windows as short as a second, shorter than a preview agent's reading of the brief."""
    team = [Agent(f"A{i}", frozenset({"fr"})) for i in range(agents)]
    calls = [CallToDial(f"C{i}", "fr", s, s + w) for i, (s, w) in enumerate(windows)]
    day = Settings(mode=mode, day_seconds=4000.0)
    result = simulate_day(team, calls, hourly_answers([0.5]), lognormal_talks(60.0), day, seed=seed)
    by_id = {call.customer_id: call for call in calls}
    for record in result.records:
        call = by_id[record.customer_id]
        assert call.earliest <= record.dialled_at < call.latest
