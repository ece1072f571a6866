"""Build a ``REASON_LIST`` column from k checks, fast in both Polars engines.

Two obvious ways are slow in Polars 2.1: ``pl.concat_list`` over k struct expressions takes a
per-element path for nested types, and building flat columns with ``explode``/``reshape`` inside
a lazy query makes the streaming engine (the default) pay hundreds of milliseconds per query even
for one customer. So the list is assembled in one elementwise step on each batch: the k booleans
and k evidence strings are stacked and gathered into row-major order (row 0's k reasons, then
row 1's…), zipped with the constant codes and rules, and folded back to one list per row.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import polars as pl

from goodcall.reasons import REASON_LIST


def reason_list(
    codes: Sequence[str],
    oks: Sequence[pl.Expr],
    rules: Sequence[str],
    evidences: Sequence[pl.Expr],
) -> pl.Expr:
    """One list of ``{code, ok, rule, evidence}`` per row, the k reasons in the given order."""
    k = len(codes)
    if not (k == len(oks) == len(rules) == len(evidences)):
        raise ValueError("codes, oks, rules and evidences must have the same length")
    if k == 0:
        return pl.lit([], REASON_LIST)
    packed = pl.struct(
        [ok.cast(pl.Boolean).alias(f"o{j}") for j, ok in enumerate(oks)]
        + [e.cast(pl.String).alias(f"e{j}") for j, e in enumerate(evidences)]
    )
    return packed.map_batches(
        partial(_assemble, tuple(codes), tuple(rules)),
        return_dtype=REASON_LIST,
        is_elementwise=True,
    )


def _assemble(codes: tuple[str, ...], rules: tuple[str, ...], packed: pl.Series) -> pl.Series:
    k = len(codes)
    frame = packed.struct.unnest()
    n = frame.height
    if n == 0:
        return pl.Series(packed.name, [], dtype=REASON_LIST)
    index = pl.int_range(n * k, eager=True)
    position = index % k
    source = position * n + index // k  # row-major slot -> its place in the stacked columns

    def interleave(prefix: str) -> pl.Series:
        stacked = pl.concat([frame.get_column(f"{prefix}{j}") for j in range(k)])
        return stacked.gather(source)

    reasons = pl.DataFrame(
        {
            "code": pl.Series(codes, dtype=pl.String).gather(position),
            "ok": interleave("o"),
            "rule": pl.Series(rules, dtype=pl.String).gather(position),
            "evidence": interleave("e"),
        }
    ).to_struct(packed.name)
    return reasons.reshape((n, k)).arr.to_list()
