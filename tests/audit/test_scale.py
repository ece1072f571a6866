"""The audit's cost grows with the rows, not with the square of one customer's rows (issue 19,
item 3): the list's earlier calls are counted with running totals (``goodcall.policy.listed``,
checked against the pairwise definition in ``tests/policy/test_listed.py``) and the rows are
checked in chunks of whole customers. Speed and memory are measured by ``bench/bench_audit.py``.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
import typer

from goodcall.audit import findings
from tests.audit.conftest import write_calls
from tests.audit.test_audit import MON_10, ROWS_AND_EXPECTED, audit_json, call


def test_chunks_of_whole_customers_give_the_same_findings(
    app: typer.Typer, store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [row for row, _ in ROWS_AND_EXPECTED]
    path = write_calls(tmp_path / "calls.csv", rows + rows)
    code, whole = audit_json(app, store_url, path)
    split = findings._by_customer
    seen: list[list[pl.DataFrame]] = []
    monkeypatch.setattr(findings, "CHUNK_ROWS", 3)
    monkeypatch.setattr(findings, "_by_customer", lambda r: seen.append(split(r)) or seen[-1])
    code_chunked, chunked = audit_json(app, store_url, path)
    assert (code, code_chunked) == (1, 1)
    assert len(seen[0]) > 3
    for chunk in seen[0]:  # no customer is split between chunks
        others = pl.concat([c for c in seen[0] if c is not chunk])
        assert (
            not chunk.get_column("customer_id")
            .is_in(others.get_column("customer_id").implode())
            .any()
        )
    assert chunked["findings"] == whole["findings"]
    assert len(whole["findings"]) >= 2 * (len(rows) - 4)


def counted(result: dict, code: str, limit: int) -> dict[int, int]:
    """row → the count in that finding's evidence; checks the stored count is the same for all."""
    found = {
        f["row"]: int(f["evidence"].split(",")[0].split("=")[1])
        for f in result["findings"]
        if f["code"] == code
    }
    first = min(found)
    stored = limit - (first - 1)  # the row that first reaches the limit
    assert found == {row: stored + row - 1 for row in range(first, max(found) + 1)}
    return found


def test_one_customer_with_thousands_of_calls_counts_each_earlier_call(
    app: typer.Typer, store_url: str, tmp_path: Path
) -> None:
    many = 3_000  # paired: 4.5 million pairs; counted: 3,000 running totals
    calls = [call("C-VAN-0002", "AO_US_ROAMING", MON_10)] * many
    code, result = audit_json(app, store_url, write_calls(tmp_path / "calls.csv", calls))
    assert code == 1
    caps = counted(result, "policy.frequency_cap", 2)
    attempts = counted(result, "policy.attempts", 6)
    assert max(caps) == max(attempts) == many
    assert caps[many] == attempts[many]  # his stored contacts are all reached phone calls
