"""``goodcall.decide.next_attempts``: the next attempt after a missed call, at a given moment —
the policy engine's window and the core's missed-slot rule."""

from __future__ import annotations

import datetime as dt

import polars as pl

from goodcall.decide import next_attempts
from goodcall.policy.loader import load_policies
from goodcall.profiles.build import build_profiles
from goodcall.profiles.fixtures import seed_customer_tables

STORY = "C-SEED-0001"  # Montreal, stated hours 09:00–17:00
UTC = dt.UTC


def _missed_at(at: dt.datetime, outcome: str = "no_answer") -> pl.DataFrame:
    tables = {name: frame.lazy() for name, frame in seed_customer_tables().items()}
    profile = build_profiles(tables, at).collect()
    call = {"at": at, "channel": "phone", "campaign_id": "DAY", "offer_id": "HS_PIXEL_10",
            "group": "treatment", "outcome": outcome, "converted": False}  # fmt: skip
    return profile.with_columns(
        pl.Series("contact_history", [[call]], dtype=profile.schema["contact_history"])
    )


OFFERS = pl.DataFrame({"customer_id": [STORY], "offer_id": ["HS_PIXEL_10"]})


def test_the_next_attempt_goes_to_the_next_slot_of_the_window() -> None:
    missed = dt.datetime(2026, 11, 20, 14, 10, tzinfo=UTC)  # 09:10 in Montreal
    found = next_attempts(_missed_at(missed), OFFERS, load_policies(), missed)
    assert found.rows() == [
        (STORY, dt.datetime(2026, 11, 20, 17, tzinfo=UTC), 12,
         dt.datetime(2026, 11, 20, 22, tzinfo=UTC), 2)
    ]  # fmt: skip


def test_in_the_last_slot_only_a_later_day_keeps_the_missed_slot() -> None:
    """Missed at 15:10, the window's last slot (15–17): the same day has no other slot; for a
    later run the core keeps that slot's moments when nothing else is open (16:00 here)."""
    missed = dt.datetime(2026, 11, 20, 20, 10, tzinfo=UTC)
    profile = _missed_at(missed)
    assert next_attempts(profile, OFFERS, load_policies(), missed).height == 0
    later = next_attempts(profile, OFFERS, load_policies(), missed, same_day=False)
    assert later.select("planned_at", "local_hour").rows() == [
        (dt.datetime(2026, 11, 20, 21, tzinfo=UTC), 16)
    ]


def test_an_answered_call_has_no_next_attempt() -> None:
    at = dt.datetime(2026, 11, 20, 14, 10, tzinfo=UTC)
    assert next_attempts(_missed_at(at, "declined"), OFFERS, load_policies(), at).height == 0
