"""Property: the catalog's row path (:mod:`goodcall.catalog.rows`, every check read on Python
values) gives exactly the matrix view of the Polars path — rows, order, dtypes — for generated
customers of a synthetic carrier pushed to the edges the checks read (no device, another OS,
the offer's own handset or plan, promotions redeemed or seen, a refusal in or out of its
cool-down, accounts with several lines or none primary, unknown time zones, a decision time
around the offers' validity dates) and for generated rules (the grammar of
``tests/catalog/test_parity.py``) in a shipped offer.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from goodcall.catalog.compile import CompiledCatalog, compile_catalog
from goodcall.catalog.engine import check_inputs, checks_for, evaluate_offers_matrix
from goodcall.catalog.loader import load_catalog
from goodcall.catalog.model import Bilingual, Catalog, Rule
from goodcall.catalog.rows import ROW_PATH_MAX, inputs_on_rows, matrix_on_rows, offers_matrix
from goodcall.channels import CHANNELS
from goodcall.profiles.build import build_profiles
from goodcall.synth.generate import carrier_tables
from tests.catalog.test_parity import condition_sql

AT = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)


@cache
def _world() -> tuple[pl.DataFrame, Catalog, CompiledCatalog]:
    tables = {k: v.lazy() for k, v in carrier_tables(150, seed=11).items()}
    catalog = load_catalog()
    return build_profiles(tables, AT).collect(), catalog, compile_catalog(catalog)


def _pools() -> dict[str, list[Any]]:
    """Values the built-in checks compare with: the catalog's own targets and promotions."""
    _, catalog, _ = _world()
    targets = [o.target for o in catalog.offers]
    return {
        "device_os": [None, "iOS", "Android", "KaiOS"],
        "device_model": [None, "x", *{t.device_model for t in targets if t.device_model}],
        "plan_id": [None, "x", *{t.plan_id for t in targets if t.plan_id}],
        "plan_tier": [None, 0, 1, 2, 3, 4, 9],
        "brand": [None, "nordet", "elsewhere"],
        "time_zone": [None, "Europe/Paris", "America/Montreal", "Pacific/Kiritimati", "Nowhere/X"],
        "promotions": sorted({o.promotion_id for o in catalog.offers if o.promotion_id}),
        "offers": [o.id for o in catalog.offers],
    }


@st.composite
def _changes(draw: st.DrawFn, row: dict[str, Any]) -> dict[str, Any]:
    """One customer's row with some of what the checks read changed."""
    pools = _pools()
    changed = dict(row)
    for name in ("device_os", "device_model", "plan_id", "plan_tier", "brand", "time_zone"):
        if draw(st.booleans()):
            changed[name] = draw(st.sampled_from(pools[name]))
    for name in ("redeemed_promotions", "seen_promotions"):
        if draw(st.booleans()):
            changed[name] = draw(st.none() | st.lists(st.sampled_from(pools["promotions"])))
    if draw(st.booleans()) and row["lines"]:
        lines = [dict(line) for line in row["lines"]]
        for line in lines:
            line["is_primary"] = draw(st.sampled_from([None, True, False]))
            if draw(st.booleans()):
                line["device_os"] = draw(st.sampled_from(pools["device_os"]))
        changed["lines"] = draw(st.sampled_from([lines, lines + lines[:1], []]))
    if draw(st.booleans()):
        changed["contact_history"] = [
            *(row["contact_history"] or []),
            *draw(st.lists(_refusal(row["contact_history"]), max_size=3)),
        ]
    return changed


@st.composite
def _refusal(draw: st.DrawFn, history: list[dict[str, Any]] | None) -> dict[str, Any]:
    template = dict((history or [{}])[0]) if history else {}
    days = draw(st.integers(-40, 400))
    return {
        **template,
        "at": AT - dt.timedelta(days=days, minutes=draw(st.integers(0, 1439))),
        "offer_id": draw(st.sampled_from(_pools()["offers"])),
        "outcome": draw(st.sampled_from(["declined", "accepted", None])),
        "group": draw(st.sampled_from(["treatment", "control"])),
    }


