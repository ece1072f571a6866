"""``goodcall uplift``: fit, score and evaluate uplift models on any experiment table.

Tables are CSV (``,``/``;``/tab/``|`` separated, detected from the header) or Parquet
(``.parquet``/``.pq``); see ``reading``. Every refusal is printed as ``error: ...`` with exit
code 2 and names the file, column or value at fault and what was expected.

Heavy libraries (Polars, LightGBM, scikit-learn) are imported inside the commands, so that
``goodcall --help`` stays instant.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal, cast

import typer
from rich.console import Console
from rich.table import Table

from goodcall.output import JsonOption, echo_json, plain, print_error
from goodcall.progress import progress_bar
from goodcall.writing import write_csv

if TYPE_CHECKING:
    from goodcall.models.uplift.evaluation import EvaluationReport
    from goodcall.models.uplift.learners import Method
    from goodcall.models.uplift.tabular import LearningPlan, UpliftTable

uplift_app = typer.Typer(
    help="Uplift models: who will a contact persuade, and whom would it push away?",
    no_args_is_help=True,
)
console = Console()
errors = Console(stderr=True)

DataOption = Annotated[
    Path,
    typer.Option(
        "--data", help="Table: CSV (separator , ; tab or | detected) or Parquet (.parquet, .pq)."
    ),
]
TreatmentOption = Annotated[
    str,
    typer.Option("--treatment", help="Treated group as COLUMN=VALUE, e.g. segment=Womens E-Mail"),
]
ControlOption = Annotated[
    str, typer.Option("--control", help="Control group as COLUMN=VALUE, e.g. segment=No E-Mail")
]
OutcomeOption = Annotated[
    str, typer.Option("--outcome", help="Outcome column: 0/1, true/false, yes/no or a number.")
]
FeaturesOption = Annotated[
    str | None, typer.Option("--features", help="Comma-separated feature columns (default: all).")
]
ExcludeOption = Annotated[
    str | None,
    typer.Option("--exclude", help="Comma-separated columns to leave out (other outcomes!)."),
]
SeedOption = Annotated[int, typer.Option("--seed", help="Seed of every split and model.")]


def register(app: typer.Typer) -> None:
    """Attach ``goodcall uplift`` to the main application."""
    app.add_typer(uplift_app, name="uplift")


def learner_list(text: str | None) -> tuple[Method, ...]:
    """``t,x,s`` → the learners, each once (None: ``auto``'s own); an unknown name is an error
    naming it and the known ones."""
    from goodcall.models.uplift.learners import AUTO_METHODS, METHODS

    if text is None:
        return AUTO_METHODS
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in METHODS]
    if unknown or not names:
        raise ValueError(
            f"--learners: {', '.join(unknown) or 'none given'}; expected a comma-separated list "
            f"of {', '.join(METHODS)}"
        )
    return tuple(cast("Method", n) for n in dict.fromkeys(names))


def _fail(error: Exception) -> None:
    print_error(str(error))
    raise typer.Exit(code=2)


def _in_file(data: Path, error: ValueError) -> ValueError:
    """The error with the file it is about, when its message does not name it yet."""
    return error if str(error).startswith(str(data)) else ValueError(f"{data}: {error}")


def _split_list(text: str | None) -> list[str] | None:
    return None if text is None else [item.strip() for item in text.split(",") if item.strip()]


def _load_table(
    data: Path,
    treatment: str,
    control: str,
    outcome: str,
    features: str | None,
    exclude: str | None,
    plan: LearningPlan,
) -> UpliftTable:
    """Read, select and check the table; print what was read and what was left out."""
    from goodcall.models.uplift.tabular import (
        GroupValue,
        check_learnable,
        prepare_uplift_table,
        read_table,
    )

    groups = GroupValue.parse(treatment, "--treatment"), GroupValue.parse(control, "--control")
    frame = read_table(data)
    try:
        table = prepare_uplift_table(
            frame,
            treatment=groups[0],
            control=groups[1],
            outcome=outcome,
            features=_split_list(features),
            exclude=_split_list(exclude) or (),
        )
    except ValueError as error:
        raise _in_file(data, error) from error
    treated = int(table.treated.sum())
    errors.print(
        plain(
            f"{data}: {table.rows_read:,} rows read, {table.rows_dropped:,} dropped (neither "
            f"group), {treated:,} treated, {table.treated.size - treated:,} control; outcome "
            f"{outcome!r} ({table.outcome_kind}); {table.features.width} feature columns: "
            f"{', '.join(table.features.columns)}"
        )
    )
    for column, reason in table.skipped.items():
        errors.print(plain(f"note: column {column!r} not used as a feature: it {reason}"))
    try:
        check_learnable(table, outcome, plan)
    except ValueError as error:
        raise _in_file(data, error) from error
    return table


@uplift_app.command("fit")
def fit_command(
    data: DataOption,
    treatment: TreatmentOption,
    control: ControlOption,
    outcome: OutcomeOption,
    model_out: Annotated[Path, typer.Option("--model-out", help="Directory to write.")],
    features: FeaturesOption = None,
    exclude: ExcludeOption = None,
    method: Annotated[str, typer.Option("--method", help="auto, t, x, ct, s or si.")] = "auto",
    seed: SeedOption = 0,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace DIR.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Fit an uplift model and save it (metadata.json + LightGBM text files)."""
    from goodcall.models.uplift import LightGBMParams, UpliftInputError, fit_uplift
    from goodcall.models.uplift.fit import VALIDATION_SHARE
    from goodcall.models.uplift.learners import METHODS
    from goodcall.models.uplift.storage import ModelDirectoryError
    from goodcall.models.uplift.tabular import LearningPlan

    plan = LearningPlan.for_fit(VALIDATION_SHARE, LightGBMParams().min_child_samples)
    try:
        if method != "auto" and method not in METHODS:
            named = ", ".join(("auto", *METHODS[:-1])) + f" or {METHODS[-1]}"
            raise UpliftInputError(f"--method must be {named}; got {method!r}")
        table = _load_table(data, treatment, control, outcome, features, exclude, plan)
        with progress_bar("uplift fit") as progress:
            progress("fitting uplift learners", 0, 0)
            model = fit_uplift(
                table.features,
                table.treated,
                table.outcome,
                method=cast('Method | Literal["auto"]', method),
                seed=seed,
            )
            path = model.save(model_out, overwrite=overwrite)
    except (ValueError, ModelDirectoryError) as error:
        _fail(error)
        return
    for column, reason in model.encoder.skipped.items():
        errors.print(plain(f"note: column {column!r} not used as a feature: {reason}"))
    if as_json:
        echo_json({"out": str(path)} | model.metadata.model_dump(mode="json"))
        return
    table_out = Table(title=f"Candidates on held-out validation rows ({method})")
    for header in ("learner", "Qini coefficient", "AUUC", "SE vs first", "chosen"):
        table_out.add_column(header)
    for score in model.metadata.candidates:
        table_out.add_row(
            score.label,
            _fmt(score.qini_coefficient),
            _fmt(score.auuc),
            _fmt(score.qini_gain_se),
            "✓" if score.chosen else "",
        )
    console.print(table_out)
    console.print(f"saved [bold]{model.metadata.method}[/] model to {plain(path)}")


@uplift_app.command("score")
def score_command(
    model: Annotated[Path, typer.Option("--model", help="Model directory from `uplift fit`.")],
    data: DataOption,
    out: Annotated[Path, typer.Option("--out", help="CSV to write: data + uplift columns.")],
    as_json: JsonOption = False,
) -> None:
    """Add uplift, p_control and p_treated columns to a table."""
    import polars as pl

    from goodcall.models.uplift import load_uplift_model
    from goodcall.models.uplift.reading import align_for_scoring, read_table
    from goodcall.models.uplift.storage import ModelDirectoryError

    try:
        fitted = load_uplift_model(model)
    except (ValueError, ModelDirectoryError) as error:
        _fail(error)
        return
    try:
        frame = read_table(data)
        aligned = align_for_scoring(frame, fitted.encoder)
        uplift = fitted.predict(aligned)
        p_control, p_treated = fitted.predict_outcomes(aligned)
    except ValueError as error:
        _fail(_in_file(data, error))
        return
    replaced = [c for c in ("uplift", "p_control", "p_treated") if c in frame.columns]
    scored = frame.with_columns(
        pl.Series("uplift", uplift),
        pl.Series("p_control", p_control),
        pl.Series("p_treated", p_treated),
    )
    write_csv(scored, out)  # atomic; text cells escaped against spreadsheet formulas
    if replaced:
        errors.print(plain(f"note: replaced existing column(s) {', '.join(replaced)}"))
    if as_json:
        echo_json({"out": str(out), "rows": scored.height, "replaced": replaced})
    else:
        console.print(plain(f"scored {scored.height:,} rows → {out}"))


@uplift_app.command("evaluate")
def evaluate_command(
    data: DataOption,
    treatment: TreatmentOption,
    control: ControlOption,
    outcome: OutcomeOption,
    features: FeaturesOption = None,
    exclude: ExcludeOption = None,
    test_share: Annotated[float, typer.Option("--test-share", help="Held-out share.")] = 0.5,
    seed: SeedOption = 0,
    learners: Annotated[
        str | None,
        typer.Option(
            "--learners",
            help="The learners compared (comma-separated, of t, x, ct, s, si); auto chooses "
            "among them. Default: auto's own.",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Compare our learners with the two-model logistic baseline on a held-out split."""
    from goodcall.models.uplift import LightGBMParams
    from goodcall.models.uplift.evaluation import evaluate_uplift
    from goodcall.models.uplift.fit import VALIDATION_SHARE
    from goodcall.models.uplift.tabular import LearningPlan

    try:
        methods = learner_list(learners)
        plan = LearningPlan.for_evaluate(
            test_share, VALIDATION_SHARE, LightGBMParams().min_child_samples
        )
        table = _load_table(data, treatment, control, outcome, features, exclude, plan)
        with progress_bar("uplift evaluate") as progress:
            report = evaluate_uplift(
                table.features,
                table.treated,
                table.outcome,
                test_share=test_share,
                seed=seed,
                progress=lambda message: progress(message, 0, 0),
                methods=methods,
            )
    except ValueError as error:
        _fail(error)
        return
    if as_json:
        echo_json(report.to_dict())
        return
    _print_report(report)


def _fmt(value: float | None, digits: int = 4) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _print_report(report: EvaluationReport) -> None:
    effect = report.test_effect
    console.print(
        f"held-out rows: {report.rows_test:,} (trained on {report.rows_train:,}); measured "
        f"effect {effect.effect:+.4f} [{effect.lower:+.4f}, {effect.upper:+.4f}] "
        f"(treated {effect.rate_treated:.4f} vs control {effect.rate_control:.4f})"
    )
    ks = list(report.baseline.uplift_at)
    table = Table(title="Held-out scores (ratio to the logistic baseline)")
    for header in ("learner", "Qini coefficient", "AUUC", *ks):
        table.add_column(header, justify="right" if header != "learner" else "left")
    for learner in report.learners:
        cells = [learner.name]
        for metric, value in (
            ("qini_coefficient", learner.qini_coefficient),
            ("auuc", learner.auuc),
            *((k, learner.uplift_at[k]) for k in ks),
        ):
            ratio = report.ratio(learner, metric)
            cells.append(_fmt(value) + ("" if ratio is None else f" ({ratio:.2f}×)"))
        style = "bold" if learner.role == "auto" else None
        table.add_row(*cells, style=style)
    console.print(table)
