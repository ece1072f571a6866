"""Fixtures shared by the evaluate command tests."""

from __future__ import annotations

import pytest
import typer

from goodcall.evaluate import cli as evaluate_cli


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    """``goodcall evaluate`` alone, printing wide enough that messages are not wrapped (errors
    are printed unwrapped by ``goodcall.output.print_error``)."""
    evaluate_cli.console.width = 200
    application = typer.Typer()
    evaluate_cli.register(application)
    return application
