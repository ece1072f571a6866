"""401 without a valid key, 403 for a role that may not, on every route; reads are logged; an
agent reads only the customers of their own queue.

The store holds campaign ``QUEUE-1`` whose call list has the story's customer (fr-CA) first."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from goodcall.api.access import PERMISSIONS, ROLES, Permission
from goodcall.store.config import engine_for
from goodcall.store.users import access_entries
from tests.api.conftest import AT, CAMPAIGN, STORY, Served, with_campaign

# route → (method, path, body, permission, status when allowed)
ROUTES: dict[str, tuple[str, str, Any, Permission, int]] = {
    "decide": ("POST", "/v1/decisions", {"customer_id": STORY, "at": AT}, "decide", 200),
    "profile": ("GET", f"/v1/customers/{STORY}", None, "read_customer", 200),
    "brief": ("GET", f"/v1/customers/{STORY}/brief?format=json", None, "read_customer", 200),
    "outcome": (
        "POST",
        "/v1/outcomes",
        {"key": "access-test-1", "customer_id": STORY, "outcome": "no_answer"},
        "record_outcome",
        201,
    ),
    "dnc": ("POST", "/v1/do-not-call", {"customer_id": STORY}, "do_not_call", 200),
    "metrics": ("GET", "/metrics", None, "metrics", 200),
    "campaigns": ("GET", "/v1/campaigns", None, "read_campaigns", 200),
    "campaign": ("GET", f"/v1/campaigns/{CAMPAIGN}", None, "read_campaigns", 200),
    "run": ("POST", "/v1/campaigns/runs", {"campaign_id": "ACCESS-RUN"}, "run_campaign", 202),
    "run status": ("GET", f"/v1/campaigns/runs/{'0' * 32}", None, "run_campaign", 404),
    "queue": ("GET", "/v1/agents/me/queue", None, "queue", 200),
    "access log": ("GET", "/v1/access-log", None, "audit", 200),
    "users": (
        "POST",
        "/v1/users",
        {"user_id": "newcomer", "role": "agent", "display_name": "New"},
        "users",
        201,
    ),
}


@pytest.fixture(autouse=True)
def queued(served: Served, tmp_path: Path) -> None:
    with_campaign(served.url, tmp_path / "queue-1")


def call(served: Served, route: str, headers: dict[str, str]) -> int:
    method, path, body, _, _ = ROUTES[route]
    response = served.client.request(method, path, json=body, headers=headers)
    return response.status_code


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_every_route_needs_a_valid_key(served: Served, route: str) -> None:
    assert call(served, route, {}) == 401
    assert call(served, route, {"Authorization": "Bearer gc_0000_nothing"}) == 401
    wrong_secret = served.keys["admin"][:-4] + "AAAA"
    assert call(served, route, {"Authorization": f"Bearer {wrong_secret}"}) == 401
    assert call(served, route, {"X-API-Key": "not a key"}) == 401


@pytest.mark.parametrize("route", sorted(ROUTES))
@pytest.mark.parametrize("role", ROLES)
def test_each_role_does_what_the_table_allows(served: Served, route: str, role: str) -> None:
    _, _, _, permission, ok = ROUTES[route]
    expected = ok if role in PERMISSIONS[permission] else 403
    assert call(served, route, served.as_(role)) == expected


def test_the_api_key_header_works_too(served: Served) -> None:
    assert call(served, "profile", {"X-API-Key": served.keys["analyst"]}) == 200


def test_health_is_open(served: Served) -> None:
    response = served.client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["schema_revision"] == "0007"


def test_every_permission_has_a_route() -> None:
    assert {r[3] for r in ROUTES.values()} == set(PERMISSIONS)


def test_profile_and_brief_reads_are_in_the_access_log(served: Served) -> None:
    for route in ("profile", "brief", "decide"):
        assert call(served, route, served.as_("agent")) == 200
    assert call(served, "brief", served.as_("analyst")) == 200
    assert call(served, "profile", served.as_("admin")) == 403  # refused: not logged as a read
    _, engine = engine_for(served.url)
    try:
        entries = access_entries(engine, STORY)
    finally:
        engine.dispose()
    assert [(user, action, cid) for _, user, action, cid in entries] == [
        ("agent1", "profile", STORY),
        ("agent1", "brief", STORY),
        ("analyst1", "brief", STORY),
    ]
    start = dt.datetime.fromisoformat(AT)
    assert all(start <= at < start + dt.timedelta(minutes=5) for at, *_ in entries)
    audit = served.client.get(
        "/v1/access-log", params={"customer_id": STORY, "limit": 2}, headers=served.as_("admin")
    )
    assert [(e["user_id"], e["action"]) for e in audit.json()] == [
        ("agent1", "brief"),
        ("analyst1", "brief"),
    ]


def test_an_agent_reads_only_the_customers_of_their_queue(served: Served) -> None:
    agent = served.as_("agent")
    get = served.client.get
    assert get(f"/v1/customers/{STORY}", headers=agent).status_code == 200  # on the call list
    for other in ("C-TWIN-0008", "C-NOBODY"):  # not in the queue; unknown: the same answer
        for path in (f"/v1/customers/{other}", f"/v1/customers/{other}/brief"):
            refused = get(path, headers=agent)
            assert refused.status_code == 403, path
            assert refused.json()["detail"] == f"customer {other!r} is not in your queue"
    assert get("/v1/customers/C-TWIN-0008", headers=served.as_("analyst")).status_code == 200
    # a customer whose call the agent handled stays readable to them
    outcome = {"key": "own-call-0001", "customer_id": "C-TWIN-0008", "outcome": "no_answer"}
    assert served.client.post("/v1/outcomes", json=outcome, headers=agent).status_code == 201
    assert get("/v1/customers/C-TWIN-0008", headers=agent).status_code == 200


def test_the_queue_lists_the_open_calls(served: Served) -> None:
    answer = served.client.get("/v1/agents/me/queue", headers=served.as_("agent")).json()
    assert [(c["customer_id"], c["campaign_id"], c["offer_id"]) for c in answer["calls"]] == [
        (STORY, CAMPAIGN, "RT_LOYALTY_CREDIT"),
        ("C-VAN-0002", CAMPAIGN, "RT_LOYALTY_CREDIT"),  # C-NAT-0004: national list, never open
    ]
    assert answer["calls"][0]["brief"] == f"/v1/customers/{STORY}/brief"
