"""The national do-not-call list's age is counted in each customer's local date, from the one
``max_age_days`` of the policy file.

Bad inputs tried: a copy one day too old in Paris but not in Montreal at the same instant, a copy
dated after the local date, a naive ``at``, a policy file with another maximum age.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest

from goodcall.catalog.yamlsource import read_yaml
from goodcall.policy.engine import evaluate_channels
from goodcall.policy.loader import parse_policies, shipped_policies_text
from goodcall.policy.model import Policies
from goodcall.policy.national import NationalListTooOld, check_national_list, national_list_ages
from tests.policy.helpers import profiles, variant

UTC = dt.UTC
LATE = dt.datetime(
    2026, 11, 20, 23, 30, tzinfo=UTC
)  # 18:30 in Montreal, 00:30 on the 21st in Paris
SNAPSHOT = dt.date(2026, 10, 20)  # 31 days before the 20th


def person(cid: str, **changes: Any) -> dict[str, Any]:
    return variant(cid, national_dnc_snapshot=SNAPSHOT, national_dnc=False, **changes)


MONTREAL = person("C-MTL")
PARIS = person("C-PAR", country="FR", region="FR", jurisdiction="FR", time_zone="Europe/Paris")


def with_max_age(days: int) -> Policies:
    text = shipped_policies_text().replace("max_age_days: 31", f"max_age_days: {days}")
    return parse_policies(read_yaml(text, "policies.yaml"))


def test_the_age_is_counted_in_each_customers_local_date() -> None:
    ages = national_list_ages(profiles(MONTREAL, PARIS), with_max_age(31), LATE)
    assert ages.sort("customer_id").rows() == [
        ("C-MTL", "CA-QC", dt.date(2026, 11, 20), SNAPSHOT, 31, False),
        ("C-PAR", "FR", dt.date(2026, 11, 21), SNAPSHOT, 32, True),
    ]
    with pytest.raises(NationalListTooOld, match=r"of 1 customer\(s\)") as err:
        check_national_list(profiles(MONTREAL, PARIS), with_max_age(31), LATE)
    assert "C-PAR (FR: snapshot 2026-10-20, 32 days old on 2026-11-21)" in str(err.value)
    assert "C-MTL" not in str(err.value)
    assert err.value.stale["customer_id"].to_list() == ["C-PAR"]


def test_the_policy_check_uses_the_same_local_date_and_maximum() -> None:
    def national(policies: Policies) -> dict[str, str]:
        frame = evaluate_channels(profiles(MONTREAL, PARIS), policies, LATE).collect()
        phone = frame.filter(pl.col("channel") == "phone")
        return {
            row["customer_id"]: next(
                f"{r['ok']} {r['evidence']}"
                for r in row["reasons"]
                if r["code"] == "policy.dnc_national"
            )
            for row in phone.iter_rows(named=True)
        }

    assert national(with_max_age(31)) == {
        "C-MTL": "True national_dnc=false, snapshot=2026-10-20, age_days=31, max_age_days=31",
        "C-PAR": "False national_dnc=false, snapshot=2026-10-20, age_days=32, max_age_days=31",
    }
    assert national(with_max_age(32))["C-PAR"].startswith("True ")


def test_changing_the_policy_file_changes_the_refusal() -> None:
    rows = profiles(MONTREAL, PARIS)
    assert check_national_list(rows, with_max_age(32), LATE)["stale"].to_list() == [False, False]
    with pytest.raises(NationalListTooOld, match="of 2 customer"):
        check_national_list(rows, with_max_age(30), LATE)


def test_a_campaign_copy_replaces_the_profiles_snapshots_and_the_future_is_refused() -> None:
    rows = profiles(MONTREAL, PARIS)
    fresh = check_national_list(rows, with_max_age(31), LATE, dt.date(2026, 11, 20))
    assert fresh["age_days"].to_list() == [0, 1]
    with pytest.raises(NationalListTooOld, match=r"C-MTL \(CA-QC: snapshot 2026-11-21, dated 1"):
        check_national_list(rows, with_max_age(31), LATE, dt.date(2026, 11, 21))
    with pytest.raises(ValueError, match="timezone-aware"):
        national_list_ages(rows, with_max_age(31), dt.datetime(2026, 11, 20))
