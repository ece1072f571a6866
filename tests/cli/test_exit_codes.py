"""Exit status: 0 done, 1 findings only, 2 bad input or any failure (one line on stderr, the
traceback only with ``GOODCALL_DEBUG=1``), 130 interrupted — enforced at the entry point."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from goodcall import __version__
from goodcall.catalog import loader
from goodcall.cli import app
from tests.cli.conftest import AT, Inputs

HINT = "(set GOODCALL_DEBUG=1 for the traceback)"


def _boom(*_args: object, **_kwargs: object) -> None:
    raise RuntimeError("the disk is on fire\nsecond line")


def test_version_flag_prints_the_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert (result.exit_code, result.stdout) == (0, f"{__version__}\n")


def test_a_crash_is_one_line_and_exit_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOODCALL_DEBUG", raising=False)
    monkeypatch.setattr(loader, "load_catalog", _boom)
    result = CliRunner().invoke(app, ["catalog", "check", "--json"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"error: RuntimeError: the disk is on fire second line {HINT}\n"


def test_a_crash_in_a_long_command_is_exit_2(
    monkeypatch: pytest.MonkeyPatch, inputs: Inputs
) -> None:
    import goodcall.campaign.run

    monkeypatch.delenv("GOODCALL_DEBUG", raising=False)
    monkeypatch.setattr(goodcall.campaign.run, "run_campaign", _boom)
    out = inputs.fresh("crashed-campaign")
    result = CliRunner().invoke(
        app, ["campaign", "run", "--name", "X", "--out", str(out), "--db", inputs.url, "--at", AT]
    )
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"error: RuntimeError: the disk is on fire second line {HINT}"
    ]
    assert not out.exists()


def test_debug_shows_the_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOODCALL_DEBUG", "1")
    monkeypatch.setattr(loader, "load_catalog", _boom)
    result = CliRunner().invoke(app, ["catalog", "check"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Traceback (most recent call last):")
    assert "in _boom" in result.stderr
    assert result.stderr.endswith("error: RuntimeError: the disk is on fire second line\n")


def test_an_interruption_is_exit_130(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(loader, "load_catalog", interrupted)
    result = CliRunner().invoke(app, ["catalog", "check"])
    assert (result.exit_code, result.stderr) == (130, "interrupted\n")


def _bad_catalog(root: Path) -> Path:
    text = (Path(loader.__file__).parent / "data" / "nordet.yaml").read_text("utf-8")
    path = root / "bad-catalog.yaml"
    path.write_text(text.replace("currency: CAD\n", "currency: CAD\ncurrancy: CAD\n", 1))
    return path


def _bad_calls(root: Path) -> Path:
    path = root / "bad-calls.csv"
    path.write_text("customer_id,offer_id\nC-SEED-0001,UNL_75\n")
    return path


def _bad_outcomes(root: Path) -> Path:
    path = root / "bad-outcomes.csv"
    path.write_text("customer_id,bought\nC-SEED-0001,1\n")
    return path


@pytest.mark.parametrize(
    ("command", "named"),
    [
        (lambda i, b: ["campaign", "run", "--name", "X", "--out", str(i.fresh("bad-cat")),
                       "--db", i.url, "--at", AT, "--catalog", str(_bad_catalog(b))],
         ["bad-catalog.yaml:", "unknown key 'currancy'", "did you mean 'currency'"]),
        (lambda i, b: ["models", "train", "--out", str(i.fresh("bad-models")), "--db", i.url,
                       "--at", AT, "--catalog", str(_bad_catalog(b))],
         ["bad-catalog.yaml:", "unknown key 'currancy'"]),
        (lambda i, b: ["audit", str(_bad_calls(b)), "--db", i.url, "--at", AT],
         ["bad-calls.csv", "missing required column(s): 'planned_at'"]),
        (lambda i, b: ["campaign", "report", "--decisions",
                       str(i.campaign / "decisions.parquet"), "--outcomes", str(_bad_outcomes(b))],
         ["bad-outcomes.csv: outcomes lack the column 'converted'"]),
        (lambda i, b: ["explain", "C-SEED-0001", "--db", i.url, "--at", "2026-13-01"],
         ["--at '2026-13-01' is not an ISO 8601 time"]),
        (lambda i, b: ["brief", "C-NOBODY", "--db", i.url, "--at", AT],
         ["'C-NOBODY' is not in the store"]),
        (lambda i, b: ["models", "health", str(b), "--db", i.url],
         ["is not a model set: model_set.json is missing"]),
    ],
    ids=["campaign-catalog", "train-catalog", "audit-columns", "report-outcomes", "explain-at",
         "brief-customer", "health-directory"],
)  # fmt: skip
def test_bad_input_is_exit_2_naming_what_is_wrong(
    command: Callable[[Inputs, Path], list[str]], named: list[str], inputs: Inputs, tmp_path: Path
) -> None:
    result = CliRunner().invoke(app, command(inputs, tmp_path))
    assert result.exit_code == 2, (result.stdout, result.stderr)
    message = " ".join(result.stderr.split())
    assert message.startswith("error: ") and "Traceback" not in message
    for part in named:
        assert part in message


def test_a_refused_import_is_exit_2_not_a_finding(inputs: Inputs, tmp_path: Path) -> None:
    import shutil

    carrier = tmp_path / "carrier"
    shutil.copytree(inputs.carrier, carrier)
    (carrier / "customers.parquet").unlink()
    result = CliRunner().invoke(
        app, ["import", str(carrier), "--db", f"sqlite:///{tmp_path / 'x.db'}", "--json"]
    )
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    assert document["landed"] is False and document["errors"] >= 1