@st.composite
def _customers(draw: st.DrawFn) -> pl.DataFrame:
    profiles, _, _ = _world()
    picked = draw(st.lists(st.integers(0, profiles.height - 1), min_size=1, max_size=4))
    rows = [draw(_changes(profiles.row(k, named=True))) for k in picked]
    return pl.DataFrame(rows, schema=profiles.schema)


_moments = st.integers(-500, 500).map(lambda days: AT + dt.timedelta(days=days, hours=days % 13))
_channels = st.sampled_from([None, list(CHANNELS), ["phone"], ["sms", "email"]])


_EVIDENCE_ONLY = r"^__(cool\d+_.*|cd_refusals|cd_ends|cd_groups)$"


def _same_inputs(
    profiles: pl.DataFrame, compiled: CompiledCatalog, at: dt.datetime, channels: Any
) -> None:
    """What the checks read, on Python values, is the Polars inputs' every column and row
    (the cool-down columns only the evidence reads left out)."""
    records = profiles.to_dicts()
    numbered = profiles.lazy().with_row_index("__judged_row")
    for lines in (False, True):
        frame, columns, _ = check_inputs(numbered, compiled, at, channels, "customer_id", lines)
        polars = frame.select(pl.exclude(_EVIDENCE_ONLY)).collect()
        _, needed = checks_for(profiles.schema, compiled, at, channels, "customer_id")
        rows = inputs_on_rows(records, columns, needed, at, lines)
        assert [{k: r[k] for k in polars.columns} for r in rows] == polars.to_dicts()


def _same(
    profiles: pl.DataFrame, compiled: CompiledCatalog, at: dt.datetime, channels: Any
) -> None:
    _same_inputs(profiles, compiled, at, channels)
    polars = evaluate_offers_matrix(profiles.lazy(), compiled, at, channels).collect()
    rows = matrix_on_rows(profiles, compiled, at, channels, "customer_id")
    assert_frame_equal(rows, polars)
    assert_frame_equal(offers_matrix(profiles, compiled, at, channels).collect(), polars)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(profiles=_customers(), at=_moments, channels=_channels)
def test_rows_agree_with_polars_on_generated_customers(
    profiles: pl.DataFrame, at: dt.datetime, channels: list[str] | None
) -> None:
    _same(profiles, _world()[2], at, channels)


@pytest.mark.slow
@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(profiles=_customers(), at=_moments, channels=_channels)
def test_rows_agree_with_polars_on_many_generated_customers(
    profiles: pl.DataFrame, at: dt.datetime, channels: list[str] | None
) -> None:
    """The slow twin of the property above (make test-slow)."""
    _same(profiles, _world()[2], at, channels)


@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=condition_sql(2), offer=st.integers(0, 29), profiles=_customers())
def test_rows_agree_with_polars_on_generated_rules(
    text: str, offer: int, profiles: pl.DataFrame
) -> None:
    _, catalog, _ = _world()
    offers = list(catalog.offers)
    chosen = offers[offer % len(offers)]
    rule = Rule(id="generated", when=text, because=Bilingual(fr="généré", en="generated"))
    offers[offer % len(offers)] = chosen.model_copy(
        update={"eligibility": [*chosen.eligibility, rule]}
    )
    compiled = compile_catalog(catalog.model_copy(update={"offers": offers}))
    _same(profiles, compiled, AT, list(CHANNELS))


def test_the_row_path_is_taken_for_small_frames_only() -> None:
    """A lazy frame, a batch beyond the limit or a check without a row test: Polars."""
    profiles, catalog, compiled = _world()
    few, many = profiles.head(3), profiles.head(ROW_PATH_MAX + 1)
    assert_frame_equal(
        offers_matrix(few, compiled, AT).collect(),
        evaluate_offers_matrix(few.lazy(), compiled, AT).collect(),
    )
    assert_frame_equal(
        offers_matrix(many, compiled, AT).collect(),
        evaluate_offers_matrix(many.lazy(), compiled, AT).collect(),
    )
    first = compiled.offers[0]
    bare = first.checks[0].__class__(**{**first.checks[0].__dict__, "row": None})
    without = CompiledCatalog(
        catalog, (first.__class__(**{**first.__dict__, "checks": (bare, *first.checks[1:])}),)
    )
    assert_frame_equal(
        offers_matrix(few, without, AT).collect(),
        evaluate_offers_matrix(few.lazy(), without, AT).collect(),
    )
