"""``--json`` means one thing on every command: its result as one JSON document on stdout and
nothing else there. Every command of ``goodcall --help`` is run here with ``--json`` on the small
carrier of ``conftest``; a command added without ``--json`` (or without a case here) fails
:func:`test_every_command_has_a_json_case`."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from goodcall.cli import app
from tests.cli.conftest import AT, Inputs

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

Args = Callable[[Inputs], list[str]]
UPLIFT = ["--treatment", "arm=call", "--control", "arm=none", "--outcome", "accepted"]
OPE = ["--action-col", "offer", "--reward-col", "click", "--propensity-col", "pscore",
       "--position-col", "", "--bootstrap", "100"]  # fmt: skip

# command path → (arguments before --json, exit codes that are not failures)
CASES: dict[str, tuple[Args, frozenset[int]]] = {
    "version": (lambda i: [], frozenset({0})),
    "import": (
        lambda i: [str(i.carrier), "--db", f"sqlite:///{i.fresh('import.db')}"],
        frozenset({0}),
    ),
    "summary": (lambda i: ["--db", i.url], frozenset({0})),
    "synth": (lambda i: ["--customers", "50", "--out", str(i.fresh("synth"))], frozenset({0})),
    "explain": (lambda i: ["C-SEED-0001", "--db", i.url, "--at", AT], frozenset({0})),
    "audit": (lambda i: [str(i.call_list), "--db", i.url, "--at", AT], frozenset({0, 1})),
    "brief": (lambda i: ["C-SEED-0001", "--db", i.url, "--at", AT], frozenset({0})),
    "db upgrade": (lambda i: ["--db", f"sqlite:///{i.fresh('up.db')}"], frozenset({0})),
    "db current": (lambda i: ["--db", i.url], frozenset({0})),
    "catalog check": (lambda i: [], frozenset({0})),
    "simulate day": (
        lambda i: ["--campaign", str(i.campaign), "--db", i.url, "--truth-seed", "2", "--dry-run"],
        frozenset({0}),
    ),
    "pace": (
        lambda i: ["--agents", "3", "--aht", "120", "--hours", "1", "--days", "1"],
        frozenset({0}),
    ),
    "policies check": (lambda i: [], frozenset({0})),
    "campaign capacity": (
        lambda i: ["--config", str(EXAMPLES / "campaign-staffing.yaml")],
        frozenset({0}),
    ),
    "models train": (
        lambda i: ["--out", str(i.fresh("models")), "--db", i.url, "--at", AT, "--method", "t"],
        frozenset({0}),
    ),
    "models health": (lambda i: [str(i.models), "--db", i.url, "--at", AT], frozenset({0, 1})),
    "uplift fit": (
        lambda i: ["--data", str(i.experiment), *UPLIFT, "--model-out", str(i.fresh("uplift"))],
        frozenset({0}),
    ),
    "uplift score": (
        lambda i: [
            "--model",
            str(_uplift_model(i)),
            "--data",
            str(i.experiment),
            "--out",
            str(i.fresh("scored.csv")),
        ],
        frozenset({0}),
    ),
    "uplift evaluate": (lambda i: ["--data", str(i.experiment), *UPLIFT], frozenset({0})),
    "evaluate ope": (
        lambda i: ["--logs", str(i.ope_logs), "--policy", str(i.ope_policy), *OPE],
        frozenset({0}),
    ),
    "evaluate synthetic": (
        lambda i: ["--customers", "300", "--observable-draws", "0", "--method", "t"],
        frozenset({0}),
    ),
    "evaluate pilot": (lambda i: ["--customers", "1000", "--method", "t"], frozenset({0})),
    "campaign run": (
        lambda i: [
            "--name",
            "CLI-2",
            "--out",
            str(i.fresh("campaign")),
            "--db",
            i.url,
            "--at",
            AT,
            "--models",
            str(i.models),
        ],
        frozenset({0}),
    ),
    "users add": (
        lambda i: ["json-user", "--role", "agent", "--db", f"sqlite:///{_fresh_store(i)}"],
        frozenset({0}),
    ),
    "campaign report": (
        lambda i: [
            "--decisions",
            str(i.campaign / "decisions.parquet"),
            "--outcomes",
            str(i.outcomes),
        ],
        frozenset({0}),
    ),
}
# Commands whose output is a document of its own, not a result: no --json.
WITHOUT_JSON = {
    "docs data-format": "prints the import format's Markdown document",
    "serve": "a server: it runs until stopped, its answers are HTTP",
}


def _fresh_store(inputs: Inputs) -> Path:
    """An empty store at the current schema, for commands that write to it."""
    from goodcall.store.config import engine_for
    from goodcall.store.migrate import upgrade

    path = inputs.fresh("users.db")
    _, engine = engine_for(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


def _uplift_model(inputs: Inputs) -> Path:
    """A model fitted once by ``uplift fit`` for ``uplift score``."""
    path = inputs.root / "uplift-model"
    if not path.exists():
        done = CliRunner().invoke(
            app,
            [
                "uplift",
                "fit",
                "--data",
                str(inputs.experiment),
                *UPLIFT,
                "--model-out",
                str(path),
            ],
        )
        assert done.exit_code == 0, done.output
    return path


def _commands(group: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Typer vendors its own click, so the command tree is walked by duck typing."""
    for name, command in getattr(group, "commands", {}).items():
        path = f"{prefix} {name}".strip()
        if getattr(command, "commands", None):
            yield from _commands(command, path)
        else:
            yield path, command


def test_every_command_has_a_json_case() -> None:
    commands = dict(_commands(typer.main.get_command(app)))
    assert set(commands) == set(CASES) | set(WITHOUT_JSON)
    for path in CASES:
        flags = {opt for param in commands[path].params for opt in getattr(param, "opts", [])}
        assert "--json" in flags, path
        (json_param,) = [p for p in commands[path].params if "--json" in p.opts]
        assert json_param.is_flag, f"{path}: --json takes a value"  # type: ignore[attr-defined]


@pytest.mark.parametrize("path", sorted(CASES))
def test_json_is_one_document_on_stdout(path: str, inputs: Inputs) -> None:
    arguments, accepted = CASES[path]
    result = CliRunner().invoke(app, [*path.split(), *arguments(inputs), "--json"])
    assert result.exit_code in accepted, (result.exit_code, result.stderr, result.exception)
    document = json.loads(result.stdout)
    assert isinstance(document, dict | list) and document


def test_json_carries_the_result(inputs: Inputs) -> None:
    """Not just any JSON: the figures the tables show."""
    shown = CliRunner().invoke(app, ["campaign", "report", "--decisions",
                               str(inputs.campaign / "decisions.parquet"), "--outcomes",
                               str(inputs.outcomes), "--json"])  # fmt: skip
    scopes = [row["scope"] for row in json.loads(shown.stdout)]
    assert scopes[0] == "contacted vs would-have-been-contacted"
    version = CliRunner().invoke(app, ["version", "--json"])
    assert json.loads(version.stdout) == {"version": "0.1.0"}
    catalog = json.loads(CliRunner().invoke(app, ["catalog", "check", "--json"]).stdout)
    assert catalog["offers"] == sum(catalog["offers_by_kind"].values()) == 30
