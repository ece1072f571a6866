"""``goodcall users add`` and the checks ``goodcall serve`` makes before it starts."""

from __future__ import annotations

import json
import re

import sqlalchemy as sa
from typer.testing import CliRunner

from goodcall.cli import app
from goodcall.store.config import engine_for
from goodcall.store.tables import users
from tests.api.conftest import STORY, Served


def test_users_add_keeps_only_hashes_and_the_key_works(served: Served) -> None:
    result = CliRunner().invoke(
        app,
        ["users", "add", "marie", "--role", "agent", "--name", "Marie", "--languages", "fr",
         "--db", served.url, "--json"],
        env={"GOODCALL_USER_PASSWORD": "a long password"},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    key = json.loads(result.stdout)["api_key"]
    _, engine = engine_for(served.url)
    try:
        with engine.connect() as connection:
            stored = connection.execute(
                sa.select(users.c.password_hash, users.c.languages).where(
                    users.c.user_id == "marie"
                )
            ).one()
            keys = connection.exec_driver_sql("SELECT key_hash FROM api_keys").scalars().all()
    finally:
        engine.dispose()
    assert stored.password_hash.startswith("scrypt$16384$8$1$")
    assert "a long password" not in stored.password_hash
    assert stored.languages == "fr"
    assert all(key.split("_", 2)[2] not in h for h in keys)
    answer = served.client.get("/v1/agents/me/queue", headers={"X-API-Key": key})
    assert answer.status_code == 200


def test_users_add_refuses_a_duplicate_and_a_bad_role(served: Served) -> None:
    again = CliRunner().invoke(
        app, ["users", "add", "agent1", "--role", "agent", "--db", served.url]
    )
    assert (again.exit_code, again.stderr) == (2, "error: user 'agent1' already exists\n")
    bad = CliRunner().invoke(app, ["users", "add", "x", "--role", "boss", "--db", served.url])
    assert bad.exit_code == 2
    assert bad.stderr.startswith("error: user 'x': role: Input should be 'agent', 'analyst' or")


def test_serve_refuses_an_empty_store(tmp_path: object) -> None:
    url = f"sqlite:///{tmp_path}/empty.db"
    result = CliRunner().invoke(app, ["serve", "--db", url])
    assert result.exit_code == 2
    assert "is empty: run `goodcall import DIR`" in result.stderr


def test_serve_refuses_a_bad_clock(served: Served) -> None:
    result = CliRunner().invoke(app, ["serve", "--db", served.url, "--at", "tomorrow"])
    assert result.exit_code == 2
    assert "is not an ISO 8601 time" in result.stderr


def test_the_openapi_document_is_published(served: Served) -> None:
    document = served.client.get("/openapi.json").json()
    assert sorted(document["paths"]) == [
        "/healthz", "/metrics", "/v1/access-log", "/v1/agents/me/queue", "/v1/campaigns",
        "/v1/campaigns/runs", "/v1/campaigns/runs/{run_id}", "/v1/campaigns/{campaign_id}",
        "/v1/customers/{customer_id}",
        "/v1/customers/{customer_id}/brief", "/v1/decisions", "/v1/do-not-call",
        "/v1/outcomes", "/v1/users",
    ]  # fmt: skip
    request = document["components"]["schemas"]["DecisionRequest"]
    assert request["additionalProperties"] is False
    assert served.client.get("/docs").status_code == 200


def test_metrics_count_requests_by_route_template(served: Served) -> None:
    served.client.get(f"/v1/customers/{STORY}", headers=served.as_("analyst"))
    served.client.get("/v1/customers/C-NOBODY", headers=served.as_("analyst"))
    text = served.client.get("/metrics", headers=served.as_("admin")).text
    assert 'route="/v1/customers/{customer_id}",status="200"' in text
    assert 'route="/v1/customers/{customer_id}",status="404"' in text
    assert STORY not in text and "C-NOBODY" not in text
    assert "# TYPE goodcall_http_request_seconds histogram" in text


def test_metrics_count_the_decisions_and_their_batches(served: Served) -> None:
    body = {"customer_id": STORY, "at": "2026-11-20T20:00:00+00:00"}
    for _ in range(2):  # one after the other: two batches of one
        response = served.client.post("/v1/decisions", json=body, headers=served.as_("agent"))
        assert response.status_code == 200
    text = served.client.get("/metrics", headers=served.as_("admin")).text
    assert re.search(r'goodcall_events_total\{event="decisions",worker="\d+"\} 2\n', text)
    assert re.search(r'goodcall_events_total\{event="decision_batches",worker="\d+"\} 2\n', text)
