"""A store whose last 29 days of calls are at the abandonment limit (see ``test_period``)."""

from __future__ import annotations

import pytest

from tests.store.conftest import pg_url, store_url  # noqa: F401  (both backends, for test_period)
from tests.timing.test_period import store_at_the_limit as _make


@pytest.fixture(scope="session")
def store_at_the_limit(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Its URL."""
    return _make(tmp_path_factory.mktemp("at-the-limit"))
