"""A call list's own earlier calls count toward caps and attempts (``check_contact(list_order=)``).

The counts come from running totals (linear in the list's length). The oracle is the former
definition, written out here: every row gets its own copy of the customer whose history holds the
customer's stored contacts plus every row of the list planned before it (earlier time, or the
same time and earlier in the list) — quadratic, fine for a few rows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goodcall.policy.engine import check_contact, contact_violations
from goodcall.policy.loader import load_policies
from goodcall.policy.resolve import compile_policies
from tests.policy.helpers import contact, profiles, variant

POLICIES = compile_policies(load_policies())
UTC = dt.UTC
START = dt.datetime(2026, 11, 24, 15, 0, tzinfo=UTC)  # Tuesday 10:00 Montreal
CUSTOMERS = {
    "C-QC": {"jurisdiction": "CA-QC", "time_zone": "America/Montreal"},
    "C-FR": {"country": "FR", "region": "FR", "jurisdiction": "FR", "time_zone": "Europe/Paris"},
}


def customer(cid: str, history: list[dict[str, Any]]) -> dict[str, Any]:
    return variant(
        cid,
        preferred_start=None,
        preferred_end=None,
        channels_accepted=["phone", "sms", "email", "app"],
        optin_sms=True,
        contact_history=history,
        **CUSTOMERS.get(cid, CUSTOMERS["C-QC"]),
    )


def oracle(stored: dict[str, list[dict[str, Any]]], planned: pl.DataFrame) -> pl.DataFrame:
    rows = planned.to_dicts()
    copies, renamed = [], []
    for me in rows:
        earlier = [
            contact(o["planned_at"], o["channel"], outcome="planned")
            for o in rows
            if o["customer_id"] == me["customer_id"]
            and (
                o["planned_at"] < me["planned_at"]
                or (o["planned_at"] == me["planned_at"] and o["row"] < me["row"])
            )
        ]
        copies.append(
            customer(me["customer_id"], stored[me["customer_id"]] + earlier)
            | {"customer_id": f"{me['customer_id']}#{me['row']}"}
        )
        renamed.append(me | {"customer_id": f"{me['customer_id']}#{me['row']}"})
    # every copy keeps its jurisdiction: CUSTOMERS is keyed by the original id
    checked = check_contact(profiles(*copies), POLICIES, pl.LazyFrame(renamed)).collect()
    return checked.with_columns(pl.col("customer_id").str.split("#").list.first())


def linear(stored: dict[str, list[dict[str, Any]]], planned: pl.DataFrame) -> pl.DataFrame:
    people = [customer(cid, history) for cid, history in stored.items()]
    return check_contact(profiles(*people), POLICIES, planned.lazy(), list_order="row").collect()


def plan(calls: list[tuple[str, str, int]]) -> pl.DataFrame:
    """(customer, channel, hours after START) → a planned frame with a ``row`` order."""
    return pl.DataFrame(
        {
            "row": list(range(1, len(calls) + 1)),
            "customer_id": [c for c, _, _ in calls],
            "channel": [ch for _, ch, _ in calls],
            "planned_at": [START + dt.timedelta(hours=h) for _, _, h in calls],
        },
        schema_overrides={"planned_at": pl.Datetime("us", "UTC")},
    )


def evidence(frame: pl.DataFrame, code: str) -> list[str | None]:
    out = []
    for reasons in frame.get_column("reasons"):
        found = [r["evidence"] for r in reasons if r["code"] == code]
        out.append(found[0] if found else None)
    return out


def test_the_third_phone_call_in_a_list_is_over_the_cap() -> None:
    stored: dict[str, list[dict[str, Any]]] = {"C-QC": []}
    planned = plan([("C-QC", "phone", 0), ("C-QC", "phone", 24), ("C-QC", "phone", 48)])
    checked = linear(stored, planned)
    assert evidence(checked, "policy.frequency_cap") == [
        "phone_contacts=0, max=2, days=30",
        "phone_contacts=1, max=2, days=30",
        "phone_contacts=2, max=2, days=30",
    ]
    assert evidence(checked, "policy.attempts") == [
        "attempts=0, max=6, days=30",
        "attempts=1, max=6, days=30",
        "attempts=2, max=6, days=30",
    ]
    assert checked.get_column("allowed").to_list() == [True, True, False]


def test_ties_count_the_row_listed_first_and_old_calls_leave_the_period() -> None:
    stored = {"C-QC": [contact(START - dt.timedelta(days=29, hours=23), outcome="accepted")]}
    # rows 2 and 3 at the same time: row 3 counts row 2, not the other way round; row 4 is
    # 31 days on: the stored call and rows 1-3 have left the 30-day period
    planned = plan([("C-QC", "phone", 0), ("C-QC", "phone", 5), ("C-QC", "phone", 5)])
    planned = pl.concat(
        [planned, plan([("C-QC", "phone", 31 * 24)]).with_columns(row=pl.lit(4, pl.Int64))]
    )
    checked = linear(stored, planned)
    assert evidence(checked, "policy.frequency_cap") == [
        "phone_contacts=1, max=2, days=30",
        "phone_contacts=1, max=2, days=30",
        "phone_contacts=2, max=2, days=30",
        "phone_contacts=0, max=2, days=30",
    ]
    assert checked.equals(oracle(stored, planned))


CALLS = st.lists(
    st.tuples(
        st.sampled_from(["C-QC", "C-FR"]),
        st.sampled_from(["phone", "sms", "email", "app"]),
        st.integers(0, 24 * 70),
    ),
    min_size=1,
    max_size=14,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(calls=CALLS, old=st.lists(st.integers(1, 40 * 24), max_size=4))
def test_running_totals_equal_the_pairwise_definition(
    calls: list[tuple[str, str, int]], old: list[int]
) -> None:
    stored = {
        "C-QC": [contact(START - dt.timedelta(hours=h), outcome="accepted") for h in old],
        "C-FR": [contact(START - dt.timedelta(hours=h), "sms", "accepted") for h in old],
    }
    planned = plan(calls)
    assert linear(stored, planned).equals(oracle(stored, planned))


def violations_of(checked: pl.DataFrame) -> pl.DataFrame:
    """``check_contact``'s violations as one row each, in row then check order."""
    return (
        checked.select("row", "customer_id", "channel", "planned_at", "violations")
        .explode("violations")
        .unnest("violations")
        .filter(pl.col("code").is_not_null())
        .select("row", "customer_id", "channel", "planned_at", "code", "rule", "evidence")
    )


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(calls=CALLS, old=st.lists(st.integers(1, 40 * 24), max_size=4))
def test_violations_alone_are_the_failing_reasons_of_check_contact(
    calls: list[tuple[str, str, int]], old: list[int]
) -> None:
    """The audit's path (evidence worded only for failing checks) says what check_contact says."""
    stored = {
        "C-QC": [contact(START - dt.timedelta(hours=h), outcome="declined") for h in old],
        "C-FR": [contact(START - dt.timedelta(hours=h), "sms", "accepted") for h in old],
    }
    people = [customer(cid, history) for cid, history in stored.items()]
    planned = plan(calls)
    alone = contact_violations(profiles(*people), POLICIES, planned.lazy(), list_order="row")
    assert alone.equals(violations_of(linear(stored, planned)))
