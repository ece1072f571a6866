"""The one deciding rule: which failing check decided an offer's exclusion, and which reason
decided a customer's decision.

Generated reason lists (Hypothesis) check that the column version (:func:`deciding_checks`, the
brief's batches) and the row version (:func:`deciding_check`, explain) always agree, and that the
catalog engine's ``failed_tier`` is the tier of the deciding check.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from goodcall.catalog.engine import evaluate_offers
from goodcall.decide import deciding_reason
from goodcall.reasons import (
    CATALOG_TIERS,
    OTHER_RANK,
    REASON_LIST,
    deciding_check,
    deciding_checks,
    tier_rank,
)

CODES = [
    "catalog.validity.expired",
    "catalog.eligibility.tenure",
    "catalog.applicability.device_os",
    "catalog.applicability.already_owns",
    "catalog.suitability.usage",
    "catalog.notice.promotion_seen",
    "policy.preferred_hours",
    None,
]


def reason(code: str | None, ok: bool, evidence: str = "") -> dict[str, Any]:
    return {"code": code, "ok": ok, "rule": f"rule of {code}", "evidence": evidence}


def test_tiers_rank_in_the_catalogs_evaluation_order() -> None:
    assert CATALOG_TIERS == ("validity", "eligibility", "applicability", "suitability")
    assert [tier_rank(f"catalog.{t}.x") for t in CATALOG_TIERS] == [0, 1, 2, 3]
    assert tier_rank("catalog.notice.promotion_seen") == OTHER_RANK
    assert tier_rank("policy.dnc_internal") == OTHER_RANK
    assert tier_rank(None) == OTHER_RANK


def test_the_earliest_tier_decides_then_the_first_in_the_list() -> None:
    reasons = [
        reason("catalog.applicability.device_os", False),
        reason("catalog.eligibility.tenure", True),
        reason("catalog.suitability.usage", False),
        reason("catalog.eligibility.prepaid_only", False),
        reason("catalog.eligibility.region", False),
    ]
    assert deciding_check(reasons) == reasons[3]
    assert deciding_check([r | {"ok": True} for r in reasons]) is None
    assert deciding_check([]) is None


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.tuples(st.sampled_from(CODES), st.booleans()), max_size=6),
        min_size=1,
        max_size=8,
    )
)
def test_the_column_version_agrees_with_the_row_version(lists: list[list[Any]]) -> None:
    rows = [[reason(code, ok) for code, ok in items] for items in lists]
    column = deciding_checks(pl.Series("r", rows, dtype=REASON_LIST)).to_list()
    assert column == [deciding_check(r) for r in rows]


def test_the_engines_failed_tier_is_the_tier_of_the_deciding_check() -> None:
    from goodcall.catalog.compile import compile_catalog
    from goodcall.catalog.loader import load_catalog
    from goodcall.profiles.build import build_profiles
    from goodcall.profiles.fixtures import seed_customer_tables

    at = dt.datetime(2026, 11, 21, 0, 5, tzinfo=dt.UTC)
    story = build_profiles(seed_customer_tables(), at)
    rows = evaluate_offers(story, compile_catalog(load_catalog()), at).collect()
    assert rows.height > 10
    for row in rows.iter_rows(named=True):
        found = deciding_check(row["reasons"])
        tier = None if found is None else found["code"].split(".")[1]
        assert tier == row["failed_tier"], row["offer_id"]


def test_the_decisions_deciding_reason() -> None:
    best = reason("arbitration.best_ev", True, "offer=A, channel=email")
    explore = reason("arbitration.explore", True, "sampled_ev=3")
    runner = reason("arbitration.runner_up", False, "offer=B")
    held = reason("campaign.control_group", False, "draw<share=0.05")
    negative = reason("arbitration.negative_ev", False, "best=A/email, ev=-1")
    policy = reason("policy.preferred_hours", False, "preferred=09:00-17:00")
    catalog_first = reason("catalog.eligibility.tenure", False, "offers=A")
    catalog_later = reason("catalog.applicability.device_os", False, "offers=B")

    def none(offers: int, channels: int) -> dict[str, Any]:
        evidence = f"eligible_offers={offers}, contactable_channels={channels}"
        return reason("arbitration.no_candidate", False, evidence)

    assert deciding_reason([policy, best, runner], "contact") == best
    assert deciding_reason([best, explore, runner], "contact") == explore
    assert deciding_reason([policy, held], "control") == held
    assert deciding_reason([catalog_first, negative], "no_contact") == negative
    everything = [policy, catalog_later, catalog_first]
    assert deciding_reason([*everything, none(2, 0)], "no_contact") == policy
    assert deciding_reason([*everything, none(0, 2)], "no_contact") == catalog_first
    assert deciding_reason([*everything, none(2, 2)], "no_contact") == none(2, 2)
    assert deciding_reason([], "no_contact") is None
