"""Predict once per distinct row: candidates repeat the same features many times over.

A customer's candidate contacts differ in what a given model may not read: the reach model never
sees the offer, so the thirty offers of one customer on one channel at one hour are one row to
it; the conversion model sees "a message" for an SMS, an e-mail and an in-app message alike. The
rows are told apart by a 64-bit hash of their values, and the grouping is then checked row for
row against the representative it was given, so a hash collision can never change a prediction
(the whole batch is then predicted row by row, as without this).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt
import polars as pl

Floats = npt.NDArray[np.float64]


def predict_distinct(frame: pl.DataFrame, predict: Callable[[pl.DataFrame], Floats]) -> Floats:
    """``predict(frame)``, computed on the distinct rows of ``frame`` only."""
    if frame.height < 2:
        return predict(frame)
    hashes = frame.hash_rows(seed=0).to_numpy()
    _, first, inverse = np.unique(hashes, return_index=True, return_inverse=True)
    if first.size == frame.height:
        return predict(frame)
    distinct = frame[first]
    if not distinct[inverse].equals(frame, null_equal=True):  # a collision: no shortcut
        return predict(frame)
    return np.asarray(predict(distinct), dtype=np.float64)[inverse]
