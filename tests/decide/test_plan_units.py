"""The arbitration's integer view of the items holds what their resource names say.

:func:`goodcall.decide.plan.build_problem` names the resources of each distinct combination of
what they depend on and joins the indices back; property: for every item and family, the name at
its index is the name :func:`_resource_names` gives that very item, and ``group`` is the dense
rank of the customer (items come sorted by customer; unsorted ones are refused), with languages
missing or not.
"""

from __future__ import annotations

import datetime as dt
import math

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goodcall.arbitrate.problem import ProblemError
from goodcall.catalog.loader import load_catalog
from goodcall.decide.config import AgentPool, CampaignConfig
from goodcall.decide.plan import FAMILIES, _resource_names, build_problem

CATALOG = load_catalog()
OFFERS = sorted(o.id for o in CATALOG.offers)[:6]
AT = dt.datetime(2026, 11, 20, 14, 0, tzinfo=dt.UTC)
CONFIG = CampaignConfig(
    campaign_id="UNITS",
    calls_per_day=5,
    calls_per_hour=2,
    messages_per_day={"sms": 3},
    agent_pools={
        "fr": AgentPool(calls_per_day=3, calls_per_hour=1),
        "en": AgentPool(calls_per_day=2),
    },
)

item = st.tuples(
    st.sampled_from(["C1", "C2", "C3", "C10", "A7"]),
    st.sampled_from(OFFERS),
    st.sampled_from(["phone", "sms", "email", "app"]),
    st.integers(0, 60),  # minutes × 47 after AT: several hours and two days
    st.sampled_from(["fr-CA", "en-CA", "fr-FR", None]),
    st.booleans(),
    st.floats(0.01, 9.0),
)


def frame(rows: list[tuple[str, str, str, int, str | None, bool, float]]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            (cid, offer, ch, AT + dt.timedelta(minutes=47 * m), lang, ex, v)
            for cid, offer, ch, m, lang, ex, v in rows
        ],
        schema={
            "customer_id": pl.String,
            "offer_id": pl.String,
            "channel": pl.String,
            "planned_at": pl.Datetime("us", "UTC"),
            "language": pl.String,
            "explore": pl.Boolean,
            "value": pl.Float64,
        },
        orient="row",
    ).with_columns(
        ((pl.col("planned_at") - AT).dt.total_seconds() // 86_400).cast(pl.Int64).alias("day")
    )


@given(st.lists(item, min_size=1, max_size=40))
@settings(max_examples=60, deadline=None)
def test_each_item_uses_the_resources_its_names_say(
    rows: list[tuple[str, str, str, int, str | None, bool, float]],
) -> None:
    items = frame(rows).sort("customer_id", maintain_order=True)
    problem, names = build_problem(items, CONFIG, CATALOG, math.inf)
    expected = _resource_names(items, CONFIG, CATALOG)
    for k, family in enumerate(FAMILIES):
        got = [names[u] if u >= 0 else None for u in problem.units[:, k].tolist()]
        assert got == expected[family].to_list()
    ranks = items["customer_id"].rank("dense").cast(pl.Int64).to_list()
    assert problem.group.tolist() == [r - 1 for r in ranks]


def test_a_known_item_gets_its_named_resources() -> None:
    items = frame([("C1", OFFERS[0], "phone", 2, "fr-CA", True, 1.0)])
    problem, names = build_problem(items, CONFIG, CATALOG, math.inf)
    used = sorted(names[u] for u in problem.units[0].tolist() if u >= 0)
    assert used == [
        "calls:day0",
        "calls:fr:day0",
        "explore",
        "hour:2026-11-20T15",
        "hour:fr:2026-11-20T15",
    ] + ([f"offer:{OFFERS[0]}"] if CATALOG.offer(OFFERS[0]).volume_limit is not None else [])


def test_items_not_sorted_by_customer_are_refused() -> None:
    items = frame(
        [
            ("C2", OFFERS[0], "sms", 0, None, False, 1.0),
            ("C1", OFFERS[0], "sms", 0, None, False, 1.0),
        ]
    )
    with pytest.raises(ProblemError, match="sorted by group"):
        build_problem(items, CONFIG, CATALOG, math.inf)
