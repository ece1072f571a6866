"""Property: a few customers in memory (a DataFrame of at most ``SMALL_BATCH`` rows) get from
the policy engine exactly what the same rows get as a lazy batch — the next windows taken from
the calendars kept between calls (:func:`goodcall.policy.schedule.windows_ahead_of`) equal the
ones built inside the plan — at generated decision times (calendars kept across calls and days)
for generated customers: their own time zone, jurisdiction and preferred hours changed. (A
matrix view of at most ``ROW_PATH_MAX`` rows is also the row path's: ``test_rows.py``.)
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from goodcall.policy.engine import SMALL_BATCH, evaluate_channels, evaluate_channels_matrix
from goodcall.policy.loader import load_policies
from goodcall.policy.resolve import CompiledPolicies, compile_policies
from goodcall.profiles.build import build_profiles
from goodcall.synth.generate import carrier_tables

AT = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)


@cache
def _world() -> tuple[pl.DataFrame, CompiledPolicies]:
    tables = {k: v.lazy() for k, v in carrier_tables(120, seed=13).items()}
    return build_profiles(tables, AT).collect(), compile_policies(load_policies())


@st.composite
def _customers(draw: st.DrawFn) -> pl.DataFrame:
    profiles, _ = _world()
    picked = draw(st.lists(st.integers(0, profiles.height - 1), min_size=1, max_size=4))
    rows: list[dict[str, Any]] = []
    for k in picked:
        row = profiles.row(k, named=True)
        if draw(st.booleans()):
            row["time_zone"] = draw(
                st.sampled_from([None, "Europe/Paris", "America/Toronto", "Nowhere/X"])
            )
        if draw(st.booleans()):
            row["jurisdiction"] = draw(st.sampled_from([None, "FR", "CA-QC", "ZZ"]))
        if draw(st.booleans()):
            row["preferred_start"], row["preferred_end"] = draw(
                st.sampled_from([(None, None), (row["preferred_end"], row["preferred_start"])])
            )
        rows.append(row)
    return pl.DataFrame(rows, schema=profiles.schema)


_moments = st.integers(-3 * 24 * 60, 40 * 24 * 60).map(lambda m: AT + dt.timedelta(minutes=m))


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(profiles=_customers(), at=_moments)
def test_a_small_batch_gets_the_lazy_batch_rows(profiles: pl.DataFrame, at: dt.datetime) -> None:
    assert profiles.height <= SMALL_BATCH
    _, compiled = _world()
    order = ["customer_id", "channel"]  # the row path's order is not the plan's chunks' order
    assert_frame_equal(
        evaluate_channels_matrix(profiles, compiled, at).collect().sort(order),
        evaluate_channels_matrix(profiles.lazy(), compiled, at).collect().sort(order),
    )
    assert_frame_equal(
        evaluate_channels(profiles, compiled, at).collect(),
        evaluate_channels(profiles.lazy(), compiled, at).collect(),
    )
