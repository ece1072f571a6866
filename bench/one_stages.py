"""Where one decision's CPU time goes: the core's stage functions wrapped with a CPU clock.

``bench_one --stages`` prints, for ``decide_one`` on one warm customer, each wrapped function's
CPU milliseconds per call — total (with what it calls) and own (without the wrapped functions
it calls) — so the per-stage figures of ``docs/decisions.md`` are one command. The wrappers are
put on the modules that import each function, for the run only, and taken off after.
"""

from __future__ import annotations

import importlib
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

STAGES = (
    ("goodcall.decide.passes", "first_pass"),
    ("goodcall.decide.core", "funnel"),
    ("goodcall.decide.candidates", "channel_view"),
    ("goodcall.decide.candidates", "offer_view"),
    ("goodcall.decide.candidates", "policy_reasons"),
    ("goodcall.decide.candidates", "_catalog_reasons"),
    ("goodcall.decide.timing", "expand_moments"),
    ("goodcall.decide.timing", "with_answer_history"),
    ("goodcall.decide.core", "scored_items"),
    ("goodcall.decide.plan", "positive_items"),
    ("goodcall.decide.assemble", "customer_summary"),
    ("goodcall.decide.passes", "find_prices"),
    ("goodcall.decide.passes", "assign_chunk"),
)
"""(module, function) of the stages timed: the funnel's policy and catalog views, candidate
moments, scoring, the positive items, the summaries, the arbitration and the assembly."""


@contextmanager
def stage_clock() -> Iterator[dict[str, list[float]]]:
    """While open, every call of a :data:`STAGES` function adds its CPU seconds to
    ``totals[name] = [total, own]``."""
    totals: dict[str, list[float]] = {}
    inner: list[float] = []
    undo: list[tuple[Any, str, Any]] = []

    def clocked(name: str, run: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.process_time()
            inner.append(0.0)
            try:
                return run(*args, **kwargs)
            finally:
                spent = time.process_time() - start
                nested = inner.pop()
                total = totals.setdefault(name, [0.0, 0.0])
                total[0] += spent
                total[1] += spent - nested
                if inner:
                    inner[-1] += spent

        return wrapper

    for module_name, name in STAGES:
        run = getattr(importlib.import_module(module_name), name)
        wrapped = clocked(name, run)
        for module in list(sys.modules.values()):
            if getattr(module, "__name__", "").startswith("goodcall") and (
                getattr(module, name, None) is run
            ):
                undo.append((module, name, run))
                setattr(module, name, wrapped)
    try:
        yield totals
    finally:
        for module, name, run in undo:
            setattr(module, name, run)


def stage_lines(totals: dict[str, list[float]], calls: int) -> list[str]:
    """One line per stage, costliest first: CPU ms per call, total and own."""
    ranked = sorted(totals.items(), key=lambda item: -item[1][0])
    return [
        f"  {name:22s} total {total / calls * 1000:7.2f} ms   own {own / calls * 1000:7.2f} ms"
        for name, (total, own) in ranked
    ]
