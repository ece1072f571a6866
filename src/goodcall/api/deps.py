"""The routers' dependencies: the worker's :class:`Service` and the authenticated user.

``/v1`` authenticates with an API key only (``Authorization: Bearer gc_…`` or ``X-API-Key``),
never with the pages' session cookie, so no ``/v1`` route can be driven by a cross-site form:
CSRF protection belongs to the pages (:mod:`goodcall.web`). 401: no valid key; 403: a valid key
whose role may not do this (:data:`goodcall.api.access.PERMISSIONS`). 429: over the user's
request rate (:mod:`goodcall.api.ratelimit`).

The dependencies are coroutines: FastAPI runs a plain function's dependency in its thread pool,
a hop between threads per dependency and per request that cost more than the check itself. The
one that may wait on the store (a key not verified a moment ago) goes to the thread pool then.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request
from starlette.concurrency import run_in_threadpool

from goodcall.api.access import Permission, Principal
from goodcall.api.ratelimit import retry_after
from goodcall.api.service import Service


async def get_service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


ServiceDep = Annotated[Service, Depends(get_service)]


def _token(authorization: str | None, api_key: str | None) -> str | None:
    if api_key:
        return api_key.strip()
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    return None


async def authenticated(
    service: ServiceDep,
    authorization: Annotated[str | None, Header()] = None,
    x_api_key: Annotated[str | None, Header()] = None,
) -> Principal:
    token = _token(authorization, x_api_key)
    user = None
    if token is not None:
        user = service.keys.get(token) or await run_in_threadpool(service.stored_principal, token)
    if user is None:
        raise HTTPException(
            401, "a valid API key is required", headers={"WWW-Authenticate": "Bearer"}
        )
    wait = service.limiter.wait_for(user.user_id)
    if wait > 0:
        raise HTTPException(
            429, "too many requests: slow down", headers={"Retry-After": retry_after(wait)}
        )
    return user


def allowed(permission: Permission) -> Callable[[Principal], Awaitable[Principal]]:
    async def check(user: Annotated[Principal, Depends(authenticated)]) -> Principal:
        if not user.may(permission):
            raise HTTPException(403, f"role {user.role!r} may not {permission.replace('_', ' ')}")
        return user

    return check


CanDecide = Annotated[Principal, Depends(allowed("decide"))]
CanRead = Annotated[Principal, Depends(allowed("read_customer"))]
CanRecord = Annotated[Principal, Depends(allowed("record_outcome"))]
CanDoNotCall = Annotated[Principal, Depends(allowed("do_not_call"))]
CanReadMetrics = Annotated[Principal, Depends(allowed("metrics"))]
CanAdminUsers = Annotated[Principal, Depends(allowed("users"))]
CanReadCampaigns = Annotated[Principal, Depends(allowed("read_campaigns"))]
CanRunCampaign = Annotated[Principal, Depends(allowed("run_campaign"))]
CanQueue = Annotated[Principal, Depends(allowed("queue"))]
CanAudit = Annotated[Principal, Depends(allowed("audit"))]
