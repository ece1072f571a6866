"""kill -9 at random moments of ``goodcall models train --overwrite`` (issue 19, fault test): the
model set folder is the old set or the complete new one — never a mix, never missing — and it
loads."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from goodcall.models.registry import ModelSet
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
VARYING = frozenset({"trained_at", "training_seconds"})  # when and how fast, not what


def _without_timings(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_timings(v) for k, v in value.items() if k not in VARYING}
    if isinstance(value, list):
        return [_without_timings(v) for v in value]
    return value


def _contents(folder: Path) -> dict[str, Any]:
    """Every file of a model set by relative path; ``model_set.json`` without its timings."""
    files: dict[str, Any] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = str(path.relative_to(folder))
        if name == "model_set.json":
            files[name] = _without_timings(json.loads(path.read_text()))
        else:
            files[name] = path.read_bytes()
    return files


def _kill_training(tmp_path: Path, kills: int) -> None:
    write_carrier(tmp_path / "carrier", 300, seed=2)
    url = f"sqlite:///{tmp_path / 'store.db'}"
    assert import_directory(tmp_path / "carrier", url).landed
    parent = tmp_path / "models"
    out, kept = parent / "set", tmp_path / "old"

    def command(at: str, folder: Path) -> list[str]:
        return goodcall_command("models", "train", "--db", url, "--at", at, "--out", str(folder),
                                "--overwrite")  # fmt: skip

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
        assert out.is_dir(), "the model set folder is missing"
        now = _contents(out)
        ModelSet.load(out)  # every file checksummed: a mix or a truncated file does not load
        if now == old:
            return "old"
        # the new set, complete: its files and its cutoff (LightGBM's last digits may differ
        # between two trainings on a loaded machine, so the new set is judged by what it is)
        assert set(now) == set(new), "the model set is neither the old nor the complete new one"
        assert (
            now["model_set.json"]["cutoff"]
            == new["model_set.json"]["cutoff"]
            != old["model_set.json"]["cutoff"]
        ), "the model set is neither the old nor the complete new one"
        return "new"

    outcomes = kill_at_random_moments(command(NEW_AT, out), kills, duration, reset, judge)
    left = leftovers(parent)
    print(f"\nmodels train kill -9: {kills} kills over {duration:.1f} s runs: {dict(outcomes)}; "
          f"hidden staging folders left: {len(left)}")  # fmt: skip
    assert outcomes["old"] + outcomes["new"] == kills


def test_a_killed_training_leaves_the_old_or_the_new_model_set(tmp_path: Path) -> None:
    _kill_training(tmp_path, KILLS)


@pytest.mark.slow
def test_many_killed_trainings_leave_the_old_or_the_new_model_set(tmp_path: Path) -> None:
    _kill_training(tmp_path, SLOW_KILLS)
