"""Profiles as of a past instant show the line as it was then, from ``line_changes``.

The seed customer's line (now an iPhone 13 on ULT_150, the top plan) is given two recorded
earlier states: a Galaxy S9 on PLUS_20 until the iPhone was bought (2022-10-01), then the iPhone
on PLUS_20 until the plan moved under PROMO_ULT_2024 (2024-04-12).
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from goodcall.profiles.build import build_profiles
from goodcall.profiles.fixtures import seed_customer_tables
from goodcall.profiles.frames import table_schema
from goodcall.profiles.schema import LINE_CHANGES

UTC = dt.UTC
PHONE_BOUGHT = dt.datetime(2022, 10, 1, 15, 0, tzinfo=UTC)
PLAN_MOVED = dt.datetime(2024, 4, 12, 16, 20, tzinfo=UTC)
NOW = dt.datetime(2026, 11, 20, 15, 0, tzinfo=UTC)

GALAXY_ON_PLUS = {
    "line_id": "L-SEED-0001",
    "customer_id": "C-SEED-0001",
    "changed_at": PHONE_BOUGHT,
    "plan_id": "PLUS_20",
    "device_make": "Samsung",
    "device_model": "Galaxy S9",
    "device_os": "Android",
    "device_purchase_date": dt.date(2018, 5, 1),
    "financing_end_date": None,
}
IPHONE_ON_PLUS = {
    **GALAXY_ON_PLUS,
    "changed_at": PLAN_MOVED,
    "device_make": "Apple",
    "device_model": "iPhone 13",
    "device_os": "iOS",
    "device_purchase_date": dt.date(2022, 10, 1),
    "financing_end_date": dt.date(2024, 10, 1),
}


def _with_changes(*rows: dict[str, object]) -> dict[str, pl.LazyFrame]:
    tables = seed_customer_tables()
    tables["line_changes"] = pl.DataFrame(list(rows), schema=table_schema(LINE_CHANGES)).lazy()
    return tables


def _profile(tables: dict[str, pl.LazyFrame], at: dt.datetime) -> dict[str, object]:
    frame = build_profiles(tables, at)
    assert isinstance(frame, pl.LazyFrame)  # still lazy with line_changes
    return frame.collect().row(0, named=True)


def _state(row: dict[str, object]) -> tuple[object, ...]:
    line = row["lines"][0]  # type: ignore[index]
    return (
        row["device_make"],
        row["device_model"],
        row["device_os"],
        row["plan_id"],
        row["plan_tier"],
        row["plan_is_top"],
        line["device_model"],
        line["plan_id"],
        line["plan_tier"],
    )


def test_before_a_recorded_change_the_old_device_and_plan() -> None:
    tables = _with_changes(IPHONE_ON_PLUS)
    before = _profile(tables, PLAN_MOVED - dt.timedelta(seconds=1))
    assert _state(before) == (
        "Apple",
        "iPhone 13",
        "iOS",
        "PLUS_20",
        3,
        False,
        "iPhone 13",
        "PLUS_20",
        3,
    )
    assert before["plan_data_gb"] == 20.0  # plan facts follow the plan the line had then
    assert before["financing_months_left"] == 6  # 2024-04 → 2024-10
    assert before["data_usage_ratio"] == pytest.approx((41.0 + 37.5 + 44.2) / 3 / 20.0)
    after = _profile(tables, PLAN_MOVED)  # the line left that state at changed_at
    assert _state(after) == (
        "Apple",
        "iPhone 13",
        "iOS",
        "ULT_150",
        5,
        True,
        "iPhone 13",
        "ULT_150",
        5,
    )


def test_a_line_with_two_changes_shows_each_state_in_turn() -> None:
    tables = _with_changes(IPHONE_ON_PLUS, GALAXY_ON_PLUS)  # any row order
    first = _profile(tables, dt.datetime(2021, 3, 1, tzinfo=UTC))
    assert _state(first)[:6] == ("Samsung", "Galaxy S9", "Android", "PLUS_20", 3, False)
    assert (first["has_android"], first["has_ios"], first["device_age_months"]) == (True, False, 34)
    assert first["financing_months_left"] == 0
    between = _profile(tables, dt.datetime(2023, 6, 1, tzinfo=UTC))
    assert _state(between)[:6] == ("Apple", "iPhone 13", "iOS", "PLUS_20", 3, False)
    assert (between["has_ios"], between["device_age_months"]) == (True, 8)
    now = _profile(tables, NOW)
    assert _state(now)[:6] == ("Apple", "iPhone 13", "iOS", "ULT_150", 5, True)


def test_data_usage_is_not_rewound() -> None:
    first = _profile(_with_changes(GALAXY_ON_PLUS), dt.datetime(2021, 3, 1, tzinfo=UTC))
    assert first["data_usage_gb"] == pytest.approx((41.0 + 37.5 + 44.2) / 3)


def test_without_line_changes_profiles_are_as_before() -> None:
    """Absent, empty, or only changes before ``as_of``: the lines as they are now."""
    absent = seed_customer_tables()
    del absent["line_changes"]
    past = dt.datetime(2021, 3, 1, tzinfo=UTC)
    expected = build_profiles(absent, past).collect()
    assert _state(expected.row(0, named=True))[:4] == ("Apple", "iPhone 13", "iOS", "ULT_150")
    assert build_profiles(seed_customer_tables(), past).collect().equals(expected)  # empty
    later = build_profiles(_with_changes(GALAXY_ON_PLUS, IPHONE_ON_PLUS), NOW).collect()
    assert later.equals(build_profiles(absent, NOW).collect())
