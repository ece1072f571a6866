"""``goodcall policies check [FILE]``: validate contact policies and show the calling windows."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from goodcall.output import JsonOption, echo_json, plain, print_error

policies_app = typer.Typer(help="Contact policies.", no_args_is_help=True)


@policies_app.command("check")
def check_command(
    path: Annotated[
        Path | None,
        typer.Argument(help="Policy YAML (default: the shipped policies).", show_default=False),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Validate a policy file; exit 2 listing every problem. Prints each jurisdiction's windows."""
    from rich.console import Console
    from rich.table import Table

    from goodcall.catalog.yamlsource import SourceError
    from goodcall.policy.loader import load_policies

    try:
        policies = load_policies(path)
    except SourceError as err:
        print_error(str(err))
        raise typer.Exit(2) from err
    rows = []
    for key, entry in policies.jurisdictions.items():
        windows = "; ".join(f"{','.join(w.days)} {w.start}–{w.end}" for w in entry.windows or [])
        holidays = entry.holidays
        blocked = "inherited" if holidays is None else ("blocked" if holidays.block else "allowed")
        attempts = f"{entry.attempts.max}/{entry.attempts.days} d" if entry.attempts else "default"
        rows.append((key, windows or "inherited", blocked, attempts))
    if as_json:
        names = ("jurisdiction", "windows", "holidays", "attempts")
        echo_json({"policies": str(path or "shipped"), "jurisdictions": [
            dict(zip(names, row, strict=True)) for row in rows]})  # fmt: skip
        return
    table = Table(title=f"Calling windows ({plain(path or 'shipped policies')})")
    for name in ("jurisdiction", "windows (customer's local time)", "holidays", "attempts"):
        table.add_column(name, overflow="fold")
    for row in rows:
        table.add_row(*(plain(cell) for cell in row))
    Console().print(table)


def register(app: typer.Typer) -> None:
    """Add ``policies`` to the ``goodcall`` app."""
    app.add_typer(policies_app, name="policies")
