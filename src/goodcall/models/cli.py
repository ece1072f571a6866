"""``goodcall models train`` and ``goodcall models health``.

Heavy libraries (Polars, LightGBM) are imported inside the commands.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from goodcall import clock
from goodcall.output import FINDINGS, JsonOption, echo_json, print_error

if TYPE_CHECKING:
    from rich.console import Console

    from goodcall.models.health import HealthReport
    from goodcall.models.registry import ModelSet

models_app = typer.Typer(help="Train response and annoyance models, check their health.")

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        "--data",
        help="Store URL to read (default $GOODCALL_DB_URL, else sqlite:///goodcall.db).",
        show_default=False,
    ),
]
AtOption = Annotated[
    str | None,
    typer.Option(
        "--at",
        help="Time as of which to train or check (ISO 8601 with offset; default: now).",
        show_default=False,
    ),
]
STATUS_STYLE = {"healthy": "green", "warning": "yellow", "drifted": "bold red"}


def parse_at(text: str | None) -> dt.datetime:
    """``--at`` as an aware UTC datetime (now, when omitted); a bad value is a usage error."""
    try:
        return clock.parse_at(text).astimezone(dt.UTC)
    except clock.AtError as err:
        raise typer.BadParameter(str(err)) from None


def _console(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr)


def _fail(message: str) -> typer.Exit:
    print_error(message)
    return typer.Exit(2)


@models_app.command("train")
def train_command(
    out: Annotated[Path, typer.Option("--out", help="Directory of the model set to write.")],
    db: DbOption = None,
    at: AtOption = None,
    seed: Annotated[int, typer.Option(help="Random seed of the learners.")] = 0,
    method: Annotated[str, typer.Option(help="auto (by held-out Qini), t, x, ct or s.")] = "auto",
    catalog: Annotated[
        Path | None, typer.Option(help="Offer catalog YAML (default: shipped example).")
    ] = None,
    overwrite: Annotated[bool, typer.Option(help="Replace an existing model set.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Train a model set on the stored contact history before --at."""
    from goodcall.catalog.loader import load_catalog
    from goodcall.models.inputs import offer_table
    from goodcall.models.registry import ModelSetError, train_model_set
    from goodcall.models.rows import HistoryError, training_rows
    from goodcall.progress import progress_bar
    from goodcall.store.config import StoreUnavailableError
    from goodcall.store.reader import load_profiles, load_tables
    from goodcall.writing import OutputError, check_outputs

    cutoff = parse_at(at)
    try:
        check_outputs({"--out": out}, [catalog], folders=["--out"])
    except OutputError as err:
        raise _fail(str(err)) from err
    offers = load_catalog(catalog).offers
    try:
        with progress_bar("models train") as progress:
            progress("reading the contact history", 0, 1)
            rows = training_rows(load_tables(db), cutoff, offer_table(offers))
            population = load_profiles(cutoff, db).collect()  # the drift checks' reference
            models = train_model_set(
                rows, list(offers), cutoff=cutoff, trained_at=dt.datetime.now(dt.UTC), seed=seed,
                method=method, progress=progress, population=population,
            )  # fmt: skip
        models.save(out, overwrite=overwrite)
    except (HistoryError, ModelSetError, StoreUnavailableError) as err:
        raise _fail(str(err)) from err
    if as_json:
        echo_json({"out": str(out)} | models.metadata.model_dump(mode="json"))
    else:
        _show_training(models, out)


def _show_training(models: ModelSet, out: Path) -> None:
    meta = models.metadata
    console = _console()
    console.print(
        f"[bold]model set[/] {out} — {meta.rows.total:,} contacts "
        f"({meta.rows.treated:,} treated, {meta.rows.control:,} control) from "
        f"{meta.rows.campaigns} campaigns before {meta.cutoff:%Y-%m-%d %H:%M}Z, "
        f"in {meta.training_seconds:.1f} s"
    )
    if meta.response is not None:
        resp = meta.response
        console.print(
            f"uplift: {resp.model_name}, held-out Qini {resp.scores.qini}, "
            f"AUUC {resp.scores.auuc} — used by the decisions"
        )
        if resp.structure == "pooled":
            console.print(
                f"uplift: specialised segments: {len(meta.segments)}; no reach-decomposed "
                f"model: {resp.reach_rejected}"
            )
    if meta.answer is not None:
        ans = meta.answer
        console.print(
            f"answer hours: {ans.attempts:,} calls ({ans.answered:,} answered) of "
            f"{ans.customers:,} customers; segment prior strength {ans.segment_strength:g}"
        )
    if meta.annoyance is not None:
        a = meta.annoyance
        console.print(
            f"annoyance: AUC {a.auc}, calibration error {a.ece:.4f} ({a.calibration}), "
            f"base rate {a.base_rate:.4f}"
        )


@models_app.command("health")
def health_command(
    directory: Annotated[Path, typer.Argument(help="A model set written by models train.")],
    db: DbOption = None,
    at: AtOption = None,
    current: Annotated[
        bool, typer.Option(help="Measure drift against the store's current profiles.")
    ] = True,
    as_json: JsonOption = False,
) -> None:
    """Check a model set: AUC band, calibration, uplift ranking, drift (PSI); exit 1 if drifted."""
    from goodcall.models.health import health_report
    from goodcall.models.registry import ModelSet, ModelSetError

    try:
        models = ModelSet.load(directory)
    except (ModelSetError, OSError) as err:
        raise _fail(str(err)) from err
    when = parse_at(at)
    profiles = None
    if current:
        from goodcall.store.reader import load_profiles

        profiles = load_profiles(when, db).collect()
    report = health_report(models, profiles, when)
    if as_json:
        echo_json({"status": report.status} | report.model_dump(mode="json"))
    else:
        _show_health(report)
    if report.status == "drifted":
        raise typer.Exit(FINDINGS)


def _show_health(report: HealthReport) -> None:
    from rich.table import Table

    console = _console()
    style = STATUS_STYLE[report.status]
    console.print(
        f"[bold]model health:[/] [{style}]{report.status}[/] "
        f"(trained {report.trained_at:%Y-%m-%d}, cut-off {report.cutoff:%Y-%m-%d})"
    )
    for title, checks in (("quality", report.checks), ("drift (PSI)", report.drift)):
        if not checks:
            continue
        table = Table(title=title, title_justify="left")
        for column in ("check", "value", "status", "detail"):
            table.add_column(column)
        for check in checks:
            value = "n/a" if check.value is None else f"{check.value:.4f}"
            table.add_row(
                check.name, value, f"[{STATUS_STYLE[check.status]}]{check.status}[/]", check.detail
            )
        console.print(table)


def register(app: typer.Typer) -> None:
    """Add the ``models`` commands to the ``goodcall`` app."""
    app.add_typer(models_app, name="models")
