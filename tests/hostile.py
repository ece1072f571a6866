"""Hypothesis settings of the hostile-input property suite (issue 19), one place for the counts.

Every target (import files in CSV and in Parquet, catalog YAML, policy YAML, predicates, audit
call lists, command-line arguments) has a quick test with :data:`FAST` examples, run by
``make test``, and a ``slow``-marked twin with :data:`SLOW` examples, run by
``pytest -m slow tests`` (``tests/conftest.py`` skips the twins otherwise). The property is the
same: a clear error naming the place (exit 2), never a traceback, and the store unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis.strategies import SearchStrategy

FAST = 25
SLOW = 1_000

_BASE = settings(
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,  # the suite must not depend on examples a previous run remembered
)

Test = Callable[..., Any]


def hostile(
    fast_examples: int = FAST, **strategies: SearchStrategy[Any]
) -> Callable[[Test], tuple[Test, Test]]:
    """``test_x, test_x_slow = hostile(arg=strategy)(check)``: the quick test and its twin
    (``fast_examples``: fewer in the quick test when one example can run a whole command)."""

    def make(check: Test) -> tuple[Test, Test]:
        fast = settings(_BASE, max_examples=fast_examples)(given(**strategies)(check))
        # the slow twin draws the same 1,000 examples every run (CI reproducible); the quick test
        # draws new ones each run, so the search goes on between them
        slow = settings(_BASE, max_examples=SLOW, derandomize=True)(given(**strategies)(check))
        return pytest.mark.hostile(fast), pytest.mark.slow(pytest.mark.hostile(slow))

    return make
