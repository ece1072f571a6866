"""``/healthz`` (open: a load balancer asks it), ``/metrics`` and ``/v1/users``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import PlainTextResponse
from starlette.concurrency import run_in_threadpool

from goodcall.api.deps import CanAdminUsers, CanAudit, CanReadMetrics, ServiceDep
from goodcall.api.schemas import AccessEntry, Health, UserRequest, UserResponse
from goodcall.api.users import create_user
from goodcall.store.migrate import current_revision
from goodcall.store.users import UserExistsError, access_entries

health = APIRouter(tags=["service"])
users = APIRouter(tags=["users"])


@health.get("/healthz", response_model=Health)
async def healthz(service: ServiceDep) -> Health:
    """The store answers, at the schema this goodcall reads."""
    # a coroutine that sends only the query to the thread pool: a plain function's route
    # hops to the pool twice (the function, then the check of its answer)
    try:
        revision = await run_in_threadpool(current_revision, service.engine)
    except Exception as err:  # any failure to reach the store is "not healthy"
        raise HTTPException(503, f"store unreachable: {type(err).__name__}") from err
    return Health(
        status="ok",
        store=service.engine.url.render_as_string(hide_password=True),
        schema_revision=revision,
    )


@health.get("/metrics", response_class=PlainTextResponse)
def metrics(service: ServiceDep, user: CanReadMetrics) -> PlainTextResponse:
    """Prometheus text format (version 0.0.4)."""
    return PlainTextResponse(
        service.metrics.text(), media_type="text/plain; version=0.0.4; charset=utf-8"
    )


@users.post("/users", response_model=UserResponse, status_code=201)
def add_user(body: UserRequest, service: ServiceDep, user: CanAdminUsers) -> UserResponse:
    """A new user and their API key (shown once)."""
    try:
        token = create_user(service.engine, body, service.now())
    except UserExistsError as err:
        raise HTTPException(409, f"user {body.user_id!r} exists") from err
    return UserResponse(user_id=body.user_id, role=body.role, api_key=token)


IdQuery = Query(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:@-]+$")


@users.get("/access-log", response_model=list[AccessEntry])
def access_log(
    service: ServiceDep,
    user: CanAudit,
    customer_id: Annotated[str | None, IdQuery] = None,
    user_id: Annotated[str | None, IdQuery] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1_000,
) -> list[AccessEntry]:
    """Who read which customer's profile or brief, and when (the latest ``limit`` entries, in
    the order they were written)."""
    entries = access_entries(service.engine, customer_id, user_id=user_id, limit=limit)
    return [AccessEntry(at=a, user_id=u, action=x, customer_id=c) for a, u, x, c in entries]
