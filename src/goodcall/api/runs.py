"""Campaigns run through the API: ``POST /v1/campaigns/runs`` answers 202 at once with a status
resource; the run goes on in a thread of the worker that took it.

A campaign over a national base takes minutes to hours — longer than any HTTP client, proxy or
load balancer waits — so the request never waits for it. The status is a small JSON file beside
the campaigns (``<campaigns_dir>/.runs/<run_id>.json``, written atomically at every step), so any
worker of the service answers ``GET /v1/campaigns/runs/{run_id}``, and the status outlives the
worker. One run at a time per worker (another is refused with 409 while it lasts), and a
campaign id whose folder exists is refused (409): a run never replaces a campaign.

A worker stopped during a run leaves its status at ``running`` with its process id: the status
says ``failed`` ("the worker stopped") when that process is gone.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import uuid
from pathlib import Path

from goodcall.api.schemas import CampaignRunRequest, CampaignRunStatus
from goodcall.api.settings import ServeSettings
from goodcall.writing import write_text

RUNS = ".runs"
_running = threading.Lock()


class RunRefused(RuntimeError):
    """The run cannot start (busy worker, existing campaign)."""


def runs_dir(settings: ServeSettings) -> Path:
    return Path(settings.campaigns_dir) / RUNS


def _path(settings: ServeSettings, run_id: str) -> Path:
    return runs_dir(settings) / f"{run_id}.json"


def _pid_path(settings: ServeSettings, run_id: str) -> Path:
    return runs_dir(settings) / f"{run_id}.pid"


def save(settings: ServeSettings, status: CampaignRunStatus) -> None:
    write_text(_path(settings, status.run_id), status.model_dump_json(indent=1))


def load(settings: ServeSettings, run_id: str) -> CampaignRunStatus | None:
    path = _path(settings, run_id)
    if not path.is_file():
        return None
    status = CampaignRunStatus.model_validate_json(path.read_text())
    if status.state in ("queued", "running") and not _alive(settings, run_id):
        status = status.model_copy(update={"state": "failed", "error": "the worker stopped"})
    return status


def _alive(settings: ServeSettings, run_id: str) -> bool:
    try:
        pid = int(_pid_path(settings, run_id).read_text())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return False
    return True


def start(
    settings: ServeSettings, body: CampaignRunRequest, user_id: str, now: dt.datetime
) -> CampaignRunStatus:
    """Check the run may start, record its status (queued) and start its thread."""
    out = Path(settings.campaigns_dir) / body.campaign_id
    if out.exists():
        raise RunRefused(f"campaign {body.campaign_id!r} exists: choose another id")
    if not _running.acquire(blocking=False):
        raise RunRefused("a campaign is already running in this worker: try again later")
    try:
        status = CampaignRunStatus(
            run_id=uuid.uuid4().hex, campaign_id=body.campaign_id, state="queued",
            requested_by=user_id, requested_at=now,
        )  # fmt: skip
        runs_dir(settings).mkdir(parents=True, exist_ok=True)
        write_text(_pid_path(settings, status.run_id), str(os.getpid()))
        save(settings, status)
        thread = threading.Thread(
            target=_run, args=(settings, body, status, now), name=f"campaign-{status.run_id}",
            daemon=True,
        )  # fmt: skip
        thread.start()
    except BaseException:
        _running.release()
        raise
    return status


def _run(
    settings: ServeSettings, body: CampaignRunRequest, status: CampaignRunStatus, now: dt.datetime
) -> None:
    try:
        status = _decide(settings, body, status, now)
    except Exception as err:  # the run's failure is its status, read by the client
        status = status.model_copy(update={"state": "failed", "error": str(err)[:500]})
    finally:
        _running.release()
    save(settings, status.model_copy(update={"finished_at": dt.datetime.now(dt.UTC)}))


def _decide(
    settings: ServeSettings, body: CampaignRunRequest, status: CampaignRunStatus, now: dt.datetime
) -> CampaignRunStatus:
    from goodcall.campaign.run import PlanRecord, run_campaign
    from goodcall.campaign.settings import campaign_config
    from goodcall.catalog.loader import load_catalog
    from goodcall.models.registry import ModelSet
    from goodcall.store.reader import load_profiles

    at = body.at or now
    flags = body.model_dump(exclude={"at"}, exclude_none=True)
    catalog = load_catalog()
    config = campaign_config(None, flags, catalog)
    models = ModelSet.load(settings.campaign_models) if settings.campaign_models else None
    current = status

    def progress(what: str, done: int, total: int) -> None:
        nonlocal current
        current = current.model_copy(
            update={"state": "running", "step": what, "steps_done": done, "steps": total}
        )
        save(settings, current)

    progress("reading the profiles", 0, 1)
    profiles = load_profiles(at, settings.db_url).collect()
    result = run_campaign(
        profiles, config=config, at=at, out_dir=Path(settings.campaigns_dir) / body.campaign_id,
        models=models, catalog=catalog, progress=progress, record=PlanRecord(settings.db_url),
        models_dir=Path(settings.campaign_models) if settings.campaign_models else None,
    )  # fmt: skip
    return current.model_copy(
        update={
            "state": "done",
            "plan_id": None if result.recorded is None else result.recorded.plan_id,
            "report": f"/v1/campaigns/{body.campaign_id}",
        }
    )
