"""``goodcall uplift fit | score | evaluate`` on tables shaped like public uplift data sets.

Generated (seeded) stand-ins for tables users bring, each run end to end through the CLI:

* Criteo-like: ``f0..f11`` floats only, ``treatment`` 0/1, ``conversion`` 0/1 and the other
  outcomes ``visit``/``exposure`` excluded;
* MegaFon-like: ``X_1..X_50`` floats (52 columns), ``treatment_group`` "treatment"/"control"
  strings, an integer ``id`` column (row number, left out automatically);
* Lenta-like: ``group`` "test"/"control", ``response_att`` as float 0.0/1.0, nulls scattered in
  numeric and string columns, a column empty in every row, a constant column, a categorical
  with many repeated values (store id);
* X5-like: ``client_id`` strings, ``treatment_flg`` true/false, ``target`` yes/no;
* a company A/B export: ``;``-separated with decimal commas, column names with spaces and
  dots, quoted fields with commas, a group value with spaces, very unbalanced groups
  (85 % treated), and a continuous outcome (spend);
* the same table as Parquet.

Each fit must succeed, the scores of new customers (a table without the group and outcome
columns) must be finite with ``p_treated − p_control`` equal to ``uplift`` where no clipping
applies, and the columns left out must be reported.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
import typer
from typer.testing import CliRunner

runner = CliRunner()
N = 3_000


@dataclass(frozen=True)
class Experiment:
    """Two drivers ``a`` (response) and ``b`` (uplift), treatment flags, a binary response."""

    treated: np.ndarray
    y: np.ndarray
    a: np.ndarray
    b: np.ndarray
    rng: np.random.Generator


def _experiment(n: int, seed: int, share: float = 0.5) -> Experiment:
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=n), rng.normal(size=n)
    treated = rng.random(n) < share
    p = 1 / (1 + np.exp(-(-1.0 + 0.8 * a + treated * (0.3 + 0.6 * (b > 0)))))
    return Experiment(treated, rng.random(n) < p, a, b, rng)


def astuple_(e: Experiment) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, Any]:
    return e.treated, e.y, e.a, e.b, e.rng


@dataclass(frozen=True)
class Shape:
    """A generated table, the CLI options naming its groups and outcome, and what to expect."""

    frame: pl.DataFrame
    options: list[str]
    group_outcome: tuple[str, str]
    skipped: tuple[str, ...] = ()
    kind: str = "binary"
    separator: str = ","
    parquet: bool = False


def _criteo(seed: int) -> Shape:
    treated, y, a, b, rng = astuple_(_experiment(N, seed))
    floats = {f"f{i}": rng.normal(size=N) for i in range(12)}
    floats["f0"], floats["f1"] = a, b
    frame = pl.DataFrame(floats).with_columns(
        treatment=pl.Series(treated.astype(np.int64)),
        conversion=pl.Series(y.astype(np.int64)),
        visit=pl.Series((y | (rng.random(N) < 0.1)).astype(np.int64)),
        exposure=pl.Series((treated & (rng.random(N) < 0.9)).astype(np.int64)),
    )
    options = ["--treatment", "treatment=1", "--control", "treatment=0"]
    return Shape(
        frame, [*options, "--outcome", "conversion", "--exclude", "visit,exposure"],
        ("treatment", "conversion"),
    )  # fmt: skip


def _megafon(seed: int) -> Shape:
    treated, y, a, b, rng = astuple_(_experiment(N, seed))
    columns = {"id": np.arange(N)} | {f"X_{i}": rng.normal(size=N) for i in range(1, 51)}
    columns["X_1"], columns["X_2"] = a, b
    frame = pl.DataFrame(columns).with_columns(
        treatment_group=pl.Series(np.where(treated, "treatment", "control")),
        conversion=pl.Series(y.astype(np.int64)),
    )
    options = ["--treatment", "treatment_group=treatment", "--control", "treatment_group=control"]
    return Shape(
        frame, [*options, "--outcome", "conversion"], ("treatment_group", "conversion"),
        skipped=("id",),
    )  # fmt: skip


def _lenta(seed: int) -> Shape:
    treated, y, a, b, rng = astuple_(_experiment(N, seed))
    gaps = rng.random(N) < 0.15
    frame = pl.DataFrame(
        {
            "age": np.where(gaps, np.nan, 20 + 40 * rng.random(N)),
            "gender": np.where(rng.random(N) < 0.5, "Ж", "М"),
            "main_format": rng.integers(0, 2, size=N),
            "store": np.char.add("S", rng.integers(0, 900, size=N).astype(str)),
            "k_var_a": a,
            "k_var_b": b,
            "group": np.where(treated, "test", "control"),
            "response_att": y.astype(np.float64),
        }
    ).with_columns(
        pl.col("age").fill_nan(None),
        pl.when(pl.Series(rng.random(N) < 0.1))
        .then(None)
        .otherwise(pl.col("gender"))
        .alias("gender"),
        pl.lit(None, pl.Float64).alias("promo_empty"),
        pl.lit("RU").alias("country"),
    )
    options = ["--treatment", "group=test", "--control", "group=control"]
    return Shape(
        frame, [*options, "--outcome", "response_att"], ("group", "response_att"),
        skipped=("promo_empty", "country"),
    )  # fmt: skip


def _x5(seed: int) -> Shape:
    treated, y, a, b, rng = astuple_(_experiment(N, seed))
    frame = pl.DataFrame(
        {
            "client_id": [f"{i:08x}" for i in rng.permutation(N * 10)[:N]],
            "age": rng.integers(18, 80, size=N),
            "purchase_sum": a * 100 + 500,
            "visits": b,
            "treatment_flg": treated,
            "target": np.where(y, "Yes", "no"),
        }
    )
    options = ["--treatment", "treatment_flg=True", "--control", "treatment_flg=false"]
    return Shape(
        frame, [*options, "--outcome", "target"], ("treatment_flg", "target"),
        skipped=("client_id",),
    )  # fmt: skip


def _export(seed: int, parquet: bool = False) -> Shape:
    treated, y, a, b, rng = astuple_(_experiment(8_000, seed, share=0.85))
    n = treated.size
    frame = pl.DataFrame(
        {
            "tenure years": np.round(a * 3 + 10, 2),
            "score.v2": np.round(b, 3),
            "city": np.where(rng.random(n) < 0.5, "Lyon, FR", 'Paris "centre"'),
            "arm": np.where(treated, "Offer A 10%", "No offer"),
            "spend": np.round(y * rng.gamma(2.0, 30.0, size=n) * (1 + 0.3 * (b > 0)), 2),
        }
    )
    options = ["--treatment", "arm=Offer A 10%", "--control", "arm=No offer"]
    return Shape(
        frame, [*options, "--outcome", "spend"], ("arm", "spend"), kind="continuous",
        separator=";", parquet=parquet,
    )  # fmt: skip


SHAPES: dict[str, Callable[[int], Shape]] = {
    "criteo": _criteo,
    "megafon": _megafon,
    "lenta": _lenta,
    "x5": _x5,
    "export-semicolon-spend-unbalanced": _export,
    "export-parquet": lambda seed: _export(seed, parquet=True),
}


def _write(shape: Shape, path: Path) -> Path:
    if shape.parquet:
        shape.frame.write_parquet(path.with_suffix(".parquet"))
        return path.with_suffix(".parquet")
    if shape.separator == ";":  # a spreadsheet export: decimal commas
        text = shape.frame.write_csv(separator=";", float_precision=3)
        path.write_text(_decimal_commas(text))
    else:
        shape.frame.write_csv(path)
    return path


def _decimal_commas(text: str) -> str:
    import re

    return re.sub(r"(?<=\d)\.(?=\d)", ",", text)


@pytest.mark.parametrize("name", list(SHAPES))
def test_fit_then_score_new_customers(app: typer.Typer, tmp_path: Path, name: str) -> None:
    """Fit on each shape; score a table of new customers (no group or outcome column)."""
    shape = SHAPES[name](seed=1)
    data = _write(shape, tmp_path / f"{name}.csv")
    model_dir = tmp_path / "model"
    result = runner.invoke(
        app, ["uplift", "fit", "--data", str(data), *shape.options, "--model-out", str(model_dir)]
    )
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())
    for column in shape.skipped:
        assert f"column {column!r} not used as a feature" in output
    metadata = json.loads((model_dir / "metadata.json").read_text())
    assert metadata["outcome_kind"] == shape.kind
    kinds = {spec["name"]: spec["kind"] for spec in metadata["features"]["features"]}
    assert not set(kinds) & {*shape.group_outcome, *shape.skipped}
    floats = [c for c, t in shape.frame.schema.items() if t == pl.Float64 and c in kinds]
    assert floats and all(kinds[c] == "numeric" for c in floats)  # decimal commas, NA: numbers

    new = SHAPES[name](seed=2).frame.drop(*shape.group_outcome).head(500)
    new_path = _write(Shape(new, [], ("", ""), separator=shape.separator), tmp_path / "new.csv")
    out = tmp_path / "scored.csv"
    result = runner.invoke(
        app, ["uplift", "score", "--model", str(model_dir), "--data", str(new_path),
              "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    scored = pl.read_csv(out, separator=",")
    assert scored.height == 500
    values = scored.select("uplift", "p_control", "p_treated").to_numpy()
    assert np.isfinite(values).all()
    unclipped = (values[:, 2] > 0) & (values[:, 2] < 1) if shape.kind == "binary" else ...
    gap = values[unclipped, 2] - values[unclipped, 1] - values[unclipped, 0]
    assert np.abs(gap).max() < 1e-6
    assert np.ptp(values[:, 0]) > 0  # not one uplift for everyone


@pytest.mark.parametrize("name", ["criteo", "x5", "lenta"])
def test_evaluate(app: typer.Typer, tmp_path: Path, name: str) -> None:
    """Held-out comparison on three shapes: every learner scored, auto and baseline last."""
    shape = SHAPES[name](seed=3)
    data = _write(shape, tmp_path / f"{name}.csv")
    result = runner.invoke(
        app, ["uplift", "evaluate", "--data", str(data), *shape.options, "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output[result.output.index("{") :])
    names = [learner["name"] for learner in report["learners"]]
    assert names[-1] == "logistic baseline" and names[-2].startswith("auto → ")
    assert all(np.isfinite(learner["qini_coefficient"]) for learner in report["learners"])


def test_group_values_match_in_the_column_type(app: typer.Typer, tmp_path: Path) -> None:
    """``treatment=1`` selects a float column's 1.0 rows; ``flag=TRUE`` a boolean column's."""
    treated, y, a, b, _ = astuple_(_experiment(N, 4))
    frame = pl.DataFrame(
        {"a": a, "b": b, "arm": treated.astype(np.float64), "flag": treated, "y": y.astype(int)}
    )
    data = tmp_path / "t.csv"
    frame.write_csv(data)
    for groups in (["arm=1", "arm=0.0"], ["flag=TRUE", "flag=0"]):
        other = "flag" if groups[0].startswith("arm") else "arm"
        result = runner.invoke(
            app,
            ["uplift", "fit", "--data", str(data), "--treatment", groups[0], "--control",
             groups[1], "--outcome", "y", "--exclude", other,
             "--model-out", str(tmp_path / groups[0])],
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        assert f"{int(treated.sum()):,} treated" in result.output
