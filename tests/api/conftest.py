"""The service on a copy of the story's store (his copies included), with one user per role.

The service's clock is shifted to the story's afternoon (``AT``), as ``goodcall serve --at``
does, so "now" is a moment the synthetic carrier knows.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest
from fastapi.testclient import TestClient

from goodcall.api.app import create_app
from goodcall.api.schemas import UserRequest
from goodcall.api.settings import ServeSettings, offset_to
from goodcall.api.users import create_user
from goodcall.decide import CampaignConfig
from goodcall.explain.decision import CampaignPlan
from goodcall.store.config import engine_for
from goodcall.store.importer import import_directory
from goodcall.store.plans import recording_plan
from tests.audit.conftest import store_url  # noqa: F401
from tests.store.conftest import pg_url  # noqa: F401

AT = "2026-11-20T20:00:00+00:00"
STORY = "C-SEED-0001"
PASSWORD = "correct horse battery"


CAMPAIGN = "QUEUE-1"
DECIDED = "2026-11-20T14:00:00+00:00"


def with_campaign(url: str, out: Path) -> None:
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


@dataclass(frozen=True)
class Served:
    client: TestClient
    url: str
    keys: dict[str, str]  # role → API key

    def as_(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[role]}"}


@pytest.fixture
def url(store_url: str, tmp_path: Path) -> str:  # noqa: F811
    copy = tmp_path / "store.db"
    shutil.copy(store_url.removeprefix("sqlite:///"), copy)
    return f"sqlite:///{copy}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def both_url(request: pytest.FixtureRequest, store_url: str, tmp_path: Path) -> str:  # noqa: F811
    """The story's store on each backend: a SQLite copy, or the same carrier imported into a
    fresh PostgreSQL schema (required when CI=true, skipped with the reason otherwise)."""
    if request.param == "sqlite":
        copy = tmp_path / "store.db"
        shutil.copy(store_url.removeprefix("sqlite:///"), copy)
        return f"sqlite:///{copy}"
    pg: str = request.getfixturevalue("pg_url")
    carrier = Path(store_url.removeprefix("sqlite:///")).parent / "carrier"
    assert import_directory(carrier, pg).landed
    return pg


def add_users(url: str) -> dict[str, str]:
    _, engine = engine_for(url)
    at = dt.datetime.fromisoformat(AT)
    try:
        return {
            role: create_user(
                engine,
                UserRequest(
                    user_id=f"{role}1",
                    role=role,  # type: ignore[arg-type]
                    display_name=role.title(),
                    languages=["fr", "en"],
                    ui_language="fr",
                    password=PASSWORD,
                ),
                at,
            )
            for role in ("agent", "analyst", "admin")
        }
    finally:
        engine.dispose()


@pytest.fixture
def served(url: str, tmp_path: Path) -> Iterator[Served]:
    keys = add_users(url)
    settings = ServeSettings(
        db_url=url,
        clock_offset_seconds=offset_to(dt.datetime.fromisoformat(AT)),
        campaigns_dir=str(tmp_path / "campaigns"),
    )
    with TestClient(create_app(settings)) as client:
        yield Served(client, url, keys)
