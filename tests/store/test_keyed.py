"""The keyed profile read: one customer's profile by id gives the batch's profile row.

A synthetic carrier of 300 customers (every kind of line, history and preference the generator
makes) is imported on each backend; every customer read alone, and a few together, must equal
their rows of the batch read (the row fold up to ``ROW_PATH_MAX`` customers, the batch's
frames beyond). Bad input: an unknown id (no row), an empty store and a store that
cannot be opened (refused with the batch reader's messages).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from goodcall.store import keyed
from goodcall.store.codec import split_list, split_text
from goodcall.store.config import StoreUnavailableError
from goodcall.store.importer import import_directory
from goodcall.store.keyed import SHARED, ProfileReader
from goodcall.store.migrate import StoreNotReadyError
from goodcall.store.reader import load_profiles
from goodcall.synth.generate import write_carrier

AT = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)


def test_each_customer_read_alone_is_the_batch_row(store_url: str, tmp_path: Path) -> None:
    write_carrier(tmp_path / "carrier", 300, 4)
    assert import_directory(tmp_path / "carrier", store_url).landed
    batch = load_profiles(AT, store_url).collect()
    assert batch.height == 300 and SHARED == ("plans", "promotions")
    with ProfileReader(store_url) as reader:
        for row in batch.iter_rows(named=True):
            alone = reader.read(row["customer_id"], AT)
            assert alone.to_dicts() == [row], row["customer_id"]
        few = batch["customer_id"].to_list()[5:9]
        together = reader.read(few, AT).sort("customer_id")
        assert together.equals(batch.filter(batch["customer_id"].is_in(few)).sort("customer_id"))
        assert reader.read("C-NOBODY", AT).height == 0
        assert reader.read([], AT).schema == batch.schema
        assert reader.read(few[0], AT).schema == batch.schema
        twice = reader.read([few[1], "C-NOBODY", few[0], few[1]], AT)
        assert twice["customer_id"].to_list() == [few[1], few[0]]
        expected = [batch.filter(batch["customer_id"] == cid) for cid in (few[1], few[0])]
        assert twice.equals(pl.concat(expected))


def test_more_customers_than_the_row_path_takes_read_the_batch_frames(
    store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_carrier(tmp_path / "carrier", 40, 6)
    assert import_directory(tmp_path / "carrier", store_url).landed
    batch = load_profiles(AT, store_url).collect().sort("customer_id")
    monkeypatch.setattr(keyed, "ROW_PATH_MAX", 3)
    with ProfileReader(store_url) as reader:
        ids = batch["customer_id"].to_list()
        assert reader.read(ids, AT).sort("customer_id").equals(batch)
        assert reader.read(ids[:3], AT).sort("customer_id").equals(batch.head(3))


def test_an_empty_or_unreachable_store_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreNotReadyError, match="is empty: run `goodcall import DIR`"):
        ProfileReader(f"sqlite:///{tmp_path / 'empty.db'}")
    with pytest.raises(StoreUnavailableError, match="cannot use the store at sqlite:///"):
        ProfileReader(f"sqlite:///{tmp_path / 'no-such-folder' / 'store.db'}")


def test_a_table_gone_after_the_reader_was_made_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    write_carrier(tmp_path / "carrier", 5, 2)
    assert import_directory(tmp_path / "carrier", url).landed
    with ProfileReader(url) as reader:
        with reader.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE cases")
        with pytest.raises(
            StoreUnavailableError, match=r"cannot use the store at .*no such table: cases"
        ):
            reader.read("C-00000001", AT)


@pytest.mark.parametrize("text", ["", "phone", "phone;sms;email", ";x", "a;;b"])
def test_a_list_value_reads_as_the_codec_reads_it(text: str) -> None:
    decoded = pl.DataFrame({"v": [text]}).select(split_list(pl.col("v"))).item()
    assert decoded.to_list() == split_text(text)
