"""kill -9 at random moments of ``goodcall campaign run --overwrite`` (issue 19, fault test): the
campaign folder is the old campaign or the complete new one, never a mix, never missing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from goodcall.store.importer import import_directory
from goodcall.synth.generate import write_carrier
from tests.kill import (
    KILLS,
    SLOW_KILLS,
    goodcall_command,
    kill_at_random_moments,
    leftovers,
    run_to_the_end,
)

OLD_AT, NEW_AT = "2026-11-20T15:00:00+00:00", "2026-11-21T15:00:00+00:00"


def _contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


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

    def judge() -> str:
        assert out.is_dir(), "the campaign folder is missing"
        now = _contents(out)
        if now == old:
            return "old"
        assert now == new, "the campaign folder is neither the old nor the complete new one"
        return "new"

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
