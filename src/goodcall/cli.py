"""The ``goodcall`` command line.

Each domain module owns its commands in its own ``cli.py`` and exposes ``register(app)``; this
file only assembles them, so the command list reads like the architecture.
"""

from __future__ import annotations

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


def _register_all() -> None:
    # One line per domain module, in funnel order. Each import is cheap: heavy libraries are
    # imported inside the commands themselves.
    from goodcall.store.cli import register as register_store
    from goodcall.synth.cli import register as register_synth

    for register in (register_store, register_synth):
        register(app)
    __import__("goodcall.brief.cli", fromlist=["register"]).register(app)  # brief
    __import__("goodcall.models.cli", fromlist=["register"]).register(app)  # models
    __import__("goodcall.models.uplift.cli", fromlist=["register"]).register(app)  # uplift
    __import__("goodcall.evaluate.cli", fromlist=["register"]).register(app)  # evaluate
    __import__("goodcall.campaign.cli", fromlist=["register"]).register(app)  # campaign
    __import__("goodcall.catalog.cli", fromlist=["register"]).register(app)  # catalog
    __import__("goodcall.policy.cli", fromlist=["register"]).register(app)  # policies
    __import__("goodcall.explain.cli", fromlist=["register"]).register(app)  # explain
    __import__("goodcall.audit.cli", fromlist=["register"]).register(app)  # audit


_register_all()
