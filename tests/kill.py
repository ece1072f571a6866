"""The fault test of issue 19: run a ``goodcall`` command in a child process, kill it with
SIGKILL at a random moment of its run, and judge what it leaves (the old state or the complete
new one — anything else fails the test).

The moments are drawn uniformly over the duration of one complete run measured first, with a
fixed seed, so a failure can be replayed. Each test prints its figures (``-s`` shows them).
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import goodcall

SRC = Path(goodcall.__file__).resolve().parents[1]
KILLS = 2
"""Kills per test in a normal run; the ``slow`` variants kill :data:`SLOW_KILLS` times."""
SLOW_KILLS = 20


def goodcall_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "goodcall.cli", "--quiet", *args]


def child_env() -> dict[str, str]:
    path = os.environ.get("PYTHONPATH", "")
    return os.environ | {"PYTHONPATH": f"{SRC}{os.pathsep}{path}" if path else str(SRC)}


def run_to_the_end(command: Sequence[str]) -> float:
    """Run ``command`` to its end (it must succeed); its duration in seconds."""
    started = time.perf_counter()
    done = subprocess.run(command, env=child_env(), capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return time.perf_counter() - started


def kill_at_random_moments(
    command: Sequence[str],
    kills: int,
    duration: float,
    reset: Callable[[], None],
    judge: Callable[[], str],
    seed: int = 19,
) -> Counter[str]:
    """``kills`` times: ``reset()``, start ``command``, SIGKILL it after a random moment of
    ``duration`` and count ``judge()`` ("old" or "new"; it asserts anything else away). A run
    that ended before its kill is counted as "finished" too."""
    draws = random.Random(seed)
    outcomes: Counter[str] = Counter()
    for _ in range(kills):
        reset()
        moment = draws.uniform(0.0, duration)
        child = subprocess.Popen(
            command, env=child_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(moment)
        child.kill()
        code = child.wait()
        if code == 0:
            outcomes["finished before the kill"] += 1
        outcomes[judge()] += 1
    return outcomes


def leftovers(folder: Path) -> list[str]:
    """Hidden temporary files or folders a killed run left beside its outputs."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))
