"""``--quarantine``: good rows land, rejected rows (and rows pointing at them) go to the file."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from goodcall.profiles.fixtures import SEED_CUSTOMER_ID
from goodcall.store.importer import ImportOptions, import_directory
from tests.store.conftest import snapshot, two_customers, write_dir


def test_quarantine_keeps_good_rows_and_rejects_dependents(store_url: str, tmp_path: Path) -> None:
    tables = two_customers()
    tables["customers"] = tables["customers"].with_columns(
        pl.when(pl.col("customer_id") == "C-X-0002")
        .then(pl.lit("Europe/Atlantis"))
        .otherwise(pl.col("time_zone"))
        .alias("time_zone")
    )
    quarantine = tmp_path / "rejects.csv"
    options = ImportOptions(quarantine=quarantine)
    result = import_directory(write_dir(tables, tmp_path / "in"), store_url, options)
    assert result.landed
    assert result.rejected == {
        "customers": 1,
        "lines": 1,
        "promotion_events": 2,
        "preferences": 1,
        "consent": 1,
        "contacts": 1,
        "self_service": 1,
    }
    stored = snapshot(store_url)
    for name in ("customers", "lines", "consent", "contacts", "preferences", "self_service"):
        assert stored[name]["customer_id"].to_list() == [SEED_CUSTOMER_ID], name
    rejects = pl.read_csv(quarantine, infer_schema=False)
    assert rejects.columns == ["table", "file", "row", "reasons", "record"]
    first = rejects.row(0, named=True)
    assert (first["table"], first["file"], first["row"]) == ("customers", "customers.csv", "2")
    assert first["reasons"] == (
        "time_zone: bad_time_zone 'Europe/Atlantis' "
        "(expected an IANA time zone such as America/Toronto)"
    )
    assert json.loads(first["record"])["customer_id"] == "C-X-0002"
    line = rejects.filter(pl.col("table") == "lines").row(0, named=True)
    assert line["reasons"] == (
        "customer_id: rejected_reference 'C-X-0002' "
        "(expected a customers row that was accepted (customers.csv row 2 was rejected))"
    )
    event = rejects.filter(pl.col("table") == "promotion_events").row(0, named=True)
    assert "line_id: rejected_reference 'L-X-0002'" in event["reasons"]


def test_quarantine_does_not_save_a_broken_file(store_url: str, tmp_path: Path) -> None:
    """A file-level problem (here an unknown column) still stops the whole import."""
    directory = write_dir(two_customers(), tmp_path / "in")
    path = directory / "lines.csv"
    pl.read_csv(path, infer_schema=False).with_columns(colour=pl.lit("red")).write_csv(path)
    options = ImportOptions(quarantine=tmp_path / "rejects.csv")
    result = import_directory(directory, store_url, options)
    assert not result.landed
    assert snapshot(store_url)["customers"].height == 0
