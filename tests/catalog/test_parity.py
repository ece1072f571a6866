"""Property: the Polars compilation of a predicate agrees, row by row, with the plain Python
reading of the same parsed tree — including NULLs, Kleene logic, division by zero, LIKE escapes
and case-insensitive matching. This is also the single-row parity check: one tree, two backends.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goodcall.catalog.parse import parse_predicate
from goodcall.catalog.to_polars import to_polars
from goodcall.catalog.to_python import evaluate
from goodcall.profiles.fields import PREDICATE_FIELDS

NUMBERS = ("plan_tier", "lines_count", "data_usage_ratio")
TEXTS = ("device_make", "device_model")
BOOLS = ("has_ios", "optin_phone")
SCHEMA = {
    "plan_tier": pl.Int64,
    "lines_count": pl.Int64,
    "data_usage_ratio": pl.Float64,
    "device_make": pl.String,
    "device_model": pl.String,
    "has_ios": pl.Boolean,
    "optin_phone": pl.Boolean,
    "national_dnc_snapshot": pl.Date,
}
ALPHABET = "aAbBzZéÉçÇ -'"
PATTERN_ALPHABET = ALPHABET + "%_.()[]*+?$^\\|{}"

ints = st.integers(min_value=-50, max_value=50)
floats = st.floats(min_value=-100, max_value=100, allow_nan=False, allow_infinity=False)
texts = st.text(alphabet=ALPHABET, max_size=6)


def quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def number_literal(value: int | float) -> str:
    return f"({value!r})" if value < 0 else repr(value)


@st.composite
def number_sql(draw: st.DrawFn, depth: int) -> str:
    leaves = [
        st.sampled_from(NUMBERS),
        ints.map(number_literal),
        floats.map(number_literal),
    ]
    if depth <= 0:
        return draw(st.one_of(*leaves))
    sub = number_sql(depth - 1)
    choice = draw(st.integers(0, 7))
    if choice == 0:
        op = draw(st.sampled_from(["+", "-", "*", "/"]))
        return f"({draw(sub)} {op} {draw(sub)})"
    if choice == 1:
        return f"ABS({draw(sub)})"
    if choice == 2:
        fn = draw(st.sampled_from(["COALESCE", "LEAST", "GREATEST"]))
        return f"{fn}({draw(sub)}, {draw(sub)})"
    if choice == 3:
        return f"-({draw(sub)})"
    if choice == 4:
        return f"LENGTH({draw(text_sql(depth - 1))})"
    return draw(st.one_of(*leaves))


@st.composite
def text_sql(draw: st.DrawFn, depth: int) -> str:
    leaves = [st.sampled_from(TEXTS), texts.map(quote)]
    if depth <= 0:
        return draw(st.one_of(*leaves))
    sub = text_sql(depth - 1)
    choice = draw(st.integers(0, 4))
    if choice == 0:
        return f"{draw(st.sampled_from(['LOWER', 'UPPER']))}({draw(sub)})"
    if choice == 1:
        return f"COALESCE({draw(sub)}, {draw(sub)})"
    return draw(st.one_of(*leaves))


@st.composite
def condition_sql(draw: st.DrawFn, depth: int) -> str:
    cmp = st.sampled_from(["=", "<>", "<", "<=", ">", ">="])
    simple = draw(st.integers(0, 9))
    if depth > 0 and simple <= 2:
        sub = condition_sql(depth - 1)
        if simple == 0:
            return f"({draw(sub)} AND {draw(sub)})"
        if simple == 1:
            return f"({draw(sub)} OR {draw(sub)})"
        return f"NOT ({draw(sub)})"
    kind = draw(st.integers(0, 8))
    d = max(depth - 1, 0)
    if kind == 0:
        return f"{draw(number_sql(d))} {draw(cmp)} {draw(number_sql(d))}"
    if kind == 1:
        return f"{draw(text_sql(d))} {draw(cmp)} {draw(text_sql(d))}"
    if kind == 2:
        values = draw(st.lists(st.one_of(ints, floats), min_size=1, max_size=3))
        return f"{draw(number_sql(d))} IN ({', '.join(number_literal(v) for v in values)})"
    if kind == 3:
        values = draw(st.lists(texts, min_size=1, max_size=3))
        return f"{draw(text_sql(d))} IN ({', '.join(quote(v) for v in values)})"
    if kind == 4:
        lo, hi = draw(number_sql(d)), draw(number_sql(d))
        return f"{draw(number_sql(d))} BETWEEN {lo} AND {hi}"
    if kind == 5:
        target = draw(st.one_of(number_sql(d), text_sql(d), st.sampled_from(BOOLS)))
        return f"{target} IS {draw(st.sampled_from(['', 'NOT ']))}NULL"
    if kind == 6:
        op = draw(st.sampled_from(["LIKE", "NOT LIKE", "ILIKE"]))
        pattern = draw(st.text(alphabet=PATTERN_ALPHABET, max_size=5))
        return f"{draw(text_sql(d))} {op} {quote(pattern)}"
    if kind == 7:
        day = draw(st.dates(dt.date(2026, 1, 1), dt.date(2026, 12, 31)))
        return f"national_dnc_snapshot {draw(cmp)} DATE '{day.isoformat()}'"
    column = draw(st.sampled_from(BOOLS))
    return draw(st.sampled_from([column, f"{column} = TRUE", f"{column} <> FALSE", "TRUE"]))


row_strategy = st.fixed_dictionaries(
    {
        "plan_tier": st.none() | ints,
        "lines_count": st.none() | st.integers(0, 6),
        "data_usage_ratio": st.none() | floats,
        "device_make": st.none() | texts,
        "device_model": st.none() | texts,
        "has_ios": st.none() | st.booleans(),
        "optin_phone": st.none() | st.booleans(),
        "national_dnc_snapshot": st.none() | st.dates(dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
    }
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=condition_sql(3), rows=st.lists(row_strategy, min_size=1, max_size=8))
def test_polars_agrees_with_python_on_every_row(text: str, rows: list[dict[str, Any]]) -> None:
    predicate = parse_predicate(text, PREDICATE_FIELDS)
    frame = pl.DataFrame(rows, schema=SCHEMA)
    compiled = frame.with_columns(to_polars(predicate).alias("r")).get_column("r").to_list()
    direct = [evaluate(predicate, row) for row in rows]
    assert compiled == direct, text


@pytest.mark.parametrize(
    "text",
    [
        "'' = LOWER(COALESCE(device_make, '')) AND 3 > plan_tier",
        # the same for a folded literal tested BETWEEN two column expressions
        "(ABS(0) + ABS(0)) BETWEEN (ABS(plan_tier) / ABS(plan_tier)) AND ABS((0 + 0))",
    ],
)
def test_literal_on_the_left_of_a_folded_expression_broadcasts(text: str) -> None:
    """Found by the property above: ``'' = LOWER(COALESCE(device_make, ''))`` over an all-null
    column. Polars simplifies the right side to a literal and ``lit == lit`` then yields one row
    instead of one per customer; the compiler now puts the literal on the right."""
    rows = [dict.fromkeys(SCHEMA), dict.fromkeys(SCHEMA)]
    predicate = parse_predicate(text, PREDICATE_FIELDS)
    frame = pl.DataFrame(rows, schema=SCHEMA)
    compiled = frame.with_columns(to_polars(predicate).alias("r")).get_column("r").to_list()
    assert compiled == [evaluate(predicate, row) for row in rows]
    assert len(compiled) == 2
