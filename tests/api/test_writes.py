"""Outcomes land in ``contacts`` once per key, committed before the answer; a do-not-call
request takes effect for the next decision; bad requests get a clear 4xx."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goodcall.catalog.loader import load_catalog
from goodcall.models.inputs import offer_table
from goodcall.models.rows import training_rows
from goodcall.store.reader import load_tables
from tests.api.conftest import AT, STORY, Served

LATER = "2026-11-20T20:30:00+00:00"


@pytest.fixture
def url(both_url: str) -> str:
    """Every test here runs on SQLite and on PostgreSQL."""
    return both_url


def post(served: Served, path: str, body: Any, role: str = "agent", **headers: str) -> Any:
    return served.client.post(path, json=body, headers={**served.as_(role), **headers})


def contacts(served: Served) -> pl.DataFrame:
    frame: pl.DataFrame = load_tables(served.url, [STORY])["contacts"].collect()
    return frame.filter(pl.col("contact_id").str.starts_with("K-SERVE-"))


def test_an_outcome_is_a_contact_row_training_reads(served: Served) -> None:
    body = {"customer_id": STORY, "offer_id": "HS_PIXEL_10", "outcome": "accepted",
            "silence_seconds": 1.5}  # fmt: skip
    response = post(served, "/v1/outcomes", body, **{"Idempotency-Key": "call-0001-accepted"})
    assert response.status_code == 201, response.text
    answer = response.json()
    assert answer["replayed"] is False
    rows = contacts(served)
    assert rows.select(
        "contact_id", "customer_id", "channel", "campaign_id", "offer_id", "group", "outcome",
        "converted", "silence_seconds", "agent_id",
    ).rows() == [
        (answer["contact_id"], STORY, "phone", "SERVE", "HS_PIXEL_10", "treatment", "accepted",
         True, 1.5, "agent1"),
    ]  # fmt: skip
    recorded = rows["at"][0]
    start = dt.datetime.fromisoformat(AT)
    assert start <= recorded < start + dt.timedelta(minutes=5)
    catalog = load_catalog()
    training = training_rows(load_tables(served.url), recorded + dt.timedelta(days=1),
                             offer_table(catalog.offers))  # fmt: skip
    mine = training.filter(pl.col("customer_id") == STORY, pl.col("offer_id") == "HS_PIXEL_10")
    assert mine.select("treated", "converted", "annoyed").rows() == [(True, True, False)]


def test_an_abandoned_call_is_recorded_and_trains_as_an_unreached_annoyance(
    served: Served,
) -> None:
    """The dialler records an abandoned call (a hello, no agent within 2 s): a phone contact
    that reached nobody (no offer made, no conversion) and annoyed; on another channel: 422."""
    body = {"customer_id": STORY, "offer_id": "HS_PIXEL_10", "outcome": "abandoned",
            "silence_seconds": 2.0, "key": "call-0009-abandoned"}  # fmt: skip
    response = post(served, "/v1/outcomes", body)
    assert (response.status_code, response.json()["outcome"]) == (201, "abandoned")
    rows = contacts(served)
    assert rows.select("channel", "outcome", "converted", "silence_seconds").rows() == [
        ("phone", "abandoned", False, 2.0)
    ]
    catalog = load_catalog()
    later = rows["at"][0] + dt.timedelta(days=1)
    training = training_rows(load_tables(served.url), later, offer_table(catalog.offers))
    mine = training.filter(pl.col("customer_id") == STORY, pl.col("offer_id") == "HS_PIXEL_10")
    assert mine.select("treated", "converted", "annoyed").rows() == [(True, False, True)]
    texted = {**body, "channel": "sms", "key": "sms-0009-abandoned"}
    refused = post(served, "/v1/outcomes", texted)
    assert refused.status_code == 422 and "phone call's" in refused.text


def test_the_same_key_is_recorded_once(served: Served) -> None:
    body = {"key": "call-0002-noanswer", "customer_id": STORY, "outcome": "no_answer"}
    first = post(served, "/v1/outcomes", body)
    again = post(served, "/v1/outcomes", body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["replayed"] is True
    assert again.json()["contact_id"] == first.json()["contact_id"]
    assert contacts(served).height == 1
    other = post(served, "/v1/outcomes", {**body, "outcome": "voicemail"})
    assert other.status_code == 409
    assert contacts(served).height == 1


def test_a_callback_needs_its_time_and_keeps_it(served: Served) -> None:
    body = {"key": "call-0003-callback", "customer_id": STORY, "outcome": "callback"}
    assert post(served, "/v1/outcomes", body).status_code == 422
    timed = {**body, "callback_at": "2026-11-23T15:00:00-05:00"}
    assert post(served, "/v1/outcomes", timed).status_code == 201
    assert contacts(served)["outcome"].to_list() == ["callback"]


def test_an_outcome_without_a_key_or_for_nobody_is_refused(served: Served) -> None:
    assert (
        post(served, "/v1/outcomes", {"customer_id": STORY, "outcome": "declined"}).status_code
        == 422
    )
    nobody = {"key": "call-0004-nobody", "customer_id": "C-NOBODY", "outcome": "declined"}
    response = post(served, "/v1/outcomes", nobody)
    assert (response.status_code, response.json()) == (
        404,
        {"detail": "no customer 'C-NOBODY' in the store"},
    )
    assert contacts(served).height == 0


def test_do_not_call_is_effective_for_the_next_decision(served: Served) -> None:
    def decision_at(at: str) -> dict[str, Any]:
        body = {"customer_id": STORY, "at": at, "channel": "phone"}
        result: dict[str, Any] = post(served, "/v1/decisions", body)
        return result.json()["decision"]  # type: ignore[no-any-return, attr-defined]

    before = decision_at(LATER)
    assert before["deciding_reason"]["code"] != "policy.dnc_internal"
    response = post(served, "/v1/do-not-call", {"customer_id": STORY}, role="analyst")
    assert response.status_code == 200
    since = dt.datetime.fromisoformat(response.json()["effective_from"])
    assert dt.datetime.fromisoformat(AT) <= since < dt.datetime.fromisoformat(LATER)
    after = decision_at(LATER)
    assert after["decision"] == "no_contact"
    assert after["deciding_reason"]["code"] == "policy.dnc_internal"
    again = post(served, "/v1/do-not-call", {"customer_id": STORY})  # the first request stands
    assert again.json()["effective_from"] == response.json()["effective_from"]


@pytest.mark.parametrize(
    ("body", "status", "needle"),
    [
        ({"customer_id": "C-NOBODY", "at": AT}, 404, "no customer 'C-NOBODY'"),
        ({"customer_id": STORY, "at": AT, "colour": "red"}, 422, "extra_forbidden"),
        ({"customer_id": 12, "at": AT}, 422, "string_type"),
        ({"customer_id": STORY, "at": "2026-11-20T20:00:00"}, 422, "timezone_aware"),
        ({"customer_id": STORY, "channel": "pigeon"}, 422, "literal_error"),
        ({"customer_id": STORY, "context": "psychic"}, 422, "literal_error"),
        ({"customer_id": "a b"}, 422, "string_pattern_mismatch"),
        ({}, 422, "missing"),
    ],
)
def test_bad_decision_requests_are_clear_4xx(
    served: Served, body: dict[str, Any], status: int, needle: str
) -> None:
    response = post(served, "/v1/decisions", body)
    assert response.status_code == status
    assert needle in response.text


def test_malformed_json_and_oversized_bodies(served: Served) -> None:
    headers = {**served.as_("agent"), "Content-Type": "application/json"}
    broken = served.client.post("/v1/decisions", content=b'{"customer_id": ', headers=headers)
    assert broken.status_code == 422
    assert "json_invalid" in broken.text
    huge = b'{"customer_id": "' + b"x" * 70_000 + b'"}'
    response = served.client.post("/v1/decisions", content=huge, headers=headers)
    assert (response.status_code, response.json()) == (
        413,
        {"detail": "request body larger than 65536 bytes"},
    )

    def chunks() -> Any:
        for _ in range(20):
            yield b"x" * 8192

    streamed = served.client.post("/v1/outcomes", content=chunks(), headers=headers)
    assert streamed.status_code == 413


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=st.dictionaries(st.text(max_size=12), st.none() | st.integers() | st.text(max_size=20),
                            max_size=5))  # fmt: skip
def test_hostile_bodies_never_make_a_server_error(served: Served, body: dict[str, Any]) -> None:
    for path in ("/v1/decisions", "/v1/outcomes", "/v1/do-not-call"):
        assert post(served, path, body).status_code in (404, 409, 422), (path, body)


def test_one_key_raced_by_eight_threads_is_recorded_once(served: Served) -> None:
    """Eight writers send the same outcome at once: one contact, every answer naming it."""
    from concurrent.futures import ThreadPoolExecutor

    from goodcall.api.recording import to_outcome
    from goodcall.api.schemas import OutcomeRequest
    from goodcall.store.outcomes import record_outcome

    service = served.client.app.state.service  # type: ignore[attr-defined]
    body = OutcomeRequest(customer_id=STORY, outcome="voicemail")
    outcome = to_outcome(body, "raced-key-0001", "agent1", service)
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: record_outcome(service.engine, outcome), range(8)))
    assert {r.contact_id for r in results} == {outcome.contact_id}
    assert sorted(r.replayed for r in results) == [False] + [True] * 7
    assert contacts(served).height == 1
