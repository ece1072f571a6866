"""A do-not-call request acknowledged while a campaign is being decided: the customer is in no
list placed after it. The request is made at the last step before the campaign is placed (the
progress callback is the hook), after the decision and the call list's first writing — the
moment the race is lost without the final look at the store. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl

from goodcall.campaign.run import PlanRecord, run_campaign
from goodcall.decide import CampaignConfig
from goodcall.store.config import engine_for
from goodcall.store.outcomes import record_do_not_call
from goodcall.store.reader import load_profiles
from tests.api.conftest import both_url  # noqa: F401
from tests.audit.conftest import store_url  # noqa: F401
from tests.store.conftest import pg_url  # noqa: F401

DECIDED = dt.datetime(2026, 11, 20, 14, tzinfo=dt.UTC)
CALLED = ["C-TWIN-0009", "C-TWIN-0010"]  # the two calls campaign W49 makes (exploration)


def config(name: str) -> CampaignConfig:
    return CampaignConfig(campaign_id=name, control_share=0.3, explore_share=0.5,
                          channels=["phone"], calls_per_hour=3)  # fmt: skip


def _run(url: str, out: Path, name: str, asked: str | None) -> pl.DataFrame:
    profiles = load_profiles(DECIDED, url).collect()  # read before the request

    def progress(what: str, done: int, total: int) -> None:
        if what == "placing the campaign" and asked is not None:
            _, engine = engine_for(url)
            try:  # acknowledged: committed before it returns
                record_do_not_call(engine, asked, DECIDED + dt.timedelta(minutes=5), "phone")
            finally:
                engine.dispose()

    run_campaign(profiles, config=config(name), at=DECIDED, out_dir=out, record=PlanRecord(url),
                 progress=progress)  # fmt: skip
    return pl.read_csv(out / "call_list.csv")


def test_a_request_acknowledged_before_placement_removes_the_customer(
    both_url: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    before = _run(both_url, tmp_path / "before", "W49", None)
    assert sorted(before["customer_id"]) == CALLED
    after = _run(both_url, tmp_path / "raced", "W49", "C-TWIN-0009")
    assert after["customer_id"].to_list() == ["C-TWIN-0010"]
    assert pl.read_parquet(tmp_path / "raced" / "call_list.parquet")["customer_id"].to_list() == [
        "C-TWIN-0010"
    ]
    briefs = (tmp_path / "raced" / "briefs.jsonl").read_text().splitlines()
    assert [json.loads(b)["customer_id"] for b in briefs] == ["C-TWIN-0010"]
    report = json.loads((tmp_path / "raced" / "report.json").read_text())
    assert report["withdrawn_do_not_call"] == 1
    # the decision's record is kept as decided
    decisions = pl.read_parquet(tmp_path / "raced" / "decisions.parquet")
    assert decisions.filter(pl.col("decision") == "contact")["customer_id"].sort().to_list() == (
        CALLED
    )
