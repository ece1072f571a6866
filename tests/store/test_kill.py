"""kill -9 at random moments of ``goodcall import --replace --report`` (issue 19, fault test):
the store holds the old content or the complete new one, and the report is absent or complete.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from goodcall.store.importer import ImportOptions, import_directory
from goodcall.synth.generate import write_carrier
from tests.kill import (
    KILLS,
    SLOW_KILLS,
    goodcall_command,
    kill_at_random_moments,
    leftovers,
    run_to_the_end,
)
from tests.store.conftest import snapshot

CUSTOMERS = 3_000


def _same(a: dict[str, pl.DataFrame], b: dict[str, pl.DataFrame]) -> bool:
    return all(b[name].equals(frame) for name, frame in a.items())


def _kill_imports(url: str, tmp_path: Path, kills: int) -> None:
    old_dir, new_dir = tmp_path / "old", tmp_path / "new"
    write_carrier(old_dir, CUSTOMERS, seed=2, fmt="csv")
    write_carrier(new_dir, CUSTOMERS, seed=3, fmt="csv")
    outputs = tmp_path / "outputs"
    report = outputs / "report.csv"
    command = goodcall_command(
        "import", str(new_dir), "--db", url, "--replace", "--report", str(report)
    )
    replace = ImportOptions(replace=True)
    assert import_directory(old_dir, url, replace).landed
    old = snapshot(url)
    duration = run_to_the_end(command)
    new, new_report = snapshot(url), report.read_bytes()
    assert not _same(old, new)

    def reset() -> None:
        assert import_directory(old_dir, url, replace).landed
        report.unlink(missing_ok=True)

    def judge() -> str:
        now = snapshot(url)
        assert not report.exists() or report.read_bytes() == new_report, "a partial report"
        if _same(old, now):
            return "old"
        assert _same(new, now), "the store is neither the old nor the new import"
        return "new"

    outcomes = kill_at_random_moments(command, kills, duration, reset, judge)
    left = leftovers(outputs)
    print(f"\nimport kill -9 on {url.split(':')[0]}: {kills} kills over {duration:.1f} s runs: "
          f"{dict(outcomes)}; temporary report files left: {len(left)}")  # fmt: skip
    assert outcomes["old"] + outcomes["new"] == kills


def test_a_killed_import_leaves_the_old_or_the_new_store(store_url: str, tmp_path: Path) -> None:
    _kill_imports(store_url, tmp_path, KILLS)


@pytest.mark.slow
def test_many_killed_imports_leave_the_old_or_the_new_store(store_url: str, tmp_path: Path) -> None:
    _kill_imports(store_url, tmp_path, SLOW_KILLS)
