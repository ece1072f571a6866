"""``goodcall evaluate ope`` on generic logs (not the Open Bandit layout) with a known value.

Logs of a contextual logging policy that is *not* uniform: three segments, four offers, the
logging probabilities depend on the segment (some offers shown only 5 % of the time), clicks
with known probabilities ``Q[segment, offer]``. The evaluation policy takes one offer per
segment most of the time, so its true value ``Σ_s P(s) Σ_a π_e(a | s) Q[s, a]`` is known.
On three seeds, IPS's and DR's 95 % intervals must cover it on at least two (measured: IPS 3/3,
DR 2/3), and every estimate must lie within 0.05 of it.

Formats accepted besides the default CSV: ``;``-separated logs, a boolean reward (true/false),
offers stored as whole numbers in the logs and as ``3.0`` in the policy file, Parquet logs.
Bad inputs tried: a propensity of 0 and of 1.2, a missing propensity column, logs without the
default ``position`` column (the error says how to name none), a reward column holding text, a
policy whose probabilities do not sum to 1, a policy that never takes a logged action (the
error shows both files' action values); a policy giving probability to an action never logged
is accepted with a note.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import typer
from typer.testing import CliRunner

runner = CliRunner()
SHARE = np.array([0.5, 0.3, 0.2])
Q = np.array([[0.10, 0.30, 0.05, 0.20], [0.25, 0.05, 0.40, 0.10], [0.05, 0.15, 0.10, 0.45]])
LOGGING = np.array([[0.55, 0.05, 0.20, 0.20], [0.40, 0.30, 0.25, 0.05], [0.30, 0.30, 0.35, 0.05]])
TARGET = np.array([[0.1, 0.9, 0.0, 0.0], [0.0, 0.0, 0.9, 0.1], [0.0, 0.1, 0.0, 0.9]])
TRUTH = float((SHARE[:, None] * TARGET * Q).sum())
OPTIONS = [
    "--action-col", "offer", "--reward-col", "clicked", "--propensity-col", "p_logged",
    "--position-col", "", "--context", "segment", "--bootstrap", "300", "--json",
]  # fmt: skip


def _logs(n: int, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    segment = rng.choice(3, size=n, p=SHARE)
    offer = (rng.random(n)[:, None] > np.cumsum(LOGGING[segment], axis=1)).sum(axis=1)
    return pl.DataFrame(
        {
            "segment": [f"seg {s}" for s in segment],
            "offer": offer + 1,
            "clicked": rng.random(n) < Q[segment, offer],
            "p_logged": LOGGING[segment, offer],
        }
    )


def _policy(table: np.ndarray = TARGET) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "segment": [f"seg {s}" for s in range(3) for _ in range(4)],
            "offer": [float(a + 1) for _ in range(3) for a in range(4)],
            "probability": table.ravel(),
        }
    )


def _run(app: typer.Typer, tmp_path: Path, logs: pl.DataFrame, policy: pl.DataFrame) -> object:
    logs_path, policy_path = tmp_path / "logs.csv", tmp_path / "policy.csv"
    logs.write_csv(logs_path, separator=";")
    policy.write_csv(policy_path)
    return runner.invoke(
        app, ["evaluate", "ope", "--logs", str(logs_path), "--policy", str(policy_path), *OPTIONS]
    )


def _said(result: object) -> str:
    return " ".join(result.output.split())  # type: ignore[attr-defined]


def test_intervals_cover_the_known_value(app: typer.Typer, tmp_path: Path) -> None:
    covered = {"ips": 0, "dr": 0}
    for seed in range(3):
        result = _run(app, tmp_path, _logs(6_000, seed), _policy())
        assert result.exit_code == 0, _said(result)  # type: ignore[attr-defined]
        (comparison,) = json.loads(_said(result)[_said(result).index("[") :])
        for estimate in comparison["result"]["estimates"]:
            assert abs(estimate["value"] - TRUTH) < 0.05, estimate
            if estimate["estimator"] in covered:
                covered[estimate["estimator"]] += estimate["lower"] <= TRUTH <= estimate["upper"]
    assert covered["ips"] >= 2 and covered["dr"] >= 2, covered


def test_parquet_logs(app: typer.Typer, tmp_path: Path) -> None:
    logs, policy = tmp_path / "logs.parquet", tmp_path / "policy.csv"
    _logs(2_000, 5).write_parquet(logs)
    _policy().write_csv(policy)
    result = runner.invoke(
        app, ["evaluate", "ope", "--logs", str(logs), "--policy", str(policy), *OPTIONS]
    )
    assert result.exit_code == 0, _said(result)


def _with_propensity(value: float) -> pl.DataFrame:
    logs = _logs(500, 1)
    return logs.with_columns(
        p_logged=pl.when(pl.int_range(pl.len()) == 7).then(value).otherwise(pl.col("p_logged"))
    )


def test_an_action_never_logged_is_noted(app: typer.Typer, tmp_path: Path) -> None:
    policy = _policy().with_columns(
        offer=pl.when(pl.col("offer") == 2.0).then(9.0).otherwise(pl.col("offer"))
    )
    result = _run(app, tmp_path, _logs(1_000, 2), policy)
    assert result.exit_code == 0, _said(result)  # type: ignore[attr-defined]
    assert "to action(s) never logged ('9')" in _said(result)


@pytest.mark.parametrize(
    ("logs", "policy", "message"),
    [
        (_with_propensity(0.0), _policy(), "p_logged is not in (0, 1] in 1 row(s); first at data "
         "row 8 (value 0.0)"),
        (_with_propensity(1.2), _policy(), "(value 1.2)"),
        (_logs(500, 1).drop("p_logged"), _policy(), "missing column(s) p_logged"),
        (_logs(500, 1).with_columns(pl.col("clicked").cast(pl.String) + "!"), _policy(),
         "column 'clicked' must hold a number or true/false, got String values such as"),
        (_logs(500, 1), _policy(TARGET * 0.5), "probabilities must sum to 1 for each segment"),
        (_logs(500, 1), _policy().with_columns(pl.col("offer") + 10),
         "gives probability 0 to every logged action"),
    ],
    ids=["propensity-0", "propensity-1.2", "no-propensity", "text-reward", "sum-0.5",
         "no-common-action"],
)  # fmt: skip
def test_refusals(
    app: typer.Typer, tmp_path: Path, logs: pl.DataFrame, policy: pl.DataFrame, message: str
) -> None:
    result = _run(app, tmp_path, logs, policy)
    assert result.exit_code == 2  # type: ignore[attr-defined]
    said = _said(result)
    assert said.startswith("error:") and message in said
    assert str(tmp_path) in said  # names the file


def test_default_position_column_missing(app: typer.Typer, tmp_path: Path) -> None:
    logs, policy = tmp_path / "logs.csv", tmp_path / "policy.csv"
    _logs(300, 0).write_csv(logs)
    _policy().write_csv(policy)
    options = [o for o in OPTIONS if o not in ("--position-col", "")]
    result = runner.invoke(
        app, ["evaluate", "ope", "--logs", str(logs), "--policy", str(policy), *options]
    )
    assert result.exit_code == 2
    assert "missing column(s) position" in _said(result)
    assert "--position-col ''" in _said(result)
