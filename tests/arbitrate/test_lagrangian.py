"""The Lagrangian plan against the exact optimum (HiGHS MILP) and against a greedy cut.

Bad inputs tried: unsorted groups, mismatched shapes, negative capacities, non-finite values.
"""

from __future__ import annotations

import numpy as np
import pytest

from goodcall.arbitrate.exact import solve_lp, solve_milp
from goodcall.arbitrate.lagrangian import choose_with_prices, dual_value, solve
from goodcall.arbitrate.problem import Problem, ProblemError
from goodcall.arbitrate.segments import Segments

INF = np.inf


def greedy_cut(problem: Problem) -> float:
    """What we never do: take each customer's best item, best first, while capacity lasts."""
    left_u = problem.unit_capacity.copy()
    left_w = problem.weight_capacity.copy()
    segments = Segments.of(problem.group_starts(), problem.n_items)
    best, item = segments.best(problem.value)
    total = 0.0
    for g in np.argsort(-best):
        i = item[g]
        if best[g] <= 0 or i < 0:
            continue
        res = problem.units[i][problem.units[i] >= 0]
        if np.all(left_u[res] >= 1) and np.all(problem.weights[i] <= left_w):
            left_u[res] -= 1
            left_w -= problem.weights[i]
            total += problem.value[i]
    return total


def crafted() -> Problem:
    """Two customers, one call. A's call is worth 10 but A's e-mail 9; B can only be called (8).

    Greedy calls A (10 in total); the optimum e-mails A and calls B (17).
    Resources: 0 = daily calls (capacity 1), 1 = e-mails (no limit).
    """
    problem, _ = Problem.build(
        group=[0, 0, 1],
        value=[10.0, 9.0, 8.0],
        units=[[0], [1], [0]],
        unit_capacity=[1.0, INF],
    )
    return problem


def test_crafted_instance_optimum_and_greedy_is_worse() -> None:
    problem = crafted()
    plan = solve(problem)
    exact = solve_milp(problem)
    assert exact.value == pytest.approx(17.0)
    assert plan.primal == pytest.approx(17.0)
    assert plan.chosen.tolist() == [False, True, True]
    assert plan.dual_bound == pytest.approx(17.0)
    assert greedy_cut(problem) == pytest.approx(10.0)
    assert plan.unit_prices[0] == pytest.approx(4.5)  # midpoint of gains 8 (B) and 1 (A)


def test_no_contact_wins_when_nothing_is_worth_it() -> None:
    problem, _ = Problem.build(
        group=[0, 0, 1], value=[-1.0, -0.5, 3.0], units=[[0], [1], [0]], unit_capacity=[5, 5]
    )
    plan = solve(problem)
    assert plan.chosen.tolist() == [False, False, True]
    assert plan.primal == 3.0


def test_per_offer_volume_and_budget_exact() -> None:
    """Offer X (resource 0) is limited to 1 acceptance slot; budget 4 with calls costing 3."""
    problem, _ = Problem.build(
        group=[0, 0, 1, 1, 2],
        value=[6.0, 5.0, 7.0, 1.0, 4.0],
        units=[[0, 2], [1, 3], [0, 2], [1, 3], [1, 2]],
        unit_capacity=[1, INF, INF, INF],
        weights=[3.0, 1.0, 3.0, 1.0, 3.0],
        weight_capacity=[4.0],
    )
    exact = solve_milp(problem)
    plan = solve(problem)
    assert problem.is_feasible(plan.chosen)
    # best: customer 1 takes X by call (7, cost 3), customer 0 the other offer by e-mail (5, cost 1)
    assert exact.value == pytest.approx(12.0)
    assert plan.primal == pytest.approx(12.0)
    assert plan.dual_bound >= exact.value - 1e-9


def random_problem(seed: int, groups: int = 150, hours: bool = True) -> Problem:
    """Customers × 4 offers × 3 channels; calls use a daily cap and, if ``hours``, an hour slot."""
    rng = np.random.default_rng(seed)
    n = groups * 12
    group = np.repeat(np.arange(groups), 12)
    offer = np.tile(np.repeat(np.arange(4), 3), groups)
    channel = np.tile(np.arange(3), groups * 4)
    value = rng.normal(1.5, 2.5, size=n) - 0.4 * channel
    hour = np.where((channel == 0) & hours, 7 + rng.integers(0, 4, size=n), -1)
    units = np.stack([offer, 4 + channel, hour], axis=1)
    capacity = np.array([20, 40, 15, 60, groups * 0.2, INF, INF, 8, 8, 8, 8], dtype=float)
    weights = np.array([2.0, 0.3, 0.05])[channel]
    problem, _ = Problem.build(group, value, units, capacity, weights, [groups * 0.5])
    return problem


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_lagrangian_within_reported_gap_of_exact_optimum(seed: int) -> None:
    problem = random_problem(seed)
    plan = solve(problem)
    exact = solve_milp(problem)
    lp = solve_lp(problem)
    assert problem.is_feasible(plan.chosen)
    assert plan.primal <= exact.value + 1e-6
    assert exact.value - plan.primal <= plan.gap + 1e-6  # the certificate holds
    assert plan.dual_bound >= lp.value - 1e-6  # weak duality
    assert plan.dual_bound <= lp.value * 1.001 + 1e-6  # and the bound is tight
    assert plan.relative_gap < 0.01
    assert plan.primal > greedy_cut(problem)


def test_dual_value_is_an_upper_bound_at_any_prices() -> None:
    problem = random_problem(7, groups=60)
    exact = solve_milp(problem).value
    segments = Segments.of(problem.group_starts(), problem.n_items)
    rng = np.random.default_rng(0)
    for _ in range(20):
        u = rng.exponential(1.0, problem.n_units)
        w = rng.exponential(1.0, problem.n_weighted)
        assert dual_value(problem, segments, u, w) >= exact - 1e-9


def test_prices_decide_one_customer_like_the_batch() -> None:
    problem = random_problem(3)
    plan = solve(problem)
    at_prices = choose_with_prices(problem, plan.unit_prices, plan.weight_prices)
    agree = (at_prices == plan.chosen).mean()
    assert agree > 0.97  # only customers touched by the repair may differ


def test_empty_problem() -> None:
    problem, _ = Problem.build(
        np.zeros(0), np.zeros(0), np.zeros((0, 1)), [1.0], np.zeros((0, 1)), [1.0]
    )
    plan = solve(problem)
    assert plan.primal == 0.0 and plan.dual_bound == 0.0 and plan.chosen.size == 0


def test_bad_problems_are_refused_clearly() -> None:
    with pytest.raises(ProblemError, match="sorted by group"):
        Problem(np.array([1, 0]), np.array([1.0, 2.0]), np.array([[0], [0]]), np.array([1.0]))
    with pytest.raises(ProblemError, match="units has 3 rows"):
        Problem.build([0, 1], [1.0, 2.0], np.zeros((3, 1)), [1.0])
    with pytest.raises(ProblemError, match="capacities must be"):
        Problem.build([0], [1.0], [[0]], [-1.0])
    with pytest.raises(ProblemError, match="finite"):
        Problem.build([0], [np.nan], [[0]], [1.0])
    with pytest.raises(ProblemError, match="outside"):
        Problem.build([0], [1.0], [[3]], [1.0])
