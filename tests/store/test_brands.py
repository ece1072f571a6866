"""``customers.brand``: a declared brand or empty; anything else is refused, located."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from goodcall.cli import app
from goodcall.profiles.brands import read_brands
from goodcall.store.importer import ImportOptions, import_directory
from goodcall.store.reader import load_tables
from tests.store.conftest import two_customers, write_dir

SHIPPED = read_brands().ids


def _with_brands(*brands: str | None) -> dict[str, pl.LazyFrame]:
    tables = two_customers()
    tables["customers"] = tables["customers"].with_columns(
        pl.Series("brand", list(brands), pl.String)
    )
    return tables


def test_declared_brands_and_empty_ones_land(store_url: str, tmp_path: Path) -> None:
    directory = write_dir(_with_brands(None, "nordet_fr"), tmp_path / "in")
    result = import_directory(directory, store_url, ImportOptions(brands=SHIPPED))
    assert result.landed, result.problems.first
    stored = load_tables(store_url)["customers"].collect().sort("customer_id")
    assert stored.select("customer_id", "brand").rows() == [
        ("C-SEED-0001", None),
        ("C-X-0002", "nordet_fr"),
    ]


def test_an_unknown_brand_is_refused_naming_file_row_and_column(
    store_url: str, tmp_path: Path
) -> None:
    directory = write_dir(_with_brands(None, "nordet_ca"), tmp_path / "in")
    result = import_directory(directory, store_url, ImportOptions(brands=SHIPPED))
    assert not result.landed
    assert result.problems.first.select("file", "row", "column", "value", "problem").rows() == [
        ("customers.csv", 2, "brand", "nordet_ca", "unknown_value")
    ]
    assert result.problems.first.item(0, "expected") == (
        "one of the brands nordet, nordet_fr, or empty for the default brand"
    )


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_without_declared_brands_no_customer_may_name_one(store_url: str, tmp_path: Path) -> None:
    directory = write_dir(_with_brands("nordet", None), tmp_path / "in")
    result = import_directory(directory, store_url)
    assert result.problems.first.select("row", "column", "value", "expected").rows() == [
        (1, "brand", "nordet", "empty: no brand is declared (pass the brands file with --brands)")
    ]


def test_the_import_command_reads_the_brands_file(tmp_path: Path) -> None:
    directory = write_dir(_with_brands("nordet_fr", None), tmp_path / "in")
    url = f"sqlite:///{tmp_path / 's.db'}"
    only_canada = tmp_path / "brands.yaml"
    only_canada.write_text(
        "default: nordet\nbrands:\n  - {id: nordet, company: {fr: N, en: N}, currency: CAD,\n"
        "     locale: fr_CA, catalog: nordet.yaml}\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    env = {"COLUMNS": "250"}
    refused = runner.invoke(
        app, ["import", str(directory), "--db", url, "--brands", str(only_canada)], env=env
    )
    assert refused.exit_code == 2  # refused input: nothing imported
    assert "nordet_fr" in refused.output and "unknown_value" in refused.output
    landed = runner.invoke(app, ["import", str(directory), "--db", url], env=env)
    assert landed.exit_code == 0, landed.output
    broken = tmp_path / "broken.yaml"
    broken.write_text("default: nordet\nbrands: []\n", encoding="utf-8")
    failed = runner.invoke(app, ["import", str(directory), "--db", url, "--brands", str(broken)])
    assert failed.exit_code == 2
    assert "not a brands file: field brands:" in failed.output
