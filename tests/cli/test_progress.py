"""The progress callback: long functions report their steps through a plain callable, the command
line draws them as one Rich bar on stderr — never on stdout, never with ``--quiet`` or when stderr
is not a terminal."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from rich.console import Console
from typer.testing import CliRunner

from goodcall import progress as progress_module
from goodcall.campaign.run import CAMPAIGN_STEPS, run_campaign
from goodcall.catalog.loader import load_catalog
from goodcall.cli import app
from goodcall.decide import CampaignConfig
from goodcall.models.inputs import offer_table
from goodcall.models.registry import TRAINING_STEPS, train_model_set
from goodcall.models.rows import training_rows
from goodcall.progress import Steps, no_progress, progress_bar
from goodcall.store.reader import load_profiles, load_tables
from tests.cli.conftest import AT, FAST, Inputs

Heard = list[tuple[str, int, int]]


@pytest.fixture(autouse=True)
def _not_quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress_module, "_quiet", False)


def _recorder() -> tuple[Heard, progress_module.Progress]:
    heard: Heard = []
    return heard, lambda what, done, total: heard.append((what, done, total))


def test_steps_report_each_step_with_those_before_it_done() -> None:
    heard, record = _recorder()
    steps = Steps(record, ("read", "fit", "write"))
    steps.start("read")
    steps.start("write")
    steps.finish()
    assert heard == [("read", 0, 3), ("write", 2, 3), ("done", 3, 3)]
    with pytest.raises(ValueError, match="unknown step 'save'; the steps are read, fit, write"):
        steps.start("save")
    Steps(None, ("read",)).start("read")  # no callback: nothing to call, no error


def test_the_bar_is_drawn_on_a_terminal_only() -> None:
    piped = Console(file=io.StringIO(), force_terminal=False)
    with progress_bar("models train", console=piped) as report:
        assert report is no_progress
    terminal = io.StringIO()
    with progress_bar("models train", console=Console(file=terminal, force_terminal=True,
                                                      width=120)) as report:  # fmt: skip
        report("annoyance model", 1, 4)
    drawn = terminal.getvalue()
    assert "models train" in drawn and "annoyance model" in drawn and "1/4" in drawn
    progress_module.set_quiet(True)
    with progress_bar("models train", console=Console(file=io.StringIO(),
                                                      force_terminal=True)) as report:  # fmt: skip
        assert report is no_progress


def test_training_and_a_campaign_report_their_steps(inputs: Inputs) -> None:
    at = dt.datetime.fromisoformat(AT)
    catalog = load_catalog()
    rows = training_rows(load_tables(inputs.url), at, offer_table(catalog.offers))
    heard, record = _recorder()
    models = train_model_set(
        rows, list(catalog.offers), cutoff=at, trained_at=at, method="t", params=FAST,
        progress=record,
    )  # fmt: skip
    total = len(TRAINING_STEPS)
    assert heard == [*((name, i, total) for i, name in enumerate(TRAINING_STEPS)),
                     ("done", total, total)]  # fmt: skip
    heard.clear()
    run_campaign(
        load_profiles(at, inputs.url).collect(), config=CampaignConfig(campaign_id="P-1"), at=at,
        out_dir=inputs.fresh("progress-campaign"), models=models, catalog=catalog,
        progress=record,
    )  # fmt: skip
    total = len(CAMPAIGN_STEPS)
    assert heard == [*((name, i, total) for i, name in enumerate(CAMPAIGN_STEPS)),
                     ("done", total, total)]  # fmt: skip


def _campaign(inputs: Inputs, out: str, *before: str) -> list[str]:
    return [*before, "campaign", "run", "--name", "BAR", "--out", str(inputs.fresh(out)),
            "--db", inputs.url,
            "--at", AT, "--models", str(inputs.models), "--json"]  # fmt: skip


def test_the_bar_goes_to_stderr_and_json_stays_clean(
    inputs: Inputs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """stderr treated as a terminal (as a user at a console): the bar on stderr, the JSON alone
    on stdout; ``--quiet`` draws no bar and changes nothing else."""
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    shown = CliRunner().invoke(app, _campaign(inputs, "BAR-1"))
    assert shown.exit_code == 0, shown.stderr
    assert "campaign run" in shown.stderr and "deciding" in shown.stderr
    report = json.loads(shown.stdout)
    quiet = CliRunner().invoke(app, _campaign(inputs, "BAR-2", "--quiet"))
    assert quiet.exit_code == 0 and quiet.stderr == ""
    again = json.loads(quiet.stdout)
    assert again.pop("out") != report.pop("out")
    assert again.pop("plan_id") == report.pop("plan_id") + 1  # each run recorded in the store
    assert _same(again, report)


def _same(a: object, b: object) -> bool:
    """Equal, floats to 1e-9 relative: two runs of a campaign with models may differ in the last
    bit of a sum (order of summation), which the bar has nothing to do with."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float):
        return a == pytest.approx(b, rel=1e-9)
    return a == b
