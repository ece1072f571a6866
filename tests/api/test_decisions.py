"""``POST /v1/decisions`` gives the answer ``goodcall explain --json`` gives at the same moment."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import typer
from typer.testing import CliRunner

from goodcall.explain.cli import register
from tests.api.conftest import AT, STORY, Served

EVENING = "2026-11-21T00:05:00+00:00"  # 19:05 in Montreal: his hours forbid a call


def explain(url: str, customer: str, at: str) -> dict[str, Any]:
    app = typer.Typer()
    register(app)
    app.command("noop")(lambda: None)  # a group of two commands keeps the command's name
    result = CliRunner().invoke(app, ["explain", customer, "--db", url, "--at", at, "--json"])
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def decide(served: Served, customer: str, at: str | None, **extra: str) -> dict[str, Any]:
    body = {"customer_id": customer, **({"at": at} if at else {}), **extra}
    response = served.client.post("/v1/decisions", json=body, headers=served.as_("agent"))
    assert response.status_code == 200, response.text
    document: dict[str, Any] = response.json()
    return document


def same_decision(api: dict[str, Any], cli: dict[str, Any]) -> None:
    """Every field equal; the next call's instants too (``explain`` words its local text from
    its channel section, in the language asked for)."""
    assert {k: v for k, v in api.items() if k != "next_call"} == {
        k: v for k, v in cli.items() if k != "next_call"
    }
    pick = ("start", "end")
    if cli["next_call"] is None:
        assert api["next_call"] is None
    else:
        assert {k: api["next_call"][k] for k in pick} == {k: cli["next_call"][k] for k in pick}


def test_a_decision_is_explains_at_the_same_moment(served: Served) -> None:
    for customer in (STORY, "C-DNC-0003", "C-VAN-0002"):
        for at in (AT, EVENING):
            api = decide(served, customer, at)
            same_decision(api["decision"], explain(served.url, customer, at)["decision"])


def test_without_a_plan_the_story_customer_is_a_cold_start(served: Served) -> None:
    """No campaign plan in the store: prices 0 and the catalog's priors, so his best offer is
    one no model knows, contacted only by a campaign's exploration."""
    api = decide(served, STORY, AT)
    assert (api["decision"]["decision"], api["decision"]["offer_id"]) == ("no_contact", None)
    assert api["decision"]["deciding_reason"]["code"] == "arbitration.cold"
    assert api["brief"] == f"/v1/customers/{STORY}/brief?at=2026-11-20T20%3A00%3A00%2B00%3A00"
    assert api["decision"]["basis"]["plan_from"] == "none"


def test_without_at_the_service_decides_now(served: Served) -> None:
    api = decide(served, STORY, None)
    assert api["at"].startswith("2026-11-20T20:0")  # the shifted clock, seconds after AT


def test_a_channel_or_a_context_restricts_the_channels(served: Served) -> None:
    sms = decide(served, STORY, AT, channel="sms")
    assert sms["channels"] == ["sms"]
    assert sms["decision"]["channel"] in (None, "sms")
    app = decide(served, STORY, AT, context="in_app")
    assert app["channels"] == ["app"]
    assert app["decision"]["channel"] in (None, "app")
    assert decide(served, STORY, AT, context="outbound")["channels"] is None


def test_the_do_not_call_customer_is_not_contacted(served: Served) -> None:
    decision = decide(served, "C-DNC-0003", AT)["decision"]
    assert decision["decision"] == "no_contact"


def test_a_micro_batch_gives_each_customer_its_own_decision(served: Served) -> None:
    """Asks of several customers, moments and channels decided in one batch: each answer is
    the one the customer gets asked alone."""
    from goodcall.api.deciding import Ask, Decided, UnknownCustomerError, decide_asks

    service = served.client.app.state.service  # type: ignore[attr-defined]
    at = dt.datetime.fromisoformat(AT)
    asks = [
        Ask(STORY, at, None),
        Ask("C-DNC-0003", at, None),
        Ask("C-NOBODY", at, None),
        Ask(STORY, at, ("sms",)),
        Ask("C-VAN-0002", dt.datetime.fromisoformat(EVENING), None),
        Ask(STORY, None, None),
    ]
    now = at + dt.timedelta(minutes=5)
    together = decide_asks(asks, service.deciders, service.profiles, now)
    alone = [decide_asks([ask], service.deciders, service.profiles, now)[0] for ask in asks]
    assert isinstance(together[2], UnknownCustomerError)
    for mine, single in zip(together, alone, strict=True):
        if isinstance(single, Decided):
            assert mine == single
    assert together[5].at == now  # type: ignore[union-attr]


def test_profiles_of_settled_moments_are_kept_and_forgotten_on_a_write(served: Served) -> None:
    profiles = served.client.app.state.service.profiles  # type: ignore[attr-defined]
    settled = dt.datetime.fromisoformat(AT) - dt.timedelta(hours=1)
    first = profiles.read([STORY, "C-DNC-0003"], settled)
    assert (profiles.hits, first.height) == (0, 2)
    again = profiles.read(["C-DNC-0003", STORY], settled)
    assert profiles.hits == 2
    assert again.sort("customer_id").equals(first.sort("customer_id"))
    profiles.forget(STORY)
    profiles.read([STORY], settled)
    assert profiles.hits == 2  # read again
    now = dt.datetime.fromisoformat(AT)
    profiles.read([STORY], now)
    profiles.read([STORY], now)
    assert profiles.hits == 2  # "now" is read every time: a write may still be landing
    assert profiles.read(["C-NOBODY"], settled).height == 0


def test_concurrent_requests_get_the_answers_they_get_alone(served: Served) -> None:
    from concurrent.futures import ThreadPoolExecutor

    customers = [STORY, "C-DNC-0003", "C-VAN-0002", STORY, "C-DNC-0003", "C-VAN-0002"]
    with ThreadPoolExecutor(len(customers)) as pool:
        together = list(pool.map(lambda c: decide(served, c, AT), customers))
    for customer, answer in zip(customers, together, strict=True):
        assert answer == decide(served, customer, AT)
