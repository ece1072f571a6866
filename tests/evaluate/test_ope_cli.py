"""``goodcall evaluate ope``: generic logs and policy files, policy estimated from other logs,
and the Open Bandit Dataset check.

The Open Bandit sample is read in place from ``../shared/data/open-bandit`` beside the repository
(``bench.shared_data``); without it that test is skipped, except in CI, where it fails.
Bad inputs tried: no --logs, both --policy and --policy-from-logs, a directory without any log
file, an Open Bandit directory with another layout, an unknown policy estimate.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import typer
from bench.shared_data import shared_data
from typer.testing import CliRunner

from tests.evaluate.test_ope import TRUTH, E, _logs, _policy

OPEN_BANDIT = shared_data("open-bandit")
runner = CliRunner()
GENERIC = [
    "--action-col", "offer", "--reward-col", "click", "--propensity-col", "pscore",
    "--position-col", "", "--bootstrap", "200", "--json",
]  # fmt: skip


def _json(output: str) -> list[dict[str, object]]:
    return json.loads(output[output.index("[") :])  # type: ignore[no-any-return]


def test_generic_logs_and_policy_files(app: typer.Typer, tmp_path: Path) -> None:
    logs, policy = tmp_path / "logs.csv", tmp_path / "policy.csv"
    _logs(4_000, 7).write_csv(logs)
    _policy(E).write_csv(policy)
    result = runner.invoke(
        app,
        ["evaluate", "ope", "--logs", str(logs), "--policy", str(policy), "--context", "segment",
         "--truth", str(TRUTH), *GENERIC],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    (comparison,) = _json(result.output)
    estimates = {e["estimator"]: e for e in comparison["result"]["estimates"]}  # type: ignore[index]
    assert set(estimates) == {"ips", "snips", "dr"}
    assert abs(estimates["dr"]["value"] - TRUTH) < 0.05
    assert comparison["truth"] == pytest.approx(TRUTH)
    assert comparison["relative_errors"]["dr"] < 0.1  # type: ignore[index]


def test_policy_estimated_from_its_own_logs(app: typer.Typer, tmp_path: Path) -> None:
    """Logs of a uniform policy evaluate the policy that logged ``other``; truth = its clicks."""
    base, other = tmp_path / "base", tmp_path / "other.csv"
    base.mkdir()
    _logs(3_000, 1).write_csv(base / "logs.csv")
    (base / "notes.csv").write_text("a,b\n1,2\n")  # ignored: not a log file
    rng = np.random.default_rng(2)
    segment = rng.choice(4, size=3_000)
    action = np.where(rng.random(3_000) < 0.5, 1, 2)
    pl.DataFrame(
        {
            "segment": [f"s{s}" for s in segment],
            "offer": [f"o{a}" for a in action],
            "click": (rng.random(3_000) < 0.3).astype(int),
            "pscore": np.full(3_000, 0.5),
        }
    ).write_csv(other)
    written = tmp_path / "estimated.csv"
    result = runner.invoke(
        app,
        ["evaluate", "ope", "--logs", str(base), "--policy-from-logs", str(other),
         "--policy-estimate", "frequency", "--write-policy", str(written), *GENERIC],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    (comparison,) = _json(result.output)
    assert comparison["truth"] == pytest.approx(pl.read_csv(other)["click"].mean())
    policy = pl.read_csv(written)
    assert sorted(policy["offer"].to_list()) == ["o1", "o2"]
    assert policy["probability"].sum() == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--policy", "p.csv"], "--logs is required"),
        (["--logs", "{logs}", "--policy", "{logs}", "--policy-from-logs", "{logs}"], "exactly one"),
        (["--logs", "{empty}", "--policy", "p.csv"], "no CSV file with the log columns"),
        (["--open-bandit", "{empty}"], "expects <dir>/{random,bts}"),
        (
            ["--logs", "{logs}", "--policy-from-logs", "{logs}", "--policy-estimate", "mean"],
            "propensity or frequency",
        ),
    ],
)
def test_refusals(app: typer.Typer, tmp_path: Path, arguments: list[str], message: str) -> None:
    logs, empty = tmp_path / "logs.csv", tmp_path / "empty"
    empty.mkdir()
    _logs(100, 0).write_csv(logs)
    filled = [a.format(logs=logs, empty=empty) for a in arguments]
    result = runner.invoke(app, ["evaluate", "ope", *filled, *GENERIC])
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())


def test_open_bandit_both_directions(app: typer.Typer) -> None:
    if not (OPEN_BANDIT / "random").is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Open Bandit sample missing at {OPEN_BANDIT} (required in CI)")
        pytest.skip(f"Open Bandit sample not found at {OPEN_BANDIT} (set GOODCALL_SHARED_DATA)")
    result = runner.invoke(
        app,
        ["evaluate", "ope", "--open-bandit", str(OPEN_BANDIT), "--campaign", "men",
         "--bootstrap", "200", "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    to_bts, to_random = _json(result.output)
    # truths: on-policy click rates of the men campaign's bts and random logs
    assert to_bts["truth"] == pytest.approx(0.0069)
    assert to_random["truth"] == pytest.approx(0.0046)
    for comparison in (to_bts, to_random):
        for estimate in comparison["result"]["estimates"]:  # type: ignore[index]
            assert 0 < estimate["lower"] <= estimate["value"] <= estimate["upper"] < 0.02
    assert to_bts["result"]["mean_weight"] == pytest.approx(1.0, abs=0.05)  # type: ignore[index]
    assert all(to_bts["ci_covers_truth"].values())  # type: ignore[union-attr]
