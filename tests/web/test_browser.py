"""End to end in a real browser (Playwright driving Debian's Chromium, no downloaded browser),
on SQLite and on PostgreSQL:

* an agent logs in, opens the queue, reads the story customer's brief in formal French, records
  an outcome with the keyboard and finds it stored;
* on a campaign decided by the campaign run, an agent records an acceptance, then a do-not-call
  request, and sees the customer leave the queue; the supervisor's page then shows the outcome in
  the measured uplift; the next campaign, run through the API, does not list the customer.

Needs /usr/bin/chromium: required when CI=true, skipped with the reason otherwise; PostgreSQL
(GOODCALL_TEST_PG_URL) likewise.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import polars as pl
import pytest

from goodcall.store.importer import import_directory
from goodcall.store.reader import load_tables
from tests.store.conftest import pg_url  # noqa: F401
from tests.web.conftest import (
    AT,
    CALLED,
    CAMPAIGN,
    PASSWORD,
    STORY,
    SUPERVISED,
    add_users,
    run_supervised,
    with_campaign,
)

CHROMIUM = Path("/usr/bin/chromium")


def _need_chromium() -> None:
    reason = None
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "the playwright package is missing (pip install 'goodcall[api]')"
    if reason is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true requires the browser: {reason}")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest, store_url: str, tmp_path: Path) -> str:
    """The story's store on each backend, its users made, nothing else (PostgreSQL: the same
    carrier imported into a fresh schema; required when CI=true, skipped otherwise)."""
    _need_chromium()
    if request.param == "sqlite":
        url: str = request.getfixturevalue("url")
    else:
        url = request.getfixturevalue("pg_url")
        carrier = Path(store_url.removeprefix("sqlite:///")).parent / "carrier"
        assert import_directory(carrier, url).landed
    add_users(url)
    return url


@pytest.fixture
def queued_url(backend: str, tmp_path: Path) -> str:
    with_campaign(backend, tmp_path / "campaign")
    return backend


@pytest.fixture
def supervised_url(backend: str, tmp_path: Path) -> str:
    run_supervised(backend, tmp_path / SUPERVISED)
    return backend


def serve(url: str, campaigns: Path) -> Iterator[str]:
    """``goodcall serve`` on the test store, its clock at the story's afternoon, campaigns run
    through the API written to ``campaigns``."""
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path),
           "GOODCALL_SERVE_CAMPAIGNS_DIR": str(campaigns)}  # fmt: skip
    command = [sys.executable, "-m", "goodcall.cli", "serve", "--db", url,
               "--port", str(port), "--at", AT]  # fmt: skip
    process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise AssertionError("the server did not start")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture
def server(queued_url: str, tmp_path: Path) -> Iterator[str]:
    yield from serve(queued_url, tmp_path / "campaigns")


@pytest.fixture
def supervised_server(supervised_url: str, tmp_path: Path) -> Iterator[str]:
    yield from serve(supervised_url, tmp_path / "campaigns")


def _log_in(page: Any, server: str, user: str) -> None:
    page.goto(f"{server}/login")
    page.get_by_label("Identifiant").fill(user)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()


def test_an_agent_reads_the_brief_and_records_an_outcome(
    server: str, queued_url: str, tmp_path: Path
) -> None:
    site_url = queued_url
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        page = browser.new_page(locale="fr-CA")
        page.goto(f"{server}/agent")
        expect(page).to_have_url(f"{server}/login")
        page.get_by_label("Identifiant").fill("agent1")
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Connexion").click()
        expect(page.locator("#call-title")).to_contain_text(STORY)
        expect(page.locator("#call-title")).to_contain_text("Prochain appel")
        brief = page.frame_locator("iframe.brief")
        expect(brief.locator("html")).to_have_attribute("lang", "fr-CA")
        expect(brief.locator("body")).to_contain_text("vous")
        page.keyboard.press("2")  # declined
        expect(page.locator("#recorded")).to_contain_text("Enregistré")
        expect(page.locator("#recorded")).to_contain_text("Refusé")
        page.screenshot(path=str(tmp_path / "agent-page.png"))
        browser.close()
    rows = load_tables(site_url, [STORY])["contacts"].collect()
    mine = rows.filter(pl.col("campaign_id") == CAMPAIGN)
    assert mine.select("outcome", "agent_id", "offer_id").rows() == [
        ("declined", "agent1", "RT_LOYALTY_CREDIT")
    ]
    start = dt.datetime.fromisoformat(AT)
    assert (
        start <= mine["at"][0]
    )  # the service's clock, shifted to the story's afternoon < start + dt.timedelta(minutes=5)


def test_a_supervisor_sees_the_outcomes_of_the_agents(
    supervised_server: str, supervised_url: str, tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    server = supervised_server
    first, second = CALLED
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        agent = browser.new_page(locale="fr-CA")
        _log_in(agent, server, "agent1")
        expect(agent.locator("#call-title")).to_contain_text(first)
        agent.keyboard.press("1")  # accepted
        expect(agent.locator("#recorded")).to_contain_text("Accepté")
        agent.goto(f"{server}/agent")
        expect(agent.locator("#call-title")).to_contain_text(second)
        agent.keyboard.press("6")  # do not call
        expect(agent.locator("#recorded")).to_contain_text("Ne plus appeler")
        agent.goto(f"{server}/agent")  # both called, one asked never again: the queue is empty
        expect(agent.locator("p.empty")).to_contain_text("Aucun appel possible maintenant")
        agent.goto(f"{server}/agent?customer_id={second}")  # still readable: the agent's call
        expect(agent.locator("#call-title")).to_contain_text(second)
        queue = agent.request.get(f"{server}/campaigns")
        assert queue.status == 403  # agents do not see the supervisor's pages

        supervisor = browser.new_page(locale="fr-CA", viewport={"width": 1100, "height": 900})
        _log_in(supervisor, server, "analyst1")
        expect(supervisor).to_have_url(f"{server}/campaigns")
        supervisor.get_by_role("link", name=SUPERVISED).click()
        report = supervisor.locator("article.report")
        expect(report).to_contain_text("1 accepté")
        expect(report).to_contain_text("1 ne plus appeler")
        itt = report.locator("table.uplift tr", has_text="intention de traiter")
        expect(itt).to_contain_text("20,0\u202f% / 0,0\u202f%")  # 1 of 5 treated, 0 of 1 control
        supervisor.screenshot(path=str(tmp_path / "supervisor-page.png"), full_page=True)
        browser.close()
    rows = load_tables(supervised_url, [first, second])["contacts"].collect()
    mine = rows.filter(pl.col("campaign_id") == SUPERVISED).sort("customer_id")
    assert mine.select("customer_id", "outcome", "converted").rows() == [
        (first, "accepted", True),
        (second, "dnc_request", False),
    ]
    consent = load_tables(supervised_url, [second])["consent"].collect()
    assert consent["internal_dnc_at"][0] is not None
    # the next campaign, run through the API now: the customer is in no list it writes
    called = _next_campaign(server, supervised_url, tmp_path / "campaigns")
    assert called and second not in called


def _next_campaign(server: str, url: str, campaigns: Path) -> list[str]:
    from goodcall.api.schemas import UserRequest
    from goodcall.api.users import create_user
    from goodcall.store.config import engine_for

    _, engine = engine_for(url)
    try:
        key = create_user(engine, UserRequest(user_id="ana", role="analyst", display_name="Ana"),
                          dt.datetime.fromisoformat(AT))  # fmt: skip
    finally:
        engine.dispose()
    headers = {"X-API-Key": key}
    body = {"campaign_id": "NEXT", "channels": ["phone"], "control_share": 0.0,
            "explore_share": 0.5, "calls_per_hour": 5}  # fmt: skip
    started = httpx.post(f"{server}/v1/campaigns/runs", json=body, headers=headers, timeout=30)
    assert started.status_code == 202, started.text
    for _ in range(600):
        status = httpx.get(f"{server}{started.headers['location']}", headers=headers).json()
        if status["state"] in ("done", "failed"):
            break
        time.sleep(0.2)
    assert status["state"] == "done", status
    return pl.read_csv(campaigns / "NEXT" / "call_list.csv")["customer_id"].to_list()
