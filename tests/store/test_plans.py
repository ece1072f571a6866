"""Campaign plans in the store, on both backends: which plan is the latest for a moment, and a
plan whose campaign fails is not recorded."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa

from goodcall.store.config import engine_for
from goodcall.store.migrate import upgrade
from goodcall.store.plans import PlanStoreError, latest_plan, recording_plan, unplaced_plans
from goodcall.store.tables import campaign_plans

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


def test_a_plan_counts_once_placed_or_when_its_folder_holds_it(ready: str, tmp_path: Path) -> None:
    """A run killed after recording its plan: before placing its folder (the folder still holds
    the old plan) the new plan never counts; after placing it (not yet marked) it counts."""

    folder = tmp_path / "campaign"
    folder.mkdir()
    old_plan, new_plan = '{"id": "OLD"}', '{"id": "NEW"}'
    with recording_plan(
        ready, campaign_id="OLD", decided_at=NOV, out_dir=str(folder), plan=old_plan
    ) as old:
        (folder / "plan.json").write_text('{\n  "id": "OLD"\n}')
    _, engine = engine_for(ready)
    with engine.begin() as connection:  # what a kill right after recording leaves
        connection.execute(
            sa.insert(campaign_plans).values(
                campaign_id="NEW",
                decided_at=NOV + dt.timedelta(days=1),
                out_dir=str(folder),
                written_at=NOV,
                plan=new_plan,
                placed=False,
            )
        )
    engine.dispose()
    later = NOV + dt.timedelta(days=2)
    found = latest_plan(ready, later)
    assert found is not None and found.plan_id == old.plan_id  # the folder holds the old plan
    stopped = unplaced_plans(ready, now=NOV + dt.timedelta(minutes=5))
    assert [p.campaign_id for p in stopped] == ["NEW"]
    (folder / "plan.json").write_text(new_plan)  # killed after placing the folder instead
    found = latest_plan(ready, later)
    assert found is not None and found.campaign_id == "NEW" and not found.placed
    assert unplaced_plans(ready) == []  # and the next run marks it placed
    found = latest_plan(ready, later)
    assert found is not None and found.campaign_id == "NEW" and found.placed


def test_a_plan_stopped_before_placing_is_reported_then_removed(ready: str) -> None:
    _, engine = engine_for(ready)
    with engine.begin() as connection:
        connection.execute(
            sa.insert(campaign_plans).values(
                campaign_id="GONE",
                decided_at=NOV,
                out_dir="/nowhere",
                written_at=NOV,
                plan="{}",
                placed=False,
            )
        )
    engine.dispose()
    assert latest_plan(ready, NOV) is None
    soon, late = NOV + dt.timedelta(minutes=1), NOV + dt.timedelta(hours=2)
    assert [p.campaign_id for p in unplaced_plans(ready, now=soon)] == ["GONE"]  # kept: in flight?
    assert [p.campaign_id for p in unplaced_plans(ready, now=late)] == ["GONE"]  # reported once
    assert unplaced_plans(ready, now=late) == []
