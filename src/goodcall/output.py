"""How every command gives its result to a program: ``--json`` and the exit status.

``--json`` means one thing on every command: the command's result as one JSON document on
stdout, and nothing else on stdout (tables, notes and progress go to stderr or are not shown).
Commands declare the option with :data:`JsonOption` and print with :func:`echo_json`, so the
flag's name, help and encoding are defined once.
"""

from __future__ import annotations

import json
from pathlib import Path
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
PoliciesOption = Annotated[
    Path | None, typer.Option("--policies", help="Contact policies YAML (default: shipped).")
]
"""The contact policies file a command reads (``None``: the shipped one)."""


def echo_json(document: Any) -> None:
    """Write ``document`` to stdout as one JSON document (dates and paths as text)."""
    typer.echo(json.dumps(document, ensure_ascii=False, default=str))


# Values from data in messages and on the console ----------------------------------------------

VALUE_LIMIT = 80
"""Characters of one value a message shows; the rest is cut (an unterminated quote can make one
CSV "value" of a whole file, e-mail addresses included)."""


def cut(value: object, limit: int = VALUE_LIMIT) -> str:
    """``value`` as text, cut to ``limit`` characters with an ellipsis and its full length.

    >>> cut("x" * 100, 5)
    'xxxxx… (100 characters)'
    """
    text = str(value)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text)} characters)"


def cut_expr(value: Any, limit: int = VALUE_LIMIT) -> Any:
    """:func:`cut` as a Polars expression over a text column (the same text, vectorised)."""
    import polars as pl

    length = value.str.len_chars()
    shown = pl.format("{}… ({} characters)", value.str.slice(0, limit), length)
    return pl.when(length > limit).then(shown).otherwise(value)


def plain(value: object) -> str:
    """``value`` as text that Rich prints as it is: a ``[/bold]`` or ``[vip]`` in a name is shown,
    never read as console markup. Every value from data goes through it (or into a ``Text``).

    Rich's own ``escape`` protects tags only, and Rich turns any ``\\[`` of plain text into ``[``,
    so every ``[`` is escaped here, the backslashes before a tag doubled. Like ``escape``, a final
    backslash is doubled so that it cannot escape a tag that follows (it then shows twice)."""
    import re

    from rich.markup import RE_TAGS

    def bracket(match: re.Match[str]) -> str:
        backslashes, rest = match.group(1), match.string[match.end() :]
        is_tag = RE_TAGS.match("[" + rest) is not None
        return (backslashes * 2 if is_tag else backslashes) + "\\["

    text = re.sub(r"(\\*)\[", bracket, str(value))
    if text.endswith("\\") and not text.endswith("\\\\"):
        text += "\\"
    return text


def print_error(message: str) -> None:
    """``error: message`` on stderr, in red on a terminal; the message is printed as it is."""
    from rich.console import Console

    Console(stderr=True).print(f"[bold red]error:[/] {plain(message)}", highlight=False,
                               soft_wrap=True)  # fmt: skip
