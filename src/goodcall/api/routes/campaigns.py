"""Campaigns (list, report, run) and the agents' queues."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Path, Query, Response

from goodcall.api import runs
from goodcall.api.deps import CanQueue, CanReadCampaigns, CanRunCampaign, ServiceDep
from goodcall.api.queue import open_calls
from goodcall.api.schemas import (
    CampaignRunRequest,
    CampaignRunStatus,
    CampaignSummary,
    QueueCall,
    QueueResponse,
)
from goodcall.campaign.overview import CampaignOverview, overview
from goodcall.explain.inputs import InputError
from goodcall.store.plans import all_plans, plan_of

router = APIRouter(tags=["campaigns"])
CampaignPath = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
RunPath = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")]


@router.get("/campaigns", response_model=list[CampaignSummary])
def campaigns(service: ServiceDep, user: CanReadCampaigns) -> list[CampaignSummary]:
    """Every campaign recorded in the store, the latest decided first."""
    return [
        CampaignSummary(
            campaign_id=p.campaign_id,
            plan_id=p.plan_id,
            decided_at=p.decided_at,
            written_at=p.written_at,
            report=f"/v1/campaigns/{quote(p.campaign_id)}",
        )
        for p in all_plans(service.engine)
    ]


@router.get("/campaigns/{campaign_id}", response_model=CampaignOverview)
def campaign_report(
    campaign_id: CampaignPath,
    service: ServiceDep,
    user: CanReadCampaigns,
    alpha: Annotated[float, Query(gt=0, lt=1)] = 0.05,
) -> CampaignOverview:
    """The campaign's report with the outcomes recorded so far: what the supervisor's page and
    ``goodcall campaign report --campaign`` show."""
    plan = plan_of(service.engine, campaign_id)
    if plan is None:
        raise HTTPException(404, f"no campaign {campaign_id!r} in the store")
    return overview(service.engine, plan, alpha)


@router.post("/campaigns/runs", response_model=CampaignRunStatus, status_code=202)
def run_campaign(
    body: CampaignRunRequest, service: ServiceDep, user: CanRunCampaign, response: Response
) -> CampaignRunStatus:
    """Start deciding a campaign for every customer in the store; the answer (202) is the run's
    status, to be polled at its ``Location`` until ``done`` or ``failed``."""
    try:
        status = runs.start(service.settings, body, user.user_id, service.now())
    except runs.RunRefused as err:
        raise HTTPException(409, str(err)) from err
    response.headers["Location"] = f"/v1/campaigns/runs/{status.run_id}"
    return status


@router.get("/campaigns/runs/{run_id}", response_model=CampaignRunStatus)
def run_status(run_id: RunPath, service: ServiceDep, user: CanRunCampaign) -> CampaignRunStatus:
    status = runs.load(service.settings, run_id)
    if status is None:
        raise HTTPException(404, f"no campaign run {run_id!r}")
    return status


@router.get("/agents/me/queue", response_model=QueueResponse)
def queue(
    service: ServiceDep, user: CanQueue, limit: Annotated[int, Query(ge=1, le=100)] = 10
) -> QueueResponse:
    """The agent's next calls whose window is open now, in the call list's order."""
    now = service.now()
    try:
        policies = service.deciders.for_moment(now).rules.policies
    except InputError as err:
        raise HTTPException(503, f"cannot decide now: {err}") from err
    calls = open_calls(service.engine, user, policies, now, limit)
    return QueueResponse(
        agent=user.user_id,
        at=now,
        calls=[
            QueueCall(
                customer_id=c.customer_id,
                campaign_id=c.campaign_id,
                offer_id=c.offer_id,
                line_id=c.line_id,
                window_end=c.window_end,
                brief=f"/v1/customers/{quote(c.customer_id)}/brief",
            )
            for c in calls
        ],
    )
