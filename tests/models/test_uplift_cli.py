"""``goodcall uplift fit | score | evaluate`` on a CSV experiment, and its refusals.

The table has three arms (``call``, ``none`` and ``sms``, the last dropped), a yes/no outcome
and an identifier column. Bad inputs tried: a treatment value absent from the column, a data
file with only one group, an outcome that is neither binary nor a number, an outcome declared
binary that is not, a scoring table missing a feature column, treatment and control in
different columns, --features together with --exclude, a model directory that already exists.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import typer
from typer.testing import CliRunner

from goodcall.evaluate.cli import register as register_evaluate
from goodcall.models.uplift import cli as uplift_cli
from goodcall.models.uplift.cli import register
from goodcall.models.uplift.simulate import simulate_experiment
from goodcall.models.uplift.tabular import parse_outcome

runner = CliRunner()


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    uplift_cli.console.width = uplift_cli.errors.width = 200  # no wrapped table cells
    application = typer.Typer()
    register(application)
    register_evaluate(application)
    return application


@pytest.fixture(scope="module")
def experiment(tmp_path_factory: pytest.TempPathFactory) -> Path:
    sim = simulate_experiment(3_000, seed=5)
    arm = np.where(sim.treated, "call", "none")
    arm[::10] = "sms"
    frame = sim.features.with_columns(
        pl.Series("customer_id", [f"C{i:05d}" for i in range(3_000)]),
        pl.Series("arm", arm),
        pl.Series("accepted", np.where(sim.outcome == 1, "yes", "no")),
    )
    path = tmp_path_factory.mktemp("data") / "experiment.csv"
    frame.write_csv(path)
    return path


GROUPS = ["--treatment", "arm=call", "--control", "arm=none", "--outcome", "accepted"]


def test_fit_then_score(app: typer.Typer, experiment: Path, tmp_path: Path) -> None:
    model_dir = tmp_path / "model"
    result = runner.invoke(
        app, ["uplift", "fit", "--data", str(experiment), *GROUPS, "--model-out", str(model_dir)]
    )
    assert result.exit_code == 0, result.output
    assert "300 dropped" in result.output  # the sms arm
    assert (
        "customer_id"
        not in json.loads((model_dir / "metadata.json").read_text())["features"]["features"][0][
            "name"
        ]
    )
    out = tmp_path / "scored.csv"
    result = runner.invoke(
        app,
        [
            "uplift",
            "score",
            "--model",
            str(model_dir),
            "--data",
            str(experiment),
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    scored = pl.read_csv(out)
    assert scored.height == 3_000
    assert {"uplift", "p_control", "p_treated"} <= set(scored.columns)
    again = runner.invoke(
        app, ["uplift", "fit", "--data", str(experiment), *GROUPS, "--model-out", str(model_dir)]
    )
    assert again.exit_code == 2 and "already holds files" in again.output.replace("\n", " ")


def test_evaluate_json(app: typer.Typer, experiment: Path) -> None:
    result = runner.invoke(
        app,
        [
            "uplift",
            "evaluate",
            "--data",
            str(experiment),
            *GROUPS,
            "--exclude",
            "customer_id",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output[result.output.index("{") :])
    names = [learner["name"] for learner in report["learners"]]
    assert names[-1] == "logistic baseline" and names[-2].startswith("auto → ")
    assert set(report["learners"][0]["uplift_at"]) == {"uplift@10%", "uplift@20%", "uplift@30%"}
    assert report["rows_train"] + report["rows_test"] == 2_700


def test_evaluate_compares_the_learners_asked_for(app: typer.Typer, experiment: Path) -> None:
    """``--learners`` names the candidates shown (each once), ``auto`` choosing among them (the
    S-learner with interactions is not one of ``auto``'s own)."""
    base = ["uplift", "evaluate", "--data", str(experiment), *GROUPS, "--exclude", "customer_id"]
    result = runner.invoke(app, [*base, "--learners", "si, t,si", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output[result.output.index("{") :])
    names = [learner["name"] for learner in report["learners"]]
    assert len(names) == 4 and names[-1] == "logistic baseline"
    assert names[-2] in (f"auto → {names[0]}", f"auto → {names[1]}")
    assert names[:2] == ["t", "si"]  # simplest first, as auto's grid orders them
    refused = runner.invoke(app, [*base, "--learners", "t,rf"])
    assert refused.exit_code == 2
    assert "--learners: rf; expected a comma-separated list of t, x, ct, s, si" in refused.output


def test_evaluate_table(app: typer.Typer, experiment: Path) -> None:
    result = runner.invoke(app, ["uplift", "evaluate", "--data", str(experiment), *GROUPS])
    assert result.exit_code == 0, result.output
    assert "logistic baseline" in result.output and "Qini coefficient" in result.output


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["--treatment", "arm=phone", "--control", "arm=none", "--outcome", "accepted"],
            "no row has arm='phone'",
        ),
        (
            ["--treatment", "arm=call", "--control", "arm=never", "--outcome", "accepted"],
            "values in that column",
        ),
        (
            ["--treatment", "arm=call", "--control", "segment=new", "--outcome", "accepted"],
            "same column",
        ),
        (
            ["--treatment", "arm=call", "--control", "arm=none", "--outcome", "region"],
            "must be 0/1",
        ),
        (
            [*GROUPS, "--features", "tenure_years", "--exclude", "region"],
            "either --features or --exclude",
        ),
        (["--treatment", "arm", "--control", "arm=none", "--outcome", "accepted"], "COLUMN=VALUE"),
        ([*GROUPS, "--method", "sx"], "--method must be auto, t, x, ct, s or si; got 'sx'"),
    ],
)
def test_fit_refusals(
    app: typer.Typer, experiment: Path, tmp_path: Path, arguments: list[str], message: str
) -> None:
    result = runner.invoke(
        app,
        [
            "uplift",
            "fit",
            "--data",
            str(experiment),
            *arguments,
            "--model-out",
            str(tmp_path / "m"),
        ],
    )
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
    assert not (tmp_path / "m").exists()


