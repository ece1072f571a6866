"""Per-group reductions over items sorted by group (NumPy segment operations, no Python loops)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from goodcall.arbitrate.problem import FloatArray, IntArray

NEG_INF = -np.inf


@dataclass(frozen=True)
class Segments:
    """Where each group's items start and end, and the dense group number of every item."""

    starts: IntArray
    counts: IntArray
    seg: IntArray  # dense group number of every item

    @classmethod
    def of(cls, starts: IntArray, n_items: int) -> Segments:
        ends = np.concatenate([starts[1:], [n_items]]) if starts.size else starts
        counts = (ends - starts).astype(np.int64)
        seg = np.repeat(np.arange(starts.size, dtype=np.int64), counts)
        return cls(starts=starts, counts=counts, seg=seg)

    @property
    def n_groups(self) -> int:
        return int(self.starts.shape[0])

    def best(self, scores: FloatArray) -> tuple[FloatArray, IntArray]:
        """Per group: the best score and the first item reaching it (−1 for an empty group).

        Groups whose items are all −inf get −inf and item −1.
        """
        if self.n_groups == 0:
            return np.zeros(0), np.zeros(0, dtype=np.int64)
        best = np.maximum.reduceat(scores, self.starts)
        hits = np.flatnonzero((scores == best[self.seg]) & np.isfinite(scores))
        item = np.full(self.n_groups, -1, dtype=np.int64)
        if hits.size:
            hit_seg = self.seg[hits]
            first = hits[np.concatenate([[True], hit_seg[1:] != hit_seg[:-1]])]
            item[self.seg[first]] = first
        return best, item

    def items_of_groups(self, groups: IntArray) -> tuple[IntArray, IntArray]:
        """Every item of the given groups (ascending groups), and where each group starts in it."""
        lengths = self.counts[groups]
        local_starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
        offsets = np.repeat(self.starts[groups] - local_starts, lengths)
        items = np.arange(int(lengths.sum()), dtype=np.int64) + offsets
        return items, local_starts


def segment_max(values: FloatArray, local_starts: IntArray) -> FloatArray:
    """Max of ``values`` over consecutive segments starting at ``local_starts``."""
    if local_starts.size == 0:
        return np.zeros(0)
    return np.asarray(np.maximum.reduceat(values, local_starts), dtype=np.float64)


def unique_starts(sorted_ids: npt.NDArray[np.int64]) -> tuple[IntArray, IntArray]:
    """Distinct values of a sorted array and where each run starts."""
    if sorted_ids.size == 0:
        return sorted_ids, np.zeros(0, dtype=np.int64)
    change = np.concatenate([[True], sorted_ids[1:] != sorted_ids[:-1]])
    starts = np.flatnonzero(change).astype(np.int64)
    return sorted_ids[starts], starts
