"""The supervisor's pages: the campaigns in the store, and one campaign as
:mod:`goodcall.campaign.html` draws it — refreshed by htmx every 30 seconds, so outcomes recorded
by the agents show in the measured uplift as they arrive. Analysts and admins only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from fastapi.responses import HTMLResponse, Response

from goodcall.api.access import Principal
from goodcall.api.deps import ServiceDep
from goodcall.api.service import Service
from goodcall.campaign.html import report_fragment
from goodcall.campaign.overview import overview
from goodcall.store.plans import all_plans, plan_of
from goodcall.web.i18n import Lang, words
from goodcall.web.pages import page_language, render_page
from goodcall.web.session import session_user

router = APIRouter(include_in_schema=False)
CampaignPath = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]


def supervisor(request: Request, service: ServiceDep) -> Principal:
    user = session_user(request, service)
    if user is None:
        raise HTTPException(303, "log in first", headers={"Location": "/login"})
    if not user.may("read_campaigns"):
        raise HTTPException(403, words(user.ui_language)["supervisors_only"])
    return user


SupervisorDep = Annotated[Principal, Depends(supervisor)]


@router.get("/campaigns", response_class=HTMLResponse)
def campaigns_page(request: Request, service: ServiceDep, user: SupervisorDep) -> Response:
    lang = page_language(request, user)
    return render_page(
        request, "campaigns.html.j2", lang, user=user, plans=all_plans(service.engine),
        page_title=words(lang)["supervisor"],
    )  # fmt: skip


def _fragment(service: Service, campaign_id: str, lang: Lang) -> str:
    plan = plan_of(service.engine, campaign_id)
    if plan is None:
        raise HTTPException(404, f"{words(lang)['unknown_campaign']}: {campaign_id}")
    return report_fragment(overview(service.engine, plan), lang)


@router.get("/campaigns/{campaign_id}", response_class=HTMLResponse)
def campaign_page(
    request: Request, service: ServiceDep, user: SupervisorDep, campaign_id: CampaignPath
) -> Response:
    lang = page_language(request, user)
    return render_page(
        request, "campaign.html.j2", lang, user=user, campaign_id=campaign_id,
        report=_fragment(service, campaign_id, lang),
        page_title=f"{words(lang)['supervisor']} — {campaign_id}",
    )  # fmt: skip


@router.get("/campaigns/{campaign_id}/report", response_class=HTMLResponse)
def campaign_fragment(
    request: Request, service: ServiceDep, user: SupervisorDep, campaign_id: CampaignPath
) -> Response:
    """The report alone (what the page's htmx refresh swaps in)."""
    return HTMLResponse(_fragment(service, campaign_id, page_language(request, user)))
