"""Running a campaign through the API: 202 at once, a status resource to poll until done, then
the campaign in the list and its report; the same id again is refused."""

from __future__ import annotations

import time
from pathlib import Path

from tests.api.conftest import DECIDED, Served

RUN = {"campaign_id": "API-RUN", "at": DECIDED, "channels": ["phone"], "control_share": 0.3,
       "explore_share": 0.5, "calls_per_hour": 3}  # fmt: skip


def _until_finished(served: Served, location: str) -> dict[str, object]:
    for _ in range(600):  # a bounded wait: the run takes about a second here
        answer = served.client.get(location, headers=served.as_("analyst"))
        status: dict[str, object] = answer.json()
        if status["state"] in ("done", "failed"):
            return status
        time.sleep(0.1)
    raise AssertionError(f"the run did not finish: {status}")


def test_a_run_is_accepted_then_polled_until_done(served: Served) -> None:
    analyst = served.as_("analyst")
    started = served.client.post("/v1/campaigns/runs", json=RUN, headers=analyst)
    assert started.status_code == 202, started.text
    location = started.headers["location"]
    assert location == f"/v1/campaigns/runs/{started.json()['run_id']}"
    assert started.json()["state"] == "queued" and started.json()["requested_by"] == "analyst1"
    status = _until_finished(served, location)
    assert status["state"] == "done", status
    assert (status["plan_id"], status["report"]) == (1, "/v1/campaigns/API-RUN")
    assert (status["steps_done"], status["steps"]) == (5, 5)
    listed = served.client.get("/v1/campaigns", headers=analyst).json()
    assert [c["campaign_id"] for c in listed] == ["API-RUN"]
    report = served.client.get("/v1/campaigns/API-RUN", headers=analyst).json()
    assert (report["customers"], report["calls"], report["control_group"]) == (10, 1, 3)
    again = served.client.post("/v1/campaigns/runs", json=RUN, headers=analyst)
    assert again.status_code == 409
    assert again.json()["detail"] == "campaign 'API-RUN' exists: choose another id"


def test_a_bad_run_request_is_a_clear_4xx(served: Served) -> None:
    analyst = served.as_("analyst")
    post = served.client.post
    unknown = post("/v1/campaigns/runs", json={**RUN, "calls": 3}, headers=analyst)
    assert unknown.status_code == 422 and "calls" in unknown.text
    bad_id = post("/v1/campaigns/runs", json={**RUN, "campaign_id": "../x"}, headers=analyst)
    assert bad_id.status_code == 422
    assert served.client.get("/v1/campaigns/runs/nothex", headers=analyst).status_code == 422
    assert served.client.get("/v1/campaigns/NOPE", headers=analyst).status_code == 404


def test_one_run_at_a_time_per_worker(served: Served) -> None:
    from goodcall.api import runs

    assert runs._running.acquire(blocking=False)  # a run in progress in this worker
    try:
        busy = served.client.post("/v1/campaigns/runs", json=RUN, headers=served.as_("analyst"))
    finally:
        runs._running.release()
    assert busy.status_code == 409
    assert busy.json()["detail"] == "a campaign is already running in this worker: try again later"


def test_a_do_not_call_request_empties_the_agents_queue_at_once(
    served: Served, tmp_path: Path
) -> None:
    from tests.api.conftest import STORY, with_campaign

    with_campaign(served.url, tmp_path / "queue")
    agent = served.as_("agent")
    before = served.client.get("/v1/agents/me/queue", headers=agent).json()["calls"]
    assert [c["customer_id"] for c in before] == [STORY, "C-VAN-0002"]
    dnc = served.client.post("/v1/do-not-call", json={"customer_id": STORY}, headers=agent)
    assert dnc.status_code == 200
    after = served.client.get("/v1/agents/me/queue", headers=agent).json()["calls"]
    assert [c["customer_id"] for c in after] == ["C-VAN-0002"]
