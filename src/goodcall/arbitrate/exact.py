"""The exact optimum on small instances (HiGHS through SciPy), to check the Lagrangian plan.

``solve_milp`` gives the true best plan; ``solve_lp`` the LP relaxation, whose value the
Lagrangian dual bound converges to. Both build the same constraint matrix: one row per group
("at most one item") and one per finite capacity.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from goodcall.arbitrate.problem import FloatArray, Problem


class ExactSolverError(RuntimeError):
    """HiGHS did not reach an optimum."""


@dataclass(frozen=True)
class ExactResult:
    """The optimum's value and item choice (fractional for the LP relaxation)."""

    value: float
    x: FloatArray

    @property
    def chosen(self) -> npt.NDArray[np.bool_]:
        return np.asarray(self.x > 0.5)


def _constraints(problem: Problem) -> tuple[sparse.csr_matrix, FloatArray]:
    n = problem.n_items
    cols = np.arange(n)
    _, dense_group = np.unique(problem.group, return_inverse=True)
    n_groups = int(dense_group.max()) + 1
    matrices = [sparse.csr_matrix((np.ones(n), (dense_group, cols)), shape=(n_groups, n))]
    bounds = [np.ones(n_groups)]
    uses = problem.units >= 0
    rows = problem.units[uses]
    item_cols = np.broadcast_to(cols[:, None], problem.units.shape)[uses]
    units = sparse.csr_matrix((np.ones(rows.size), (rows, item_cols)), shape=(problem.n_units, n))
    finite_u = np.isfinite(problem.unit_capacity)
    matrices.append(units[finite_u])
    bounds.append(problem.unit_capacity[finite_u])
    finite_w = np.isfinite(problem.weight_capacity)
    if problem.n_weighted:
        matrices.append(sparse.csr_matrix(problem.weights.T[finite_w]))
        bounds.append(problem.weight_capacity[finite_w])
    return sparse.vstack(matrices).tocsr(), np.concatenate(bounds)


def solve_milp(problem: Problem, *, time_limit: float = 60.0) -> ExactResult:
    """The exact best plan (binary choice of items)."""
    if problem.n_items == 0:
        return ExactResult(0.0, np.zeros(0))
    a, ub = _constraints(problem)
    result = milp(
        c=-problem.value,
        constraints=LinearConstraint(a, -np.inf, ub),
        integrality=np.ones(problem.n_items),
        bounds=Bounds(0, 1),
        options={"time_limit": time_limit, "mip_rel_gap": 0.0},
    )
    if result.x is None or result.status != 0:
        raise ExactSolverError(f"MILP not solved: {result.message}")
    return ExactResult(float(-result.fun), np.asarray(result.x, dtype=np.float64))


def solve_lp(problem: Problem) -> ExactResult:
    """The LP relaxation's optimum (x in [0, 1]): what the dual bound converges to."""
    if problem.n_items == 0:
        return ExactResult(0.0, np.zeros(0))
    a, ub = _constraints(problem)
    result = linprog(-problem.value, A_ub=a, b_ub=ub, bounds=(0, 1), method="highs")
    if result.x is None or result.status != 0:
        raise ExactSolverError(f"LP not solved: {result.message}")
    return ExactResult(float(-result.fun), np.asarray(result.x, dtype=np.float64))
