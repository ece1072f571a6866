"""``goodcall audit`` with a brands file: a call list that offers a Canadian offer to a customer
of the French subsidiary is a finding, worded with both companies."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import typer
from typer.testing import CliRunner

from goodcall.profiles.brands import read_brands
from goodcall.profiles.fixtures import seed_customer_tables
from goodcall.store.files import write_tables
from goodcall.store.importer import ImportOptions, import_directory
from tests.audit.conftest import AT, change, clone, write_calls
from tests.audit.test_audit import LIST_DATE, call

BRANDS = Path(__file__).resolve().parents[2] / "src/goodcall/catalog/data/brands.yaml"
FRENCH = {
    "brand": "nordet_fr",
    "country": "FR",
    "region": "FR",
    "time_zone": "Europe/Paris",
    "language": "fr-FR",
}


def _store(root: Path) -> str:
    seed = seed_customer_tables()
    french = clone(seed, "FRA-0001")
    french["customers"] = change(
        french["customers"].with_columns(pl.lit(None, pl.String).alias("brand")), **FRENCH
    )
    tables = {
        name: pl.concat([seed[name], french[name]], how="diagonal_relaxed")
        if name in french
        else seed[name]
        for name in seed
    }
    write_tables(tables, root / "carrier", "csv")
    url = f"sqlite:///{root / 'store.db'}"
    result = import_directory(root / "carrier", url, ImportOptions(brands=read_brands().ids))
    assert result.landed, result.problems.first
    return url


def test_a_call_list_crossing_brands_is_a_finding(app: typer.Typer, tmp_path: Path) -> None:
    url = _store(tmp_path)
    tuesday_16h_paris = "2026-11-24T16:00:00+01:00"
    rows = [
        call("C-FRA-0001", "HS_IPHONE16E", tuesday_16h_paris, language="fr-FR"),
        call("C-FRA-0001", "FR_AO_EUROPE", tuesday_16h_paris, language="fr-FR"),
    ]
    path = write_calls(tmp_path / "calls.csv", rows)
    args = ["audit", str(path), "--db", url, "--at", AT, "--national-list-date", LIST_DATE]
    args += ["--catalog", str(BRANDS), "--lang", "fr", "--json"]
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 1, result.output
    findings = json.loads(result.output)["findings"]
    assert [(f["row"], f["code"]) for f in findings] == [(1, "catalog.validity.brand")]
    assert findings[0]["evidence"] == "brand=nordet_fr, offer_brand=nordet"
    assert findings[0]["message"] == (
        "l'offre est celle de Nordet Mobile et le compte relève de Nordet France"
    )
