"""Invariants on customers the engines were not written for: a synthetic carrier's profiles.

The rules of the story must hold for everyone, not only for the seed customer: no eligible handset
or OS add-on for another OS, no eligible plan "upgrade" to the same tier or below, nobody reachable
by phone outside the legal window of their own jurisdiction in their own time zone (checked here
with an independent per-row computation: ``zoneinfo`` + the ``holidays`` package), and the next
window never in the past. The fast matrix views and the reasons views must agree, and
``check_contact`` at the decision time must agree with ``evaluate_channels``.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import holidays
import polars as pl
import pytest

from goodcall.catalog.compile import compile_catalog
from goodcall.catalog.engine import evaluate_offers, evaluate_offers_matrix
from goodcall.catalog.loader import load_catalog
from goodcall.policy.engine import check_contact, evaluate_channels, evaluate_channels_matrix
from goodcall.policy.loader import load_policies
from goodcall.policy.model import WEEKDAYS
from goodcall.policy.resolve import compile_policies
from goodcall.profiles.build import build_profiles
from goodcall.synth.generate import carrier_tables
from goodcall.truth.offers import OFFERS
from tests.policy.helpers import VIEW_COLUMNS

CATALOG = compile_catalog(load_catalog())
POLICIES = compile_policies(load_policies())
MOMENTS = [
    dt.datetime(2026, 11, 20, 23, 30, tzinfo=dt.UTC),  # Friday evening in the east
    dt.datetime(2026, 11, 22, 16, 0, tzinfo=dt.UTC),  # Sunday mid-day
    dt.datetime(2026, 12, 25, 15, 0, tzinfo=dt.UTC),  # Christmas
]


@pytest.fixture(scope="module")
def profiles() -> pl.DataFrame:
    tables = carrier_tables(400, seed=11)
    frame = build_profiles({k: v.lazy() for k, v in tables.items()}, MOMENTS[0]).collect()
    assert frame.get_column("jurisdiction").n_unique() >= 5
    return frame


def test_no_offer_for_another_os_and_no_fake_upgrade(profiles: pl.DataFrame) -> None:
    """Judged on the line the offer is for: a handset or plan on its line (``line_id``, per-line
    offers), anything else on the account holder's line (the profile's own columns)."""
    result = evaluate_offers_matrix(profiles.lazy(), CATALOG, MOMENTS[0]).collect()
    lines = (
        profiles.select("customer_id", "lines")
        .explode("lines")
        .select(
            "customer_id",
            pl.col("lines").struct.field("line_id"),
            pl.col("lines").struct.field("device_os").alias("line_os"),
            pl.col("lines").struct.field("plan_tier").alias("line_tier"),
        )
    )
    joined = (
        result.join(profiles.select("customer_id", "device_os", "plan_tier"), on="customer_id")
        .join(lines, on=["customer_id", "line_id"], how="left")
        .with_columns(
            pl.coalesce("line_os", "device_os").alias("device_os"),
            pl.coalesce("line_tier", "plan_tier").alias("plan_tier"),
        )
        .filter(pl.col("eligible"))
    )
    assert joined.height > 0
    assert joined.filter(pl.col("line_id").is_not_null() & pl.col("line_os").is_null()).height == 0
    for spec in OFFERS:
        mine = joined.filter(pl.col("offer_id") == spec.offer_id)
        if spec.target_os is not None:
            assert (mine.get_column("device_os") == spec.target_os).all(), spec.offer_id
        if spec.kind == "plan" and spec.plan_tier is not None:
            assert (mine.get_column("plan_tier") < spec.plan_tier).all(), spec.offer_id


def test_matrix_and_reasons_views_agree(profiles: pl.DataFrame) -> None:
    at = MOMENTS[1]
    fast = evaluate_offers_matrix(profiles.lazy(), CATALOG, at).collect()
    full = evaluate_offers(profiles.lazy(), CATALOG, at).collect()
    assert fast.select("customer_id", "offer_id", "eligible").equals(
        full.select("customer_id", "offer_id", "eligible")
    )
    assert (
        full.get_column("reasons").list.eval(pl.element().struct.field("ok").all()).list.first()
        == full.get_column("eligible")
    ).all()
    keys = VIEW_COLUMNS
    channels = evaluate_channels(profiles.lazy(), POLICIES, at, at.date()).collect()
    matrix = evaluate_channels_matrix(profiles.lazy(), POLICIES, at, at.date()).collect()
    assert channels.select(keys).equals(matrix.select(keys))


def test_offer_cool_downs_agree_with_a_plain_reading_of_the_history(
    profiles: pl.DataFrame,
) -> None:
    """Every customer × offer: blocked exactly when a treatment refusal of an offer of the same
    family (or the offer itself), made at or before ``at``, has a cool-down still running."""
    at = MOMENTS[0]
    catalog = CATALOG.catalog
    family = {o.id: o.family or o.id for o in catalog.offers}
    days = {o.id: o.cooldown_days for o in catalog.offers}
    full = evaluate_offers(profiles.lazy(), CATALOG, at).collect()
    fast = evaluate_offers_matrix(profiles.lazy(), CATALOG, at).collect()
    assert fast.select("eligible", "failed_tier").equals(full.select("eligible", "failed_tier"))
    history = dict(profiles.select("customer_id", "contact_history").iter_rows())
    blocked_somewhere = 0
    for row in full.iter_rows(named=True):
        ends = [
            c["at"] + dt.timedelta(days=days[c["offer_id"]] or 0)
            for c in history[row["customer_id"]] or []
            if c["outcome"] == "declined"
            and c["group"] == "treatment"
            and c["at"] <= at
            and c["offer_id"] in family
            and family[c["offer_id"]] == family[row["offer_id"]]
        ]
        blocked = any(end > at for end in ends)
        why = {r["code"]: r for r in row["reasons"]}
        assert why["catalog.applicability.refusal_cooldown"]["ok"] is (not blocked), row
        blocked_somewhere += blocked
    assert blocked_somewhere > 0  # the synthetic history has recent refusals


def expected_legal(row: dict[str, object], at: dt.datetime) -> bool:
    """Independent reading of the shipped rules for one customer at one instant."""
    resolved = POLICIES.resolve(str(row["jurisdiction"]))
    assert resolved is not None
    local = at.astimezone(ZoneInfo(str(row["time_zone"])))
    minute = local.hour * 60 + local.minute
    day = WEEKDAYS[local.weekday()]
    inside = any(
        day in w.days and w.start_minute <= minute < w.end_minute for w in resolved.windows
    )
    sub = resolved.subdivision if resolved.holidays.subdivisions else None
    calendar = holidays.country_holidays(resolved.country, subdiv=sub, years=local.year)
    return inside and local.date() not in calendar


@pytest.mark.parametrize("at", MOMENTS, ids=["friday-evening", "sunday", "christmas"])
def test_nobody_is_called_outside_their_own_legal_window(
    profiles: pl.DataFrame, at: dt.datetime
) -> None:
    result = evaluate_channels(profiles.lazy(), POLICIES, at, at.date()).collect()
    phone = result.filter(pl.col("channel") == "phone").join(profiles, on="customer_id")
    checked = 0
    for row in phone.iter_rows(named=True):
        why = {r["code"]: r["ok"] for r in row["reasons"]}
        legal = expected_legal(row, at)
        assert (why["policy.legal_window"] and why["policy.holiday"]) is legal, row["customer_id"]
        if row["contactable"]:
            assert legal
            assert row["next_window_start"] == at
        elif row["next_window_start"] is not None:
            assert row["next_window_start"] > at
            assert expected_legal(row, row["next_window_start"])
            assert row["next_window_end"] > row["next_window_start"]
        checked += 1
    assert checked == profiles.height


def test_check_contact_agrees_with_evaluate_channels(profiles: pl.DataFrame) -> None:
    at = MOMENTS[0]
    channels = evaluate_channels(profiles.lazy(), POLICIES, at, at.date()).collect()
    planned = channels.select(
        "customer_id", "channel", pl.lit(at, pl.Datetime("us", "UTC")).alias("planned_at")
    )
    checked = check_contact(profiles.lazy(), POLICIES, planned.lazy(), at.date()).collect()
    assert checked.get_column("allowed").equals(
        channels.get_column("contactable"), check_names=False
    )
    assert checked.get_column("reasons").equals(channels.get_column("reasons"))
