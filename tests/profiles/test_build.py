"""Exact expectations on the profile built for the seed customer."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from goodcall.profiles.build import build_profiles
from goodcall.profiles.fields import PROFILE_SCHEMA, ProfileSchemaError, check_profiles
from goodcall.profiles.fixtures import SEED_CUSTOMER_ID, seed_customer_tables

AT = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)


@pytest.fixture
def seed() -> dict[str, object]:
    frame = build_profiles(seed_customer_tables(), AT).collect()
    assert frame.height == 1
    return frame.row(0, named=True)


def test_schema_is_the_documented_one() -> None:
    frame = build_profiles(seed_customer_tables(), AT)
    assert frame.collect_schema() == PROFILE_SCHEMA
    check_profiles(frame.collect_schema())


def test_seed_customer_identity(seed: dict[str, object]) -> None:
    assert seed["customer_id"] == SEED_CUSTOMER_ID
    assert seed["jurisdiction"] == "CA-QC"
    assert (seed["language"], seed["lang"], seed["register"]) == ("fr-CA", "fr", "formal")
    assert seed["preferred_name"] == "Michel"
    assert seed["tenure_months"] == 12 * 12 + 5  # 2014-06-02 → 2026-11-20


def test_seed_customer_device_and_plan(seed: dict[str, object]) -> None:
    assert (seed["device_make"], seed["device_model"], seed["device_os"]) == (
        "Apple",
        "iPhone 13",
        "iOS",
    )
    assert seed["device_age_months"] == 49
    assert seed["financing_months_left"] == 0
    assert seed["plan_id"] == "ULT_150"
    assert seed["plan_is_top"] is True
    assert seed["data_usage_gb"] == pytest.approx((41.0 + 37.5 + 44.2) / 3)
    assert seed["data_usage_ratio"] == pytest.approx((41.0 + 37.5 + 44.2) / 3 / 150.0)


def test_seed_customer_promotions_and_preferences(seed: dict[str, object]) -> None:
    assert seed["redeemed_promotions"] == ["PROMO_ULT_2024"]
    assert seed["seen_promotions"] == ["PROMO_FETES_2026"]
    assert seed["preferred_end"] == dt.time(17, 0)
    assert seed["online_purchases_12m"] == 4
    assert seed["internal_dnc"] is False


def test_history_after_as_of_is_ignored() -> None:
    before_seen = dt.datetime(2026, 11, 16, tzinfo=dt.UTC)
    row = build_profiles(seed_customer_tables(), before_seen).collect().row(0, named=True)
    assert row["seen_promotions"] == []
    assert row["redeemed_promotions"] == ["PROMO_ULT_2024"]


def test_naive_as_of_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        build_profiles(seed_customer_tables(), dt.datetime(2026, 11, 20))


def test_optional_tables_may_be_absent() -> None:
    tables = seed_customer_tables()
    for name in ("preferences", "self_service", "cases"):
        del tables[name]
    row = build_profiles(tables, AT).collect().row(0, named=True)
    assert row["channels_accepted"] == ["phone", "sms", "email", "app"]
    assert row["app_logins_90d"] == 0
    assert row["has_open_complaint"] is False


def test_check_profiles_names_missing_and_mistyped_columns() -> None:
    schema = dict(PROFILE_SCHEMA)
    del schema["device_os"]
    schema["plan_tier"] = pl.String()
    with pytest.raises(ProfileSchemaError, match=r"missing column 'device_os'.*'plan_tier' is"):
        check_profiles(pl.Schema(schema))
