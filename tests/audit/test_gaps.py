"""Silent gaps of the audit (issue 19, item 10): a call planned before the audit's time is a
finding (``audit.past``); a Latin-1 or semicolon-separated call list says which encoding or
separator would read it.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import typer

from tests.audit.conftest import write_calls
from tests.audit.test_audit import audit_json, call, run


def test_a_call_planned_before_the_audit_is_a_finding(
    app: typer.Typer, store_url: str, tmp_path: Path
) -> None:
    # the audit is at 2026-11-20T20:00Z (conftest.AT): 19:00Z is an hour late, 21:00Z is fine
    path = write_calls(
        tmp_path / "calls.csv",
        [
            call("C-VAN-0002", "AO_US_ROAMING", "2026-11-20T19:00:00+00:00"),
            call("C-VAN-0002", "AO_US_ROAMING", "2026-11-20T21:00:00+00:00"),
        ],
    )
    code, result = audit_json(app, store_url, path)
    assert code == 1
    past = [f for f in result["findings"] if f["code"] == "audit.past"]
    assert [(f["row"], f["severity"], f["evidence"], f["message"]) for f in past] == [
        (
            1,
            "error",
            "planned_at=2026-11-20T19:00:00Z, audit_at=2026-11-20T20:00:00Z",
            "call planned for 2026-11-20 19:00 UTC, already past at the time of the audit "
            "(2026-11-20 20:00 UTC)",
        )
    ]
    assert {s["code"]: s["title"] for s in result["summary"]}["audit.past"] == (
        "planned time already past"
    )


def test_latin1_and_semicolon_call_lists_get_a_hint(app: typer.Typer, tmp_path: Path) -> None:
    rows = pl.DataFrame([call("C-SEED-0001", "AO_US_ROAMING", "2026-11-23 10:00")])
    latin = tmp_path / "latin.csv"
    latin.write_bytes(rows.with_columns(agent_note=pl.lit("Hélène")).write_csv().encode("latin-1"))
    code, said = run(app, str(latin))
    assert code == 2
    assert "the file is not UTF-8; it reads as Latin-1 / Windows-1252" in " ".join(said.split())
    semi = tmp_path / "semi.csv"
    rows.write_csv(semi, separator=";")
    code, said = run(app, str(semi))
    assert code == 2
    assert "the header is separated by semicolons: goodcall reads comma-separated files" in (
        " ".join(said.split())
    )


def test_an_empty_call_list_is_clean(app: typer.Typer, store_url: str, tmp_path: Path) -> None:
    """Found by the hostile suite: a list with a header and no row (each distinct time is
    parsed once; none at all must still give typed columns)."""
    path = tmp_path / "calls.csv"
    path.write_text("customer_id,offer_id,planned_at,channel,language,register\n")
    code, result = audit_json(app, store_url, path)
    assert (code, result["rows"], result["findings"]) == (0, 0, [])
