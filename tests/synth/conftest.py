"""A small seeded carrier shared by the synth tests (2,000 customers, seed 7)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from goodcall.synth.generate import carrier_tables

SEED = 7
CUSTOMERS = 2_000
AS_OF = dt.date(2026, 11, 20)
AT = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)


@pytest.fixture(scope="session")
def carrier() -> dict[str, pl.DataFrame]:
    return carrier_tables(CUSTOMERS, SEED)


@pytest.fixture(scope="session")
def big() -> dict[str, pl.DataFrame]:
    """20,000 customers: enough for mixes within a couple of points."""
    return carrier_tables(20_000, 3)
