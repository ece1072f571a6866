"""Stable, vectorised hashing of customer ids into uniform and normal draws.

The ground truth gives every customer hidden traits (how self-directed, how persuadable, how
interested in each add-on) without storing them anywhere: each trait is a deterministic function of
``(customer_id, seed, trait name)``. The hash is computed here from the id's UTF-8 bytes with plain
64-bit integer arithmetic, so it is the same on every platform and every library version (Polars'
own ``hash`` is documented as unstable across versions, which would silently change the truth of a
stored carrier).
"""

from __future__ import annotations

import hashlib

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa

U64 = npt.NDArray[np.uint64]
F64 = npt.NDArray[np.float64]

_POLY = np.uint64(0x100000001B3)  # FNV-1 64-bit prime, used as the polynomial base
_LEN_MIX = np.uint64(0x9E3779B97F4A7C15)
_MASK_53 = float(2**53)


def _splitmix64(x: U64) -> U64:
    """The SplitMix64 finaliser: spreads every input bit over the 64 output bits."""
    with np.errstate(over="ignore"):
        z = x + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def key_constant(key: str) -> np.uint64:
    """A 64-bit constant for a text key (trait name, offer id), stable across runs."""
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
    return np.uint64(int.from_bytes(digest, "little"))


def _string_bytes(ids: pl.Series) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.uint8]]:
    arr = ids.cast(pl.String).to_arrow()
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    arr = arr.cast(pa.large_string())
    if arr.null_count:
        raise ValueError("customer ids must not be null")
    buffers = arr.buffers()
    offsets = np.frombuffer(buffers[1], dtype=np.int64)[arr.offset : arr.offset + len(arr) + 1]
    data_buffer = buffers[2]
    data = (
        np.frombuffer(data_buffer, dtype=np.uint8)
        if data_buffer is not None
        else np.zeros(0, np.uint8)
    )
    return offsets, data


def id_hashes(ids: pl.Series, seed: int) -> U64:
    """One 64-bit hash per id, mixed with ``seed``: ``sum((byte + 1) * P**position)`` finalised."""
    offsets, data = _string_bytes(ids)
    starts, ends = offsets[:-1], offsets[1:]
    lengths = ends - starts
    n = len(lengths)
    total = int(lengths.sum())
    acc = np.zeros(n, dtype=np.uint64)
    if total:
        first = int(starts[0]) if n else 0
        body = data[first : first + total].astype(np.uint64) + np.uint64(1)
        position = np.arange(total, dtype=np.int64) - np.repeat(starts - first, lengths)
        max_len = int(lengths.max())
        powers = np.ones(max_len, dtype=np.uint64)
        with np.errstate(over="ignore"):
            for i in range(1, max_len):
                powers[i] = powers[i - 1] * _POLY
            contributions = body * powers[position]
        nonempty = lengths > 0
        acc[nonempty] = np.add.reduceat(contributions, (starts - first)[nonempty])
    with np.errstate(over="ignore"):
        mixed = acc ^ (lengths.astype(np.uint64) * _LEN_MIX)
        return _splitmix64(mixed ^ _splitmix64(np.full(n, np.uint64(seed % 2**64))))


def uniforms(hashes: U64, key: str | U64) -> F64:
    """Uniform draws in (0, 1), one per hash, for a trait ``key`` (one key, or one per row)."""
    constant = key_constant(key) if isinstance(key, str) else key
    with np.errstate(over="ignore"):
        bits = _splitmix64(hashes ^ constant) >> np.uint64(11)
    return (bits.astype(np.float64) + 0.5) / _MASK_53


def normals(hashes: U64, key: str) -> F64:
    """Standard normal draws, one per hash, for a trait ``key`` (Box–Muller on two uniforms)."""
    u1 = uniforms(hashes, key + "#1")
    u2 = uniforms(hashes, key + "#2")
    out: F64 = np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)
    return out
