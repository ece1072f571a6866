"""Campaign plans in the store, on both backends: which plan is the latest for a moment, and a
plan whose campaign fails is not recorded."""

from __future__ import annotations

import datetime as dt

import pytest

from goodcall.store.config import engine_for
from goodcall.store.migrate import upgrade
from goodcall.store.plans import PlanStoreError, latest_plan, recording_plan

NOV = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)


def record(url: str, campaign_id: str, decided_at: dt.datetime, minute: int) -> int:
    written = NOV + dt.timedelta(days=30, minutes=minute)
    with recording_plan(
        url, campaign_id=campaign_id, decided_at=decided_at, out_dir=f"/runs/{campaign_id}",
        plan=f'{{"id": "{campaign_id}"}}', written_at=written,
    ) as stored:  # fmt: skip
        return stored.plan_id


@pytest.fixture
def ready(store_url: str) -> str:
    _, engine = engine_for(store_url)
    upgrade(engine)
    engine.dispose()
    return store_url


def test_the_latest_plan_at_or_before_the_moment_else_the_earliest_later(ready: str) -> None:
    assert latest_plan(ready, NOV) is None
    record(ready, "A", NOV - dt.timedelta(days=2), 0)
    record(ready, "B", NOV, 1)
    record(ready, "B-AGAIN", NOV, 2)  # same decision time, written later: it wins
    record(ready, "C", NOV + dt.timedelta(days=3), 3)

    def chosen(at: dt.datetime) -> str | None:
        found = latest_plan(ready, at)
        return None if found is None else found.campaign_id

    assert chosen(NOV) == "B-AGAIN"
    assert chosen(NOV - dt.timedelta(microseconds=1)) == "A"
    assert chosen(NOV + dt.timedelta(days=10)) == "C"
    assert chosen(NOV - dt.timedelta(days=5)) == "A"  # all later: the earliest
    found = latest_plan(ready, NOV - dt.timedelta(days=5))
    assert found is not None and found.decided_after(NOV - dt.timedelta(days=5))


def test_a_failure_inside_the_recording_leaves_no_plan(ready: str) -> None:
    with (
        pytest.raises(OSError, match="disk full"),
        recording_plan(ready, campaign_id="X", decided_at=NOV, out_dir="/x", plan="{}"),
    ):
        raise OSError("disk full")
    assert latest_plan(ready, NOV) is None


def test_an_empty_store_is_a_clear_error_naming_it(store_url: str) -> None:
    with (
        pytest.raises(PlanStoreError, match="cannot record the campaign plan in the store at"),
        recording_plan(store_url, campaign_id="X", decided_at=NOV, out_dir="/x", plan="{}"),
    ):
        pass
    with pytest.raises(PlanStoreError, match="is empty: run `goodcall import DIR`"):
        latest_plan(store_url, NOV)
