"""kill -9 at random moments of ``goodcall campaign run --overwrite`` (issue 19, fault test): the
campaign folder is the old campaign or the complete new one, never a mix, never missing."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from goodcall.store.config import engine_for
from goodcall.store.importer import import_directory
from goodcall.store.plans import latest_plan, unplaced_plans
from goodcall.store.tables import campaign_plans
from goodcall.synth.generate import write_carrier
from tests.kill import (
    KILLS,
    SLOW_KILLS,
    child_env,
    goodcall_command,
    kill_at_random_moments,
    leftovers,
    run_to_the_end,
)

OLD_AT, NEW_AT = "2026-11-20T15:00:00+00:00", "2026-11-21T15:00:00+00:00"


def _contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def forget_plans_of(url: str, folder: Path) -> None:
    """Remove the store's plans written into ``folder`` (the folder is reset to the old one)."""
    _, engine = engine_for(url)
    with engine.begin() as connection:
        where = campaign_plans.c.out_dir == str(folder.resolve())
        connection.execute(sa.delete(campaign_plans).where(where))
    engine.dispose()


def assert_plan_matches(url: str, folder: Path, state: str) -> None:
    """The store's latest plan is the new campaign's exactly when ``folder`` holds it."""
    found = latest_plan(url, dt.datetime.fromisoformat(NEW_AT))
    assert found is not None
    mine = Path(found.out_dir) == folder.resolve()
    if state == "new":
        held = json.loads((folder / "plan.json").read_text())
        assert mine and json.loads(found.plan) == held, "the new campaign's plan does not count"
    else:
        assert not mine, "a plan counts whose campaign folder was never placed"


def _kill_campaigns(tmp_path: Path, kills: int) -> None:
    write_carrier(tmp_path / "carrier", 300, seed=2)
    url = f"sqlite:///{tmp_path / 'store.db'}"
    assert import_directory(tmp_path / "carrier", url).landed
    parent = tmp_path / "campaigns"
    out, kept = parent / "campaign", tmp_path / "old"

    def command(at: str, folder: Path) -> list[str]:
        return goodcall_command("campaign", "run", "--name", "K", "--db", url, "--at", at,
                                "--out", str(folder), "--overwrite")  # fmt: skip

    run_to_the_end(command(OLD_AT, kept))
    duration = run_to_the_end(command(NEW_AT, tmp_path / "new"))
    old, new = _contents(kept), _contents(tmp_path / "new")
    assert old != new

    def reset() -> None:
        if out.exists() and _contents(out) == old:
            return
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(kept, out)
        forget_plans_of(url, out)

    def judge() -> str:
        assert out.is_dir(), "the campaign folder is missing"
        now = _contents(out)
        state = "old" if now == old else "new"
        assert now in (old, new), "the campaign folder is neither the old nor the complete new one"
        assert_plan_matches(url, out, state)
        return state

    outcomes = kill_at_random_moments(command(NEW_AT, out), kills, duration, reset, judge)
    left = leftovers(parent)
    print(f"\ncampaign run kill -9: {kills} kills over {duration:.1f} s runs: {dict(outcomes)}; "
          f"hidden staging folders left: {len(left)}")  # fmt: skip
    assert outcomes["old"] + outcomes["new"] == kills


def test_a_killed_campaign_leaves_the_old_or_the_new_folder(tmp_path: Path) -> None:
    _kill_campaigns(tmp_path, KILLS)


@pytest.mark.slow
def test_many_killed_campaigns_leave_the_old_or_the_new_folder(tmp_path: Path) -> None:
    _kill_campaigns(tmp_path, SLOW_KILLS)


KILL_AROUND_PLACING = """
import os, signal, sys
import goodcall.campaign.run as run
from goodcall.cli import app
placed = run.place_folder
def place(tmp, out):
    if sys.argv[1] == "before":
        os.kill(os.getpid(), signal.SIGKILL)
    placed(tmp, out)
    os.kill(os.getpid(), signal.SIGKILL)
run.place_folder = place
app(sys.argv[2:])
"""


@pytest.mark.parametrize("moment", ["before", "after"])
def test_a_campaign_killed_around_placing_its_folder_agrees_with_its_plan(
    tmp_path: Path, moment: str
) -> None:
    """SIGKILL right after the plan is recorded, before or after the folder is placed: the
    folder and the store's latest plan agree (old with old, new with new), and the next run
    reports a plan whose folder was never placed."""
    write_carrier(tmp_path / "carrier", 60, seed=2)
    url = f"sqlite:///{tmp_path / 'store.db'}"
    assert import_directory(tmp_path / "carrier", url).landed
    out = tmp_path / "campaign"

    def command(at: str) -> list[str]:
        return ["campaign", "run", "--name", "K", "--db", url, "--at", at, "--out", str(out),
                "--overwrite"]  # fmt: skip

    run_to_the_end(goodcall_command(*command(OLD_AT)))
    old = _contents(out)
    script = [sys.executable, "-c", KILL_AROUND_PLACING, moment, "--quiet", *command(NEW_AT)]
    killed = subprocess.run(script, env=child_env(), capture_output=True, check=False)
    assert killed.returncode == -9, killed.stderr
    assert (_contents(out) == old) == (moment == "before")
    found = latest_plan(url, dt.datetime.fromisoformat(NEW_AT))
    assert found is not None
    held = json.loads((out / "plan.json").read_text())
    assert json.loads(found.plan) == held  # the latest plan is the one the folder holds
    assert (found.decided_at == dt.datetime.fromisoformat(NEW_AT)) == (moment == "after")
    stopped = unplaced_plans(url)
    assert len(stopped) == (1 if moment == "before" else 0)
