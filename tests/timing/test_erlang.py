"""Erlang C and Erlang A against textbook values and their exact special cases, and the doctests
of the module (the examples in its docstrings are run here)."""

from __future__ import annotations

import doctest
import math
from fractions import Fraction

import pytest

from goodcall.timing import erlang, figures, pacing
from goodcall.timing.erlang import (
    erlang_a,
    erlang_a_service_level,
    erlang_b,
    erlang_c,
    erlang_c_figures,
)


@pytest.mark.parametrize("module", [erlang, pacing, figures])
def test_the_docstring_examples_run(module: object) -> None:
    result = doctest.testmod(module)  # type: ignore[arg-type]
    assert result.failed == 0 and result.attempted > 0


@pytest.mark.parametrize(
    ("servers", "load", "expected"),
    [(10, 8.0, 0.4092), (14, 10.0, 0.1741), (2, 1.0, 0.3333), (1, 0.5, 0.5)],
)
def test_erlang_c_textbook_values(servers: int, load: float, expected: float) -> None:
    assert erlang_c(servers, load) == pytest.approx(expected, abs=5e-5)


def test_erlang_c_of_a_large_team_matches_exact_arithmetic() -> None:
    """100 agents, 90 Erlangs: the stable recursion against the formula in exact fractions."""
    servers, load = 100, Fraction(90)
    terms = [load**k / math.factorial(k) for k in range(servers)]
    top = load**servers / math.factorial(servers) * servers / (servers - load)
    assert erlang_c(servers, 90.0) == pytest.approx(float(top / (sum(terms) + top)), rel=1e-12)


def test_erlang_b_textbook_value() -> None:
    assert erlang_b(5, 3.0) == pytest.approx(0.1101, abs=5e-5)


def test_erlang_c_figures_of_the_textbook_case() -> None:
    f = erlang_c_figures(10, 8 / 180, 180.0, 20.0)
    assert (round(f.wait_probability, 4), round(f.average_speed_of_answer, 2)) == (0.4092, 36.83)
    assert round(f.service_level, 4) == 0.6724
    assert f.occupancy == pytest.approx(0.8)


def test_an_overloaded_queue_waits_for_ever() -> None:
    f = erlang_c_figures(5, 6 / 100, 100.0)
    assert (f.wait_probability, f.average_speed_of_answer, f.service_level) == (1.0, math.inf, 0.0)


def test_erlang_a_with_patience_equal_to_handle_time_is_poisson() -> None:
    load, servers = 8.0, 10
    poisson = [math.exp(-load) * load**k / math.factorial(k) for k in range(80)]
    a = erlang_a(servers, load / 180, 180.0, 180.0)
    assert a.wait_probability == pytest.approx(sum(poisson[servers:]), abs=1e-12)
    excess = sum((k - servers) * p for k, p in enumerate(poisson) if k > servers)
    assert a.abandon_probability == pytest.approx(excess / load, abs=1e-12)


def test_erlang_a_tends_to_erlang_c_with_endless_patience() -> None:
    a = erlang_a(10, 8 / 180, 180.0, 1e9)
    assert a.wait_probability == pytest.approx(erlang_c(10, 8.0), abs=1e-5)
    assert a.average_wait == pytest.approx(
        erlang_c_figures(10, 8 / 180, 180.0).average_speed_of_answer, rel=1e-4
    )


def test_erlang_a_is_stable_overloaded_and_large() -> None:
    a = erlang_a(500, 600 / 180, 180.0, 30.0)  # 600 Erlangs on 500 agents
    assert 0.9 < a.wait_probability <= 1.0
    # Overloaded: abandonment takes the excess, about (600 − 500) / 600.
    assert a.abandon_probability == pytest.approx(100 / 600, abs=0.01)
    assert a.occupancy == pytest.approx(1.0, abs=0.01)


def test_erlang_a_service_level_between_its_limits() -> None:
    """Endless patience: Erlang C's service level; patience equal to the handle time: the
    number in the system is Poisson and every stage is a plain exponential race."""
    exact_c = erlang_c_figures(14, 100 / 1800, 180.0, 20.0).service_level
    assert erlang_a_service_level(14, 100 / 1800, 180.0, 1e12, 20.0) == pytest.approx(exact_c)
    assert erlang_a_service_level(14, 100 / 1800, 180.0, 30.0, 0.0) == pytest.approx(
        1 - erlang_a(14, 100 / 1800, 180.0, 30.0).wait_probability
    )
    big = erlang_a_service_level(300, 280 / 180, 180.0, 5.0, 2.0)
    assert 0.95 < big < 1.0


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="servers"):
        erlang_c(0, 1.0)
    with pytest.raises(ValueError, match="load"):
        erlang_b(3, math.nan)
