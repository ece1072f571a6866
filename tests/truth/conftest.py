"""Profiles of the seed customer and of a small seeded carrier, for the truth's tests."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from goodcall.profiles.build import build_profiles
from goodcall.profiles.fixtures import seed_customer_tables
from goodcall.synth.generate import carrier_tables

AT = dt.datetime(2026, 11, 20, 15, tzinfo=dt.UTC)
SEED = 7


def contact(
    profiles: pl.DataFrame, offer: str, channel: str, hour: int, **flags: bool
) -> pl.DataFrame:
    """``profiles`` × one contact (offer, channel, local hour), right language and register
    unless ``flags`` say otherwise."""
    return profiles.with_columns(
        pl.lit(offer).alias("offer_id"),
        pl.lit(channel).alias("channel"),
        pl.lit(hour, pl.Int64).alias("local_hour"),
        pl.lit(flags.get("language_ok", True)).alias("language_ok"),
        pl.lit(flags.get("register_ok", True)).alias("register_ok"),
    )


@pytest.fixture(scope="session")
def seed_profile() -> pl.DataFrame:
    return build_profiles(seed_customer_tables(), AT).collect()


@pytest.fixture(scope="session")
def profiles() -> pl.DataFrame:
    tables = carrier_tables(2_000, SEED)
    return build_profiles({k: v.lazy() for k, v in tables.items()}, AT).collect()
