"""The failing view is the reasons view with the passing reasons left out.

``evaluate_failures`` (evidence built only where a check fails) against the failing reasons and
active notices of ``evaluate_offers``, on a synthetic carrier's profiles: per-row decision times
spread over three months and wanted lines drawn from each account's own lines, other accounts'
lines, junk and nulls, for drawn subsets of the catalog's offers.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goodcall.catalog.compile import CompiledCatalog, compile_catalog
from goodcall.catalog.engine import evaluate_offers
from goodcall.catalog.failures import FAILURE_COLUMNS, evaluate_failures
from goodcall.catalog.loader import load_catalog
from goodcall.profiles.build import build_profiles
from goodcall.synth.generate import carrier_tables

AT = dt.datetime(2026, 11, 20, 14, 0, tzinfo=dt.UTC)
CUSTOMERS = 120


@pytest.fixture(scope="module")
def profiles() -> pl.DataFrame:
    tables = {k: v.lazy() for k, v in carrier_tables(CUSTOMERS, 3).items()}
    return build_profiles(tables, AT).collect()


@pytest.fixture(scope="module")
def catalog() -> CompiledCatalog:
    return compile_catalog(load_catalog())


def failing_reasons(judged: pl.DataFrame) -> pl.DataFrame:
    """What the audit kept before: every reason and notice that is not ok, in order."""
    return (
        judged.select(
            "__row",
            "offer_id",
            "line_id",
            pl.concat_list("reasons", "notices")
            .list.filter(~pl.element().struct.field("ok"))
            .alias("why"),
        )
        .filter(pl.col("why").list.len() > 0)
        .explode("why")
        .unnest("why")
        .select("__row", *FAILURE_COLUMNS)
    )


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_failures_are_the_failing_reasons(
    data: st.DataObject, profiles: pl.DataFrame, catalog: CompiledCatalog
) -> None:
    offers = data.draw(
        st.lists(st.sampled_from(catalog.offers), min_size=1, max_size=4, unique_by=id)
    )
    part = CompiledCatalog(catalog.catalog, tuple(offers))
    n = data.draw(st.integers(1, 40))
    picks = data.draw(st.lists(st.integers(0, CUSTOMERS - 1), min_size=n, max_size=n))
    minutes = data.draw(st.lists(st.integers(-45 * 1440, 45 * 1440), min_size=n, max_size=n))
    rows = profiles[picks].with_row_index("__row").with_columns(pl.col("__row").cast(pl.Int64))
    lines = rows.get_column("lines").to_list()
    others = [line["line_id"] for account in lines for line in account or []]
    wanted = []
    for own in lines:
        choices = [line["line_id"] for line in own or []] + others[:3] + ["L-NONE", None]
        wanted.append(data.draw(st.sampled_from(choices)))
    rows = rows.with_columns(
        pl.Series("__when", [AT + dt.timedelta(minutes=m) for m in minutes]).cast(
            pl.Datetime("us", "UTC")
        ),
        pl.Series("call_line", wanted, dtype=pl.String),
    )
    use_line = data.draw(st.booleans())
    line_column = "call_line" if use_line else None
    judged = evaluate_offers(
        rows.lazy(), part, "__when", id_column="__row", line_column=line_column
    ).collect()
    failed = evaluate_failures(
        rows.lazy(), part, "__when", id_column="__row", line_column=line_column
    )
    # the same reasons, each row × offer's in the same order (the streaming engine may hand
    # evaluate_offers' offers back interleaved by batch)
    by_row = ["__row", "offer_id"]
    expected = failing_reasons(judged).sort(by_row, maintain_order=True)
    assert failed.sort(by_row, maintain_order=True).equals(expected)


def test_no_offer_fails_on_no_rows(profiles: pl.DataFrame, catalog: CompiledCatalog) -> None:
    none = profiles.head(0).with_columns(pl.lit(AT).alias("__when"))
    failed = evaluate_failures(none.lazy(), catalog, "__when")
    assert failed.columns == ["customer_id", *FAILURE_COLUMNS]
    assert failed.height == 0
