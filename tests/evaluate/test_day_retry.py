"""Retries within the simulated day (``goodcall.evaluate.day_retry``): after a no-answer or a
voicemail, a later attempt in another slot of the customer's window, inside the policy's caps
— the decision core's rule and the policy engine's window, not a copy of them."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from goodcall.evaluate.day_retry import DayRetries
from goodcall.policy.loader import load_policies
from goodcall.policy.resolve import compile_policies
from goodcall.profiles.build import build_profiles
from goodcall.profiles.fixtures import seed_customer_tables
from goodcall.timing.calls import CallRecord, CallToDial

STORY = "C-SEED-0001"  # Montreal, stated hours 09:00–17:00, phone opt-in
START = dt.datetime(2026, 11, 20, 14, 0, tzinfo=dt.UTC)  # 09:00 in Montreal, a Friday
HOUR = 3600.0


def _profile(history: list[tuple[dt.datetime, str]]) -> pl.DataFrame:
    tables = {name: frame.lazy() for name, frame in seed_customer_tables().items()}
    profile = build_profiles(tables, START).collect()
    calls = [
        {"at": at, "channel": "phone", "campaign_id": "OLD", "offer_id": None,
         "group": "treatment", "outcome": outcome, "converted": False}
        for at, outcome in history
    ]  # fmt: skip
    return profile.with_columns(
        pl.Series("contact_history", [calls], dtype=profile.schema["contact_history"])
    )


def _retry(
    dialled_at: float,
    machine: bool = False,
    history: list[tuple[dt.datetime, str]] | None = None,
    day_end: float = 10 * HOUR,
) -> CallToDial | None:
    rule = DayRetries(
        _profile(history or []),
        {STORY: "HS_PIXEL_10"},
        compile_policies(load_policies()),
        START,
        day_end,
        dt.timedelta(minutes=30),
        "DAY",
    )
    call = CallToDial(STORY, "fr", dialled_at, dialled_at + 1800.0)
    record = CallRecord(STORY, 1, "fr", dialled_at, machine=machine)
    planned = rule([(call, record)], dialled_at + 25.0)
    assert len(planned) <= 1
    return planned[0] if planned else None


def test_a_missed_morning_call_is_retried_at_noon_in_the_next_slot() -> None:
    """Missed at 09:10 (the 09–11 slot): the core drops the rest of that slot; the earliest
    moment left is 12:00 (the 12–14 slot), dialled for 30 minutes, attempt 2."""
    retry = _retry(600.0)
    assert retry == CallToDial(STORY, "fr", 3 * HOUR, 3 * HOUR + 1800.0, 2)
    voicemail = _retry(2 * HOUR + 600.0, machine=True)  # 11:10, still the 09–11 slot
    assert voicemail == CallToDial(STORY, "fr", 3 * HOUR, 3 * HOUR + 1800.0, 2)


def test_no_retry_in_the_slot_just_missed_nor_after_the_window_or_the_team() -> None:
    """Missed at 15:10: the 15–17 slot is the window's last (stated hours end at 17:00), so
    there is no other slot today; missed at 09:10 with the team gone at 11:30, none either."""
    assert _retry(6 * HOUR + 600.0) is None
    assert _retry(600.0, day_end=2.5 * HOUR) is None


@pytest.mark.parametrize(
    ("history", "machine", "retried"),
    [
        ([("no_answer", 5 * d) for d in range(1, 5)], False, True),  # 4 + today's: 5 < 6
        ([("no_answer", 5 * d) for d in range(1, 6)], False, False),  # 5 + today's: the cap
        ([("no_answer", 31 + d) for d in range(1, 6)], False, True),  # older than 30 days
        ([("declined", 10)], False, False),  # refused 10 days ago: the cool-down holds
        ([("voicemail", 10)], True, False),  # two voicemails: the 2-a-month frequency cap
        ([("voicemail", 10)], False, True),  # a voicemail, then nobody: one reached call
    ],
)
def test_the_policy_caps_bound_the_retries(
    history: list[tuple[str, int]], machine: bool, retried: bool
) -> None:
    """The policy engine decides with the day's missed calls in the history: 6 attempts per
    30 days, the frequency cap counting voicemails, the refusal cool-down."""
    past = [(START - dt.timedelta(days=days), outcome) for outcome, days in history]
    assert (_retry(600.0, machine=machine, history=past) is not None) == retried
