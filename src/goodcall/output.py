"""How every command gives its result to a program: ``--json`` and the exit status.

``--json`` means one thing on every command: the command's result as one JSON document on
stdout, and nothing else on stdout (tables, notes and progress go to stderr or are not shown).
Commands declare the option with :data:`JsonOption` and print with :func:`echo_json`, so the
flag's name, help and encoding are defined once.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

FINDINGS = 1
"""Exit status of a command that ran and found something (``audit``: blunders; ``models
health``: drift) — and of nothing else."""
FAILED = 2
"""Exit status of bad input (named on stderr) or of any failure (see ``goodcall.cli``)."""
INTERRUPTED = 130
"""Exit status when the user interrupted the command (Ctrl-C)."""

JSON_HELP = "Print the result as one JSON document on stdout (nothing else there)."
JsonOption = Annotated[bool, typer.Option("--json", help=JSON_HELP)]


def echo_json(document: Any) -> None:
    """Write ``document`` to stdout as one JSON document (dates and paths as text)."""
    typer.echo(json.dumps(document, ensure_ascii=False, default=str))
