"""Stable uniform draws from text keys: the same key gives the same number everywhere, forever.

Control-group membership and exploration draws must not depend on which other customers are in
the batch, on the process, on the platform or on a library version (Polars' ``hash`` is documented
as unstable across versions). Each key's UTF-8 bytes are hashed with FNV-1a (64 bit), finalised
with SplitMix64, and the top 53 bits give a uniform number in [0, 1). Vectorised over the keys'
bytes with NumPy: the loop runs over character positions, never over customers.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa

FNV_OFFSET = np.uint64(0xCBF29CE484222325)
FNV_PRIME = np.uint64(0x100000001B3)


def _splitmix64(x: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    with np.errstate(over="ignore"):
        z = x + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def _utf8(keys: pl.Series) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.uint8]]:
    if keys.null_count():
        raise ValueError(f"hash keys must not be null ({keys.null_count()} null in {keys.name!r})")
    arr = keys.cast(pl.String).to_arrow()
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    arr = arr.cast(pa.large_string())
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64)[
        arr.offset : arr.offset + len(arr) + 1
    ]
    buffer = arr.buffers()[2]
    data = np.frombuffer(buffer, dtype=np.uint8) if buffer is not None else np.zeros(0, np.uint8)
    return offsets, data


def fnv1a64(keys: pl.Series) -> npt.NDArray[np.uint64]:
    """FNV-1a 64-bit hash of each key's UTF-8 bytes."""
    offsets, data = _utf8(keys)
    starts, lengths = offsets[:-1], offsets[1:] - offsets[:-1]
    h = np.full(starts.size, FNV_OFFSET, dtype=np.uint64)
    if data.size == 0:
        return h
    last = data.size - 1
    with np.errstate(over="ignore"):
        for pos in range(int(lengths.max(initial=0))):
            live = pos < lengths
            byte = data[np.minimum(starts + pos, last)].astype(np.uint64)
            h = np.where(live, (h ^ byte) * FNV_PRIME, h)
    return h


def stable_uniform(keys: pl.Series) -> npt.NDArray[np.float64]:
    """A uniform number in [0, 1) per key, identical on every run and platform."""
    bits = _splitmix64(fnv1a64(keys)) >> np.uint64(11)
    return bits.astype(np.float64) / float(2**53)


def salted_uniform(keys: pl.Series, salt: str) -> npt.NDArray[np.float64]:
    """``stable_uniform`` of ``salt + key``: an independent stable draw per purpose (held-out
    split, negative sampling, calibration split) from the same ids."""
    return stable_uniform(
        keys.to_frame("k").select(pl.concat_str(pl.lit(salt), pl.col("k"))).to_series()
    )


def undo_negative_sampling(p: npt.NDArray[np.float64], q: float) -> npt.NDArray[np.float64]:
    """Probabilities of a classifier trained with only a share ``q`` of its negative rows,
    corrected back to the full data (prior correction, exact for that model):
    ``p = q·p′ / (1 − p′ + q·p′)``."""
    return p if q >= 1.0 else q * p / (1.0 - p + q * p)


def stable_uniform_expr(*parts: pl.Expr | str) -> pl.Expr:
    """``stable_uniform`` of the ``:``-joined parts, as a Polars expression (lazy-friendly)."""
    exprs = [pl.lit(p) if isinstance(p, str) else p.cast(pl.String) for p in parts]
    return pl.concat_str(exprs, separator=":").map_batches(
        lambda s: pl.Series(s.name, stable_uniform(s)), return_dtype=pl.Float64
    )
