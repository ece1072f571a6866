"""A do-not-call request acknowledged while a campaign is being decided: the customer is in no
list placed after it. The request is made at the last step before the campaign is placed (the
progress callback is the hook), after the decision and the call list's first writing — the
moment the race is lost without the final look at the store. A request arriving during that last
look waits for the placement (without the lock on PostgreSQL, the second test fails). On SQLite
and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa

from goodcall.campaign.run import PlanRecord, run_campaign
from goodcall.decide import CampaignConfig
from goodcall.store.config import engine_for
from goodcall.store.outcomes import record_do_not_call
from goodcall.store.reader import load_profiles
from tests.api.conftest import both_url, url  # noqa: F401
from tests.audit.conftest import store_url  # noqa: F401
from tests.store.conftest import pg_url  # noqa: F401

DECIDED = dt.datetime(2026, 11, 20, 14, tzinfo=dt.UTC)
CALLED = ["C-TWIN-0009", "C-TWIN-0010"]  # the two calls campaign W49 makes (exploration)


def config(name: str) -> CampaignConfig:
    return CampaignConfig(campaign_id=name, control_share=0.3, explore_share=0.5,
                          channels=["phone"], calls_per_hour=3)  # fmt: skip


def _run(url: str, out: Path, name: str, asked: str | None) -> pl.DataFrame:  # noqa: F811
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


def test_a_request_made_while_the_list_is_placed_waits_for_it(
    both_url: str,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A request arriving during the last look waits until the campaign is placed: it is
    acknowledged after the list was written (so the list may hold the customer), never
    acknowledged while a list without its effect is being placed."""
    import goodcall.campaign.run as run_module

    original = run_module.withdraw_do_not_call
    done = threading.Event()
    seen: dict[str, bool] = {}

    def request() -> None:
        _, engine = engine_for(both_url)
        try:
            record_do_not_call(engine, "C-TWIN-0010", DECIDED + dt.timedelta(minutes=5), "phone")
        finally:
            engine.dispose()
        done.set()

    def guarded(staged: Path, connection: sa.Connection, channels: list[str]) -> set[str]:
        withdrawn = original(staged, connection, channels)  # the lock is held until the commit
        thread = threading.Thread(target=request)
        thread.start()
        seen["acknowledged during placement"] = done.wait(1.0)
        threads.append(thread)
        return withdrawn

    threads: list[threading.Thread] = []
    monkeypatch.setattr(run_module, "withdraw_do_not_call", guarded)
    calls = _run(both_url, tmp_path / "waited", "W49", None)
    threads[0].join(timeout=60)
    assert seen == {"acknowledged during placement": False}
    assert done.is_set()  # acknowledged once the campaign was placed
    assert sorted(calls["customer_id"]) == CALLED  # placed before the request: it stands


def test_only_the_channels_the_internal_list_covers_are_withdrawn(
    url: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    """As the policy engine applies the internal list (phone and SMS by default), so does the
    last look: an e-mail to a customer who asked not to be called stays."""
    from goodcall.campaign.withdraw import withdraw_do_not_call

    staged = tmp_path / "staged"
    staged.mkdir()
    at = DECIDED.replace(tzinfo=None)
    pl.DataFrame({
        "customer_id": ["C-TWIN-0009", "C-TWIN-0009", "C-TWIN-0010"],
        "offer_id": ["A", "A", "B"], "line_id": [None, None, None],
        "channel": ["phone", "email", "phone"], "planned_at": [at, at, at],
        "language": ["fr-CA"] * 3, "register": ["formal"] * 3,
    }).with_columns(pl.col("planned_at").dt.replace_time_zone("UTC")).write_parquet(
        staged / "call_list.parquet"
    )  # fmt: skip
    _, engine = engine_for(url)
    try:
        record_do_not_call(engine, "C-TWIN-0009", DECIDED, "phone")
        with engine.begin() as connection:
            withdrawn = withdraw_do_not_call(staged, connection, ["phone", "sms"])
    finally:
        engine.dispose()
    assert withdrawn == {"C-TWIN-0009"}
    kept = pl.read_parquet(staged / "call_list.parquet").select("customer_id", "channel")
    assert kept.rows() == [("C-TWIN-0009", "email"), ("C-TWIN-0010", "phone")]
    assert pl.read_csv(staged / "call_list.csv")["channel"].to_list() == ["email", "phone"]