def test_fit_the_s_learner_with_interactions_by_name(
    app: typer.Typer, experiment: Path, tmp_path: Path
) -> None:
    model_dir = tmp_path / "si"
    arguments = ["--method", "si", "--model-out", str(model_dir)]
    result = runner.invoke(app, ["uplift", "fit", "--data", str(experiment), *GROUPS, *arguments])
    assert result.exit_code == 0, result.output
    meta = json.loads((model_dir / "metadata.json").read_text())
    assert (meta["method"], meta["requested_method"]) == ("si", "si")
    assert sorted(p.name for p in model_dir.iterdir()) == ["metadata.json", "si.txt"]


def test_score_refuses_a_table_missing_a_feature(
    app: typer.Typer, experiment: Path, tmp_path: Path
) -> None:
    model_dir = tmp_path / "model"
    runner.invoke(
        app, ["uplift", "fit", "--data", str(experiment), *GROUPS, "--model-out", str(model_dir)]
    )
    thin = tmp_path / "thin.csv"
    pl.read_csv(experiment).drop("data_usage").write_csv(thin)
    result = runner.invoke(
        app,
        [
            "uplift",
            "score",
            "--model",
            str(model_dir),
            "--data",
            str(thin),
            "--out",
            str(tmp_path / "o.csv"),
        ],
    )
    assert result.exit_code == 2
    assert "'data_usage'" in result.output
    assert not (tmp_path / "o.csv").exists()


def test_outcome_parsing() -> None:
    values, kind = parse_outcome(pl.Series("y", ["Yes", "no", " TRUE", "0"]))
    assert values.tolist() == [1, 0, 1, 0] and kind == "binary"
    values, kind = parse_outcome(pl.Series("spend", [0.0, 12.5, 3.0]))
    assert kind == "continuous"
    with pytest.raises(ValueError, match=r"not binary: values such as 12\.5"):
        parse_outcome(pl.Series("spend", [0.0, 12.5, 1.0]), "binary")
    with pytest.raises(ValueError, match="empty in 1 row\\(s\\); first at data row 2"):
        parse_outcome(pl.Series("y", [1, None, 0]))
