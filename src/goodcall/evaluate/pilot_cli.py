"""``goodcall evaluate pilot``: attach with :func:`register_pilot` to the evaluate group."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from goodcall.output import JsonOption, echo_json

if TYPE_CHECKING:
    from goodcall.evaluate.pilot import PilotResult


def pilot_command(
    customers: Annotated[int, typer.Option(help="Customers of the synthetic carrier.")] = 50_000,
    seed: Annotated[int, typer.Option(help="Seed of the carrier and its truth.")] = 0,
    calls_per_day: Annotated[int, typer.Option(help="Calls the centre can make.")] = 750,
    share: Annotated[
        float, typer.Option(help="Share of the customers in the pilot (between 0 and 1).")
    ] = 0.3,
    lead_days: Annotated[
        int, typer.Option(help="Days between the pilot and the rollout (the outcomes come in).")
    ] = 14,
    method: Annotated[str, typer.Option(help="Uplift learner: auto, t, x or ct.")] = "auto",
    as_json: JsonOption = False,
) -> None:
    """Pilot a campaign on part of a synthetic carrier, learn from what happened, roll it out
    to the rest: the rollout decided with and without the pilot's outcomes, scored exactly by
    the carrier's ground truth against the oracle."""
    from goodcall.evaluate.pilot import run_pilot
    from goodcall.progress import progress_bar

    if customers < 1_000:
        raise typer.BadParameter("--customers must be at least 1,000")
    if not 0.0 < share < 1.0:
        raise typer.BadParameter(f"--share must be between 0 and 1 (exclusive); got {share}")
    if lead_days < 1:
        raise typer.BadParameter("--lead-days must be at least 1")
    with progress_bar("evaluate pilot") as progress:
        result = run_pilot(
            customers, seed, calls_per_day, share, lead_days=lead_days, method=method,
            progress=progress,
        )  # fmt: skip
    if as_json:
        echo_json(as_dict(result))
    else:
        show(result)


def as_dict(result: PilotResult) -> dict[str, object]:
    return {
        "customers": result.customers,
        "seed": result.seed,
        "calls_per_day": result.calls_per_day,
        "share": result.share,
        "pilot_at": result.pilot_at.isoformat(),
        "rollout_at": result.rollout_at.isoformat(),
        "pilot_contacts": result.pilot_contacts,
        "pilot_controls": result.pilot_controls,
        "pilot_conversions": result.pilot_conversions,
        "training_rows": result.training_rows,
        "seconds": result.seconds,
        "pilot": {
            name: vars(s) | {"captured": s.captured(result.pilot["oracle"])}
            for name, s in result.pilot.items()
        },
        "rollout": {
            name: vars(s) | {"captured": result.rollout_captured(name)}
            for name, s in result.rollout.items()
        },
    }


def show(result: PilotResult) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.width = max(console.width, 112)
    table = Table(
        title=f"pilot of {100 * result.share:.0f} % then rollout: {result.customers:,} "
        f"customers, seed {result.seed}, {result.calls_per_day:,} calls/day",
        title_justify="left",
    )
    for column in ("stage", "policy", "incremental value", "of oracle", "calls", "contacts",
                   "annoyances"):  # fmt: skip
        table.add_column(column, justify="left" if column in ("stage", "policy") else "right")
    for stage, scores in (("pilot", result.pilot), ("rollout", result.rollout)):
        oracle = scores["oracle"]
        for name, s in scores.items():
            table.add_row(
                stage, name, f"{s.expected_incremental_value:,.0f}",
                f"{100 * s.captured(oracle):.1f} %", f"{s.calls:,}", f"{s.contacts:,}",
                f"{s.expected_annoyances:,.1f}",
            )  # fmt: skip
    console.print(table)
    console.print(
        f"  pilot: {result.pilot_contacts:,} contacts, {result.pilot_controls:,} held out, "
        f"{result.pilot_conversions:,} take-ups; rollout trained on "
        + ", ".join(f"{name}: {rows:,} contacts" for name, rows in result.training_rows.items())
    )
    console.print(f"  timings (s): {', '.join(f'{k} {v:.1f}' for k, v in result.seconds.items())}")


def register_pilot(evaluate_app: typer.Typer) -> None:
    """Add ``pilot`` to the ``evaluate`` command group."""
    evaluate_app.command("pilot")(pilot_command)
