"""The site on a copy of the story's store, with a campaign plan whose call list holds the story's
customer and a copy of him, and one user per role (password ``PASSWORD``)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from fastapi.testclient import TestClient

from goodcall.api.settings import ServeSettings, offset_to
from goodcall.decide import CampaignConfig
from goodcall.explain.decision import CampaignPlan
from goodcall.store.plans import recording_plan
from goodcall.web.site import create_site
from tests.api.conftest import AT, PASSWORD, STORY, add_users, url  # noqa: F401
from tests.audit.conftest import store_url  # noqa: F401

CAMPAIGN = "QUEUE-1"
DECIDED = "2026-11-20T14:00:00+00:00"


def with_campaign(url: str, out: Path) -> None:  # noqa: F811
    """A plan decided the morning of ``AT`` whose call list has the story's customer first."""
    out.mkdir()
    decided = dt.datetime.fromisoformat(DECIDED)
    config = CampaignConfig(campaign_id=CAMPAIGN, control_share=0.0, explore_share=0.0, prices={})
    plan = CampaignPlan(config=config, decided_at=decided)
    pl.DataFrame(
        {
            "customer_id": [STORY, "C-VAN-0002", "C-NAT-0004"],
            "offer_id": ["RT_LOYALTY_CREDIT"] * 3,
            "line_id": [None, None, None],
            "channel": ["phone"] * 3,
            "planned_at": ["2026-11-20T19:00:00Z", "2026-11-20T21:00:00Z", "2026-11-20T19:30:00Z"],
            "language": ["fr-CA", "en-CA", "fr-CA"],
            "register": ["formal"] * 3,
        }
    ).write_csv(out / "call_list.csv")
    with recording_plan(
        url, campaign_id=CAMPAIGN, decided_at=decided, out_dir=str(out), plan=plan.model_dump_json()
    ):
        pass


@pytest.fixture
def site_url(url: str, tmp_path: Path) -> str:  # noqa: F811
    with_campaign(url, tmp_path / "campaign")
    add_users(url)
    return url


@pytest.fixture
def site(site_url: str) -> Iterator[TestClient]:
    settings = ServeSettings(
        db_url=site_url,
        clock_offset_seconds=offset_to(dt.datetime.fromisoformat(AT)),
        session_secret="test-secret",
    )
    with TestClient(create_site(settings), follow_redirects=False) as client:
        yield client


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


def logged_in(client: TestClient, user: str = "agent1") -> str:
    """Log ``user`` in; the session's CSRF token."""
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"user_id": user, "password": PASSWORD, "csrf": token})
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/agent").text) if user == "agent1" else token


def add_english_agent(url: str) -> None:  # noqa: F811
    """``jane``: an agent who serves English-speaking customers only, pages in English."""
    from goodcall.api.schemas import UserRequest
    from goodcall.api.users import create_user
    from goodcall.store.config import engine_for

    _, engine = engine_for(url)
    try:
        request = UserRequest(user_id="jane", role="agent", display_name="Jane",
                              languages=["en"], ui_language="en", password=PASSWORD)  # fmt: skip
        create_user(engine, request, dt.datetime.fromisoformat(AT))
    finally:
        engine.dispose()
