"""Request-rate limits: a burst, then one request per 1/rate seconds; 429 with Retry-After."""

from __future__ import annotations

from fastapi.testclient import TestClient

from goodcall.api.app import create_app
from goodcall.api.ratelimit import RateLimiter
from goodcall.api.settings import ServeSettings
from tests.api.conftest import STORY, add_users


def test_the_bucket_refills_at_the_rate() -> None:
    limiter = RateLimiter(per_second=2.0, burst=3)
    assert [limiter.wait_for("a", now=10.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.wait_for("a", now=10.0) == 0.5
    assert limiter.wait_for("b", now=10.0) == 0.0  # per user
    assert limiter.wait_for("a", now=10.5) == 0.0
    assert limiter.wait_for("a", now=10.5) == 0.5
    assert RateLimiter(per_second=0, burst=1).wait_for("a") == 0.0  # 0: no limit


def test_over_the_rate_is_429(url: str) -> None:
    keys = add_users(url)
    settings = ServeSettings(db_url=url, rate_per_second=0.01, rate_burst=2)
    with TestClient(create_app(settings)) as client:
        headers = {"X-API-Key": keys["analyst"]}
        codes = [
            client.get(f"/v1/customers/{STORY}", headers=headers).status_code for _ in range(3)
        ]
        assert codes == [200, 200, 429]
        refused = client.get(f"/v1/customers/{STORY}", headers=headers)
        assert (
            90 <= int(refused.headers["retry-after"]) <= 100
        )  # 1 token at 0.01/s, less the time passed
        other = client.get("/metrics", headers={"X-API-Key": keys["admin"]})
        assert other.status_code == 200  # another user's bucket
