"""Hostile call lists (issue 19, "Must show"): ``goodcall audit`` answers 0 (clean), 1 (findings)
or 2 naming the file; never a traceback. Generated: lists of rows mixing valid values with any
text, numbers and empties, a required column missing, bytes appended to or cutting the file, in
CSV or Parquet. Counts: ``tests/hostile.py``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import polars as pl
from hypothesis import strategies as st
from typer.testing import CliRunner

from goodcall.audit.calllist import REQUIRED
from tests.audit.conftest import AT
from tests.catalog.test_hostile import TEXT
from tests.hostile import hostile

GOOD = {
    "customer_id": ["C-SEED-0001", "C-VAN-0002", "C-NOPE"],
    "offer_id": ["AO_US_ROAMING", "HS_GALAXY_A56", "OFFER_X"],
    "planned_at": ["2026-11-23T10:00:00-05:00", "2026-11-24 19:00", "2025-01-01T00:00Z"],
    "channel": ["phone", "sms", "email", "app"],
    "language": ["fr-CA", "en-CA", "fr"],
    "register": ["formal", "informal", "vous", "tu"],
    "line_id": ["L-SEED-0001-1", "L-NOPE"],
}
ANY = st.one_of(TEXT, st.none(), st.integers().map(str), st.sampled_from(["", " ", "\x00", '"']))


@st.composite
def call_lists(draw: st.DrawFn) -> tuple[str, pl.DataFrame, bytes]:
    rows = draw(st.integers(0, 12))
    columns = [c for c in (*REQUIRED, "line_id") if draw(st.integers(0, 15))]  # 1 in 16 dropped
    data = {
        c: [draw(st.one_of(st.sampled_from(GOOD[c]), ANY)) for _ in range(rows)] for c in columns
    }
    fmt = draw(st.sampled_from(["csv", "parquet"]))
    tail = draw(st.one_of(st.just(b""), st.binary(max_size=20)))
    return fmt, pl.DataFrame(data, schema=dict.fromkeys(columns, pl.String)), tail


def _audit(listed: tuple[str, pl.DataFrame, bytes], store_url: str) -> None:
    from goodcall.cli import app

    fmt, frame, tail = listed
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"calls.{fmt}"
        if fmt == "csv":
            frame.write_csv(path)
        else:
            frame.write_parquet(path)
        if tail:
            path.write_bytes(path.read_bytes()[: -len(tail)] + tail)
        result = CliRunner().invoke(
            app,
            ["audit", str(path), "--db", store_url, "--at", AT, "--national-list-date",
             "2026-12-01"],
            env={"COLUMNS": "2000"},
        )  # fmt: skip
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code in (0, 1, 2), result.output
    said = (result.stderr or "") + result.output
    assert "Traceback" not in said
    if result.exit_code == 2:
        assert f"calls.{fmt}" in said, said[:2000]


test_call_lists, test_call_lists_slow = hostile(listed=call_lists())(_audit)
