"""Every file of a model set is checked before a model is built from it (issue 19, item 8).

A truncated annoyance or reach model aborted the process (exit 134, no message): LightGBM aborts
on an incomplete model text. Format 3 records the SHA-256 of every file in ``model_set.json``;
older sets (formats 1 and 2) still load, and their LightGBM texts are refused when incomplete.
Bad inputs tried: each file of a reach set truncated, a file swapped with another's content, a
file removed, a legacy set with a truncated booster, a checksum list emptied by hand.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from goodcall.models.registry import FORMAT, ModelSet, ModelSetError
from tests.decide.world import make_world, train


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    models = train(make_world(6_000, seed=2))  # records reach: annoyance and reach boosters
    return models.save(tmp_path_factory.mktemp("models") / "set")


def copy(saved: Path, tmp_path: Path) -> Path:
    target = tmp_path / "set"
    subprocess.run(["cp", "-r", str(saved), str(target)], check=True)
    return target


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def test_every_file_is_recorded(saved: Path) -> None:
    meta = json.loads((saved / "model_set.json").read_text())
    assert meta["format"] == FORMAT == 3
    on_disk = sorted(
        p.relative_to(saved).as_posix()
        for p in saved.rglob("*")
        if p.is_file() and p.name != "model_set.json"
    )
    assert sorted(meta["files"]) == on_disk
    assert {"annoyance/booster.txt", "annoyance/annoyance.json", "posteriors.parquet"} <= set(
        on_disk
    )
    assert any(name.startswith("response/reach/") for name in on_disk)
    assert ModelSet.load(saved).metadata.files == meta["files"]


@pytest.mark.parametrize(
    "name",
    [
        "annoyance/booster.txt",
        "annoyance/annoyance.json",
        "response/reach/reach.txt",
        "response/reach/reach.json",
        "posteriors.parquet",
        "reference.json",
    ],
)
def test_a_truncated_file_is_refused_by_name(saved: Path, tmp_path: Path, name: str) -> None:
    target = copy(saved, tmp_path)
    truncate(target / name)
    with pytest.raises(ModelSetError) as caught:
        ModelSet.load(target)
    assert str(caught.value) == (
        f"{target / name}: does not match its SHA-256 in model_set.json (truncated, changed or "
        "from another training); train the models again (goodcall models train)"
    )


def test_a_missing_file_and_an_emptied_list(saved: Path, tmp_path: Path) -> None:
    target = copy(saved, tmp_path)
    (target / "annoyance" / "booster.txt").unlink()
    with pytest.raises(ModelSetError, match=r"annoyance/booster\.txt: missing \(listed in"):
        ModelSet.load(target)
    meta = target / "model_set.json"
    meta.write_text(json.dumps({**json.loads(meta.read_text()), "files": {}}))
    with pytest.raises(ModelSetError, match="lists no checksums"):
        ModelSet.load(target)


def test_a_legacy_set_still_loads_and_an_incomplete_booster_is_refused(
    saved: Path, tmp_path: Path
) -> None:
    target = copy(saved, tmp_path)
    meta = target / "model_set.json"
    legacy = {k: v for k, v in json.loads(meta.read_text()).items() if k != "files"}
    meta.write_text(json.dumps({**legacy, "format": 2}))
    assert ModelSet.load(target).annoyance is not None
    truncate(target / "annoyance" / "booster.txt")
    with pytest.raises(ModelSetError) as caught:
        ModelSet.load(target)
    assert str(caught.value) == (
        f"{target / 'annoyance' / 'booster.txt'}: not a complete LightGBM model (truncated?); "
        "train the models again (goodcall models train)"
    )


def test_the_command_exits_two_with_the_file_name(saved: Path, tmp_path: Path) -> None:
    """In a child process: before the fix the process aborted (exit 134) with no message."""
    target = copy(saved, tmp_path)
    truncate(target / "annoyance" / "booster.txt")
    done = subprocess.run(
        [sys.executable, "-m", "goodcall.cli", "models", "health", str(target), "--no-current"],
        capture_output=True,
        text=True,
        env={"COLUMNS": "400", "PATH": "/usr/bin:/bin", "PYTHONPATH": ":".join(sys.path)},
    )
    assert done.returncode == 2, done.stderr
    assert "annoyance/booster.txt: does not match its SHA-256" in " ".join(done.stderr.split())
    assert "Traceback" not in done.stderr
