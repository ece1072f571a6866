"""A campaign run end to end on the small carrier: files, call-list format, nothing the policy
audit objects to; refusals before anything is written.

Bad inputs tried: a national do-not-call snapshot 40 days old, a profile frame without any
snapshot date, an output directory that already holds files.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest

from goodcall.audit.calllist import read_call_list
from goodcall.audit.findings import audit_calls
from goodcall.campaign.run import CALL_LIST_COLUMNS, CampaignError, run_campaign
from goodcall.decide.config import CampaignConfig
from goodcall.models.registry import ModelSet
from goodcall.policy.loader import shipped_policies_text
from goodcall.policy.national import NationalListTooOld
from goodcall.policy.resolve import compile_policies
from tests.decide.world import AT, World

c = pl.col
CHEAP_CALLS = {"phone": 0.5, "sms": 0.05, "email": 0.01, "app": 0.0}
"""Calls cheap enough that the small carrier's models find some worth making (at 4.00 none are:
its history is too short for the response model to know the offers worth a call, and an offer
it does not know is only explored)."""


def test_run_writes_a_campaign_the_audit_accepts(
    world: World, trained: ModelSet, tmp_path: Path
) -> None:
    out = tmp_path / "cmp"
    config = CampaignConfig(campaign_id="CMP-TEST", calls_per_day=10, contact_cost=CHEAP_CALLS)
    run = run_campaign(
        world.profiles, config=config, at=AT, out_dir=out, models=trained, catalog=world.catalog
    )
    assert sorted(p.name for p in out.iterdir()) == [
        "briefs.jsonl",
        "call_list.csv",
        "call_list.parquet",
        "decisions.parquet",
        "plan.json",
        "report.json",
    ]
    decisions = pl.read_parquet(out / "decisions.parquet")
    assert decisions.height == world.profiles.height
    calls = pl.read_csv(out / "call_list.csv", schema_overrides={"customer_id": pl.String})
    assert tuple(calls.columns) == CALL_LIST_COLUMNS
    assert calls.height == run.decisions.contacts.height
    assert calls["planned_at"].str.contains(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$").all()
    per_line = [o.id for o in world.catalog.offers if o.per_line]
    named = calls.filter(pl.col("line_id").is_not_null())
    assert named.equals(calls.filter(pl.col("offer_id").is_in(per_line)))  # the line, or none
    audited = read_call_list(out / "call_list.csv")
    findings = audit_calls(
        audited,
        world.profiles.lazy(),
        world.compiled,
        compile_policies(world.policies),
        national_list_date=AT.date() - dt.timedelta(days=10),
    )
    assert findings.height == 0, findings.head(5)
    briefs = pl.read_ndjson(out / "briefs.jsonl")
    assert briefs.height == int((calls["channel"] == "phone").sum())
    assert briefs["brief"].str.len_chars().min() > 50  # type: ignore[operator]
    report = json.loads((out / "report.json").read_text())
    assert 0 < report["calls"] <= 10
    assert report["control_group"] == int((decisions["group"] == "control").sum())
    assert report["optimisation"]["gap"] >= 0


def test_refusals_write_nothing(world: World, tmp_path: Path) -> None:
    config = CampaignConfig(campaign_id="CMP-OLD")
    stale = world.profiles.with_columns(
        pl.lit(AT.date() - dt.timedelta(days=40)).alias("national_dnc_snapshot")
    )
    with pytest.raises(NationalListTooOld, match=r"of 1,500 customer\(s\) .* 40 days old") as err:
        run_campaign(stale, config=config, at=AT, out_dir=tmp_path / "a")
    listed = tmp_path / "a.stale_national_list.csv"
    assert "and 1,490 more." in str(err.value)
    assert str(err.value).endswith(f"All 1,500 are in {listed}.")
    assert pl.read_csv(listed)["age_days"].unique().to_list() == [40]
    unknown = world.profiles.with_columns(pl.lit(None, pl.Date).alias("national_dnc_snapshot"))
    with pytest.raises(CampaignError, match="no national do-not-call list snapshot"):
        run_campaign(unknown, config=config, at=AT, out_dir=tmp_path / "b")
    emails_only = CampaignConfig(campaign_id="CMP-MAIL", channels=("email",))
    run_campaign(stale, config=emails_only, at=AT, out_dir=tmp_path / "c")  # no calls: allowed
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()
    with pytest.raises(CampaignError, match="not empty"):
        run_campaign(world.profiles, config=config, at=AT, out_dir=tmp_path / "c")


def test_the_policy_file_sets_the_national_list_age(
    world: World, trained: ModelSet, tmp_path: Path
) -> None:
    policies = tmp_path / "policies.yaml"
    policies.write_text(shipped_policies_text().replace("max_age_days: 31", "max_age_days: 45"))
    stale = world.profiles.with_columns(
        pl.lit(AT.date() - dt.timedelta(days=40)).alias("national_dnc_snapshot")
    )
    config = CampaignConfig(campaign_id="CMP-45", calls_per_day=20, contact_cost=CHEAP_CALLS)
    run = run_campaign(
        stale, config=config, at=AT, out_dir=tmp_path / "ok", policies_path=policies,
        models=trained,
    )  # fmt: skip
    assert run.report["calls"] > 0  # 40 days old, and the file allows 45: calls are made
    policies.write_text(shipped_policies_text().replace("max_age_days: 31", "max_age_days: 35"))
    with pytest.raises(NationalListTooOld, match="more than 35 days old"):
        run_campaign(stale, config=config, at=AT, out_dir=tmp_path / "no", policies_path=policies)


def test_the_campaigns_copy_date_replaces_the_profiles(world: World, tmp_path: Path) -> None:
    stale = world.profiles.with_columns(
        pl.lit(AT.date() - dt.timedelta(days=40)).alias("national_dnc_snapshot")
    )
    copy = AT.date() - dt.timedelta(days=2)
    config = CampaignConfig(campaign_id="CMP-COPY", calls_per_day=20, national_list_snapshot=copy)
    run = run_campaign(stale, config=config, at=AT, out_dir=tmp_path / "copy")
    assert run.report["national_list_snapshot"] == "2026-11-18"
    assert run.report["calls"] > 0
