"""The ``goodcall`` command line.

Each domain module owns its commands in its own ``cli.py`` and exposes ``register(app)``; this
file only assembles them, so the command list reads like the architecture, and holds the
conventions every command shares (see "Conventions" in the README):

* ``--json``: the command's result as one JSON document on stdout, and nothing else on stdout.
* Exit status: 0 done, 1 findings (``audit`` found blunders, ``models health`` found drift),
  2 bad input or a failure, 130 interrupted. A failure is one line on stderr, ``error: ...``;
  ``GOODCALL_DEBUG=1`` adds the traceback. This is enforced once, here, in :class:`_Commands`.
* Progress bars go to stderr (``goodcall.progress``), never when ``--quiet`` is given.
"""

from __future__ import annotations

import importlib
import os
import sys
import traceback
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from goodcall import __version__
from goodcall.output import FAILED, INTERRUPTED, JsonOption, cut, echo_json
from goodcall.progress import set_quiet

DEBUG_VARIABLE = "GOODCALL_DEBUG"
CRASH_LIMIT = 300
"""Characters of an unforeseen exception's message shown (see :func:`report_crash`)."""


def _debugging() -> bool:
    return os.environ.get(DEBUG_VARIABLE, "").strip() not in ("", "0", "false", "no")


def report_crash(error: BaseException) -> None:
    """One line on stderr for an error no command caught (with the traceback when debugging).

    goodcall's own exceptions carry a message written for the user (the file, row or field and
    what was expected): it is shown alone. Any other exception is a failure nobody foresaw: its
    type is shown too, with how to get the traceback."""
    if _debugging():
        traceback.print_exception(error, file=sys.stderr)
    text = " ".join(str(error).split()) or "(no message)"
    if type(error).__module__.startswith("goodcall."):  # raised on purpose, worded for the user
        typer.echo(f"error: {text}", err=True)
        return
    hint = "" if _debugging() else f" (set {DEBUG_VARIABLE}=1 for the traceback)"
    # A library's message may quote a whole row or file of data: it is cut.
    typer.echo(f"error: {type(error).__name__}: {cut(text, CRASH_LIMIT)}{hint}", err=True)


class _Commands(TyperGroup):
    """The root command group: any exception a command lets through becomes exit 2.

    Exit 1 is reserved for findings, which the commands signal themselves with
    ``typer.Exit(1)``; Click's own exits (usage errors: 2) and ``typer.Exit`` pass unchanged.
    """

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except KeyboardInterrupt:
            typer.echo("interrupted", err=True)
            raise typer.Exit(INTERRUPTED) from None
        except Exception as error:
            report_crash(error)
            raise typer.Exit(FAILED) from None


app = typer.Typer(
    name="goodcall",
    cls=_Commands,
    help="Decide whom to contact, with what, when, how — and whether at all.\n\n"
    "--json on any command: its result as one JSON document on stdout, nothing else there. "
    "Exit status: 0 done, 1 findings (audit, models health), 2 bad input or failure.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(__version__)
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_print_version,
            is_eager=True,
            help="Print the goodcall version and exit.",
        ),
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bars (stderr) for this command.")
    ] = False,
) -> None:
    """Options of ``goodcall`` itself, given before the command."""
    set_quiet(quiet)


@app.command()
def version(as_json: JsonOption = False) -> None:
    """Print the goodcall version."""
    if as_json:
        echo_json({"version": __version__})
    else:
        typer.echo(__version__)


# Every domain module that has commands, in funnel order: the data, the rules, the brief, the
# learning, the campaign. Each module's ``cli.register(app)`` adds its commands; importing them is
# cheap because heavy libraries are imported inside the commands themselves.
_COMMAND_MODULES = (
    "store",
    "synth",
    "catalog",
    "policy",
    "explain",
    "audit",
    "brief",
    "models",
    "models.uplift",
    "evaluate",
    "campaign",
    "timing",
    "api",
)


def _register_all() -> None:
    for module in _COMMAND_MODULES:
        importlib.import_module(f"goodcall.{module}.cli").register(app)


_register_all()


if __name__ == "__main__":
    app()
