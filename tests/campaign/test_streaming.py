"""A campaign decided chunk by chunk: the same bytes whatever the chunk size, and the same
decisions from Parquet import tables read a range of customers at a time as from memory.

Bad inputs tried: a Parquet table with a column of the wrong type, a folder without the
customers table.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from goodcall.campaign.run import run_campaign
from goodcall.campaign.source import ParquetSource
from goodcall.decide.config import CampaignConfig
from goodcall.models.registry import ModelSet
from goodcall.store.chunks import ParquetCarrier
from goodcall.store.files import TableFileError, write_tables
from tests.decide.world import AT, World

c = pl.col
CHEAP_CALLS = {"phone": 0.5, "sms": 0.05, "email": 0.01, "app": 0.0}
CONFIG = CampaignConfig(
    campaign_id="STREAM", calls_per_day=12, calls_per_hour=3, contact_cost=CHEAP_CALLS
)
OUTPUTS = ("decisions.parquet", "call_list.csv", "call_list.parquet", "briefs.jsonl", "report.json")


def _run(world: World, trained: ModelSet, out: Path, profiles: object, chunk: int) -> Path:
    run_campaign(
        profiles,  # type: ignore[arg-type]
        config=CONFIG, at=AT, out_dir=out, models=trained, catalog=world.catalog,
        chunk_size=chunk,
    )  # fmt: skip
    return out


@pytest.fixture(scope="module")
def parquet_folder(world: World, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("carrier")
    write_tables({name: frame.collect() for name, frame in world.tables.items()}, folder, "parquet")
    return folder


def test_the_same_bytes_whatever_the_chunk_size_and_the_source(
    world: World, trained: ModelSet, tmp_path: Path, parquet_folder: Path
) -> None:
    whole = _run(world, trained, tmp_path / "whole", world.profiles, 100_000)
    small = _run(world, trained, tmp_path / "small", world.profiles, 97)
    files = _run(world, trained, tmp_path / "files", ParquetSource(parquet_folder, AT), 211)
    decisions = pl.read_parquet(whole / "decisions.parquet")
    assert decisions.height == world.profiles.height
    assert decisions.filter(c("decision") == "contact").height > 0
    calls = pl.read_parquet(whole / "call_list.parquet")
    assert calls.height == decisions.filter(c("decision") == "contact").height
    assert calls.schema["planned_at"] == pl.Datetime("us", "UTC")
    for name in OUTPUTS:
        expected = (whole / name).read_bytes()
        assert (small / name).read_bytes() == expected, name
        assert (files / name).read_bytes() == expected, name
    assert not (small / ".sides").exists()


def test_row_groups_are_fixed_whatever_the_chunks(
    world: World, trained: ModelSet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("goodcall.campaign.sink.ROW_GROUP", 500)
    out = _run(world, trained, tmp_path / "groups", world.profiles, 333)
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(out / "decisions.parquet").metadata
    sizes = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
    assert sizes == [500, 500, 500]  # 1,500 customers arrived in chunks of 333


def test_a_parquet_table_of_the_wrong_type_is_refused_at_the_entry(
    world: World, tmp_path: Path
) -> None:
    tables = {name: frame.collect() for name, frame in world.tables.items()}
    write_tables(tables, tmp_path, "parquet")
    wrong = tables["customers"].with_columns(c("monthly_revenue").cast(pl.String))
    wrong.write_parquet(tmp_path / "customers.parquet")
    with pytest.raises(TableFileError, match=r"customers.parquet.*monthly_revenue.*Float64"):
        ParquetCarrier(tmp_path)
    (tmp_path / "customers.parquet").unlink()
    with pytest.raises(FileNotFoundError, match="required table customers is missing"):
        ParquetCarrier(tmp_path)
