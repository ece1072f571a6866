"""The store commands as a user types them (import, summary, db, docs)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from goodcall.store.cli import register
from goodcall.store.docs import data_format_markdown
from tests.store.conftest import two_customers, write_dir

app = typer.Typer()
register(app)
runner = CliRunner()


def test_import_then_summary(store_url: str, tmp_path: Path) -> None:
    directory = write_dir(two_customers(), tmp_path / "in")
    done = runner.invoke(app, ["import", str(directory), "--db", store_url, "--replace"])
    assert done.exit_code == 0, done.output
    assert "Imported 26 rows" in done.output
    shown = runner.invoke(app, ["summary", "--db", store_url, "--json"])
    assert shown.exit_code == 0, shown.output
    summary = json.loads(shown.output)
    assert summary["counts"] == {
        "plans": 5,
        "promotions": 5,
        "customers": 2,
        "lines": 2,
        "line_changes": 0,
        "promotion_events": 4,
        "preferences": 2,
        "consent": 2,
        "contacts": 2,
        "self_service": 2,
        "cases": 0,
    }
    assert summary["mixes"]["region"]["values"] == [{"value": "QC", "count": 2, "share": 1.0}]
    assert summary["mixes"]["plan_tier"]["values"] == [{"value": "5", "count": 2, "share": 1.0}]
    assert summary["mixes"]["lines_per_account"]["values"] == [
        {"value": "1", "count": 2, "share": 1.0}
    ]
    assert summary["shares"] == {
        "control_share": 0.0,
        "national_dnc_share": 0.0,
        "internal_dnc_share": 0.0,
    }
    assert summary["meta"]["last_import_mode"] == "replace"
    tables = runner.invoke(app, ["summary", "--db", store_url])
    assert "Lines by device maker" in tables.output and "Apple" in tables.output


def test_bad_import_exits_non_zero_and_names_the_problem(tmp_path: Path) -> None:
    directory = write_dir(two_customers(), tmp_path / "in")
    text = (directory / "lines.csv").read_text().replace("ULT_150", "ULT_151", 1)
    (directory / "lines.csv").write_text(text)
    url = f"sqlite:///{tmp_path / 's.db'}"
    done = runner.invoke(app, ["import", str(directory), "--db", url], terminal_width=200)
    assert done.exit_code == 2  # refused input, not a finding
    assert "dangling_reference" in done.output and "ULT_151" in done.output
    assert "Nothing imported" in done.output


def test_bad_url_and_empty_store(tmp_path: Path) -> None:
    bad = runner.invoke(app, ["summary", "--db", "oracle://x"])
    assert bad.exit_code == 2
    url = f"sqlite:///{tmp_path / 'e.db'}"
    empty = runner.invoke(app, ["summary", "--db", url])
    assert empty.exit_code == 2
    assert "is empty" in empty.output


def test_db_upgrade_and_current(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    assert runner.invoke(app, ["db", "current", "--db", url]).output.endswith(
        "schema None (newest 0007)\n"
    )
    assert runner.invoke(app, ["db", "upgrade", "--db", url]).exit_code == 0
    assert "schema 0007 (newest 0007)" in runner.invoke(app, ["db", "current", "--db", url]).output


def test_docs_data_format_prints_the_document() -> None:
    done = runner.invoke(app, ["docs", "data-format"])
    assert done.exit_code == 0
    assert done.output == data_format_markdown()
