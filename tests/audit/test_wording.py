"""The audit words each finding as :func:`goodcall.audit.report.message` would, one by one.

The fast path words a policy sentence once per template (the local time filled in afterwards)
and an offer rule's sentence once per distinct value it reads (``ReasonMemo``), in chunks of
customers; here it is compared, finding by finding, with the straightforward path — ``message``
with the customer's whole profile — on generated call lists over a synthetic carrier: known and
unknown customers and offers, every channel, lines of the account and others, times over two
months, both languages, chunks of a few customers.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goodcall.audit import findings
from goodcall.audit.calllist import validate_calls
from goodcall.audit.report import message, worded_findings
from goodcall.explain.inputs import Rules, load_rules
from goodcall.profiles.build import build_profiles
from goodcall.synth.generate import carrier_tables

AT = dt.datetime(2026, 11, 20, 14, 0, tzinfo=dt.UTC)
CUSTOMERS = 80


@pytest.fixture(scope="module")
def profiles() -> pl.DataFrame:
    tables = {k: v.lazy() for k, v in carrier_tables(CUSTOMERS, 11).items()}
    return build_profiles(tables, AT).collect()


@pytest.fixture(scope="module")
def rules() -> Rules:
    return load_rules(None, None)


@settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_fast_wording_is_the_straightforward_one(
    data: st.DataObject,
    profiles: pl.DataFrame,
    rules: Rules,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ids = [*profiles.get_column("customer_id").to_list(), "C-NOBODY"]
    offers = [*rules.catalog.offer_ids, "NO_SUCH_OFFER"]
    lines = [
        line["line_id"] for account in profiles.get_column("lines").to_list() for line in account
    ]
    n = data.draw(st.integers(1, 400))
    draw = lambda values: data.draw(st.lists(st.sampled_from(values), min_size=n, max_size=n))  # noqa: E731
    minutes = data.draw(st.lists(st.integers(-20 * 1440, 40 * 1440), min_size=n, max_size=n))
    calls = pl.DataFrame(
        {
            "customer_id": draw(ids),
            "offer_id": draw(offers),
            "planned_at": [(AT + dt.timedelta(minutes=m)).isoformat() for m in minutes],
            "channel": draw(["phone", "sms", "email", "app"]),
            "language": draw(["fr-CA", "en-CA", "fr"]),
            "register": draw(["formal", "informal"]),
            "line_id": draw([*lines[:40], "", "L-NONE"]),
        }
    )
    lang = data.draw(st.sampled_from(["fr", "en"]))
    monkeypatch.setattr(findings, "CHUNK_ROWS", data.draw(st.sampled_from([50, 100_000])))
    monkeypatch.setattr(findings, "OFFER_ROWS", data.draw(st.sampled_from([120, 1_000_000])))
    listed = validate_calls(calls, "generated.csv")
    chunks = findings.audit_chunks(
        listed, profiles.lazy(), rules.catalog, rules.policies, at=AT - dt.timedelta(days=3)
    )
    worded = worded_findings(chunks, rules.catalog, lang)
    by_id = {r["customer_id"]: r for r in profiles.iter_rows(named=True)}
    expected = [
        message(f, by_id.get(f["customer_id"], {}), rules.catalog, lang)
        for f in worded.with_columns(pl.col(pl.Categorical).cast(pl.String)).iter_rows(named=True)
    ]
    assert worded.get_column("message").cast(pl.String).to_list() == expected
    assert worded.height > 0
