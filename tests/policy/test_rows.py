"""Property: the policy engine's row path (:mod:`goodcall.policy.rows`: a few customers in a
DataFrame, every check read on Python values) gives the Polars plan's matrix view row for row —
contactable, blocked checks, when the blocks lift and the next window — and so the decision
core's policy reasons (decoded on Python values for a few rows, by Polars otherwise), for
generated customers (any jurisdiction, zone, preferences, flags, consents and contact
history), moments (weeks around holidays and clock changes) and policy
files (the shipped one and one with other limits, fallback zones and per-jurisdiction rules).

The rows of the plan come out grouped by Polars' internal chunks (channel by channel within each
chunk); the row path's are channel by channel for the whole batch, so both are compared sorted
by customer and channel (the ids are distinct).
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from goodcall.channels import CHANNELS
from goodcall.decide.candidates import (
    policy_reasons,
    policy_reasons_by_frame,
    policy_reasons_on_rows,
)
from goodcall.policy.engine import evaluate_channels_matrix
from goodcall.policy.loader import load_policies
from goodcall.policy.model import Attempts, Jurisdiction, Limit, Policies
from goodcall.policy.resolve import CompiledPolicies, compile_policies
from goodcall.policy.rows import ROW_PATH_MAX
from tests.policy.helpers import contact, profiles, seed_row

UTC = dt.UTC
START = dt.datetime(2026, 10, 20, tzinfo=UTC)  # covers the clocks going back, Nov 11, Christmas


@cache
def _policies(variant: int) -> CompiledPolicies:
    shipped = load_policies()
    if variant == 0:
        return compile_policies(shipped)
    return compile_policies(_other(shipped))


def _other(shipped: Policies) -> Policies:
    """Other limits: short cool-downs and caps, an open complaint that does not block, attempts
    on two channels, the national list on SMS, fallback zones and per-jurisdiction rules."""
    jurisdictions = dict(shipped.jurisdictions)
    jurisdictions["FR"] = jurisdictions["FR"].model_copy(
        update={"fallback_time_zone": "Europe/Paris", "refusal_cooldown_days": 3}
    )
    jurisdictions["CA-QC"] = Jurisdiction(
        attempts=Limit(max=2, days=5), fallback_time_zone="America/Toronto"
    )
    channels = dict(shipped.channels)
    channels["email"] = channels["email"].model_copy(
        update={"frequency_cap": Limit(max=1, days=2), "time_windows": True}
    )
    channels["sms"] = channels["sms"].model_copy(update={"preferred_hours": True})
    return shipped.model_copy(
        update={
            "horizon_days": 3,
            "complaints": shipped.complaints.model_copy(
                update={"suppression_days": 0, "open_case_blocks": False}
            ),
            "refusal_cooldown": shipped.refusal_cooldown.model_copy(update={"days": 7}),
            "attempts": Attempts(max=2, days=3, channels=["phone", "sms"]),
            "national_list": shipped.national_list.model_copy(
                update={"channels": ["phone", "sms"], "max_age_days": 5}
            ),
            "channels": channels,
            "jurisdictions": jurisdictions,
        }
    )


_moments = st.integers(0, 80 * 24 * 60).map(lambda m: START + dt.timedelta(minutes=m))
_offsets = st.integers(-120 * 24 * 60, 2 * 24 * 60).map(lambda m: dt.timedelta(minutes=m))
_times = st.none() | st.integers(0, 24 * 4 - 1).map(lambda q: dt.time(q // 4, q % 4 * 15))


_OUTCOMES = [
    *("no_answer", "voicemail", "accepted", "declined", "complaint", "dnc_request"),
    *("not_contacted", "abandoned", None),
]
_ZONES = [
    *("America/Toronto", "America/St_Johns", "America/Chicago", "Europe/Paris", "Asia/Kolkata"),
    *("Nowhere/X", None),
]


@st.composite
def _history(draw: st.DrawFn, at: dt.datetime) -> list[dict[str, Any]] | None:
    if draw(st.integers(0, 9)) == 0:
        return None
    entries = draw(
        st.lists(
            st.tuples(
                st.none() | _offsets,
                st.sampled_from(["phone", "phone", "sms", "email", "app"]),
                st.sampled_from(_OUTCOMES),
                st.sampled_from(["treatment", "treatment", "treatment", "control", None]),
            ),
            max_size=12,
        )
    )
    history = []
    for offset, channel, outcome, group in entries:
        entry = contact(at, channel, outcome or "accepted", group or "treatment")
        entry.update(at=None if offset is None else at + offset, outcome=outcome, group=group)
        history.append(entry)
    return history


@st.composite
def _customer(draw: st.DrawFn, i: int, at: dt.datetime) -> dict[str, Any]:
    row = dict(seed_row())
    near = st.none() | _offsets.map(lambda d: at + d)
    row.update(
        customer_id=f"C-ROW-{i:02d}",
        jurisdiction=draw(
            st.sampled_from(["CA-QC", "CA-ON", "CA-NL", "US-TX", "US-FL", "US", "FR", "ZZ", None])
        ),
        time_zone=draw(st.sampled_from(_ZONES)),
        preferred_start=draw(_times),
        preferred_end=draw(_times),
        internal_dnc=draw(st.none() | st.booleans()),
        internal_dnc_at=draw(near),
        national_dnc=draw(st.none() | st.booleans()),
        national_dnc_snapshot=draw(
            st.none() | st.integers(-40, 3).map(lambda d: at.date() + dt.timedelta(days=d))
        ),
        optin_phone=draw(st.none() | st.booleans()),
        optin_sms=draw(st.none() | st.booleans()),
        optin_email=draw(st.none() | st.booleans()),
        channels_accepted=draw(st.none() | st.lists(st.sampled_from(CHANNELS), max_size=3)),
        contact_only_on_request=draw(st.none() | st.booleans()),
        last_complaint_at=draw(near),
        has_open_complaint=draw(st.none() | st.booleans()),
        contact_history=draw(_history(at)),
    )
    return row


@st.composite
def _cases(draw: st.DrawFn) -> tuple[pl.DataFrame, dt.datetime, int, dt.date | None, list[str]]:
    at = draw(_moments)
    count = draw(st.integers(1, 6))
    rows = [draw(_customer(i, at)) for i in range(count)]
    list_date = draw(st.none() | st.integers(-40, 0).map(lambda d: at.date() + dt.timedelta(d)))
    channels = draw(st.sampled_from([list(CHANNELS), ["phone"], ["sms", "email"], ["app"]]))
    return profiles(*rows).collect(), at, draw(st.integers(0, 1)), list_date, channels


def _same_matrix(
    frame: pl.DataFrame, at: dt.datetime, variant: int, list_date: dt.date | None, chosen: list[str]
) -> None:
    assert frame.height <= ROW_PATH_MAX
    compiled = _policies(variant)
    on_rows = evaluate_channels_matrix(frame, compiled, at, list_date, chosen).collect()
    planned = evaluate_channels_matrix(frame.lazy(), compiled, at, list_date, chosen).collect()
    order = ["customer_id", "channel"]
    assert_frame_equal(on_rows.sort(order), planned.sort(order))
    assert on_rows.get_column("channel").to_list() == [
        channel for channel in CHANNELS if channel in chosen for _ in range(frame.height)
    ]
    reasons = policy_reasons_by_frame(planned, compiled.policies)
    assert_frame_equal(policy_reasons(on_rows, compiled), reasons)
    assert_frame_equal(policy_reasons_on_rows(planned, compiled.policies), reasons)


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=_cases())
def test_the_row_path_gives_the_plan_rows(
    case: tuple[pl.DataFrame, dt.datetime, int, dt.date | None, list[str]],
) -> None:
    _same_matrix(*case)


@pytest.mark.slow
@settings(max_examples=600, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=_cases())
def test_the_row_path_gives_the_plan_rows_many(
    case: tuple[pl.DataFrame, dt.datetime, int, dt.date | None, list[str]],
) -> None:
    _same_matrix(*case)


def test_a_batch_above_the_threshold_takes_the_plan() -> None:
    """One customer above the threshold: the plan's rows, as a lazy batch gets them."""
    compiled = _policies(0)
    at = dt.datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
    rows = [dict(seed_row(), customer_id=f"C-{i:02d}") for i in range(ROW_PATH_MAX + 1)]
    frame = profiles(*rows).collect()
    got = evaluate_channels_matrix(frame, compiled, at).collect()
    assert_frame_equal(got, evaluate_channels_matrix(frame.lazy(), compiled, at).collect())
    assert got.height == 4 * (ROW_PATH_MAX + 1)
