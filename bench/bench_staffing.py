"""Capacity from staffing: the derived calls an hour against the simulation's, and their cost.

    .venv/bin/python -m bench.bench_staffing [--days 3]

For teams of 2, 6, 20 and 50 agents (240 s handle time, a quarter of the calls answered by a
person): preview and progressive calls an hour from the expected agent seconds per dialled call
(``goodcall.timing.capacity``) against the calls dialled per hour in ``--days`` seeded
simulated 4-hour days of the same mode; predictive calls an hour from the 1-hour seeded
simulation the campaign uses against the mean of 4-hour days, with the CPU time of each.
Baseline: the simulation of 4-hour days, measured in the same run.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace

from goodcall.timing import capacity
from goodcall.timing.capacity import Dialling, calls_per_hour
from goodcall.timing.scenario import run_days

TEAMS = (2, 6, 20, 50)
HOURS = 4


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--days", type=int, default=3)
    days = parser.parse_args().days
    print(f"{'mode':<12}{'agents':>7}{'derived/h':>11}{'sim/h':>9}{'diff':>8}"
          f"{'derive CPU s':>14}{'sim CPU s':>11}")  # fmt: skip
    for mode in ("preview", "progressive", "predictive"):
        for agents in TEAMS:
            dialling = Dialling(mode, 240.0)
            start = time.process_time()
            derived = calls_per_hour(agents, dialling)
            derive_cpu = time.process_time() - start
            scenario = replace(dialling.scenario(agents), answer_by_hour=(0.25,) * HOURS)
            pacer = scenario.adaptive if mode == "predictive" else (lambda: None)
            start = time.process_time()
            summary = run_days(scenario, mode, pacer, days, seed=100)
            sim_cpu = time.process_time() - start
            simulated = sum(d.dialled for d in summary.days) / days / HOURS
            diff = derived / simulated - 1
            print(f"{mode:<12}{agents:>7}{derived:>11}{simulated:>9.1f}{diff:>+8.1%}"
                  f"{derive_cpu:>14.3f}{sim_cpu:>11.3f}")  # fmt: skip
    print(
        f"simulated hour of a predictive figure: {capacity.SIMULATED_HOURS}; "
        f"{days} days × {HOURS} h per simulated figure"
    )


if __name__ == "__main__":
    main()
