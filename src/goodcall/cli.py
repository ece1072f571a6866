"""The ``goodcall`` command line.

Each domain module owns its commands in its own ``cli.py`` and exposes ``register(app)``; this
file only assembles them, so the command list reads like the architecture.
"""

from __future__ import annotations

import importlib

import typer

from goodcall import __version__

app = typer.Typer(
    name="goodcall",
    help="Decide whom to contact, with what, when, how — and whether at all.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)


@app.command()
def version() -> None:
    """Print the goodcall version."""
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
)


def _register_all() -> None:
    for module in _COMMAND_MODULES:
        importlib.import_module(f"goodcall.{module}.cli").register(app)


_register_all()
