"""A feasible plan from dual prices.

The customers' choices at the dual prices nearly respect every capacity; where they do not (ties,
or prices that are not exactly optimal), the plan is repaired in rounds, all vectorised:

1. every undecided customer proposes its best open item by reduced value (round 1: only items
   with a positive reduced value — exactly the Lagrangian choice; later rounds: any item with a
   positive value, to use capacity left over);
2. every resource accepts the proposals it can hold, highest reduced value first; an item is
   kept only if all its resources accept it;
3. resources that are full close, and rejected customers propose again.

The globally best proposal is always accepted, so every round makes progress. Ordering by
*reduced* value is what distinguishes this from a greedy cut: a customer whose call is worth
little more than their e-mail yields the call to one who has no alternative.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from goodcall.arbitrate.problem import FloatArray, IntArray, Problem
from goodcall.arbitrate.segments import NEG_INF, Segments

MAX_ROUNDS = 200


def _rank_within(keys: IntArray, scores: FloatArray) -> IntArray:
    """Rank (0 = best score) of each entry among the entries that share its key."""
    order = np.lexsort((-scores, keys))
    sorted_keys = keys[order]
    change = np.concatenate([[True], sorted_keys[1:] != sorted_keys[:-1]])
    run_start = np.maximum.accumulate(np.where(change, np.arange(keys.size), 0))
    ranks = np.empty(keys.size, dtype=np.int64)
    ranks[order] = np.arange(keys.size) - run_start
    return ranks


def _accept(
    problem: Problem,
    proposals: IntArray,
    scores: FloatArray,
    unit_left: FloatArray,
    weight_left: FloatArray,
) -> npt.NDArray[np.bool_]:
    """Which proposals every resource they use can hold, best reduced value first."""
    ok = np.ones(proposals.size, dtype=bool)
    s = scores[proposals]
    for k in range(problem.units.shape[1]):
        res = problem.units[proposals, k]
        uses = res >= 0
        ranks = _rank_within(res[uses], s[uses])
        ok[uses] &= ranks < np.floor(unit_left[res[uses]] + 1e-9)
    if problem.n_weighted:
        order = np.argsort(-s, kind="stable")
        for w in range(problem.n_weighted):
            spent = np.cumsum(problem.weights[proposals[order], w] * ok[order])
            fits = np.empty(proposals.size, dtype=bool)
            fits[order] = spent <= weight_left[w] + 1e-9
            ok &= fits
    return ok


def recover_plan(
    problem: Problem, unit_prices: FloatArray, weight_prices: FloatArray
) -> npt.NDArray[np.bool_]:
    """A feasible choice of items (at most one per group) guided by the dual prices."""
    segments = Segments.of(problem.group_starts(), problem.n_items)
    scores = problem.reduced_values(unit_prices, weight_prices)
    chosen = np.zeros(problem.n_items, dtype=bool)
    open_group = np.ones(segments.n_groups, dtype=bool)
    unit_left = problem.unit_capacity.astype(np.float64).copy()
    weight_left = problem.weight_capacity.astype(np.float64).copy()
    for round_no in range(MAX_ROUNDS):
        allowed = (scores > 0) if round_no == 0 else (problem.value > 0)
        allowed &= open_group[segments.seg]
        padded = np.concatenate([unit_left, [np.inf]])
        idx = np.where(problem.units < 0, problem.n_units, problem.units)
        allowed &= np.all(padded[idx] >= 1 - 1e-9, axis=1)
        if problem.n_weighted:
            allowed &= np.all(problem.weights <= weight_left + 1e-9, axis=1)
        best, item = segments.best(np.where(allowed, scores, NEG_INF))
        has_item = (item >= 0) & np.isfinite(best)
        if round_no > 0:
            open_group &= has_item  # nothing left for them: no contact
        if not has_item.any():
            break
        proposals = item[has_item]
        accepted = proposals[_accept(problem, proposals, scores, unit_left, weight_left)]
        if accepted.size == 0 and round_no > 0:
            break
        chosen[accepted] = True
        open_group[segments.seg[accepted]] = False
        unit_left -= problem.unit_usage(_mask(problem.n_items, accepted))
        weight_left -= problem.weight_usage(_mask(problem.n_items, accepted))
    return chosen


def _mask(n: int, items: IntArray) -> npt.NDArray[np.bool_]:
    mask = np.zeros(n, dtype=bool)
    mask[items] = True
    return mask
