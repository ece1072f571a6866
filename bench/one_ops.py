"""How many Polars queries one decision runs, and what one query costs at the least.

``bench_one`` prints, for ``decide_one`` on one warm customer, the Polars queries it runs (every
eager operation is a query: ``DataFrame.filter`` builds, optimises and runs a one-node plan) and
their CPU time, by the core module that ran them; then the floor — the CPU time of single eager
operations on a three-row frame, and of one 21-node lazy plan against the same 21 operations
run eagerly. Together they say what any decision made of Polars operations costs, whatever the
work inside them (``docs/decisions.md``, "The floor under one decision").
"""

from __future__ import annotations

import collections
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import polars as pl
from polars.lazyframe import frame as lazy_frame

_QUERIES = (("LazyFrame", "collect"), ("LazyFrame", "_collect_eager"))


@contextmanager
def query_clock() -> Iterator[dict[str, list[float]]]:
    """While open, every Polars query (a lazy ``collect``, an eager operation, a
    ``collect_all``) adds ``[1, CPU seconds]`` to ``totals[site]``, ``site`` the innermost
    ``goodcall`` module that ran it; a query run inside another counts once."""
    totals: dict[str, list[float]] = collections.defaultdict(lambda: [0.0, 0.0])
    depth = [0]

    def clocked(run: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if depth[0]:
                return run(*args, **kwargs)
            site, start = _site(), time.process_time()
            depth[0] += 1
            try:
                return run(*args, **kwargs)
            finally:
                depth[0] -= 1
                total = totals[site]
                total[0] += 1
                total[1] += time.process_time() - start

        return wrapper

    undo: list[tuple[Any, str, Any]] = []
    for owner, name in ((lazy_frame.LazyFrame, n) for _, n in _QUERIES):
        undo.append((owner, name, getattr(owner, name)))
        setattr(owner, name, clocked(getattr(owner, name)))
    undo.append((pl, "collect_all", pl.collect_all))
    pl.collect_all = clocked(pl.collect_all)  # type: ignore[assignment]
    try:
        yield totals
    finally:
        for owner, name, run in undo:
            setattr(owner, name, run)


def _site() -> str:
    """The innermost ``goodcall`` module on the stack (the module that ran the query)."""
    frame = sys._getframe(2)
    while frame is not None:
        name = str(frame.f_globals.get("__name__", ""))
        if name.startswith("goodcall."):
            return name.removeprefix("goodcall.")
        frame = frame.f_back  # type: ignore[assignment]
    return "elsewhere"


def query_lines(totals: dict[str, list[float]], calls: int, decided_cpu: float) -> list[str]:
    """Queries and their CPU per call, by module, costliest first, then the sum and its share
    of ``decided_cpu`` (the CPU seconds of the same calls, all work included)."""
    ranked = sorted(totals.items(), key=lambda item: -item[1][1])
    lines = [
        f"  {site:28s} {count / calls:6.1f} queries {cpu / calls * 1000:7.2f} ms"
        for site, (count, cpu) in ranked
    ]
    count = sum(n for n, _ in totals.values())
    cpu = sum(s for _, s in totals.values())
    lines.append(
        f"  {'all':28s} {count / calls:6.1f} queries {cpu / calls * 1000:7.2f} ms "
        f"({cpu / decided_cpu:.0%} of the decision's CPU)"
    )
    return lines


def floor_lines(repeat: int = 2000) -> list[str]:
    """CPU µs of one eager operation on a three-row frame, and of a 21-node lazy plan against
    the same 21 operations run eagerly."""
    df = pl.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"], "c": [1.0, 2.0, 3.0]})
    other = pl.DataFrame({"b": ["x", "y"], "d": [5, 6]})

    def chain(frame: Any) -> Any:
        for i in range(10):
            frame = frame.filter(pl.col("a") > 0).with_columns((pl.col("a") + i).alias(f"e{i}"))
        return frame.join(other.lazy() if isinstance(frame, pl.LazyFrame) else other, on="b")

    runs: list[tuple[str, Callable[[], object], int]] = [
        ("filter", lambda: df.filter(pl.col("a") > 1), repeat),
        ("with_columns", lambda: df.with_columns((pl.col("a") * 2).alias("e")), repeat),
        ("select", lambda: df.select("a", "b"), repeat),
        ("join", lambda: df.join(other, on="b", how="left"), repeat),
        ("21 operations, eager", lambda: chain(df), repeat // 4),
        ("21 operations, one lazy plan", lambda: chain(df.lazy()).collect(), repeat // 4),
    ]
    lines = []
    for label, run, n in runs:
        for _ in range(50):
            run()
        start = time.process_time()
        for _ in range(n):
            run()
        lines.append(f"  {label:30s} {(time.process_time() - start) / n * 1e6:8.1f} µs CPU")
    return lines
