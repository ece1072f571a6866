"""Property: any profile — nulls anywhere, unknown zones and jurisdictions, odd preferences, any
history — gets an answer from both engines, and the answers are coherent: contactable means every
check passed and the next window starts now; a blocked channel's next window is later or absent;
an eligible offer passed every check.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goodcall.catalog.compile import compile_catalog
from goodcall.catalog.engine import evaluate_offers
from goodcall.catalog.loader import load_catalog
from goodcall.policy.engine import evaluate_channels
from goodcall.policy.loader import load_policies
from goodcall.policy.resolve import compile_policies
from tests.policy.helpers import contact, profiles, seed_row

CATALOG = compile_catalog(load_catalog())
POLICIES = compile_policies(load_policies())
SEED = seed_row()
AT = dt.datetime(2026, 11, 24, 15, 0, tzinfo=dt.UTC)

times = st.none() | st.times().map(lambda t: t.replace(second=0, microsecond=0))
stamps = st.datetimes(dt.datetime(2026, 6, 1), dt.datetime(2026, 12, 31)).map(
    lambda d: d.replace(tzinfo=dt.UTC)
)
history = st.lists(
    st.builds(
        contact,
        stamps,
        st.sampled_from(["phone", "sms", "email", "app"]),
        st.sampled_from(
            ["no_answer", "voicemail", "accepted", "declined", "complaint", "dnc_request"]
        ),
        st.sampled_from(["treatment", "control"]),
    ),
    max_size=6,
)
rows = st.fixed_dictionaries(
    {
        "jurisdiction": st.sampled_from(["CA-QC", "CA-BC", "CA-NL", "US-TX", "FR", "CA-XX", None]),
        "time_zone": st.sampled_from(
            ["America/Montreal", "America/St_Johns", "Europe/Paris", "Asia/Kolkata", "Nope", None]
        ),
        "preferred_start": times,
        "preferred_end": times,
        "device_os": st.sampled_from(["iOS", "Android", "Other", None]),
        "plan_tier": st.none() | st.integers(1, 5),
        "data_usage_ratio": st.none() | st.floats(0, 3),
        "device_age_months": st.none() | st.integers(0, 120),
        "optin_phone": st.none() | st.booleans(),
        "national_dnc": st.none() | st.booleans(),
        "national_dnc_snapshot": st.none() | st.dates(dt.date(2026, 9, 1), dt.date(2026, 12, 1)),
        "channels_accepted": st.none() | st.lists(st.sampled_from(["phone", "sms", "email"])),
        "contact_only_on_request": st.none() | st.booleans(),
        "has_open_complaint": st.none() | st.booleans(),
        "contact_history": st.none() | history,
        "redeemed_promotions": st.none() | st.lists(st.just("PROMO_FETES_2026"), max_size=1),
    }
)


def profile(i: int, changes: dict[str, Any]) -> dict[str, Any]:
    row = dict(SEED)
    row.update(changes)
    row["customer_id"] = f"C-FUZZ-{i}"
    return row


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(rows, min_size=1, max_size=8))
def test_any_profile_gets_a_coherent_answer(changes: list[dict[str, Any]]) -> None:
    frame = profiles(*[profile(i, c) for i, c in enumerate(changes)])
    channels = evaluate_channels(frame, POLICIES, AT).collect()
    assert channels.height == 4 * len(changes)
    for row in channels.iter_rows(named=True):
        every_check = all(r["ok"] for r in row["reasons"])
        assert row["contactable"] is every_check
        if row["contactable"]:
            assert row["next_window_start"] == AT
        elif row["next_window_start"] is not None:
            assert row["next_window_start"] > AT
            assert row["next_window_end"] > row["next_window_start"]
    offers = evaluate_offers(frame, CATALOG, AT).collect()
    assert offers.height == 30 * len(changes)
    ok = offers.get_column("reasons").list.eval(pl.element().struct.field("ok").all()).list.first()
    assert (ok == offers.get_column("eligible")).all()
