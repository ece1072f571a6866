"""Limits that depend on the contact history, consent and do-not-call lists — relative to ``at``.

Each test builds the history it needs and checks the exact block, its evidence and when it lifts.
Bad inputs tried: a national list snapshot 32 days old and one dated after the decision, a naive
``at``, a profile frame missing a column.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest

from goodcall.policy.engine import (
    channel_check_codes,
    check_contact,
    evaluate_channels,
    evaluate_channels_matrix,
)
from goodcall.policy.loader import load_policies
from goodcall.policy.national import NationalListTooOld, check_national_list
from goodcall.policy.resolve import compile_policies
from goodcall.profiles.fields import ProfileSchemaError
from tests.policy.helpers import VIEW_COLUMNS, contact, profiles, variant

POLICIES = compile_policies(load_policies())
UTC = dt.UTC
AT = dt.datetime(2026, 11, 24, 15, 0, tzinfo=UTC)  # Tuesday 10:00 Montreal, 16:00 Paris
LIST_DATE = dt.date(2026, 11, 20)


def day(n: int, hour: int = 15) -> dt.datetime:
    """``n`` days before AT."""
    return AT - dt.timedelta(days=n) + dt.timedelta(hours=hour - 15)


def quebecer(cid: str, **changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "preferred_start": None,
        "preferred_end": None,
        "contact_history": [],
        "channels_accepted": ["phone", "sms", "email", "app"],
        "optin_sms": True,
    }
    base.update(changes)
    return variant(cid, **base)


def parisian(cid: str, **changes: Any) -> dict[str, Any]:
    return quebecer(
        cid, country="FR", region="FR", jurisdiction="FR", time_zone="Europe/Paris", **changes
    )


def channels(row: dict[str, Any], at: dt.datetime = AT) -> dict[str, dict[str, Any]]:
    frame = evaluate_channels(profiles(row), POLICIES, at, LIST_DATE).collect()
    out = {}
    for result in frame.iter_rows(named=True):
        result["why"] = {r["code"]: r for r in result["reasons"]}
        result["failing"] = [r["code"] for r in result["reasons"] if not r["ok"]]
        out[result["channel"]] = result
    return out


def test_a_clean_customer_is_contactable_everywhere() -> None:
    result = channels(quebecer("C-OK"))
    assert {c: r["contactable"] for c, r in result.items()} == dict.fromkeys(
        ("phone", "sms", "email", "app"), True
    )
    assert [r["code"] for r in result["phone"]["reasons"]] == channel_check_codes(
        POLICIES.policies, "phone"
    )


def test_phone_frequency_cap_counts_reached_calls_and_says_when_it_lifts() -> None:
    history = [
        contact(day(20), outcome="accepted"),
        contact(day(10), outcome="voicemail"),
        contact(day(5), outcome="no_answer"),  # unanswered: an attempt, not a contact
        contact(day(40), outcome="accepted"),  # outside the 30-day period
        contact(day(2), outcome="accepted", group="control"),  # never contacted
    ]
    result = channels(quebecer("C-CAP", contact_history=history))
    phone = result["phone"]
    assert phone["why"]["policy.frequency_cap"]["evidence"] == "phone_contacts=2, max=2, days=30"
    assert phone["why"]["policy.attempts"]["evidence"] == "attempts=3, max=6, days=30"
    assert phone["failing"] == ["policy.frequency_cap"]
    # The cap lifts when the second most recent counted call (20 days ago) leaves the period.
    assert phone["next_window_start"] == day(20) + dt.timedelta(days=30)
    assert result["email"]["contactable"] is True


def test_refusal_cool_down_30_days_in_canada_60_in_france() -> None:
    history = [contact(day(50), outcome="declined")]
    canada = channels(quebecer("C-CA", contact_history=history))
    france = channels(parisian("C-FR", contact_history=history))
    assert canada["phone"]["why"]["policy.cooldown_refusal"]["ok"] is True
    assert france["email"]["why"]["policy.cooldown_refusal"]["evidence"] == (
        "last_refusal_at=2026-10-05T15:00Z, cooldown_days=60"
    )
    assert france["email"]["contactable"] is False
    # lifts in 10 days, inside the 14-day horizon (email has no calling window)
    assert france["email"]["next_window_start"] == day(50) + dt.timedelta(days=60)
    later = channels(parisian("C-FR2", contact_history=[contact(day(40), outcome="declined")]))
    assert later["email"]["next_window_start"] is None  # 20 days away: beyond the horizon
    # ... but known: the block lifts at the refusal + 60 days, on every channel it blocks
    for channel in ("phone", "sms", "email", "app"):
        assert later[channel]["blocks_lift_at"] == day(40) + dt.timedelta(days=60), channel


def test_when_blocks_lift_never_now_or_later() -> None:
    result = channels(
        quebecer(
            "C-MIX",
            internal_dnc=True,
            internal_dnc_at=day(3),
            contact_history=[contact(day(10), outcome="complaint")],
        )
    )
    assert result["phone"]["blocks_lift_at"] is None  # do-not-call never lifts by itself
    assert result["email"]["blocks_lift_at"] == day(10) + dt.timedelta(days=90)
    assert result["email"]["next_window_start"] is None  # 80 days away, beyond 14
    clean = channels(quebecer("C-OK"))
    assert {c: r["blocks_lift_at"] for c, r in clean.items()} == dict.fromkeys(clean, AT)


def test_france_allows_four_attempts_in_thirty_days() -> None:
    attempts = [contact(day(n), outcome="no_answer") for n in (3, 8, 15, 25)]
    france = channels(parisian("C-FR", contact_history=attempts))["phone"]
    assert france["failing"] == ["policy.attempts"]
    assert france["why"]["policy.attempts"]["evidence"] == "attempts=4, max=4, days=30"
    # The oldest counted attempt leaves the period in 5 days: the first legal window after that.
    lifted = day(25) + dt.timedelta(days=30)
    assert lifted == dt.datetime(2026, 11, 29, 15, 0, tzinfo=UTC)  # a Sunday
    assert france["next_window_start"] == dt.datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    canada = channels(quebecer("C-CA", contact_history=attempts))["phone"]
    assert canada["contactable"] is True  # our default is 6


def test_complaints_suppress_every_channel() -> None:
    complaint = [contact(day(85), outcome="complaint")]
    recent = channels(quebecer("C-RECENT", contact_history=complaint))
    assert all(not r["contactable"] for r in recent.values())
    assert recent["app"]["next_window_start"] == day(85) + dt.timedelta(days=90)
    open_case = channels(quebecer("C-OPEN", has_open_complaint=True))
    assert open_case["email"]["failing"] == ["policy.complaint_suppression"]
    assert open_case["email"]["next_window_start"] is None  # lifts only when the case closes


def test_internal_do_not_call_is_honoured_immediately() -> None:
    just_asked = day(0, hour=14)  # an hour before AT
    listed = channels(quebecer("C-DNC", internal_dnc_at=just_asked, internal_dnc=True))
    assert listed["phone"]["failing"] == ["policy.dnc_internal"]
    assert listed["sms"]["contactable"] is False
    assert listed["email"]["contactable"] is True
    assert listed["phone"]["next_window_start"] is None
    # asked during a call, not yet in the consent table: same effect
    during_call = quebecer("C-CALL", contact_history=[contact(just_asked, outcome="dnc_request")])
    assert channels(during_call)["phone"]["failing"] == ["policy.dnc_internal"]
    # a request made after the decision time does not exist yet at that time
    later = quebecer("C-LATER", internal_dnc_at=AT + dt.timedelta(hours=1), internal_dnc=True)
    assert channels(later)["phone"]["contactable"] is True


def test_consent_acceptance_and_only_on_request() -> None:
    no_sms = channels(quebecer("C-1", optin_sms=False))
    assert no_sms["sms"]["failing"] == ["policy.no_consent"]
    not_accepted = channels(quebecer("C-2", channels_accepted=["email"]))
    assert not_accepted["phone"]["failing"] == ["policy.channel_not_accepted"]
    assert not_accepted["email"]["contactable"] is True
    on_request = channels(quebecer("C-3", contact_only_on_request=True))
    assert all(r["failing"] == ["policy.only_on_request"] for r in on_request.values())


def test_national_list_listed_or_stale() -> None:
    listed = channels(quebecer("C-NAT", national_dnc=True))
    assert listed["phone"]["failing"] == ["policy.dnc_national"]
    assert listed["sms"]["contactable"] is True  # the national list covers calls
    stale = evaluate_channels(
        profiles(quebecer("C-OLD")), POLICIES, AT, national_list_date=dt.date(2026, 10, 23)
    ).collect()
    phone = stale.filter(pl.col("channel") == "phone").row(0, named=True)
    why = {r["code"]: r for r in phone["reasons"]}
    assert why["policy.dnc_national"]["evidence"] == (
        "national_dnc=false, snapshot=2026-10-23, age_days=32, max_age_days=31"
    )
    assert phone["contactable"] is False


def test_check_national_list() -> None:
    rows = profiles(quebecer("C-Q"))
    ages = check_national_list(rows, POLICIES, AT, dt.date(2026, 10, 24))  # 31 days: allowed
    assert ages.select("customer_id", "age_days", "stale").row(0) == ("C-Q", 31, False)
    with pytest.raises(NationalListTooOld, match=r"C-Q \(CA-QC: snapshot 2026-10-23, 32 days old"):
        check_national_list(rows, POLICIES, AT, dt.date(2026, 10, 23))
    with pytest.raises(NationalListTooOld, match="dated 1 day\\(s\\) in the future on 2026-11-24"):
        check_national_list(rows, POLICIES, AT, dt.date(2026, 11, 25))


def test_matrix_view_agrees() -> None:
    rows = [quebecer("C-OK"), quebecer("C-DNC", national_dnc=True), parisian("C-FR")]
    full = evaluate_channels(profiles(*rows), POLICIES, AT, LIST_DATE).collect()
    fast = evaluate_channels_matrix(profiles(*rows), POLICIES, AT, LIST_DATE).collect()
    keys = VIEW_COLUMNS
    assert full.select(keys).equals(fast.select(keys))
    for mask, reasons, channel in zip(
        fast.get_column("blocked_mask"),
        full.get_column("reasons"),
        fast.get_column("channel"),
        strict=True,
    ):
        codes = channel_check_codes(POLICIES.policies, channel)
        assert [c for j, c in enumerate(codes) if mask >> j & 1] == [
            r["code"] for r in reasons if not r["ok"]
        ]


def test_check_contact_at_each_planned_time() -> None:
    seed_like = quebecer("C-SEED", preferred_start=dt.time(9), preferred_end=dt.time(17))
    planned = pl.LazyFrame(
        {
            "customer_id": ["C-SEED", "C-SEED", "C-SEED", "C-NOBODY"],
            "channel": ["phone", "phone", "email", "phone"],
            "planned_at": [
                dt.datetime(2026, 11, 24, 15, 0, tzinfo=UTC),  # 10:00 Montreal
                dt.datetime(2026, 11, 25, 0, 0, tzinfo=UTC),  # 19:00 Montreal
                dt.datetime(2026, 11, 25, 0, 0, tzinfo=UTC),
                dt.datetime(2026, 11, 24, 15, 0, tzinfo=UTC),
            ],
            "extra": [1, 2, 3, 4],
        }
    )
    checked = check_contact(profiles(seed_like), POLICIES, planned, LIST_DATE).collect()
    assert checked.get_column("extra").to_list() == [1, 2, 3, 4]
    assert checked.get_column("allowed").to_list() == [True, False, True, False]
    assert [[v["code"] for v in row] for row in checked.get_column("violations")][:3] == [
        [],
        ["policy.preferred_hours"],
        [],
    ]
    unknown = [v["code"] for v in checked.get_column("violations")[3]]
    assert "policy.no_consent" in unknown and "policy.legal_window" in unknown


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        evaluate_channels(profiles(quebecer("C")), POLICIES, dt.datetime(2026, 11, 24))
    with pytest.raises(ProfileSchemaError, match="missing column 'contact_history'"):
        evaluate_channels(profiles(quebecer("C")).drop("contact_history"), POLICIES, AT)
