"""Verified API keys are kept a few seconds per worker, never longer: a key deleted from the store
is refused once that time has passed (at once with the cache off); a wrong secret is never
accepted because its key id was verified with the right one."""

from __future__ import annotations

import sqlalchemy as sa

from goodcall.api.access import Principal
from goodcall.api.keys import KeyCache
from goodcall.api.secrets import split_key
from goodcall.api.service import Service
from goodcall.store.config import engine_for
from goodcall.store.tables import api_keys
from tests.api.conftest import STORY, Served

AGENT = Principal("agent1", "agent", "Agent", ("fr", "en"), "fr")
ANALYST = Principal("analyst1", "analyst", "Analyst", ("fr",), "en")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_kept_key_expires() -> None:
    clock = Clock()
    keys = KeyCache(10.0, clock=clock)
    keys.put("gc_a_secret", AGENT)
    assert keys.get("gc_a_secret") == AGENT
    clock.now += 9.9
    assert keys.get("gc_a_secret") == AGENT
    clock.now += 0.1
    assert keys.get("gc_a_secret") is None
    assert len(keys) == 0


def test_only_the_same_token_finds_a_kept_key() -> None:
    keys = KeyCache(10.0, clock=Clock())
    keys.put("gc_a_secret", AGENT)
    assert keys.get("gc_a_secreT") is None
    assert keys.get("gc_a_secret ") is None


def test_the_least_recently_used_key_goes_first() -> None:
    keys = KeyCache(10.0, size=2, clock=Clock())
    keys.put("gc_a_1", AGENT)
    keys.put("gc_b_2", ANALYST)
    assert keys.get("gc_a_1") == AGENT  # b is now the least recently used
    keys.put("gc_c_3", ANALYST)
    assert (keys.get("gc_a_1"), keys.get("gc_b_2"), keys.get("gc_c_3")) == (AGENT, None, ANALYST)


def test_zero_seconds_keeps_nothing() -> None:
    keys = KeyCache(0.0, clock=Clock())
    keys.put("gc_a_secret", AGENT)
    assert keys.get("gc_a_secret") is None
    assert len(keys) == 0


def service_of(served: Served) -> Service:
    service: Service = served.client.app.state.service  # type: ignore[attr-defined]
    return service


def delete_key(url: str, token: str) -> None:
    parts = split_key(token)
    assert parts is not None
    _, engine = engine_for(url)
    try:
        with engine.begin() as connection:
            deleted = connection.execute(sa.delete(api_keys).where(api_keys.c.key_id == parts[0]))
            assert deleted.rowcount == 1
    finally:
        engine.dispose()


def profile_status(served: Served, token: str) -> int:
    headers = {"Authorization": f"Bearer {token}"}
    return served.client.get(f"/v1/customers/{STORY}", headers=headers).status_code


def test_a_deleted_key_is_refused_once_its_time_is_up(served: Served) -> None:
    clock = Clock()
    service = service_of(served)
    service.keys = KeyCache(10.0, clock=clock)
    token = served.keys["analyst"]
    assert profile_status(served, token) == 200
    delete_key(served.url, token)
    clock.now += 5.0
    assert profile_status(served, token) == 200  # believed for the cache's time, no longer
    clock.now += 5.0
    assert profile_status(served, token) == 401
    assert profile_status(served, token) == 401  # a refused key is not kept


def test_without_the_cache_a_deleted_key_is_refused_at_once(served: Served) -> None:
    service = service_of(served)
    service.keys = KeyCache(0.0)
    token = served.keys["analyst"]
    assert profile_status(served, token) == 200
    delete_key(served.url, token)
    assert profile_status(served, token) == 401


def test_a_wrong_secret_is_refused_while_the_right_one_is_kept(served: Served) -> None:
    token = served.keys["analyst"]
    assert profile_status(served, token) == 200
    assert len(service_of(served).keys) == 1
    assert profile_status(served, token[:-4] + "AAAA") == 401
    assert len(service_of(served).keys) == 1
