"""Property: the per-line values on Python values (:func:`line_values_on_row`,
:func:`lines_on_row`) are exactly the Polars expressions they mirror (:func:`line_values`,
:func:`explode_lines`), on generated lines: missing dates, month ends, NaN and non-positive
allowances, null and empty line lists, primary flags set, unset or false."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goodcall.profiles.fields import LINE_STRUCT
from goodcall.profiles.lines import (
    LINE_FIELDS,
    explode_lines,
    line_values,
    line_values_on_row,
    lines_on_row,
    profile_on_line,
)

_dates = st.none() | st.dates(dt.date(2015, 1, 1), dt.date(2032, 12, 31))
_gb = st.none() | st.sampled_from([0.0, -1.0, float("nan"), float("inf")]) | st.floats(0, 500)
_lines = st.fixed_dictionaries(
    {
        "line_id": st.none() | st.sampled_from(["L1", "L2", "L3"]),
        "is_primary": st.none() | st.booleans(),
        "plan_id": st.none() | st.sampled_from(["P1", "P2"]),
        "plan_tier": st.none() | st.integers(0, 5),
        "plan_data_gb": _gb,
        "device_make": st.none() | st.sampled_from(["Apple", "LG"]),
        "device_os": st.none() | st.sampled_from(["iOS", "Android"]),
        "device_purchase_date": _dates,
        "financing_end_date": _dates,
        "data_usage_gb": _gb,
    }
)
_as_of = st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31))


def _same_values(left: dict[str, Any], right: dict[str, Any]) -> None:
    """Equal, NaN equal to NaN."""
    assert left.keys() == right.keys()
    for name, value in left.items():
        other = right[name]
        if isinstance(value, float) and value != value:
            assert isinstance(other, float) and other != other, name
        else:
            assert value == other and type(value) is type(other), (name, value, other)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(line=_lines, as_of=_as_of)
def test_line_values_on_a_row_are_the_expressions(line: dict[str, Any], as_of: dt.date) -> None:
    frame = pl.DataFrame({"__line": [line]}, schema={"__line": LINE_STRUCT})
    polars = frame.select(**line_values(pl.col("__line"), pl.lit(as_of))).row(0, named=True)
    _same_values(line_values_on_row(frame["__line"][0], as_of), polars)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    accounts=st.lists(st.none() | st.lists(st.none() | _lines, max_size=3), min_size=1, max_size=3),
    as_of=_as_of,
    fields=st.sets(st.sampled_from(sorted(LINE_FIELDS))),
)
def test_lines_on_a_row_are_the_exploded_frame(
    accounts: list[list[dict[str, Any] | None] | None], as_of: dt.date, fields: set[str]
) -> None:
    schema = {
        "customer_id": pl.String(),
        "device_os": pl.String(),
        "device_age_months": pl.Int64(),
        "data_usage_ratio": pl.Float64(),
        "plan_price": pl.Float64(),
        "lines": pl.List(LINE_STRUCT),
    }
    profiles = pl.DataFrame(
        [
            {"customer_id": f"C{k}", "device_os": "iOS", "device_age_months": 7,
             "data_usage_ratio": 0.5, "plan_price": 30.0, "lines": lines}
            for k, lines in enumerate(accounts)
        ],
        schema=schema,
    )  # fmt: skip
    present = fields & set(schema)
    polars = explode_lines(profiles.lazy(), pl.lit(as_of), present).collect().to_dicts()
    rows = [r for p in profiles.to_dicts() for r in lines_on_row(p, as_of, present)]
    assert len(rows) == len(polars)
    for row, expected in zip(rows, polars, strict=True):
        _same_values(row, expected)


def test_profile_on_line_takes_a_secondary_lines_values() -> None:
    line = {"line_id": "L2", "is_primary": False, "device_os": "Android",
            "device_purchase_date": dt.date(2025, 1, 31), "plan_data_gb": 0.0}  # fmt: skip
    profile = {"customer_id": "C1", "device_os": "iOS", "device_age_months": 40,
               "data_usage_ratio": 0.5, "lines": [{"line_id": "L1"}, line]}  # fmt: skip
    on_line = profile_on_line(profile, "L2", dt.date(2026, 3, 1))
    assert (on_line["device_os"], on_line["device_age_months"]) == ("Android", 13)
    assert on_line["data_usage_ratio"] is None
    assert profile_on_line(profile, "L1", dt.date(2026, 3, 1)) == profile
    assert "plan_id" not in on_line  # only the profile's own columns are replaced
