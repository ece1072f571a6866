"""goodcall.output: values from data cut in messages and printed as they are, never as markup."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.table import Table

from goodcall.output import VALUE_LIMIT, cut, cut_expr, plain


def test_a_long_value_is_cut_with_its_length() -> None:
    value = "a@example.org," * 60_000
    assert cut(value) == value[:VALUE_LIMIT] + "… (840000 characters)"
    assert cut("short") == "short"
    assert cut("x" * VALUE_LIMIT) == "x" * VALUE_LIMIT


@settings(deadline=None)  # a shared machine: no timing in unit tests
@given(st.text(max_size=200), st.integers(min_value=1, max_value=100))
def test_the_vectorised_cut_is_the_same_cut(value: str, limit: int) -> None:
    frame = pl.DataFrame({"v": [value, None]})
    assert frame.select(cut_expr(pl.col("v"), limit))["v"].to_list() == [cut(value, limit), None]


def _printed(*cells: str) -> str:
    console = Console(width=200, record=True, color_system=None)
    table = Table()
    for _ in cells:
        table.add_column()
    table.add_row(*(plain(c) for c in cells))
    console.print(f"name {plain(cells[0])}", table)
    return console.export_text()


def test_markup_in_data_is_printed_as_it_is() -> None:
    text = _printed("Tremblay [vip]", "[/bold]", "[bold red]x[/]")
    assert "name Tremblay [vip]" in text
    assert "│ Tremblay [vip] │ [/bold] │ [bold red]x[/] │" in text


def _alone(value: str) -> str:
    console = Console(width=200, record=True, color_system=None)
    console.print(plain(value), end="", highlight=False)
    return console.export_text()


@settings(deadline=None)  # a shared machine: no timing in unit tests
@given(st.text(alphabet="[]/\\abv ", max_size=20))
def test_any_bracketed_value_prints_unchanged(value: str) -> None:
    # Rich's escape doubles a final backslash, so that it cannot escape a tag that follows.
    expected = value + "\\" if value.endswith("\\") and not value.endswith("\\\\") else value
    assert _alone(value) == expected
