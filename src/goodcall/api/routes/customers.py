"""``GET /v1/customers/{id}`` and its brief; every read is written to the access log."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import polars as pl
from fastapi import APIRouter, HTTPException, Path, Query
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from goodcall.api.access import Principal
from goodcall.api.deciding import profile_of
from goodcall.api.deps import CanRead, ServiceDep
from goodcall.api.queue import in_queue
from goodcall.api.schemas import ProfileResponse
from goodcall.api.service import Service
from goodcall.brief.decided import decided_briefs
from goodcall.explain.brand import brand_summary
from goodcall.explain.build import profile_summary
from goodcall.explain.inputs import InputError
from goodcall.store.users import log_access

router = APIRouter(tags=["customers"])
CustomerPath = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
AtQuery = Annotated[dt.datetime | None, Query(description="ISO 8601 with an offset; default: now.")]
_MEDIA = {"html": "text/html", "json": "application/json", "text": "text/plain"}


def _at(at: dt.datetime | None, service: Service) -> dt.datetime:
    if at is None:
        return service.now()
    if at.tzinfo is None:
        raise HTTPException(422, f"at {at.isoformat()!r} has no offset (e.g. Z or -05:00)")
    return at


def may_read(service: Service, user: Principal, customer_id: str) -> None:
    """An agent reads only the customers of their own queue (403, whether the customer exists
    or not: the answer tells nothing about who is a customer)."""
    if user.role == "agent" and not in_queue(service.engine, user, customer_id, service.now()):
        raise HTTPException(403, f"customer {customer_id!r} is not in your queue")


def _profile(service: Service, customer_id: str, at: dt.datetime) -> pl.DataFrame:
    profile = profile_of(service.engine, customer_id, at)
    if profile is None:
        raise HTTPException(404, f"no customer {customer_id!r} in the store")
    return profile


@router.get("/customers/{customer_id}", response_model=ProfileResponse)
def customer(
    customer_id: CustomerPath, service: ServiceDep, user: CanRead, at: AtQuery = None
) -> ProfileResponse:
    """The facts an agent checks first, as ``explain`` shows them."""
    when = _at(at, service)
    may_read(service, user, customer_id)
    profile = _profile(service, customer_id, when)
    log_access(service.engine, user.user_id, "profile", customer_id, service.now())
    row = profile.row(0, named=True)
    try:
        catalog = service.deciders.for_moment(when).compiled.catalog
    except InputError as err:
        raise HTTPException(503, f"cannot decide now: {err}") from err
    return ProfileResponse(
        customer_id=customer_id,
        at=when,
        profile=profile_summary(row, when),
        brand=brand_summary(catalog, row.get("brand"), "en"),
    )


@router.get("/customers/{customer_id}/brief", response_class=Response)
def brief(
    customer_id: CustomerPath,
    service: ServiceDep,
    user: CanRead,
    format: Annotated[Literal["html", "json", "text"], Query()] = "html",
    at: AtQuery = None,
) -> Response:
    """The brief of the core's decision (or why there is no pitch), as ``goodcall brief``
    writes it, in the customer's language and register."""
    when = _at(at, service)
    may_read(service, user, customer_id)
    profile = _profile(service, customer_id, when)
    try:
        decider = service.deciders.for_moment(when)
    except InputError as err:
        raise HTTPException(503, f"cannot decide now: {err}") from err
    result = decided_briefs(profile, decider, when, format, user.display_name)[customer_id]
    log_access(service.engine, user.user_id, "brief", customer_id, service.now())
    if format == "html":
        return HTMLResponse(result.text)
    if format == "text":
        return PlainTextResponse(result.text)
    return Response(result.text, media_type=_MEDIA[format])
