"""Calling windows in the customer's own time: time zones, weekends, holidays, France's gap.

Every expectation is exact. Instants are given in UTC and the local reading is in the comment, so
a reader can check each one against a calendar. 2026-11-20 is a Friday.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from goodcall.policy.engine import evaluate_channels
from goodcall.policy.loader import load_policies, shipped_policies_text
from goodcall.policy.resolve import compile_policies
from tests.policy.helpers import profiles, seed_row, variant

POLICIES = compile_policies(load_policies())
UTC = dt.UTC


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def customer(
    cid: str,
    jurisdiction: str,
    time_zone: str,
    preferred: tuple[dt.time, dt.time] | None = None,
) -> dict[str, Any]:
    country, _, region = jurisdiction.partition("-")
    start, end = preferred if preferred else (None, None)
    return variant(
        cid,
        country=country,
        region=region or country,
        jurisdiction=jurisdiction,
        time_zone=time_zone,
        preferred_start=start,
        preferred_end=end,
        contact_history=[],
    )


def phone(row: dict[str, Any], at: dt.datetime) -> dict[str, Any]:
    """The phone channel at ``at``, matched against a national list copy taken that day."""
    frame = evaluate_channels(profiles(row), POLICIES, at, national_list_date=at.date()).collect()
    result = frame.filter(pl.col("channel") == "phone").row(0, named=True)
    result["why"] = {r["code"]: r for r in result["reasons"]}
    return result


def failing(result: dict[str, Any]) -> list[str]:
    return [code for code, r in result["why"].items() if not r["ok"]]


MONTREAL = customer("C-MTL", "CA-QC", "America/Montreal")
TORONTO = customer("C-TOR", "CA-ON", "America/Toronto")
HALIFAX = customer("C-HFX", "CA-NS", "America/Halifax")
PARIS = customer("C-PAR", "FR", "Europe/Paris")


def test_seed_is_not_called_at_19h_because_he_prefers_17h() -> None:
    seed = seed_row()
    result = phone(seed, utc(2026, 11, 21, 0, 0))  # Friday 19:00 in Montreal
    assert result["contactable"] is False
    assert failing(result) == ["policy.preferred_hours"]
    assert result["why"]["policy.preferred_hours"]["evidence"] == (
        "preferred=09:00-17:00, local_time=2026-11-20T19:00 fri"
    )
    assert result["why"]["policy.legal_window"]["ok"] is True  # legal, but not what he wants
    # next: Saturday 10:00 (weekend window) to 17:00 (his preference), Montreal time
    assert (result["next_window_start"], result["next_window_end"]) == (
        utc(2026, 11, 21, 15, 0),
        utc(2026, 11, 21, 22, 0),
    )


def test_the_same_instant_is_19h_in_montreal_and_16h_in_vancouver() -> None:
    at = utc(2026, 11, 21, 0, 0)
    office_hours = (dt.time(9, 0), dt.time(17, 0))
    montreal = phone(customer("C-1", "CA-QC", "America/Montreal", office_hours), at)
    vancouver = phone(customer("C-2", "CA-BC", "America/Vancouver", office_hours), at)
    assert montreal["contactable"] is False
    assert vancouver["contactable"] is True
    assert "local_time=2026-11-20T16:00 fri" in vancouver["why"]["policy.legal_window"]["evidence"]
    assert (vancouver["next_window_start"], vancouver["next_window_end"]) == (
        at,
        utc(2026, 11, 21, 1, 0),  # 17:00 in Vancouver
    )


@pytest.mark.parametrize(
    ("at", "legal", "comment"),
    [
        (utc(2026, 11, 20, 14, 0), True, "Friday 09:00 Montreal: the window opens"),
        (utc(2026, 11, 20, 13, 59), False, "Friday 08:59"),
        (utc(2026, 11, 21, 2, 29), True, "Friday 21:29"),
        (utc(2026, 11, 21, 2, 30), False, "Friday 21:30: the end is excluded"),
        (utc(2026, 11, 21, 14, 59), False, "Saturday 09:59: weekends open at 10:00"),
        (utc(2026, 11, 21, 22, 59), True, "Saturday 17:59"),
        (utc(2026, 11, 21, 23, 0), False, "Saturday 18:00: weekends close at 18:00"),
        (utc(2026, 11, 22, 15, 0), True, "Sunday 10:00"),
    ],
)
def test_canadian_weekday_and_weekend_windows(at: dt.datetime, legal: bool, comment: str) -> None:
    result = phone(MONTREAL, at)
    assert result["why"]["policy.legal_window"]["ok"] is legal, comment
    assert result["contactable"] is legal, comment


@pytest.mark.parametrize(
    ("row", "at", "holiday"),
    [
        (MONTREAL, utc(2026, 12, 25, 17, 0), "Christmas Day"),
        (TORONTO, utc(2026, 12, 25, 17, 0), "Christmas Day"),
        (MONTREAL, utc(2026, 7, 1, 16, 0), "Canada Day"),
        (HALIFAX, utc(2026, 7, 1, 15, 0), "Canada Day"),
        (MONTREAL, utc(2026, 6, 24, 16, 0), "Saint John the Baptist Day"),
        (TORONTO, utc(2026, 6, 24, 16, 0), None),  # Quebec's Fête nationale only in Quebec
        (MONTREAL, utc(2026, 10, 12, 16, 0), "Thanksgiving Day"),
        (TORONTO, utc(2026, 10, 12, 16, 0), "Thanksgiving Day"),
        (HALIFAX, utc(2026, 10, 12, 15, 0), None),  # not a statutory holiday in Nova Scotia
    ],
)
def test_canadian_holidays_by_province(
    row: dict[str, Any], at: dt.datetime, holiday: str | None
) -> None:
    result = phone(row, at)
    assert result["why"]["policy.legal_window"]["ok"] is True  # a weekday, mid-day
    assert result["why"]["policy.holiday"]["ok"] is (holiday is None)
    if holiday is not None:
        assert result["why"]["policy.holiday"]["evidence"].startswith(f"holiday={holiday}, ")
        assert result["contactable"] is False


def test_next_window_skips_holidays_of_the_province() -> None:
    christmas_noon = utc(2026, 12, 25, 17, 0)
    # Quebec: Boxing Day is not a holiday — Saturday 26 at 10:00.
    assert phone(MONTREAL, christmas_noon)["next_window_start"] == utc(2026, 12, 26, 15, 0)
    # Ontario: Boxing Day (Sat 26) and its observed day (Mon 28) are — Sunday 27 at 10:00.
    toronto = phone(TORONTO, christmas_noon)
    assert (toronto["next_window_start"], toronto["next_window_end"]) == (
        utc(2026, 12, 27, 15, 0),
        utc(2026, 12, 27, 23, 0),
    )


def test_next_window_across_the_end_of_daylight_saving_time() -> None:
    # Saturday 2026-10-31 22:00 in Montreal (EDT, UTC-4); clocks go back on Sunday 1 November.
    result = phone(MONTREAL, utc(2026, 11, 1, 2, 0))
    assert result["contactable"] is False
    # Sunday 10:00 EST is 15:00 UTC (it would be 14:00 under EDT).
    assert result["next_window_start"] == utc(2026, 11, 1, 15, 0)


@pytest.mark.parametrize(
    ("at", "legal", "holiday", "comment"),
    [
        (utc(2026, 11, 24, 9, 0), True, False, "Tuesday 10:00 Paris"),
        (utc(2026, 11, 24, 8, 59), False, False, "Tuesday 09:59"),
        (utc(2026, 11, 24, 11, 59), True, False, "Tuesday 12:59"),
        (utc(2026, 11, 24, 12, 0), False, False, "Tuesday 13:00: the lunch gap"),
        (utc(2026, 11, 24, 12, 59), False, False, "Tuesday 13:59"),
        (utc(2026, 11, 24, 13, 0), True, False, "Tuesday 14:00"),
        (utc(2026, 11, 24, 19, 0), False, False, "Tuesday 20:00"),
        (utc(2026, 11, 28, 10, 0), False, False, "Saturday 11:00: never on weekends"),
        (utc(2026, 11, 29, 10, 0), False, False, "Sunday 11:00"),
        (utc(2026, 7, 14, 9, 0), True, True, "Tuesday 14 July 11:00: a public holiday"),
    ],
)
def test_france_weekdays_only_with_a_lunch_gap(
    at: dt.datetime, legal: bool, holiday: bool, comment: str
) -> None:
    result = phone(PARIS, at)
    assert result["why"]["policy.legal_window"]["ok"] is legal, comment
    assert result["why"]["policy.holiday"]["ok"] is not holiday, comment
    assert result["contactable"] is (legal and not holiday), comment


def test_france_next_window_after_the_gap_and_after_the_weekend() -> None:
    gap = phone(PARIS, utc(2026, 11, 24, 12, 30))  # Tuesday 13:30
    assert (gap["next_window_start"], gap["next_window_end"]) == (
        utc(2026, 11, 24, 13, 0),
        utc(2026, 11, 24, 19, 0),
    )
    friday_evening = phone(PARIS, utc(2026, 11, 27, 19, 30))  # Friday 20:30
    assert friday_evening["next_window_start"] == utc(2026, 11, 30, 9, 0)  # Monday 10:00


@pytest.mark.parametrize(
    ("jurisdiction", "zone", "at", "legal"),
    [
        ("US-NY", "America/New_York", utc(2026, 11, 20, 13, 0), True),  # Friday 08:00
        ("US-NY", "America/New_York", utc(2026, 11, 21, 2, 0), False),  # Friday 21:00
        ("US-FL", "America/New_York", utc(2026, 11, 21, 1, 30), False),  # 20:30: 20:00 in Florida
        ("US-TX", "America/Chicago", utc(2026, 11, 22, 17, 0), False),  # Sunday 11:00
        ("US-TX", "America/Chicago", utc(2026, 11, 22, 18, 0), True),  # Sunday 12:00
    ],
)
def test_united_states_and_states_that_differ(
    jurisdiction: str, zone: str, at: dt.datetime, legal: bool
) -> None:
    result = phone(customer("C-US", jurisdiction, zone), at)
    assert result["why"]["policy.legal_window"]["ok"] is legal


def test_us_federal_holiday() -> None:
    thanksgiving = phone(customer("C-US", "US-NY", "America/New_York"), utc(2026, 11, 26, 16, 0))
    assert thanksgiving["why"]["policy.holiday"]["evidence"].startswith("holiday=Thanksgiving")


def test_unknown_jurisdiction_or_zone_blocks_calls_for_good() -> None:
    at = utc(2026, 11, 20, 16, 0)
    nowhere = phone(customer("C-X", "CA-XX", "America/Montreal"), at)
    assert nowhere["contactable"] is False
    assert "jurisdiction=CA-XX (no rules)" in nowhere["why"]["policy.legal_window"]["evidence"]
    assert nowhere["next_window_start"] is None
    lost = phone(customer("C-Y", "CA-QC", "Mars/Olympus"), at)
    assert "time_zone=Mars/Olympus (unknown)" in lost["why"]["policy.legal_window"]["evidence"]
    assert lost["next_window_start"] is None
    # France names a fallback zone, used only when the customer's own is unknown.
    paris = phone(customer("C-Z", "FR", "Mars/Olympus"), utc(2026, 11, 24, 9, 0))
    assert paris["contactable"] is True
    assert "(using Europe/Paris)" in paris["why"]["policy.legal_window"]["evidence"]


def test_overnight_preference_and_contactable_means_now() -> None:
    night_owl = customer("C-OWL", "CA-QC", "America/Montreal", (dt.time(20, 0), dt.time(8, 0)))
    rows = [MONTREAL, TORONTO, HALIFAX, PARIS, night_owl, seed_row()]
    for at in (utc(2026, 11, 20, 14, 30), utc(2026, 11, 21, 1, 30), utc(2026, 11, 22, 16, 0)):
        frame = evaluate_channels(profiles(*rows), POLICIES, at, at.date()).collect()
        for result in frame.iter_rows(named=True):
            if result["contactable"]:
                assert result["next_window_start"] == at
            elif result["next_window_start"] is not None:
                assert result["next_window_start"] > at
    owl = phone(night_owl, utc(2026, 11, 21, 1, 30))  # Friday 20:30: legal and his time
    assert owl["contactable"] is True
    assert owl["next_window_end"] == utc(2026, 11, 21, 2, 30)  # the legal window ends at 21:30


def test_holiday_rules_are_configurable_per_jurisdiction(tmp_path: Path) -> None:
    text = shipped_policies_text().replace(
        "      block: true          # our stricter default: the CRTC rules do not forbid holiday "
        "calls",
        "      block: false\n      extra_dates: [2026-11-24]",
    )
    path = tmp_path / "policies.yaml"
    path.write_text(text, encoding="utf-8")
    custom = compile_policies(load_policies(path))

    def holiday_ok(at: dt.datetime) -> bool:
        frame = evaluate_channels(profiles(MONTREAL), custom, at, at.date()).collect()
        row = frame.filter(pl.col("channel") == "phone").row(0, named=True)
        return {r["code"]: r["ok"] for r in row["reasons"]}["policy.holiday"]

    assert holiday_ok(utc(2026, 12, 25, 17, 0)) is True  # Christmas no longer blocks
    assert holiday_ok(utc(2026, 11, 24, 17, 0)) is True  # block: false also silences extra dates
    blocking = text.replace("      block: false\n", "      block: true\n")
    path.write_text(blocking, encoding="utf-8")
    strict = compile_policies(load_policies(path))
    frame = evaluate_channels(profiles(MONTREAL), strict, utc(2026, 11, 24, 17, 0)).collect()
    reasons = frame.filter(pl.col("channel") == "phone").row(0, named=True)["reasons"]
    holiday = next(r for r in reasons if r["code"] == "policy.holiday")
    assert holiday["evidence"] == "holiday=extra day off (policy), local_date=2026-11-24"
