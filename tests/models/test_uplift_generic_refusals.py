"""Bad inputs to ``goodcall uplift``: each is ``error: ...`` with exit code 2, nothing written.

Bad inputs tried on ``fit`` (and ``evaluate``): a 30-row table, a 800-row table (each tree would
be a single leaf), no positive outcome in the control group, 3 positives in a group, a
treatment value absent from the column (the error lists the values, and suggests the value
differing only by case or spaces), a group column that does not exist, an outcome column that
does not exist (the error lists the columns), the outcome or the group column picked with
``--features``, the group column used as the outcome, treatment and control values selecting
the same rows (``1`` and ``1.0``), a header naming a column twice, an unreadable Parquet file,
a --test-share out of range, a continuous outcome constant in every row.
Bad inputs tried on ``score``: a table lacking a feature column, a numeric feature that now
holds text; accepted: a feature empty in every row, ``NA`` markers in a numeric feature.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest
import typer
from typer.testing import CliRunner

from goodcall.models.uplift.reading import sniff_separator

runner = CliRunner()
GROUPS = ["--treatment", "treatment=1", "--control", "treatment=0"]
FIT = [*GROUPS, "--outcome", "y"]


def _table(n: int = 3_000, seed: int = 0) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4))
    treated = rng.random(n) < 0.5
    p = 1 / (1 + np.exp(-(-1 + x[:, 0] + treated * 0.5 * (x[:, 1] > 0))))
    return pl.DataFrame(
        {
            "age": np.round(30 + 10 * x[:, 0], 1),
            "score": x[:, 1],
            "calls": rng.integers(0, 9, size=n),
            "plan": rng.choice(["basic", "plus", "max"], size=n),
            "treatment": treated.astype(np.int64),
            "y": (rng.random(n) < p).astype(np.int64),
        }
    )


def _said(result: object) -> str:
    return " ".join(result.output.split())  # type: ignore[attr-defined]


def _fit(app: typer.Typer, data: Path, options: list[str], out: Path) -> object:
    return runner.invoke(
        app, ["uplift", "fit", "--data", str(data), *options, "--model-out", str(out)]
    )


def _control_without_positive(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        y=pl.when(pl.col("treatment") == 0).then(0).otherwise(pl.col("y")),
    )


def _few_treated_positives(frame: pl.DataFrame) -> pl.DataFrame:
    keep = (pl.col("treatment") == 1) & (pl.col("y") == 1) & (pl.int_range(pl.len()) > 100)
    return frame.with_columns(y=pl.when(keep).then(0).otherwise(pl.col("y")))


CASES = [
    ("tiny-30-rows", lambda f: f.head(30), FIT, "too few rows to learn an uplift model"),
    ("800-rows", lambda f: f.head(800), FIT, "each group needs at least 572 rows"),
    ("no-control-positive", _control_without_positive, FIT, "'y' is 1 (positive) in only 0"),
    ("3-treated-positives", _few_treated_positives, FIT, "treated rows; at least 17 are needed"),
    ("absent-value", None, ["--treatment", "treatment=2", "--control", "treatment=0",
     "--outcome", "y"], "no row has treatment='2'; values in that column (Int64): '0', '1'"),
    ("no-group-column", None, ["--treatment", "arm=1", "--control", "arm=0", "--outcome", "y"],
     "no column 'arm' in the data (columns: age, score"),
    ("no-outcome-column", None, [*GROUPS, "--outcome", "conversion"],
     "no outcome column 'conversion' (columns: age, score, calls, plan, treatment, y)"),
    ("outcome-as-feature", None, [*FIT, "--features", "age,y"], "'y' cannot be a feature"),
    ("group-as-feature", None, [*FIT, "--features", "treatment"], "'treatment' cannot be a"),
    ("group-as-outcome", None, [*GROUPS, "--outcome", "treatment"], "both the group column"),
    ("same-rows", None, ["--treatment", "treatment=1", "--control", "treatment=1.0",
     "--outcome", "y"], "select the same"),
    ("unknown-exclude", None, [*FIT, "--exclude", "nope"], "unknown column(s) 'nope'"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "options", "message"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_fit_refusals(
    app: typer.Typer, tmp_path: Path, change: object, options: list[str], message: str
) -> None:
    frame = _table()
    if callable(change):
        frame = change(frame)
    data = tmp_path / "data.csv"
    frame.write_csv(data)
    result = _fit(app, data, options, tmp_path / "model")
    assert result.exit_code == 2, _said(result)  # type: ignore[attr-defined]
    assert "error:" in _said(result) and message in _said(result)
    assert str(data) in _said(result)
    assert not (tmp_path / "model").exists()


def test_suggests_the_value_that_differs_by_case_or_spaces(
    app: typer.Typer, tmp_path: Path
) -> None:
    frame = _table().with_columns(
        arm=pl.when(pl.col("treatment") == 1).then(pl.lit(" Email A")).otherwise(pl.lit("None"))
    )
    data = tmp_path / "data.csv"
    frame.write_csv(data)
    options = ["--treatment", "arm=email a", "--control", "arm=None", "--outcome", "y"]
    result = _fit(app, data, [*options, "--exclude", "treatment"], tmp_path / "m")
    assert result.exit_code == 2
    assert "(did you mean ' Email A'?)" in _said(result)


def test_unreadable_files(app: typer.Typer, tmp_path: Path) -> None:
    """A header naming a column twice, and a Parquet file that is not one."""
    twice = tmp_path / "twice.csv"
    twice.write_text("age,age,treatment,y\n" + "1,2,1,0\n" * 50)
    result = _fit(app, twice, FIT, tmp_path / "m")
    assert result.exit_code == 2 and "names column(s) 'age' more than once" in _said(result)
    fake = tmp_path / "fake.parquet"
    fake.write_text("age,treatment,y\n1,1,0\n")
    result = _fit(app, fake, FIT, tmp_path / "m")
    assert result.exit_code == 2 and "cannot read as Parquet" in _said(result)
    assert not (tmp_path / "m").exists()


def test_evaluate_refusals(app: typer.Typer, tmp_path: Path) -> None:
    """Too few rows for a held-out half, a --test-share out of range, a constant spend."""
    data = tmp_path / "data.csv"
    _table(2_000).write_csv(data)
    for extra, message in (
        ([], "each group needs at least 1,143 rows"),
        (["--test-share", "0.99"], "--test-share must be in [0.05, 0.9]"),
    ):
        result = runner.invoke(app, ["uplift", "evaluate", "--data", str(data), *FIT, *extra])
        assert result.exit_code == 2 and message in _said(result)
    flat = tmp_path / "flat.csv"
    _table().with_columns(y=pl.lit(12.5)).write_csv(flat)
    result = runner.invoke(app, ["uplift", "evaluate", "--data", str(flat), *FIT])
    assert result.exit_code == 2 and "'y' is 12.5 in every row" in _said(result)


@pytest.fixture(scope="module")
def model(app: typer.Typer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("model")
    data = base / "train.csv"
    _table().write_csv(data)
    result = _fit(app, data, FIT, base / "model")
    assert result.exit_code == 0, _said(result)
    return base / "model"


def _score(app: typer.Typer, model: Path, frame: pl.DataFrame, tmp_path: Path) -> object:
    data = tmp_path / "new.csv"
    frame.write_csv(data)
    return runner.invoke(
        app,
        ["uplift", "score", "--model", str(model), "--data", str(data),
         "--out", str(tmp_path / "out.csv")],
    )  # fmt: skip


def test_score_refuses_a_missing_feature(app: typer.Typer, model: Path, tmp_path: Path) -> None:
    result = _score(app, model, _table(seed=1).drop("score", "treatment", "y"), tmp_path)
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert "lacks feature column(s) 'score'" in _said(result)
    assert not (tmp_path / "out.csv").exists()


def test_score_refuses_text_in_a_numeric_feature(
    app: typer.Typer, model: Path, tmp_path: Path
) -> None:
    changed = _table(seed=1).with_columns(pl.format("{} yrs", pl.col("age")).alias("age"))
    result = _score(app, model, changed, tmp_path)
    assert result.exit_code == 2  # type: ignore[attr-defined]
    said = _said(result)
    assert "column 'age' must be numeric (trained as Float64)" in said and "yrs'" in said
    assert not (tmp_path / "out.csv").exists()


def test_score_reads_empty_and_na_cells_as_missing(
    app: typer.Typer, model: Path, tmp_path: Path
) -> None:
    """New customers whose ``score`` is unknown for all and ``age`` is ``NA`` for some."""
    frame = _table(seed=1).drop("treatment", "y")
    frame = frame.with_columns(
        pl.lit(None, pl.Float64).alias("score"),
        pl.when(pl.int_range(pl.len()) % 4 == 0)
        .then(pl.lit("NA"))
        .otherwise(pl.col("age").cast(pl.String))
        .alias("age"),
    )
    result = _score(app, model, frame, tmp_path)
    assert result.exit_code == 0, _said(result)  # type: ignore[attr-defined]
    scored = pl.read_csv(tmp_path / "out.csv")
    assert scored.height == 3_000 and scored["uplift"].null_count() == 0


@pytest.mark.parametrize(
    ("header", "separator"),
    [("a,b,c", ","), ("a;b;c", ";"), ("a\tb\tc", "\t"), ('"x;y",b', ","), ("single", ",")],
)
def test_separator_detection(header: str, separator: str) -> None:
    assert sniff_separator(header) == separator
