"""Fixtures shared by the uplift command tests."""

from __future__ import annotations

import pytest
import typer

from goodcall.models.uplift import cli as uplift_cli
from goodcall.models.uplift.cli import register


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    """``goodcall uplift`` alone, printing wide enough that messages are not wrapped."""
    uplift_cli.console.width = uplift_cli.errors.width = 200
    application = typer.Typer()
    register(application)
    return application
