"""docs/data-format.md is the generated document, byte for byte."""

from __future__ import annotations

from pathlib import Path

from goodcall.profiles.schema import TABLES
from goodcall.store.docs import data_format_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "data-format.md"


def test_committed_doc_is_generated() -> None:
    assert DOC.read_text(encoding="utf-8") == data_format_markdown(), (
        "docs/data-format.md is stale: run `goodcall docs data-format --out docs/data-format.md`"
    )


def test_doc_names_every_column() -> None:
    text = data_format_markdown()
    for table in TABLES:
        assert f"### `{table.name}`" in text
        for column in table.columns:
            assert f"| `{column.name}` |" in text
