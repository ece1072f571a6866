"""The agent's page through HTTP: login, CSRF, the queue, the brief, the outcome buttons."""

from __future__ import annotations

import polars as pl
from fastapi.testclient import TestClient

from goodcall.store.reader import load_tables
from tests.web.conftest import CAMPAIGN, STORY, csrf_of, logged_in


def test_pages_need_a_login(site: TestClient) -> None:
    response = site.get("/agent")
    assert (response.status_code, response.headers["location"]) == (303, "/login")
    assert site.get("/agent/brief", params={"customer_id": STORY}).status_code == 303


def test_a_wrong_password_or_token_does_not_log_in(site: TestClient) -> None:
    token = csrf_of(site.get("/login").text)
    wrong = site.post("/login", data={"user_id": "agent1", "password": "nope", "csrf": token})
    assert wrong.status_code == 401
    assert "Wrong user or password." in wrong.text
    forged = site.post("/login", data={"user_id": "agent1", "password": "x", "csrf": "forged"})
    assert forged.status_code == 403


def test_only_agents_use_the_page(site: TestClient) -> None:
    logged_in(site, "analyst1")
    assert site.get("/agent").status_code == 403


def test_the_queue_gives_the_story_customer_first_in_french(site: TestClient) -> None:
    logged_in(site)
    page = site.get("/agent").text
    assert f"<code>{STORY}</code>" in page
    assert "Prochain appel" in page  # the agent's pages are in French
    assert "La fenêtre se ferme dans" in page
    assert 'src="/agent/brief?customer_id=C-SEED-0001&offer_id=RT_LOYALTY_CREDIT"' in page
    assert '<script src="/static/htmx.min.js"' in page and "//" not in page.split("htmx")[0][-30:]
    assert site.get("/static/htmx.min.js").status_code == 200
    english = site.get("/agent", params={"lang": "en"}).text
    assert "Next call" in english


def test_the_brief_is_in_formal_french(site: TestClient) -> None:
    logged_in(site)
    brief = site.get("/agent/brief", params={"customer_id": STORY, "offer_id": "RT_LOYALTY_CREDIT"})
    assert brief.status_code == 200
    assert '<html lang="fr' in brief.text
    assert "vous" in brief.text.lower() and " tu " not in brief.text.lower()


def test_an_outcome_needs_the_token_and_is_stored_once(site: TestClient) -> None:
    token = logged_in(site)
    form = {"key": "page-key-0001", "customer_id": STORY, "offer_id": "RT_LOYALTY_CREDIT",
            "outcome": "declined"}  # fmt: skip
    assert site.post("/agent/outcome", data=form).status_code == 403  # no CSRF token
    headers = {"X-CSRF-Token": token}
    first = site.post("/agent/outcome", data=form, headers=headers)
    assert first.status_code == 200, first.text
    assert "Enregistré" in first.text
    again = site.post("/agent/outcome", data=form, headers=headers)
    assert "Déjà enregistré" in again.text
    contacts = load_tables(_url(site), [STORY])
    rows = contacts["contacts"].collect().filter(pl.col("campaign_id") == CAMPAIGN)
    assert rows.select("offer_id", "outcome", "agent_id").rows() == [
        ("RT_LOYALTY_CREDIT", "declined", "agent1")
    ]
    # called in this campaign: the queue moves on to the next customer whose window is open
    page = site.get("/agent").text
    assert f"<code>{STORY}</code>" not in page
    # C-NAT-0004 (next in the list) is on the national do-not-call list: never open
    assert "<code>C-NAT-0004</code>" not in page
    assert "<code>C-VAN-0002</code>" in page


def test_a_callback_is_in_the_customers_time(site: TestClient) -> None:
    token = logged_in(site)
    form = {"key": "page-key-0002", "customer_id": STORY, "outcome": "callback",
            "callback_at": "2026-11-23T15:00"}  # fmt: skip
    response = site.post("/agent/outcome", data=form, headers={"X-CSRF-Token": token})
    assert response.status_code == 200, response.text
    missing = {**form, "key": "page-key-0003", "callback_at": ""}
    refused = site.post("/agent/outcome", data=missing, headers={"X-CSRF-Token": token})
    assert refused.status_code == 422


def test_a_do_not_call_button_removes_the_customer_everywhere_at_once(site: TestClient) -> None:
    token = logged_in(site)
    form = {"key": "page-key-0004", "customer_id": STORY, "outcome": "dnc_request"}
    assert (
        site.post("/agent/outcome", data=form, headers={"X-CSRF-Token": token}).status_code == 200
    )
    consent = load_tables(_url(site), [STORY])["consent"].collect()
    assert consent["internal_dnc_at"][0] is not None
    assert f"<code>{STORY}</code>" not in site.get("/agent").text


def test_the_queue_keeps_to_the_agents_languages(site: TestClient) -> None:
    from tests.web.conftest import PASSWORD, add_english_agent

    add_english_agent(_url(site))
    token = csrf_of(site.get("/login").text)
    form = {"user_id": "jane", "password": PASSWORD, "csrf": token}
    assert site.post("/login", data=form).status_code == 303
    page = site.get("/agent").text
    assert "Next call" in page  # her pages are in English
    assert f"<code>{STORY}</code>" not in page  # fr-CA: not hers
    assert "<code>C-VAN-0002</code>" in page  # listed en-CA in the call list


def test_an_agent_opens_only_the_customers_of_their_queue(site: TestClient) -> None:
    logged_in(site)
    for other in ("C-NOBODY", "C-TWIN-0008"):  # unknown, or not on the call list: the same
        page = site.get("/agent", params={"customer_id": other})
        assert page.status_code == 403
        assert f"Ce client n'est pas dans votre file d'appels. ({other})" in page.text
        assert site.get("/agent/brief", params={"customer_id": other}).status_code == 403
    page = site.get("/agent", params={"customer_id": "C-VAN-0002"})  # listed, later in the day
    assert page.status_code == 200 and "<code>C-VAN-0002</code>" in page.text


def _url(site: TestClient) -> str:
    engine = site.app.state.service.engine  # type: ignore[attr-defined]
    url: str = engine.url.render_as_string(hide_password=False)
    return url


def test_the_page_logs_who_saw_which_customer(site: TestClient) -> None:
    from goodcall.store.users import access_entries

    logged_in(site)  # opens the queue once
    site.get("/agent/brief", params={"customer_id": STORY})
    entries = access_entries(site.app.state.service.engine, STORY)  # type: ignore[attr-defined]
    assert [(user, action) for _, user, action, _ in entries] == [
        ("agent1", "profile"),
        ("agent1", "brief"),
    ]
