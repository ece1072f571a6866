"""Fixtures shared by the uplift tests: the command alone, and a small simulated experiment."""

from __future__ import annotations

import pytest
import typer

from goodcall.models.uplift import cli as uplift_cli
from goodcall.models.uplift.cli import register
from goodcall.models.uplift.simulate import SimulatedExperiment, simulate_experiment


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    """``goodcall uplift`` alone, printing wide enough that messages are not wrapped."""
    uplift_cli.console.width = uplift_cli.errors.width = 200
    application = typer.Typer()
    register(application)
    return application


@pytest.fixture(scope="module")
def sim() -> SimulatedExperiment:
    """4,000 rows with a known effect and a noisy categorical column."""
    return simulate_experiment(4_000, seed=3, noise_categorical=1)
