"""Stable hashing of text keys into uniform and normal draws: the same key gives the same number
everywhere, forever.

Control-group membership, exploration draws, sampling splits and the synthetic carrier's hidden
traits must not depend on which other customers are in the batch, on the process, the platform or
a library version (Polars' ``hash`` is documented as unstable across versions). Every hash here is
plain 64-bit integer arithmetic over the keys' UTF-8 bytes, vectorised with NumPy (loops run over
character positions, never over customers), finalised with SplitMix64.

Two families share the byte access and the finaliser:

* the decision core's draws (:func:`stable_uniform`, :func:`salted_uniform`): FNV-1a 64 of the
  key, top 53 bits → [0, 1);
* the ground truth's per-customer hashes (:func:`id_hashes`, :func:`uniforms`, :func:`normals`):
  a polynomial hash of the id mixed with a seed, then one independent draw per trait key.
  The truth keeps its own family so that a stored synthetic carrier's hidden traits never change.
"""

from __future__ import annotations

import hashlib

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa

U64 = npt.NDArray[np.uint64]
F64 = npt.NDArray[np.float64]

FNV_OFFSET = np.uint64(0xCBF29CE484222325)
FNV_PRIME = np.uint64(0x100000001B3)
_LEN_MIX = np.uint64(0x9E3779B97F4A7C15)
_TWO_53 = float(2**53)


def _splitmix64(x: U64) -> U64:
    """The SplitMix64 finaliser: spreads every input bit over the 64 output bits."""
    with np.errstate(over="ignore"):
        z = x + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def _utf8(keys: pl.Series) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.uint8]]:
    """The keys' UTF-8 bytes and their offsets, straight from the Arrow buffers."""
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


def fnv1a64(keys: pl.Series, start: U64 | None = None) -> U64:
    """FNV-1a 64-bit hash of each key's UTF-8 bytes; with ``start`` (the hashes of prefixes,
    one per key), the hash of each prefix followed by its key."""
    offsets, data = _utf8(keys)
    starts, lengths = offsets[:-1], offsets[1:] - offsets[:-1]
    h = np.full(starts.size, FNV_OFFSET, dtype=np.uint64) if start is None else start.copy()
    if data.size == 0:
        return h
    last = data.size - 1
    with np.errstate(over="ignore"):
        for pos in range(int(lengths.max(initial=0))):
            live = pos < lengths
            byte = data[np.minimum(starts + pos, last)].astype(np.uint64)
            h = np.where(live, (h ^ byte) * FNV_PRIME, h)
    return h


def fnv1a64_extend(hashes: U64, suffix: str) -> U64:
    """The FNV-1a 64 hashes of keys followed by ``suffix``, from the keys' own ``hashes``: the
    same numbers as hashing the longer keys, without going over their common part again."""
    h = hashes.copy()
    with np.errstate(over="ignore"):
        for byte in suffix.encode("utf-8"):
            h = (h ^ np.uint64(byte)) * FNV_PRIME
    return h


def stable_uniform(keys: pl.Series) -> F64:
    """A uniform number in [0, 1) per key, identical on every run and platform."""
    return uniform_of_hashes(fnv1a64(keys))


def uniform_of_hashes(hashes: U64) -> F64:
    """:func:`stable_uniform` of keys whose FNV-1a 64 ``hashes`` are known."""
    bits = _splitmix64(hashes) >> np.uint64(11)
    return bits.astype(np.float64) / _TWO_53


def salted_uniform(keys: pl.Series, salt: str) -> F64:
    """``stable_uniform`` of ``salt + key``: an independent stable draw per purpose (held-out
    split, negative sampling, calibration split) from the same ids."""
    return stable_uniform(
        keys.to_frame("k").select(pl.concat_str(pl.lit(salt), pl.col("k"))).to_series()
    )


def stable_uniform_expr(*parts: pl.Expr | str) -> pl.Expr:
    """``stable_uniform`` of the ``:``-joined parts, as a Polars expression (lazy-friendly)."""
    exprs = [pl.lit(p) if isinstance(p, str) else p.cast(pl.String) for p in parts]
    return pl.concat_str(exprs, separator=":").map_batches(
        lambda s: pl.Series(s.name, stable_uniform(s)), return_dtype=pl.Float64
    )


def key_constant(key: str) -> np.uint64:
    """A 64-bit constant for a text key (trait name, offer id), stable across runs."""
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
    return np.uint64(int.from_bytes(digest, "little"))


def id_hashes(ids: pl.Series, seed: int) -> U64:
    """One 64-bit hash per id, mixed with ``seed``: ``sum((byte + 1) * P**position)`` finalised."""
    offsets, data = _utf8(ids)
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
                powers[i] = powers[i - 1] * FNV_PRIME
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
    return (bits.astype(np.float64) + 0.5) / _TWO_53


def normals(hashes: U64, key: str) -> F64:
    """Standard normal draws, one per hash, for a trait ``key`` (Box–Muller on two uniforms)."""
    u1 = uniforms(hashes, key + "#1")
    u2 = uniforms(hashes, key + "#2")
    out: F64 = np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)
    return out
