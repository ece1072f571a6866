"""End to end in a real browser (Playwright driving Debian's Chromium, no downloaded browser):
an agent logs in, opens the queue, reads the story customer's brief in formal French, records an
outcome with the keyboard and finds it stored.

Needs /usr/bin/chromium: required when CI=true, skipped with the reason otherwise.
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

import httpx
import polars as pl
import pytest

from goodcall.store.reader import load_tables
from tests.web.conftest import AT, CAMPAIGN, PASSWORD, STORY

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


@pytest.fixture
def server(site_url: str) -> Iterator[str]:
    """``goodcall serve`` on the test store, its clock at the story's afternoon."""
    _need_chromium()
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    command = [sys.executable, "-m", "goodcall.cli", "serve", "--db", site_url,
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


def test_an_agent_reads_the_brief_and_records_an_outcome(server: str, site_url: str) -> None:
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
        page.screenshot(path=str(Path(site_url.removeprefix("sqlite:///")).parent / "agent.png"))
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
