"""Negative down-sampling, one rule for every model that trains on rare positives.

Contacts convert or annoy rarely: past ``NEGATIVES_KEPT`` negative training rows, a stable random
share ``q`` of them is kept (every positive row stays), which bounds training time whatever the
size of the history. A classifier trained that way over-predicts by a known factor, undone exactly
by :func:`undo_negative_sampling` (prior correction), or by a calibration split left untouched.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

NEGATIVES_KEPT = 300_000

Mask = npt.NDArray[np.bool_]
Floats = npt.NDArray[np.float64]


def sample_negatives(
    negatives: Mask, draws: Callable[[], Floats], limit: int = NEGATIVES_KEPT
) -> tuple[Mask, float]:
    """Rows to keep — every row that is not a negative, and the negatives whose stable draw
    falls under ``q`` — with ``q``, the share of negatives kept (1.0: all kept, no draw made).

    ``draws`` gives one stable uniform per row; it is called only when sampling is needed, so
    each model keeps its own salt (and its saved models their figures).
    """
    q = min(1.0, limit / max(int(negatives.sum()), 1))
    if q >= 1.0:
        return np.ones(negatives.shape, dtype=bool), 1.0
    return ~negatives | (draws() < q), q


def undo_negative_sampling(p: Floats, q: float) -> Floats:
    """Probabilities of a classifier trained with only a share ``q`` of its negative rows,
    corrected back to the full data (prior correction, exact for that model):
    ``p = q·p′ / (1 − p′ + q·p′)``."""
    return p if q >= 1.0 else q * p / (1.0 - p + q * p)
