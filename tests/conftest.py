"""Run the slow twins of the hostile-input suite (``tests/hostile.py``) only when asked."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "slow" in (config.option.markexpr or ""):
        return
    skip = pytest.mark.skip(reason="1,000 examples per target: run with -m slow")
    for item in items:
        if "hostile" in item.keywords and "slow" in item.keywords:
            item.add_marker(skip)
