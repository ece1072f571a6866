"""Hostile import files (issue 19, "Must show"): ``goodcall import --replace`` lands, or exits 2
naming a file; never a traceback, and a refused import leaves the store exactly as it was.

Generated, on a good two-customer directory (CSV or Parquet): one cell replaced by any text (long,
control characters, quotes, newlines), a number or nothing; a file cut short or given random
bytes; a column renamed or dropped; a Parquet column written with another type. Counts:
``tests/hostile.py``.
"""

from __future__ import annotations

import functools
import shutil
import tempfile
from pathlib import Path

import polars as pl
from hypothesis import strategies as st
from typer.testing import CliRunner

from goodcall.profiles.schema import TABLES_BY_NAME
from goodcall.store.importer import import_directory
from tests.catalog.test_hostile import TEXT
from tests.hostile import hostile
from tests.store.conftest import assert_same_store, snapshot, two_customers, write_dir

NAMES = sorted(n for n in TABLES_BY_NAME if n not in ("plans", "promotions"))
VALUES = st.one_of(
    TEXT,
    st.none(),
    st.integers().map(str),
    st.floats().map(str),
    st.integers(9_000, 12_000).map(lambda n: "é" * n),
    st.sampled_from(['"', "'", "\n", "\r\n", ",", ";", "\x00", "=1+1", "2026-02-30", "NaN"]),
)
PARQUET_COLUMNS = st.one_of(
    st.lists(st.integers(-(2**63), 2**63 - 1), min_size=2, max_size=2),
    st.lists(st.floats(), min_size=2, max_size=2),
    st.lists(st.booleans(), min_size=2, max_size=2),
    st.lists(st.one_of(TEXT, st.none()), min_size=2, max_size=2),
    st.lists(st.lists(TEXT, max_size=3), min_size=2, max_size=2),
)


@functools.cache
def good(fmt: str) -> Path:
    return write_dir(two_customers(), Path(tempfile.mkdtemp(prefix=f"good-{fmt}-")), fmt)  # type: ignore[arg-type]


@st.composite
def damage(draw: st.DrawFn) -> tuple[str, str, object]:
    fmt = draw(st.sampled_from(["csv", "parquet"]))
    kind = draw(
        st.sampled_from(["cell", "bytes", "header"] if fmt == "csv" else ["column", "bytes"])
    )
    return (
        fmt,
        kind,
        draw(
            VALUES
            if kind == "cell"
            else PARQUET_COLUMNS
            if kind == "column"
            else st.binary(max_size=30)
        ),
    )


def apply(directory: Path, fmt: str, kind: str, value: object, pick: st.DataObject) -> None:
    name = pick.draw(st.sampled_from(NAMES))
    path = directory / f"{name}.{fmt}"
    columns = list(TABLES_BY_NAME[name].column_names)
    column = pick.draw(st.sampled_from(columns))
    if kind == "bytes":
        data = path.read_bytes()
        cut = pick.draw(st.integers(0, len(data)))
        keep = pick.draw(st.booleans())
        path.write_bytes(data[:cut] + value + (data[cut:] if keep else b""))  # type: ignore[operator]
        return
    frame = pl.read_csv(path, infer_schema=False) if fmt == "csv" else pl.read_parquet(path)
    if kind == "header":
        renamed = pick.draw(st.one_of(TEXT.filter(lambda t: t not in frame.columns), st.none()))
        frame = frame.drop(column) if renamed is None else frame.rename({column: renamed})
    elif kind == "cell":
        row = pick.draw(st.integers(0, max(0, frame.height - 1)))
        index = pl.int_range(pl.len()) == row
        frame = frame.with_columns(
            pl.when(index).then(pl.lit(value, pl.String)).otherwise(pl.col(column)).alias(column)
        )
    else:
        values = (list(value) * frame.height)[: frame.height]  # type: ignore[call-overload]
        frame = frame.with_columns(pl.Series(column, values, strict=False))
    if fmt == "csv":
        frame.write_csv(path)
    else:
        frame.write_parquet(path)


def _import(damaged: tuple[str, str, object], pick: st.DataObject) -> None:
    from goodcall.cli import app

    fmt, kind, value = damaged
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'store.db'}"
        assert import_directory(good("csv"), url).landed
        before = snapshot(url)
        directory = Path(tmp) / "in"
        shutil.copytree(good(fmt), directory)
        apply(directory, fmt, kind, value, pick)
        result = CliRunner().invoke(
            app, ["--quiet", "import", str(directory), "--db", url, "--replace"],
            env={"COLUMNS": "2000"},
        )  # fmt: skip
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        assert result.exit_code in (0, 2), result.output
        if result.exit_code == 2:
            said = (result.stderr or "") + result.output
            assert "Traceback" not in said
            assert any(f"{n}.{fmt}" in said for n in NAMES), said[:2000]
            assert_same_store(before, snapshot(url))


test_import_files, test_import_files_slow = hostile(damaged=damage(), pick=st.data())(_import)
