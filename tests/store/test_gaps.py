"""Silent gaps of the import (issue 19, item 10): a value longer than ``MAX_FIELD_CHARS`` is
refused with file, row, column and the limit (a 10 MB ``last_name`` was stored, and a brief then
printed 30 MB); a Latin-1 or semicolon-separated file says which encoding or separator would read
it. The store is left as it was.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from goodcall.limits import MAX_FIELD_CHARS
from goodcall.store.importer import ImportOptions, import_directory
from tests.store.conftest import assert_same_store, snapshot, two_customers, write_dir
from tests.store.test_bad_input import _set


def refused(store_url: str, tmp_path: Path, edit: object) -> pl.DataFrame:
    assert import_directory(write_dir(two_customers(), tmp_path / "good"), store_url).landed
    before = snapshot(store_url)
    bad = write_dir(two_customers(), tmp_path / "bad")
    edit(bad)  # type: ignore[operator]
    result = import_directory(bad, store_url, ImportOptions(replace=True))
    assert not result.landed and result.written == {}
    assert_same_store(before, snapshot(store_url))
    return result.problems.first


def test_a_ten_megabyte_last_name_is_refused(store_url: str, tmp_path: Path) -> None:
    huge = "x" * 10_000_000
    problems = refused(store_url, tmp_path, _set("customers", "last_name", 2, huge))
    found = problems.select("file", "row", "column", "problem", "expected").rows()
    assert found == [
        ("customers.csv", 2, "last_name", "too_long", "at most 10,000 characters (MAX_FIELD_CHARS)")
    ]
    assert MAX_FIELD_CHARS == 10_000


def test_a_value_at_the_limit_is_stored(store_url: str, tmp_path: Path) -> None:
    directory = write_dir(two_customers(), tmp_path / "in")
    _set("customers", "last_name", 2, "y" * MAX_FIELD_CHARS)(directory)
    assert import_directory(directory, store_url).landed


def _rewrite(change: str) -> object:
    def edit(directory: Path) -> None:
        path = directory / "customers.csv"
        frame = pl.read_csv(path, infer_schema=False)
        if change == "latin-1":
            frame = frame.with_columns(pl.lit("Hélène").alias("first_name"))
            path.write_bytes(frame.write_csv().encode("latin-1"))
        else:
            frame.write_csv(path, separator=";")

    return edit


def test_a_latin1_file_gets_the_encoding_that_reads_it(store_url: str, tmp_path: Path) -> None:
    problems = refused(store_url, tmp_path, _rewrite("latin-1"))
    row = problems.filter(pl.col("file") == "customers.csv").row(0, named=True)
    assert row["problem"] == "unreadable_file"
    assert row["expected"] == (
        "the file is not UTF-8; it reads as Latin-1 / Windows-1252: save it as UTF-8 "
        "(e.g. iconv -f windows-1252 -t utf-8 customers.csv > utf8-customers.csv)"
    )


def test_a_semicolon_file_gets_the_separator_hint(store_url: str, tmp_path: Path) -> None:
    problems = refused(store_url, tmp_path, _rewrite("semicolons"))
    first = problems.filter(pl.col("file") == "customers.csv").row(0, named=True)
    assert (first["problem"], first["expected"]) == (
        "unreadable_file",
        "the header is separated by semicolons: goodcall reads comma-separated files "
        "(save the file as CSV with commas)",
    )
