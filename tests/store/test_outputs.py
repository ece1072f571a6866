"""``goodcall import`` and ``summary`` against hostile paths, values and stores (issue 19): the
report and quarantine are checked before the transaction, never overwrite an input, are escaped
against spreadsheet formulas and cut to readable values; a bad or busy store is a clear error."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import polars as pl
import pytest
import typer
from typer.testing import CliRunner

from goodcall.output import VALUE_LIMIT
from goodcall.store import config
from goodcall.store.cli import register
from goodcall.store.importer import import_directory
from tests.store.conftest import assert_same_store, snapshot, two_customers, write_dir

app = typer.Typer()
register(app)
runner = CliRunner()


def _stored(tmp_path: Path, url: str) -> dict[str, pl.DataFrame]:
    assert import_directory(write_dir(two_customers(), tmp_path / "first"), url).landed
    return snapshot(url)


def _edit(directory: Path, name: str, column: str, row: int, value: str) -> None:
    path = directory / name
    frame = pl.read_csv(path, infer_schema=False)
    cells = frame[column].to_list()
    cells[row] = value
    frame.with_columns(pl.Series(column, cells, pl.String)).write_csv(path)


@pytest.mark.parametrize("option", ["--report", "--quarantine"])
def test_an_unwritable_output_fails_before_the_store_is_replaced(
    option: str, store_url: str, tmp_path: Path
) -> None:
    before = _stored(tmp_path, store_url)
    directory = write_dir(two_customers(), tmp_path / "second")
    _edit(directory, "customers.csv", "last_name", 0, "Changed")
    args = ["import", str(directory), "--db", store_url, "--replace", option, "/proc/x.csv"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert " ".join(result.output.split()) == (
        f"error: {option} /proc/x.csv: cannot write in /proc (No such file or directory); "
        "nothing was imported"
    )
    assert_same_store(before, snapshot(store_url))


def test_a_quarantine_inside_the_input_is_refused_and_the_input_kept(tmp_path: Path) -> None:
    directory = write_dir(two_customers(), tmp_path / "in")
    lines = (directory / "lines.csv").read_bytes()
    url = f"sqlite:///{tmp_path / 'store.db'}"
    for target in (directory / "lines.csv", directory / "quarantine.csv"):
        args = ["import", str(directory), "--db", url, "--quarantine", str(target)]
        result = runner.invoke(app, args)
        assert result.exit_code == 2
        assert f"would overwrite the input {directory}" in " ".join(result.output.split())
    assert (directory / "lines.csv").read_bytes() == lines
    assert not (directory / "quarantine.csv").exists()
    assert not (tmp_path / "store.db").exists()  # refused before the store was even opened


def test_report_and_quarantine_are_escaped_and_put_in_place(tmp_path: Path) -> None:
    directory = write_dir(two_customers(), tmp_path / "in")
    _edit(directory, "customers.csv", "monthly_revenue", 1, "=HYPERLINK(1)")
    report, quarantine = tmp_path / "out" / "report.csv", tmp_path / "out" / "q.csv"
    args = ["import", str(directory), "--db", f"sqlite:///{tmp_path / 's.db'}",
            "--report", str(report), "--quarantine", str(quarantine)]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    problems = pl.read_csv(report, infer_schema=False)
    assert problems.filter(pl.col("column") == "monthly_revenue")["value"].to_list() == [
        "'=HYPERLINK(1)"
    ]
    rejected = pl.read_csv(quarantine, infer_schema=False)
    assert rejected["reasons"][0].startswith("monthly_revenue: bad_value '=HYPERLINK(1)'")
    assert sorted(p.name for p in report.parent.iterdir()) == ["q.csv", "report.csv"]


def test_a_value_that_swallowed_the_file_is_cut(tmp_path: Path) -> None:
    directory = write_dir(two_customers(), tmp_path / "in")
    emails = "".join(f"x{n}@example.org\n" for n in range(5_000))
    _edit(directory, "customers.csv", "monthly_revenue", 1, emails)  # as an open quote reads
    report = tmp_path / "report.csv"
    args = ["import", str(directory), "--db", f"sqlite:///{tmp_path / 's.db'}", "--report",
            str(report)]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    value = pl.read_csv(report, infer_schema=False)["value"].drop_nulls().to_list()
    assert value == [emails[:VALUE_LIMIT] + f"… ({len(emails)} characters)"]
    assert result.output.count("@example.org") <= 6  # the first 80 characters of the value


@pytest.mark.parametrize("value", ["[/bold]", "Tremblay [vip]"])
def test_markup_in_an_import_value_is_shown_as_it_is(value: str, tmp_path: Path) -> None:
    directory = write_dir(two_customers(), tmp_path / "in")
    _edit(directory, "customers.csv", "monthly_revenue", 1, value)
    args = ["import", str(directory), "--db", f"sqlite:///{tmp_path / 's.db'}"]
    result = CliRunner(env={"COLUMNS": "200"}).invoke(app, args)
    assert result.exit_code == 2, result.output
    assert f"│ {value} " in result.output


@pytest.mark.parametrize("command", ["import", "summary", "db upgrade", "db current"])
def test_a_store_that_cannot_be_opened_is_a_clear_error(command: str, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'no-such-folder' / 'x.db'}"
    args = command.split()
    if command == "import":
        args.append(str(write_dir(two_customers(), tmp_path / "in")))
    result = runner.invoke(app, [*args, "--db", url])
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert message.startswith(f"error: cannot use the store at {url}: unable to open database")


def _hold_write_lock(path: Path) -> sqlite3.Connection:
    """Another writer: a transaction holding the SQLite write lock."""
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    return other


def test_a_second_merge_import_waits_for_the_first(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    _stored(tmp_path, url)
    other = _hold_write_lock(tmp_path / "s.db")
    threading.Timer(0.5, other.commit).start()
    started = time.perf_counter()
    second = import_directory(write_dir(two_customers(), tmp_path / "again"), url)
    assert second.landed
    assert time.perf_counter() - started >= 0.5  # it waited for the lock rather than failing
    other.close()


def test_a_merge_import_refuses_clearly_when_the_store_stays_locked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    before = _stored(tmp_path, url)
    monkeypatch.setattr(config, "BUSY_TIMEOUT_MS", 200)
    other = _hold_write_lock(tmp_path / "s.db")
    try:
        directory = write_dir(two_customers(), tmp_path / "again")
        result = runner.invoke(app, ["import", str(directory), "--db", url])
    finally:
        other.rollback()
        other.close()
    assert result.exit_code == 2
    assert " ".join(result.output.split()) == (
        f"error: cannot use the store at {url}: database is locked (another goodcall has been "
        "writing to it for 0.2 s; try again later); nothing was imported"
    )
    assert_same_store(before, snapshot(url))
