"""``goodcall synth``: write a synthetic carrier in the import format."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from goodcall.output import JSON_HELP, echo_json


def synth(
    out: Path = typer.Option(..., "--out", help="Directory to write the carrier's files into."),
    customers: int = typer.Option(100_000, "--customers", min=1, help="Number of customers."),
    seed: int = typer.Option(1, "--seed", help="Seed: the same seed gives the same carrier."),
    fmt: str = typer.Option("parquet", "--format", help="parquet or csv."),
    as_of: str = typer.Option("2026-11-20", "--as-of", help="As-of date (YYYY-MM-DD)."),
    no_seed_customer: bool = typer.Option(
        False, "--no-seed-customer", help="Leave out the story's customer C-SEED-0001."
    ),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace carrier files in --out."),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Write a realistic synthetic Canadian carrier (Nordet Mobile) with a known ground truth."""
    import time

    from goodcall.progress import progress_bar
    from goodcall.synth.generate import SynthError, check_out_dir, write_carrier
    from goodcall.writing import OutputError, check_outputs

    try:
        day = dt.date.fromisoformat(as_of)
    except ValueError as exc:
        message = f"expected a date YYYY-MM-DD, got {as_of!r}"
        raise typer.BadParameter(message, param_hint="--as-of") from exc
    started = time.perf_counter()
    try:
        check_outputs({"--out": out}, [], folders=["--out"])
        check_out_dir(out, overwrite)
        with progress_bar("synth") as progress:
            counts = write_carrier(
                out,
                customers,
                seed,
                fmt,
                day,
                include_seed_customer=not no_seed_customer,
                overwrite=overwrite,
                progress=lambda done, total: progress("customers", done, total),
            )
    except (SynthError, OutputError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    elapsed = time.perf_counter() - started
    truth = f"ResponseTruth({seed})"
    if as_json:
        echo_json({"out": str(out), "format": fmt, "seconds": elapsed, "rows": counts,
                   "truth": truth})  # fmt: skip
        return
    for name, rows in counts.items():
        typer.echo(f"{name:18} {rows:>12,}")
    typer.echo(f"wrote {out} ({fmt}) in {elapsed:.1f} s; truth: {truth}")


def register(app: typer.Typer) -> None:
    app.command("synth")(synth)
