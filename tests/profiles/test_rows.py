"""Property: the row fold of a keyed read (:func:`goodcall.profiles.rows.profile_rows`) gives
exactly the rows of the batch's :func:`~goodcall.profiles.build.build_profiles` — values, dtypes
— for generated customers pushed to the edges the fold reads: no line, several lines with or
without a primary and on equal tiers, a plan the catalog does not have, line changes before and
after the moment, promotion events and contacts at the same instant, repeated promotions,
complaints in contacts and cases, open and closed cases, no preferences, consent or
self-service row, a do-not-call request before or after the moment, a customer who joined after
it, and moments in other time zones.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from goodcall.profiles.build import build_profiles
from goodcall.profiles.fixtures import reference_tables
from goodcall.profiles.frames import table_schema
from goodcall.profiles.rows import PlanBook, profile_rows
from goodcall.profiles.schema import TABLES, TABLES_BY_NAME

AT = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)
_S = dt.timedelta(seconds=1)
TIMES = [AT - dt.timedelta(days=400), AT - dt.timedelta(days=30), AT - _S, AT, AT + _S]
DATES = [dt.date(2014, 6, 2), dt.date(2024, 11, 30), dt.date(2026, 11, 20), dt.date(2027, 1, 31)]
MOMENTS = st.sampled_from(
    [
        AT,
        AT - _S,
        AT.astimezone(dt.timezone(dt.timedelta(hours=-5))),
        AT - dt.timedelta(days=30),
        dt.datetime(2026, 11, 20, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-9))),
    ]
)
_maybe = st.none


def _customer(cid: str) -> st.SearchStrategy[dict[str, Any]]:
    place = st.sampled_from([("CA", "QC", "fr-CA"), ("FR", "FR", "fr-FR"), ("US", "NY", "en-US")])
    return st.builds(
        lambda where, preferred, since: {
            "customer_id": cid, "first_name": "Ana", "last_name": "Roy",
            "preferred_name": preferred, "title": None, "phone": "+15145550000", "email": None,
            "country": where[0], "region": where[1], "time_zone": "America/Toronto",
            "language": where[2], "register": "formal", "register_source": "default",
            "register_since": None, "customer_since": since, "monthly_revenue": 50.0,
            "value": 900.0, "brand": None,
        },
        place, st.sampled_from([None, "Mo"]), st.sampled_from(DATES),
    )  # fmt: skip


def _line(cid: str, k: int) -> st.SearchStrategy[dict[str, Any]]:
    usage = st.sampled_from([0.0, 1.5, 2.25, 7.1])
    return st.builds(
        lambda primary, plan, os, bought, ends, m1, m2, m3: {
            "line_id": f"{cid}-L{k}", "customer_id": cid, "is_primary": primary,
            "user_label": None, "plan_id": plan, "device_make": "M", "device_model": os + "1",
            "device_os": os, "device_purchase_date": bought, "financing_end_date": ends,
            "data_usage_gb_m1": m1, "data_usage_gb_m2": m2, "data_usage_gb_m3": m3,
        },
        st.booleans(), st.sampled_from(["PRE_2", "MAX_60", "ULT_150", "NOPE"]),
        st.sampled_from(["iOS", "Android", "Other"]), st.sampled_from(DATES),
        st.one_of(_maybe(), st.sampled_from(DATES)), usage, usage, usage,
    )  # fmt: skip


def _changes(cid: str, line_id: str) -> st.SearchStrategy[list[dict[str, Any]]]:
    change = st.builds(
        lambda at, plan, os: {
            "line_id": line_id, "customer_id": cid, "changed_at": at, "plan_id": plan,
            "device_make": "Old", "device_model": "Old " + os, "device_os": os,
            "device_purchase_date": DATES[0], "financing_end_date": None,
        },
        st.sampled_from(TIMES), st.sampled_from(["PRE_2", "ULT_150"]),
        st.sampled_from(["iOS", "Android"]),
    )  # fmt: skip
    return st.lists(change, max_size=3, unique_by=lambda c: c["changed_at"])


def _events(cid: str) -> st.SearchStrategy[list[dict[str, Any]]]:
    event = st.builds(
        lambda promo, kind, at, place: {
            "customer_id": cid, "promotion_id": promo, "event": kind, "at": at,
            "place": place, "line_id": None,
        },
        st.sampled_from(["PROMO_FETES_2026", "PROMO_ULT_2024"]),
        st.sampled_from(["seen", "redeemed"]), st.sampled_from(TIMES),
        st.sampled_from([None, "app"]),
    )  # fmt: skip
    return st.lists(event, max_size=5, unique_by=lambda e: (e["promotion_id"], e["event"], e["at"]))


def _contacts(cid: str) -> st.SearchStrategy[list[dict[str, Any]]]:
    contact = st.builds(
        lambda at, group, outcome, converted: {
            "customer_id": cid, "at": at, "channel": "phone", "campaign_id": "K",
            "offer_id": None, "group": group, "outcome": outcome, "converted": converted,
            "silence_seconds": None, "agent_id": None,
        },
        st.sampled_from(TIMES), st.sampled_from(["treatment", "control"]),
        st.sampled_from(["declined", "complaint", "no_answer", "accepted"]), st.booleans(),
    )  # fmt: skip
    numbered = st.lists(contact, max_size=5)
    return numbered.map(
        lambda cs: [{"contact_id": f"{cid}-K{9 - k}", **c} for k, c in enumerate(cs)]
    )


def _cases(cid: str) -> st.SearchStrategy[list[dict[str, Any]]]:
    case = st.builds(
        lambda kind, status, at: {
            "customer_id": cid, "kind": kind, "status": status, "opened_at": at,
            "summary": None,
        },
        st.sampled_from(["complaint", "repair", "billing"]),
        st.sampled_from(["open", "closed"]), st.sampled_from(TIMES),
    )  # fmt: skip
    return st.lists(case, max_size=3).map(
        lambda cs: [{"case_id": f"{cid}-C{k}", **c} for k, c in enumerate(cs)]
    )


def _one_row(cid: str) -> st.SearchStrategy[dict[str, list[dict[str, Any]]]]:
    """The customer's preferences, consent and self-service rows, each possibly missing."""
    prefs = st.builds(
        lambda channels, start, only: {
            "customer_id": cid, "channels_accepted": channels, "preferred_start": start,
            "preferred_end": None, "contact_only_on_request": only,
        },
        st.sampled_from([[], ["phone"], ["sms", "email"]]),
        st.sampled_from([None, dt.time(9, 30)]), st.booleans(),
    )  # fmt: skip
    consent = st.builds(
        lambda dnc, dnc_at, phone: {
            "customer_id": cid, "national_dnc": dnc, "national_dnc_snapshot": DATES[1],
            "internal_dnc_at": dnc_at, "internal_dnc_channel": None, "optin_phone": phone,
            "optin_sms": False, "optin_email": True,
        },
        st.booleans(), st.one_of(_maybe(), st.sampled_from(TIMES)), st.booleans(),
    )  # fmt: skip
    selfserve = st.builds(
        lambda logins: {
            "customer_id": cid, "app_logins_90d": logins, "inbound_contacts_90d": 2,
            "online_purchases_12m": 0,
        },
        st.integers(0, 9),
    )  # fmt: skip
    return st.fixed_dictionaries(
        {
            "preferences": st.lists(prefs, max_size=1),
            "consent": st.lists(consent, max_size=1),
            "self_service": st.lists(selfserve, max_size=1),
        }
    )


