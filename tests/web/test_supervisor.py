"""The supervisor's pages through HTTP, and ``campaign report --campaign`` on the same store:
who may look, what the page draws, an outcome recorded by an agent showing in the measured
uplift, the self-contained export."""

from __future__ import annotations

import json
import re
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from goodcall.cli import app
from goodcall.store.config import engine_for
from goodcall.store.outcomes import Outcome, record_outcome
from tests.web.conftest import AT, CALLED, PASSWORD, STORY, SUPERVISED, csrf_of, logged_in


def _url(client: TestClient) -> str:
    engine = client.app.state.service.engine  # type: ignore[attr-defined]
    url: str = engine.url.render_as_string(hide_password=False)
    return url


def _accepted(url: str, customer_id: str) -> None:
    """An agent's "accepted" for a call of the campaign (as ``POST /v1/outcomes`` records it)."""
    import datetime as dt

    _, engine = engine_for(url)
    try:
        record_outcome(engine, Outcome(
            request_key=f"sup-{customer_id}", request_hash="h", contact_id=f"K-SUP-{customer_id}",
            customer_id=customer_id, at=dt.datetime.fromisoformat(AT), channel="phone",
            campaign_id=SUPERVISED, offer_id=None, outcome="accepted", converted=True,
            silence_seconds=None, agent_id="agent1", user_id="agent1", callback_at=None,
        ))  # fmt: skip
    finally:
        engine.dispose()


def test_only_analysts_and_admins_see_the_campaigns(supervised: TestClient) -> None:
    assert supervised.get("/campaigns").status_code == 303  # not logged in
    logged_in(supervised)  # agent1
    assert supervised.get("/campaigns").status_code == 403
    assert supervised.get(f"/campaigns/{SUPERVISED}").status_code == 403
    assert supervised.get(f"/campaigns/{SUPERVISED}/report").status_code == 403
    for user in ("analyst1", "admin1"):
        token = csrf_of(supervised.get("/login").text)
        form = {"user_id": user, "password": PASSWORD, "csrf": token}
        login = supervised.post("/login", data=form)
        assert (login.status_code, login.headers["location"]) == (303, "/campaigns")
        listing = supervised.get("/campaigns")
        assert listing.status_code == 200
        assert f'href="/campaigns/{SUPERVISED}?lang=fr"' in listing.text
        assert supervised.get(f"/campaigns/{SUPERVISED}").status_code == 200
    assert supervised.get("/campaigns/NOPE").status_code == 404


def test_the_page_draws_the_campaign(supervised: TestClient) -> None:
    logged_in(supervised, "analyst1")
    page = supervised.get(f"/campaigns/{SUPERVISED}").text
    headings = (
        "Entonnoir : qui chaque règle a écarté",
        "Offres × canaux",
        "Appels par heure (UTC) et capacité",
        "Gain mesuré contre le groupe témoin",
    )
    assert all(heading in page for heading in headings)
    # the funnel: one bar per deciding rule, with its count
    for code in ("policy.dnc_national", "policy.dnc_internal", "policy.cooldown_refusal"):
        assert re.search(rf"<title>{re.escape(code)}: 1 — ", page), code
    assert page.count('class="bar-contact"') == 1
    assert "<title>2026-11-20 14h: 2 / capacité 3</title>" in page
    assert "Aucune issue reçue pour l&#39;instant." in page
    english = supervised.get(f"/campaigns/{SUPERVISED}", params={"lang": "en"}).text
    assert "Funnel: whom each rule removed" in english
    assert "https://" not in page and "http://" not in page  # nothing fetched from elsewhere


def test_an_outcome_shows_in_the_measured_uplift(supervised: TestClient) -> None:
    logged_in(supervised, "analyst1")
    before = supervised.get(f"/campaigns/{SUPERVISED}/report").text
    assert "intention de traiter (groupes entiers)" in before
    assert "0,0\u202f% / 0,0\u202f%" in before
    _accepted(_url(supervised), CALLED[0])
    after = supervised.get(f"/campaigns/{SUPERVISED}/report").text
    assert "<b>1</b> accepté" in after and "<b>1</b> clients convertis" in after
    assert "20,0\u202f% / 0,0\u202f%" in after  # 1 of the 5 treated customers, 0 of 1 control


def test_the_api_and_the_command_give_the_same_report(
    supervised: TestClient, tmp_path: Path
) -> None:
    from goodcall.api.schemas import UserRequest
    from goodcall.api.users import create_user

    url = _url(supervised)
    _accepted(url, CALLED[1])
    _, engine = engine_for(url)
    try:
        import datetime as dt

        key = create_user(engine, UserRequest(user_id="ana", role="analyst", display_name="Ana"),
                          dt.datetime.fromisoformat(AT))  # fmt: skip
    finally:
        engine.dispose()
    api = supervised.get(f"/v1/campaigns/{SUPERVISED}", headers={"X-API-Key": key}).json()
    page = tmp_path / "w49.html"
    result = CliRunner().invoke(app, ["campaign", "report", "--campaign", SUPERVISED, "--db", url,
                                      "--html", str(page), "--lang", "fr", "--json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == api
    itt = next(u for u in api["uplift"] if u["scope"].startswith("intention"))
    assert (itt["n_treated"], itt["n_control"], itt["rate_treated"]) == (5, 1, 0.2)
    assert api["outcomes"] == {"accepted": 1} and api["converted"] == 1
    assert api["calls"] == 2 and [h["calls"] for h in api["hours"]] == [2, 0, 0, 0]
    assert api["capacities"] == [{"name": "explore", "used": 2.0, "capacity": 2.0}]
    html = page.read_text()
    assert html.startswith("<!DOCTYPE html>") and "<style>" in html and "<svg" in html
    assert not re.search(r"""(src|href)=|url\(|@import|https?://""", html)  # self-contained
    assert STORY not in html  # aggregates only: no customer is named


def test_the_report_command_says_what_is_missing(supervised: TestClient) -> None:
    url = _url(supervised)
    unknown = CliRunner().invoke(app, ["campaign", "report", "--campaign", "NOPE", "--db", url])
    assert unknown.exit_code == 2
    assert "no campaign 'NOPE' in the store" in unknown.stderr
