"""``goodcall simulate day``: the campaign's call list worked by simulated agents, outcomes in the
store through the outcome endpoint's code, once per day."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import sqlalchemy as sa
from typer.testing import CliRunner

from goodcall.cli import app
from tests.cli.conftest import Inputs


def _store_copy(inputs: Inputs, name: str) -> str:
    source = Path(inputs.url.removeprefix("sqlite:///"))
    target = inputs.fresh(name)
    shutil.copyfile(source, target)
    return f"sqlite:///{target}"


def _day(url: str, inputs: Inputs, *more: str) -> dict[str, object]:
    argv = ["simulate", "day", "--campaign", str(inputs.campaign), "--db", url]
    result = CliRunner().invoke(app, [*argv, "--truth-seed", "2", "--agents", "3", *more, "--json"])
    assert result.exit_code == 0, (result.stderr, result.exception)
    document: dict[str, object] = json.loads(result.stdout)
    return document


def test_a_day_is_recorded_once_in_the_contacts_table(inputs: Inputs) -> None:
    url = _store_copy(inputs, "day.db")
    calls = pl.read_parquet(inputs.campaign / "call_list.parquet").filter(
        pl.col("channel") == "phone"
    )
    first = _day(url, inputs, "--mode", "predictive")
    figures = first["figures"]
    assert isinstance(figures, dict)
    assert first["calls"] == calls.height and figures["dialled"] == first["recorded"]
    assert figures["abandonment"] <= 0.03 and figures["silence_max"] <= 2.0
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        query = "select customer_id, outcome, agent_id from contacts where contact_id like :key"
        rows = connection.execute(sa.text(query), {"key": "K-SIM-%"}).all()
    assert len(rows) == first["recorded"]
    assert {r.customer_id for r in rows} <= set(calls["customer_id"])
    talked = [r for r in rows if r.outcome in ("accepted", "declined", "complaint", "dnc_request")]
    assert all(r.agent_id.startswith("SIM-A") for r in talked)
    again = _day(url, inputs, "--mode", "predictive")
    assert (again["recorded"], again["replayed"]) == (0, first["recorded"])


def test_a_missing_campaign_folder_is_exit_2(inputs: Inputs, tmp_path: Path) -> None:
    argv = ["simulate", "day", "--campaign", str(tmp_path), "--db", inputs.url, "--dry-run"]
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 2
    assert "not a campaign folder" in result.stderr


def test_a_bad_mode_is_exit_2(inputs: Inputs) -> None:
    argv = ["simulate", "day", "--campaign", str(inputs.campaign), "--mode", "turbo"]
    result = CliRunner().invoke(app, argv)
    assert (result.exit_code, "expected one of preview" in result.stderr) == (2, True)
