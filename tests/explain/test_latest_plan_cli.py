"""``explain`` and ``brief`` without ``--campaign`` use the latest campaign plan of the store and
say which; ``--no-plan`` decides at prices 0 and says so.

The store is a copy of the story's store (his copies included); two campaigns are run on it with
the ``campaign`` command, a day apart, phone only.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from goodcall.brief.cli import register as register_brief
from goodcall.campaign.cli import register as register_campaign

AT = "2026-11-20T19:05:00-05:00"  # Friday evening: his hours forbid a call
NEXT_DAY = "2026-11-21T19:05:00-05:00"


@pytest.fixture
def every(app: typer.Typer) -> typer.Typer:
    register_brief(app)
    register_campaign(app)
    return app


@pytest.fixture
def url(store_url: str, tmp_path: Path) -> str:
    """A copy of the story's store, so its plans stay in this test."""
    copy = tmp_path / "store.db"
    shutil.copy(store_url.removeprefix("sqlite:///"), copy)
    return f"sqlite:///{copy}"


def run(app: typer.Typer, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False, env={"COLUMNS": "250"})
    return result.exit_code, result.stdout, result.stderr


def campaign(app: typer.Typer, url: str, out: Path, name: str, at: str) -> dict[str, Any]:
    code, stdout, err = run(
        app, "campaign", "run", "--db", url, "--out", str(out), "--at", at, "--name", name,
        "--json",
    )  # fmt: skip
    assert code == 0, stdout + err
    report: dict[str, Any] = json.loads(stdout)
    return report


def explain(app: typer.Typer, url: str, at: str, *extra: str) -> dict[str, Any]:
    code, out, err = run(app, "explain", "C-SEED-0001", "--db", url, "--at", at, "--json", *extra)
    assert code == 0, out + err
    result: dict[str, Any] = json.loads(out)
    return result


def without_basis(result: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in result["decision"].items() if k != "basis"}


def test_the_latest_stored_plan_is_used_and_named(
    every: typer.Typer, url: str, tmp_path: Path
) -> None:
    assert explain(every, url, AT)["decision"]["basis"]["prices"] == "zero (no campaign plan)"
    first = campaign(every, url, tmp_path / "first", "FIRST", AT)
    assert first["plan_id"] == 1
    stored = explain(every, url, AT)
    given = explain(every, url, AT, "--campaign", str(tmp_path / "first"))
    assert without_basis(stored) == without_basis(given)
    assert stored["offers"] == given["offers"] and stored["channels"] == given["channels"]
    basis = stored["decision"]["basis"]
    assert {k: basis[k] for k in ("prices", "plan_from", "plan_id", "campaign_id", "campaign")} == {
        "prices": "campaign plan",
        "plan_from": "store",
        "plan_id": 1,
        "campaign_id": "FIRST",
        "campaign": str((tmp_path / "first").resolve()),
    }
    assert given["decision"]["basis"]["plan_from"] == "directory"

    campaign(every, url, tmp_path / "later", "LATER", NEXT_DAY)
    assert explain(every, url, AT)["decision"]["basis"]["campaign_id"] == "FIRST"
    assert explain(every, url, NEXT_DAY)["decision"]["basis"]["campaign_id"] == "LATER"
    early = explain(every, url, "2026-11-19T12:00:00-05:00")["decision"]["basis"]
    assert (early["campaign_id"], early["plan_after_at"]) == ("FIRST", True)

    shutil.move(tmp_path / "later", tmp_path / "moved")  # the stored JSON is what is read
    code, out, err = run(every, "explain", "C-SEED-0001", "--db", url, "--at", NEXT_DAY)
    assert code == 0, err
    assert (
        "prices: the latest plan in the store (plan 2: campaign LATER, decided at "
        f"2026-11-22T00:05:00+00:00; written to {(tmp_path / 'later').resolve()})"
    ) in " ".join(out.replace("│", " ").split())

    code, out, err = run(every, "brief", "C-SEED-0001", "--db", url, "--at", AT)
    assert code == 0, err
    assert "No pitch for C-SEED-0001" in out
    assert "prices: the latest plan in the store (plan 1: campaign FIRST, decided at " in out


def test_no_plan_decides_at_prices_zero_and_says_so(
    every: typer.Typer, url: str, tmp_path: Path
) -> None:
    campaign(every, url, tmp_path / "first", "FIRST", AT)
    decision = explain(every, url, AT, "--no-plan")["decision"]
    assert (decision["basis"]["prices"], decision["basis"]["campaign_id"]) == (
        "zero (--no-plan)",
        "SINGLE",
    )
    assert decision["basis"]["plan_id"] is None
    code, out, _ = run(every, "explain", "C-SEED-0001", "--db", url, "--at", AT, "--no-plan")
    assert code == 0
    assert "prices: 0 — --no-plan; no control group or exploration outside a campaign" in out
    code, out, err = run(every, "brief", "C-SEED-0001", "--db", url, "--at", AT, "--no-plan")
    assert code == 0, err
    assert "prices: 0 — --no-plan" in out
    code, _, err = run(
        every, "explain", "C-SEED-0001", "--db", url, "--at", AT, "--no-plan",
        "--campaign", str(tmp_path / "first"),
    )  # fmt: skip
    assert code == 2
    assert "--no-plan and --campaign exclude each other" in err
