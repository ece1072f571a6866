"""Streaming to files: Parquet and CSV round trips, refusal to clobber, the CLI.

Bad inputs tried: an unknown format, a directory already holding a carrier, a bad --as-of.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from goodcall.cli import app
from goodcall.profiles.schema import TABLES
from goodcall.store.files import read_table_file
from goodcall.synth.generate import SynthError, carrier_tables, write_carrier

SEED = 11
N = 400


def test_parquet_files_equal_the_in_memory_carrier(tmp_path: Path) -> None:
    counts = write_carrier(tmp_path, N, SEED, "parquet", chunk_size=150)
    tables = carrier_tables(N, SEED, chunk_size=150)
    assert counts == {name: frame.height for name, frame in tables.items()}
    for table in TABLES:
        read = pl.read_parquet(tmp_path / f"{table.name}.parquet")
        assert read.equals(tables[table.name]), table.name
    meta = json.loads((tmp_path / "_truth" / "truth.json").read_text())
    assert (meta["seed"], meta["as_of"], meta["customers"]) == (SEED, "2026-11-20", N)
    assert not list(tmp_path.glob(".synth-partial-*"))


def test_csv_files_read_back_by_the_importer(tmp_path: Path) -> None:
    """Chunks appended to CSV read back, through the importer's file reader, as the carrier."""
    write_carrier(tmp_path, N, SEED, "csv", chunk_size=150)
    tables = carrier_tables(N, SEED, chunk_size=150)
    for table in TABLES:
        path = tmp_path / f"{table.name}.csv"
        assert path.read_text(encoding="utf-8").count(table.column_names[0]) >= 1
        read = read_table_file(path, table)
        assert read.equals(tables[table.name]), table.name


def test_refuses_to_overwrite_without_being_asked(tmp_path: Path) -> None:
    write_carrier(tmp_path, 50, SEED)
    with pytest.raises(SynthError, match="already holds carrier files"):
        write_carrier(tmp_path, 60, SEED)
    assert pl.read_parquet(tmp_path / "customers.parquet").height == 50  # untouched
    write_carrier(tmp_path, 60, SEED, "csv", overwrite=True)
    assert not (tmp_path / "customers.parquet").exists()
    assert (tmp_path / "customers.csv").exists()


def test_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(SynthError, match="unknown format 'xlsx'"):
        write_carrier(tmp_path, 10, SEED, "xlsx")


def test_cli_writes_a_carrier(tmp_path: Path) -> None:
    out = tmp_path / "carrier"
    result = CliRunner().invoke(
        app, ["synth", "--customers", "120", "--seed", "3", "--out", str(out), "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    assert "customers" in result.output and "ResponseTruth(3)" in result.output
    assert (out / "customers.csv").read_text(encoding="utf-8").count("\n") == 121


def test_cli_bad_as_of(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["synth", "--customers", "10", "--out", str(tmp_path), "--as-of", "20-11-2026"]
    )
    assert result.exit_code != 0
    assert "YYYY-MM-DD" in result.output


def test_cli_refuses_an_existing_carrier(tmp_path: Path) -> None:
    write_carrier(tmp_path, 20, SEED)
    result = CliRunner().invoke(app, ["synth", "--customers", "10", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "already holds carrier files" in " ".join(result.output.split())
