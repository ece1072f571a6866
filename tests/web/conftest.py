"""The site on a copy of the story's store, with a campaign plan whose call list holds the story's
customer and a copy of him, and one user per role (password ``PASSWORD``)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from goodcall.api.settings import ServeSettings, offset_to
from goodcall.web.site import create_site
from tests.api.conftest import (  # noqa: F401
    AT,
    CAMPAIGN,
    DECIDED,
    PASSWORD,
    STORY,
    add_users,
    url,
    with_campaign,
)
from tests.audit.conftest import store_url  # noqa: F401


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


SUPERVISED = "W49"
CALLED = ("C-TWIN-0009", "C-TWIN-0010")
"""What campaign ``W49`` decides on the story's store (catalog priors, so only the exploration
slice calls): two calls, the story's customer held out in the control group."""


def run_supervised(url: str, out: Path) -> None:  # noqa: F811
    """Campaign ``W49``, decided the morning of ``AT`` by the campaign run and recorded in the
    store (so it is the latest plan: the agents' queue)."""
    from goodcall.campaign.run import PlanRecord, run_campaign
    from goodcall.decide import CampaignConfig
    from goodcall.store.reader import load_profiles

    decided = dt.datetime.fromisoformat(DECIDED)
    config = CampaignConfig(campaign_id=SUPERVISED, control_share=0.3, explore_share=0.5,
                            channels=["phone"], calls_per_hour=3)  # fmt: skip
    profiles = load_profiles(decided, url).collect()
    run_campaign(profiles, config=config, at=decided, out_dir=out, record=PlanRecord(url))


@pytest.fixture
def supervised_url(url: str, tmp_path: Path) -> str:  # noqa: F811
    run_supervised(url, tmp_path / SUPERVISED)
    add_users(url)
    return url


@pytest.fixture
def supervised(supervised_url: str) -> Iterator[TestClient]:
    settings = ServeSettings(
        db_url=supervised_url,
        clock_offset_seconds=offset_to(dt.datetime.fromisoformat(AT)),
        session_secret="test-secret",
    )
    with TestClient(create_site(settings), follow_redirects=False) as client:
        yield client
