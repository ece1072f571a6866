"""``evaluate synthetic`` on a small carrier: its figures, within the oracle, above the baselines.

On 8,000 customers (seed 2, T-learner, the tests' fast LightGBM settings) the history is thin —
a few dozen control conversions — so the figures are far from the documented ones at 100,000
customers (docs/decisions.md), but they are pinned: measured 53.2 % of the oracle and 60.4 % of
the observable oracle (60.3 and 65.2 % before each customer's answer rhythm entered the truth).
The tolerance, ±3 points of either share and ±1 % of the oracle's value
(which reads no model), absorbs what a LightGBM, Polars or NumPy release moves in the last digits
of a seeded run; a change to the models or the decision that moves them further must re-measure
them and say so in docs/decisions.md.
"""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from goodcall.evaluate.synthetic import run_synthetic
from tests.decide.world import FAST


@pytest.mark.slow
def test_figures_on_a_small_carrier() -> None:
    result = run_synthetic(8000, seed=2, calls_per_day=100, method="t", params=FAST)
    value = {name: s.expected_incremental_value for name, s in result.scores.items()}
    assert value["oracle"] >= value["ours"] > 0
    # what the data can tell lies between what we learned and what the hidden traits allow
    assert value["oracle"] >= value["observable_oracle"] > value["ours"]
    learnable = result.learnable("ours")
    assert learnable is not None and result.captured("ours") < learnable < 1.0
    for baseline in ("call_everyone", "propensity", "random"):
        assert value["ours"] > value[baseline], (baseline, value)
    assert value["oracle"] == pytest.approx(8600.21, rel=0.01)
    assert result.captured("ours") == pytest.approx(0.532, abs=0.03)
    assert learnable == pytest.approx(0.604, abs=0.03)
    assert value["propensity"] / value["oracle"] == pytest.approx(0.049, abs=0.03)
    assert result.scores["call_everyone"].calls == 2894
    assert result.targets() == {
        "captures >= 85% of oracle": False,  # at this size; see docs/decisions.md at 100,000
        ">= 2x call-everyone value": True,
        "<= 1/3 of call-everyone calls": True,
        "fewer annoyances than every baseline": True,
    }
    ours = result.scores["ours"]
    assert ours.calls <= 100
    assert ours.calls * 3 <= result.scores["call_everyone"].calls
    assert result.gap < 1e-6  # the oracle's plan is optimal for its own values
    assert ours.expected_annoyances < result.scores["call_everyone"].expected_annoyances


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--customers", "50"], "--customers must be at least 100"),
        (["--observable-draws", "-1"], "--observable-draws must be 0 (skip) or more"),
    ],
)
def test_bad_options_are_refused_before_any_work(
    app: typer.Typer, args: list[str], message: str
) -> None:
    """Bad inputs tried: too small a carrier, a negative number of lattice points."""
    result = CliRunner().invoke(app, ["evaluate", "synthetic", *args])
    assert result.exit_code != 0
    assert message in result.output
