"""Lagrangian relaxation of the capacity constraints: dual prices, a feasible plan and a bound.

Relaxing every capacity with a price λ_r ≥ 0 leaves one tiny problem per customer: pick the item
with the largest *reduced value* ``value − Σ price × use`` if it is positive, else no contact. The
dual function

    L(λ) = Σ_r λ_r capacity_r + Σ_groups max(0, max_i reduced_i)

is an upper bound on the best plan for ANY λ ≥ 0 (weak duality), and its minimum equals the LP
relaxation's optimum (the per-customer problem has integral vertices). We minimise L by exact
coordinate descent:

* a *unit* resource's price has a closed form: each group gains ``d_g = best item using r − best
  alternative`` from the resource, so usage(λ) = #{g : d_g > λ} and any λ between the
  capacity-th and (capacity+1)-th largest ``d_g`` is optimal in that coordinate (we take the
  midpoint, which keeps the plan free of ties);
* a *weighted* resource (the budget) by bisection: usage is non-increasing in its price.

The plan is then recovered from the final prices (see :mod:`goodcall.arbitrate.recover`), and the
distance between its value and L is the reported optimality gap — an honest certificate, whatever
the number of sweeps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from goodcall.arbitrate.problem import FloatArray, IntArray, Problem
from goodcall.arbitrate.recover import recover_plan
from goodcall.arbitrate.segments import NEG_INF, Segments, segment_max, unique_starts


@dataclass(frozen=True)
class Plan:
    """A feasible plan, its value, the dual bound and the prices that produced it."""

    chosen: npt.NDArray[np.bool_]  # per item (problem order)
    primal: float
    dual_bound: float
    unit_prices: FloatArray
    weight_prices: FloatArray
    sweeps: int

    @property
    def gap(self) -> float:
        """Dual bound − plan value (≥ 0): how much better the optimum could at most be."""
        return max(0.0, self.dual_bound - self.primal)

    @property
    def relative_gap(self) -> float:
        """The gap as a share of the bound (0 when the bound is 0)."""
        return self.gap / self.dual_bound if self.dual_bound > 0 else 0.0


def dual_value(
    problem: Problem, segments: Segments, unit_prices: FloatArray, weight_prices: FloatArray
) -> float:
    """L(λ): an upper bound on the value of every feasible plan, for any prices ≥ 0.

    Resources without a limit are not constraints: their prices are taken as 0.
    """
    unit_prices = np.where(np.isfinite(problem.unit_capacity), unit_prices, 0.0)
    weight_prices = np.where(np.isfinite(problem.weight_capacity), weight_prices, 0.0)
    reduced = problem.reduced_values(unit_prices, weight_prices)
    best, _ = segments.best(reduced)
    finite_u = np.isfinite(problem.unit_capacity)
    finite_w = np.isfinite(problem.weight_capacity)
    bound = float(np.maximum(best, 0.0).sum())
    bound += float(unit_prices[finite_u] @ problem.unit_capacity[finite_u])
    bound += float(weight_prices[finite_w] @ problem.weight_capacity[finite_w])
    return bound


def _items_by_unit(problem: Problem) -> list[IntArray]:
    """For every unit resource, the (ascending) items that use it."""
    rows = np.repeat(np.arange(problem.n_items, dtype=np.int64), problem.units.shape[1])
    res = problem.units.reshape(-1)
    keep = res >= 0
    rows, res = rows[keep], res[keep]
    order = np.lexsort((rows, res))
    rows, res = rows[order], res[order]
    bounds = np.searchsorted(res, np.arange(problem.n_units + 1))
    return [rows[bounds[r] : bounds[r + 1]] for r in range(problem.n_units)]


def _unit_price(
    problem: Problem,
    segments: Segments,
    reduced: FloatArray,
    items: IntArray,
    r: int,
    old_price: float,
) -> float:
    """The exact coordinate minimiser of L for unit resource ``r``."""
    capacity = problem.unit_capacity[r]
    if items.size == 0 or not np.isfinite(capacity):
        return 0.0
    own = reduced[items] + old_price
    groups, local = unique_starts(segments.seg[items])
    with_r = segment_max(own, local)
    members, member_starts = segments.items_of_groups(groups)
    others = reduced[members].copy()
    others[np.any(problem.units[members] == r, axis=1)] = NEG_INF
    without_r = np.maximum(segment_max(others, member_starts), 0.0)
    gain = with_r - without_r
    gain = gain[gain > 0]
    k = int(np.floor(capacity + 1e-9))
    if gain.size <= k:
        return 0.0
    if k == 0:
        return float(gain.max() * (1 + 1e-9) + 1e-9)
    top = -np.partition(-gain, k)[: k + 1]
    top.sort()
    return float((top[-k] + top[-k - 1]) / 2.0)  # midpoint of the k-th and (k+1)-th largest


def _weight_usage_at(
    problem: Problem, segments: Segments, base: FloatArray, w: int, price: float
) -> float:
    best, item = segments.best(base - price * problem.weights[:, w])
    picked = item[(best > 0) & (item >= 0)]
    return float(problem.weights[picked, w].sum())


def _weight_price(
    problem: Problem, segments: Segments, reduced: FloatArray, w: int, old_price: float
) -> float:
    """The coordinate minimiser of L for weighted resource ``w`` (bisection, 50 steps)."""
    capacity = problem.weight_capacity[w]
    if not np.isfinite(capacity):
        return 0.0
    base = reduced + old_price * problem.weights[:, w]
    if _weight_usage_at(problem, segments, base, w, 0.0) <= capacity:
        return 0.0
    users = problem.weights[:, w] > 0
    hi = float(np.max(base[users] / problem.weights[users, w])) + 1.0
    lo = 0.0
    for _ in range(50):
        mid = (lo + hi) / 2.0
        if _weight_usage_at(problem, segments, base, w, mid) <= capacity:
            hi = mid
        else:
            lo = mid
    return hi


def _active_units(
    problem: Problem, reduced: FloatArray, segments: Segments, prices: FloatArray
) -> IntArray:
    """Unit resources worth updating: priced, or over capacity at the current choices."""
    best, item = segments.best(reduced)
    chosen = np.zeros(problem.n_items, dtype=bool)
    chosen[item[(best > 0) & (item >= 0)]] = True
    over = problem.unit_usage(chosen) > problem.unit_capacity
    return np.flatnonzero((over | (prices > 0)) & np.isfinite(problem.unit_capacity))


def solve_dual(
    problem: Problem, *, max_sweeps: int = 40, tol: float = 1e-7
) -> tuple[FloatArray, FloatArray, float, int]:
    """Dual prices by exact coordinate descent: (unit prices, weight prices, bound, sweeps)."""
    segments = Segments.of(problem.group_starts(), problem.n_items)
    unit_prices = np.zeros(problem.n_units)
    weight_prices = np.zeros(problem.n_weighted)
    by_unit = _items_by_unit(problem)
    bound = dual_value(problem, segments, unit_prices, weight_prices)
    best = (unit_prices.copy(), weight_prices.copy(), bound)
    sweeps = 0
    for sweeps in range(1, max_sweeps + 1):  # noqa: B007 (the count is returned)
        reduced = problem.reduced_values(unit_prices, weight_prices)
        for r in _active_units(problem, reduced, segments, unit_prices):
            new = _unit_price(problem, segments, reduced, by_unit[r], int(r), unit_prices[r])
            reduced[by_unit[r]] += unit_prices[r] - new
            unit_prices[r] = new
        for w in range(problem.n_weighted):
            new = _weight_price(problem, segments, reduced, w, weight_prices[w])
            reduced += (weight_prices[w] - new) * problem.weights[:, w]
            weight_prices[w] = new
        bound = dual_value(problem, segments, unit_prices, weight_prices)
        improved = best[2] - bound
        if bound < best[2]:
            best = (unit_prices.copy(), weight_prices.copy(), bound)
        if improved <= tol * max(1.0, abs(best[2])):
            break
    return best[0], best[1], best[2], sweeps


def solve(problem: Problem, *, max_sweeps: int = 40, tol: float = 1e-7) -> Plan:
    """The Lagrangian plan: dual prices, a feasible plan recovered from them, and the bound."""
    if problem.n_items == 0:
        return Plan(
            chosen=np.zeros(0, dtype=bool),
            primal=0.0,
            dual_bound=0.0,
            unit_prices=np.zeros(problem.n_units),
            weight_prices=np.zeros(problem.n_weighted),
            sweeps=0,
        )
    unit_prices, weight_prices, bound, sweeps = solve_dual(problem, max_sweeps=max_sweeps, tol=tol)
    chosen = recover_plan(problem, unit_prices, weight_prices)
    return Plan(
        chosen=chosen,
        primal=float(problem.value[chosen].sum()),
        dual_bound=bound,
        unit_prices=unit_prices,
        weight_prices=weight_prices,
        sweeps=sweeps,
    )


def choose_with_prices(
    problem: Problem, unit_prices: FloatArray, weight_prices: FloatArray
) -> npt.NDArray[np.bool_]:
    """Each group's best item at fixed prices, capacity ignored (the real-time rule).

    A single customer decided with a batch campaign's prices makes the choice the global plan
    would have made for them, without needing the other customers.
    """
    segments = Segments.of(problem.group_starts(), problem.n_items)
    best, item = segments.best(problem.reduced_values(unit_prices, weight_prices))
    chosen = np.zeros(problem.n_items, dtype=bool)
    chosen[item[(best > 0) & (item >= 0)]] = True
    return chosen
