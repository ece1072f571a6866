"""``goodcall evaluate synthetic``: attach with :func:`register_synthetic` to the evaluate group."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from goodcall.output import JsonOption, echo_json

if TYPE_CHECKING:
    from goodcall.evaluate.synthetic import SyntheticResult


def synthetic_command(
    customers: Annotated[int, typer.Option(help="Customers of the synthetic carrier.")] = 50_000,
    seed: Annotated[int, typer.Option(help="Seed of the carrier and its truth.")] = 0,
    calls_per_day: Annotated[int, typer.Option(help="Calls the centre can make.")] = 500,
    method: Annotated[str, typer.Option(help="Uplift learner: auto, t, x, ct or s.")] = "auto",
    observable_draws: Annotated[
        int,
        typer.Option(
            help="Lattice points of the observable oracle (the best the data allows); 0: skip."
        ),
    ] = 16,
    as_json: JsonOption = False,
) -> None:
    """Our decisions vs the oracle, "call everyone about the promotion", propensity and random,
    scored exactly by the synthetic carrier's ground truth."""
    from goodcall.evaluate.synthetic import run_synthetic
    from goodcall.progress import progress_bar

    if customers < 100:
        raise typer.BadParameter("--customers must be at least 100")
    if observable_draws < 0:
        raise typer.BadParameter("--observable-draws must be 0 (skip) or more")
    with progress_bar("evaluate synthetic") as progress:
        result = run_synthetic(
            customers, seed, calls_per_day, method=method, observable_draws=observable_draws,
            progress=progress,
        )  # fmt: skip
    if as_json:
        echo_json(as_dict(result))
    else:
        show(result)


def as_dict(result: SyntheticResult) -> dict[str, object]:
    return {
        "customers": result.customers,
        "seed": result.seed,
        "calls_per_day": result.calls_per_day,
        "decided_at": result.at.isoformat(),
        "training_rows": result.training_rows,
        "oracle_relative_gap": result.gap,
        "seconds": result.seconds,
        "policies": {
            name: vars(score)
            | {"captured": result.captured(name), "of_observable": result.learnable(name)}
            for name, score in result.scores.items()
        },
        "targets": result.targets(),
    }


def show(result: SyntheticResult) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.width = max(console.width, 112)  # the table's eight columns, also when piped
    table = Table(
        title=f"synthetic carrier: {result.customers:,} customers, seed {result.seed}, "
        f"{result.calls_per_day:,} calls/day, {result.training_rows:,} training contacts",
        title_justify="left",
    )
    columns = ["policy", "incremental value", "of oracle", "calls", "contacts", "annoyances"]
    if result.learnable("ours") is not None:
        columns.insert(3, "of observable")
    for column in columns:
        table.add_column(column, justify="left" if column == "policy" else "right")
    for name, s in result.scores.items():
        learnable = result.learnable(name)
        shares = [f"{100 * result.captured(name):.1f} %"]
        if learnable is not None:
            shares.append(f"{100 * learnable:.1f} %")
        table.add_row(
            name,
            f"{s.expected_incremental_value:,.0f}",
            *shares,
            f"{s.calls:,}",
            f"{s.contacts:,}",
            f"{s.expected_annoyances:,.1f}",
        )
    console.print(table)
    for target, met in result.targets().items():
        console.print(f"  {'[green]met[/]' if met else '[red]not met[/]'}  {target}")
    console.print(f"  timings (s): {', '.join(f'{k} {v:.1f}' for k, v in result.seconds.items())}")


def register_synthetic(evaluate_app: typer.Typer) -> None:
    """Add ``synthetic`` to the ``evaluate`` command group."""
    evaluate_app.command("synthetic")(synthetic_command)
