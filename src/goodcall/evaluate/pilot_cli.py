"""``goodcall evaluate pilot``: attach with :func:`register_pilot` to the evaluate group."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from goodcall.output import JsonOption, echo_json

if TYPE_CHECKING:
    from goodcall.evaluate.pilot import PilotResult
    from goodcall.truth.scoring import PolicyScore


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
    method: Annotated[str, typer.Option(help="Uplift learner: auto, t, x, ct or s.")] = "auto",
    observable_draws: Annotated[
        int,
        typer.Option(
            help="Lattice points of the observable oracle (the best the data allows); 0: skip."
        ),
    ] = 16,
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
    if observable_draws < 0:
        raise typer.BadParameter("--observable-draws must be 0 (skip) or more")
    with progress_bar("evaluate pilot") as progress:
        result = run_pilot(
            customers, seed, calls_per_day, share, lead_days=lead_days, method=method,
            observable_draws=observable_draws, progress=progress,
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
        "exploration": {
            "budget": result.exploration.budget,
            "cold_cells": result.exploration.cold_cells,
            "cold_cells_with_candidates": result.exploration.cold_candidates,
            "explored_contacts": result.exploration.explored,
            "cells": [
                {"offer_id": offer, "channel": channel, "contacts": n}
                for (offer, channel), n in result.exploration.contacts.items()
            ],
        },
        "pilot": _scores_dict(result.pilot),
        "rollout": _scores_dict(result.rollout),
    }


def _shares(scores: dict[str, PolicyScore]) -> dict[str, tuple[float, float | None]]:
    """Each policy's shares of the oracle and of the observable oracle (None: not computed)."""
    from goodcall.evaluate.synthetic import OBSERVABLE

    oracle, observable = scores["oracle"], scores.get(OBSERVABLE)
    return {
        name: (s.captured(oracle), None if observable is None else s.captured(observable))
        for name, s in scores.items()
    }


def _scores_dict(scores: dict[str, PolicyScore]) -> dict[str, object]:
    shares = _shares(scores)
    return {
        name: vars(s) | {"captured": shares[name][0], "of_observable": shares[name][1]}
        for name, s in scores.items()
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
    observable = result.pilot_learnable() is not None
    columns = ["stage", "policy", "incremental value", "of oracle", "calls", "contacts",
               "annoyances"]  # fmt: skip
    if observable:
        columns.insert(4, "of observable")
    for column in columns:
        table.add_column(column, justify="left" if column in ("stage", "policy") else "right")
    for stage, scores in (("pilot", result.pilot), ("rollout", result.rollout)):
        for name, (of_oracle, of_observable) in _shares(scores).items():
            s = scores[name]
            shown = [f"{100 * of_oracle:.1f} %"]
            if of_observable is not None:
                shown.append(f"{100 * of_observable:.1f} %")
            table.add_row(
                stage, name, f"{s.expected_incremental_value:,.0f}", *shown, f"{s.calls:,}",
                f"{s.contacts:,}", f"{s.expected_annoyances:,.1f}",
            )  # fmt: skip
    console.print(table)
    explored = result.exploration
    cells = ", ".join(f"{o} × {ch}: {n:,}" for (o, ch), n in explored.contacts.items())
    console.print(
        f"  exploration: {explored.explored:,} contacts of a budget of {explored.budget:,}, in "
        f"{len(explored.contacts)} of {explored.cold_candidates} cold cells with a candidate "
        f"({explored.cold_cells} cold in the catalog)" + (f": {cells}" if cells else "")
    )
    console.print(
        f"  pilot: {result.pilot_contacts:,} contacts, {result.pilot_controls:,} held out, "
        f"{result.pilot_conversions:,} take-ups; rollout trained on "
        + ", ".join(f"{name}: {rows:,} contacts" for name, rows in result.training_rows.items())
    )
    console.print(f"  timings (s): {', '.join(f'{k} {v:.1f}' for k, v in result.seconds.items())}")


def register_pilot(evaluate_app: typer.Typer) -> None:
    """Add ``pilot`` to the ``evaluate`` command group."""
    evaluate_app.command("pilot")(pilot_command)
