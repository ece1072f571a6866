"""The agent's pages: log in, the next call with its brief, the outcome buttons."""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError

from goodcall.api.access import Principal
from goodcall.api.deciding import profile_of
from goodcall.api.deps import ServiceDep
from goodcall.api.queue import NextCall, in_queue, next_call
from goodcall.api.recording import to_outcome
from goodcall.api.schemas import OutcomeRequest
from goodcall.api.secrets import verify_password
from goodcall.api.service import Service
from goodcall.brief.decided import decided_briefs
from goodcall.store.outcomes import (
    KeyReusedError,
    UnknownCustomerError,
    record_do_not_call,
    record_outcome,
)
from goodcall.store.users import get_user, log_access
from goodcall.web.i18n import Lang, pick_language, words
from goodcall.web.session import check_csrf, csrf_token, log_in, session_user

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
router = APIRouter(include_in_schema=False)
OUTCOME_KEYS = ("accepted", "declined", "callback", "no_answer", "voicemail", "dnc_request",
                "complaint")  # fmt: skip
"""The buttons in order: keys 1 to 7."""


def page_language(request: Request, user: Principal | None = None) -> Lang:
    asked = request.query_params.get("lang")
    default: Lang = user.ui_language if user is not None else "en"
    return pick_language(asked, None if user else request.headers.get("accept-language"), default)


def agent(request: Request, service: ServiceDep) -> Principal:
    user = session_user(request, service)
    if user is None:
        raise HTTPException(303, "log in first", headers={"Location": "/login"})
    if user.role != "agent":
        raise HTTPException(403, words(user.ui_language)["forbidden"])
    return user


AgentDep = Annotated[Principal, Depends(agent)]


def render_page(
    request: Request, name: str, lang: Lang, status: int = 200, **context: Any
) -> Response:
    context |= {"w": words(lang), "lang": lang, "csrf": csrf_token(request)}
    return templates.TemplateResponse(request, name, context, status_code=status)


@router.get("/")
def home(request: Request, service: ServiceDep) -> RedirectResponse:
    user = session_user(request, service)
    return RedirectResponse("/campaigns" if user and user.role != "agent" else "/agent", 303)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> Response:
    return render_page(request, "login.html.j2", page_language(request))


@router.post("/login")
def login(
    request: Request,
    service: ServiceDep,
    user_id: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    csrf: Annotated[str, Form(max_length=128)],
) -> Response:
    check_csrf(request, csrf)
    user = get_user(service.engine, user_id)
    if user is None or not verify_password(password, user.password_hash):
        lang = page_language(request)
        return render_page(request, "login.html.j2", lang, 401, error=words(lang)["bad_login"])
    log_in(request, user.user_id)
    return RedirectResponse("/agent" if user.role == "agent" else "/campaigns", 303)


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str, Form(max_length=128)]) -> Response:
    check_csrf(request, csrf)
    request.session.clear()
    return RedirectResponse("/login", 303)


@router.get("/agent", response_class=HTMLResponse)
def agent_page(
    request: Request, service: ServiceDep, user: AgentDep, customer_id: str | None = None
) -> Response:
    """The next call in the agent's queue, or the customer asked for by id."""
    now = service.now()
    lang = page_language(request, user)
    call: NextCall | None
    missing = None
    if customer_id:
        if not in_queue(service.engine, user, customer_id[:64], now):
            return render_page(
                request, "agent.html.j2", lang, 403, user=user, call=None,
                missing=customer_id[:64], refused=True, outcomes=OUTCOME_KEYS, key="",
            )  # fmt: skip
        profile = profile_of(service.engine, customer_id[:64], now)
        call = None if profile is None else NextCall(customer_id, None, None, "", now, profile)
        missing = customer_id if profile is None else None
    else:
        policies = service.deciders.for_moment(now).rules.policies
        call = next_call(service.engine, user, policies, now)
    if call is not None:  # the page shows the customer's name, devices and plan
        log_access(service.engine, user.user_id, "profile", call.customer_id, now)
    return render_page(
        request, "agent.html.j2", lang, user=user, call=_view(call, now), missing=missing,
        outcomes=OUTCOME_KEYS, key=secrets.token_urlsafe(16),
    )  # fmt: skip