@st.composite
def _rows(draw: st.DrawFn, cid: str) -> dict[str, list[dict[str, Any]]]:
    """One customer's rows, table by table."""
    lines = [draw(_line(cid, k)) for k in range(draw(st.integers(0, 3)))]
    return {
        "customers": [draw(_customer(cid))],
        "lines": lines,
        "line_changes": [c for line in lines for c in draw(_changes(cid, line["line_id"]))],
        "promotion_events": draw(_events(cid)),
        "contacts": draw(_contacts(cid)),
        "cases": draw(_cases(cid)),
        **draw(_one_row(cid)),
    }


_CUSTOMERS = st.integers(1, 3).flatmap(lambda n: st.tuples(*[_rows(f"C-{k}") for k in range(n)]))


def _batch(customers: tuple[dict[str, list[dict[str, Any]]], ...], at: dt.datetime) -> pl.DataFrame:
    tables = dict(reference_tables())
    for table in TABLES:
        if table.name not in tables:
            rows = [r for c in customers for r in c[table.name]]
            tables[table.name] = pl.DataFrame(rows, schema=table_schema(table)).lazy()
    return build_profiles(tables, at).collect()


def _check(customers: tuple[dict[str, list[dict[str, Any]]], ...], at: dt.datetime) -> None:
    plans = PlanBook.of(reference_tables()["plans"])
    alone = profile_rows(list(customers), plans, at)
    assert alone["customer_id"].to_list() == [c["customers"][0]["customer_id"] for c in customers]
    assert_frame_equal(alone.sort("customer_id"), _batch(customers, at).sort("customer_id"))


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(customers=_CUSTOMERS, at=MOMENTS)
def test_the_row_fold_is_the_batch(customers: tuple[Any, ...], at: dt.datetime) -> None:
    _check(customers, at)


@pytest.mark.slow
@settings(max_examples=500, deadline=None, suppress_health_check=list(HealthCheck))
@given(customers=_CUSTOMERS, at=MOMENTS)
def test_the_row_fold_is_the_batch_slow(customers: tuple[Any, ...], at: dt.datetime) -> None:
    """The slow twin of the property above (make test-slow)."""
    _check(customers, at)


def test_a_customer_without_a_customers_row_has_no_profile() -> None:
    plans = PlanBook.of(reference_tables()["plans"])
    assert profile_rows([{"lines": []}, {}], plans, AT).height == 0
    assert profile_rows([], plans, AT).schema == _batch((), AT).schema
    with pytest.raises(ValueError, match="timezone-aware"):
        profile_rows([], plans, AT.replace(tzinfo=None))


@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
@given(drawn=_rows("C-0"))
def test_every_column_is_generated(drawn: dict[str, list[dict[str, Any]]]) -> None:
    """The generator writes every column of every customer table (a column the fold reads and
    the generator forgot would be null on both sides)."""
    assert set(drawn) == {t.name for t in TABLES if "customer_id" in t.column_names}
    for name, rows in drawn.items():
        for row in rows:
            assert set(row) == set(TABLES_BY_NAME[name].column_names), name
