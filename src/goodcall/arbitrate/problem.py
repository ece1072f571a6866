"""The arbitration problem in array form: pick at most one item per group under capacities.

An *item* is one way to contact one customer (an offer on a channel, perhaps in a given hour
slot); a *group* is the customer. Every item has an expected value and consumes resources:

* *unit* resources, at most one per family (the offer's volume, the channel's daily calls, the
  hour slot's calls): each chosen item uses one unit;
* *weighted* resources (the contact budget): a chosen item uses ``weights[i, w]``.

"No contact" is always allowed (value 0, no resource), so the problem is

    max Σ value_i x_i   s.t.  Σ_{i∈g} x_i ≤ 1 per group,  Σ use_ri x_i ≤ capacity_r,  x ∈ {0, 1}.

Items are held sorted by group so that per-group maxima are NumPy segment reductions; the solver
never loops over customers in Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


class ProblemError(ValueError):
    """An arbitration problem whose arrays do not fit together."""


@dataclass(frozen=True)
class Problem:
    """Items sorted by group, their values and the resources they use.

    ``units[i, k]`` is the index of the unit resource of family ``k`` used by item ``i`` (−1 when
    the item uses none in that family); ``weights[i, w]`` the amount of weighted resource ``w``.
    Infinite capacities mean "no limit".
    """

    group: IntArray
    value: FloatArray
    units: IntArray
    unit_capacity: FloatArray
    weights: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    weight_capacity: FloatArray = field(default_factory=lambda: np.zeros(0))
    unit_names: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        n = self.value.shape[0]
        if self.group.shape != (n,):
            raise ProblemError(f"group has shape {self.group.shape}, expected ({n},)")
        if self.units.ndim != 2 or self.units.shape[0] != n:
            raise ProblemError(f"units has shape {self.units.shape}, expected ({n}, families)")
        if n and np.any(np.diff(self.group) < 0):
            raise ProblemError("items must be sorted by group (use Problem.build)")
        n_units = self.unit_capacity.shape[0]
        if self.units.size and (self.units.max() >= n_units or self.units.min() < -1):
            raise ProblemError(f"unit resource index outside [-1, {n_units - 1}]")
        if np.any(self.unit_capacity < 0) or np.any(self.weight_capacity < 0):
            raise ProblemError("capacities must be ≥ 0")
        n_weighted = self.weight_capacity.shape[0]
        weights = self.weights if self.weights.size else np.zeros((n, n_weighted))
        object.__setattr__(self, "weights", weights)
        if weights.shape != (n, self.weight_capacity.shape[0]):
            raise ProblemError(f"weights has shape {weights.shape}, expected ({n}, {n_weighted})")
        if np.any(weights < 0):
            raise ProblemError("weights must be ≥ 0")
        if not np.all(np.isfinite(self.value)):
            raise ProblemError("item values must be finite")

    @classmethod
    def build(
        cls,
        group: npt.ArrayLike,
        value: npt.ArrayLike,
        units: npt.ArrayLike,
        unit_capacity: npt.ArrayLike,
        weights: npt.ArrayLike | None = None,
        weight_capacity: npt.ArrayLike | None = None,
        unit_names: tuple[str, ...] = (),
    ) -> tuple[Problem, IntArray]:
        """A problem from unsorted arrays, and the permutation that sorted them by group.

        ``order[j]`` is the caller's row of the problem's item ``j``.
        """
        g = np.asarray(group, dtype=np.int64)
        order = np.argsort(g, kind="stable").astype(np.int64)
        u = np.asarray(units, dtype=np.int64)
        if u.ndim == 1:
            u = u[:, None]
        wcap = np.zeros(0) if weight_capacity is None else np.asarray(weight_capacity, np.float64)
        w = (
            np.zeros((g.shape[0], wcap.size))
            if weights is None
            else np.asarray(weights, np.float64)
        )
        if w.ndim == 1:
            w = w[:, None]
        for name, arr in (("value", np.asarray(value)), ("units", u), ("weights", w)):
            if arr.shape[0] != g.shape[0]:
                raise ProblemError(f"{name} has {arr.shape[0]} rows, group has {g.shape[0]}")
        problem = cls(
            group=g[order],
            value=np.asarray(value, dtype=np.float64)[order],
            units=u[order],
            unit_capacity=np.asarray(unit_capacity, dtype=np.float64).reshape(-1),
            weights=w[order],
            weight_capacity=wcap.reshape(-1),
            unit_names=unit_names,
        )
        return problem, order

    @property
    def n_items(self) -> int:
        return int(self.value.shape[0])

    @property
    def n_units(self) -> int:
        return int(self.unit_capacity.shape[0])

    @property
    def n_weighted(self) -> int:
        return int(self.weight_capacity.shape[0])

    def group_starts(self) -> IntArray:
        """Index of the first item of each group (groups in ascending order)."""
        if self.n_items == 0:
            return np.zeros(0, dtype=np.int64)
        change = np.flatnonzero(self.group[1:] != self.group[:-1]) + 1
        return np.concatenate([[0], change]).astype(np.int64)

    def unit_usage(self, chosen: npt.NDArray[np.bool_]) -> FloatArray:
        """Units of each unit resource used by the chosen items."""
        used = self.units[chosen].reshape(-1)
        used = used[used >= 0]
        return np.bincount(used, minlength=self.n_units).astype(np.float64)

    def weight_usage(self, chosen: npt.NDArray[np.bool_]) -> FloatArray:
        """Amount of each weighted resource used by the chosen items."""
        return np.asarray(self.weights[chosen].sum(axis=0), dtype=np.float64).reshape(-1)

    def is_feasible(self, chosen: npt.NDArray[np.bool_], tol: float = 1e-9) -> bool:
        """At most one item per group and every capacity respected."""
        per_group = np.bincount(self.group[chosen]) if chosen.any() else np.zeros(0)
        if per_group.size and per_group.max() > 1:
            return False
        if np.any(self.unit_usage(chosen) > self.unit_capacity + tol):
            return False
        return not np.any(self.weight_usage(chosen) > self.weight_capacity + tol)

    def unit_prices_of_items(self, prices: FloatArray) -> FloatArray:
        """Σ over families of the price of the unit resource each item uses."""
        padded = np.concatenate([prices, [0.0]])
        idx = np.where(self.units < 0, self.n_units, self.units)
        return np.asarray(padded[idx].sum(axis=1), dtype=np.float64)

    def reduced_values(self, unit_prices: FloatArray, weight_prices: FloatArray) -> FloatArray:
        """value − price of every resource the item uses (the Lagrangian's item score)."""
        reduced = self.value - self.unit_prices_of_items(unit_prices)
        if self.n_weighted:
            reduced = reduced - self.weights @ weight_prices
        return reduced