def _view(call: NextCall | None, now: dt.datetime) -> dict[str, Any] | None:
    if call is None:
        return None
    p = call.profile.row(0, named=True)
    return {
        "customer_id": call.customer_id,
        "offer_id": call.offer_id,
        "line_id": call.line_id,
        "name": " ".join(str(p[k]) for k in ("first_name", "last_name") if p.get(k)),
        "language": p.get("language"),
        "register": p.get("register"),
        "lines": p.get("lines_count"),
        "device": f"{p.get('device_make')} {p.get('device_model')}",
        "plan": p.get("plan_id"),
        "minutes_left": max(0, int((call.window_end - now).total_seconds() // 60))
        if call.campaign_id
        else None,
        "window_end": call.window_end.isoformat(),
    }


@router.get("/agent/brief", response_class=HTMLResponse)
def agent_brief(
    service: ServiceDep, user: AgentDep, customer_id: str, offer_id: str | None = None
) -> Response:
    """The brief in the customer's language and register: of the call list's offer, or of the
    core's decision now."""
    now = service.now()
    if not in_queue(service.engine, user, customer_id[:64], now):
        raise HTTPException(403, words(user.ui_language)["not_yours"])
    profile = profile_of(service.engine, customer_id[:64], now)
    if profile is None:
        raise HTTPException(404, f"no customer {customer_id!r} in the store")
    decider = service.deciders.for_moment(now)
    briefs = decided_briefs(profile, decider, now, "html", user.display_name, offer=offer_id)
    log_access(service.engine, user.user_id, "brief", customer_id, now)
    return HTMLResponse(briefs[customer_id].text)


@router.post("/agent/outcome", response_class=HTMLResponse)
def agent_outcome(
    request: Request,
    service: ServiceDep,
    user: AgentDep,
    key: Annotated[str, Form(min_length=8, max_length=128)],
    customer_id: Annotated[str, Form(max_length=64)],
    outcome: Annotated[str, Form(max_length=32)],
    offer_id: Annotated[str | None, Form(max_length=64)] = None,
    callback_at: Annotated[str | None, Form(max_length=40)] = None,
) -> Response:
    """Record the button pressed (once per page: the page's key), then offer the next call."""
    check_csrf(request, None)
    lang = page_language(request, user)
    try:
        body = OutcomeRequest(
            customer_id=customer_id, offer_id=offer_id or None, outcome=outcome,  # type: ignore[arg-type, unused-ignore]
            callback_at=_customer_time(callback_at, service, customer_id)
            if outcome == "callback"
            else None,
        )  # fmt: skip
    except (ValidationError, ValueError) as err:
        return HTMLResponse(f'<p role="alert">{_first_error(err)}</p>', 422)
    try:
        recorded = record_outcome(service.engine, to_outcome(body, key, user.user_id, service))
        if outcome == "dnc_request":
            record_do_not_call(service.engine, customer_id, service.now(), "phone")
    except UnknownCustomerError as err:
        raise HTTPException(404, f"no customer {customer_id!r} in the store") from err
    except KeyReusedError as err:
        raise HTTPException(409, "this call already has another outcome") from err
    service.metrics.event("outcomes")
    return render_page(
        request, "recorded.html.j2", lang, recorded=recorded, outcome=outcome,
        customer_id=customer_id,
    )  # fmt: skip


def _customer_time(text: str | None, service: Service, customer_id: str) -> dt.datetime:
    """A ``datetime-local`` input has no offset: "call back at 15:00" is the customer's 15:00,
    in the customer's time zone."""
    from zoneinfo import ZoneInfo

    if not text:
        raise ValueError("callback_at: a time is required to call back")
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        profile = profile_of(service.engine, customer_id, service.now())
        zone = None if profile is None else profile["time_zone"][0]
        moment = moment.replace(tzinfo=ZoneInfo(zone) if zone else dt.UTC)
    return moment


def _first_error(err: Exception) -> str:
    from html import escape

    if isinstance(err, ValidationError):
        first = err.errors()[0]
        return escape(f"{'.'.join(map(str, first['loc']))}: {first['msg']}")
    return escape(str(err))
