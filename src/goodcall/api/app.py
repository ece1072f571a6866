"""The application factory: one :class:`~goodcall.api.service.Service` (settings, the store's
engine, deciders, metrics) per application, routers under ``/v1``, the OpenAPI document at
``/openapi.json`` and its pages at ``/docs``.

uvicorn's workers each call :func:`app_from_environment` (``--factory``), so every worker builds
its own engine from the same settings.
"""

from __future__ import annotations

from fastapi import FastAPI

from goodcall import __version__
from goodcall.api import logmask
from goodcall.api.deciding import DeciderCache
from goodcall.api.limits import BodyLimitMiddleware
from goodcall.api.metrics import MetricsMiddleware
from goodcall.api.ratelimit import RateLimiter
from goodcall.api.routes import campaigns, customers, decisions, outcomes, system
from goodcall.api.service import Service
from goodcall.api.settings import ServeSettings
from goodcall.store.config import engine_for

API_PREFIX = "/v1"


def create_app(settings: ServeSettings | None = None) -> FastAPI:
    settings = settings or ServeSettings()
    logmask.install()  # phone numbers and names never reach a log
    _, engine = engine_for(settings.db_url)
    limiter = RateLimiter(settings.rate_per_second, settings.rate_burst)
    service = Service(settings, engine, DeciderCache(settings.db_url, engine), limiter=limiter)
    app = FastAPI(
        title="goodcall",
        version=__version__,
        summary="Whom to contact, with what, when, how — and whether at all.",
        openapi_url="/openapi.json",
    )
    app.state.service = service
    routers = (decisions.router, customers.router, outcomes.router, campaigns.router, system.users)
    for router in routers:
        app.include_router(router, prefix=API_PREFIX)
    app.include_router(system.health)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(MetricsMiddleware, metrics=service.metrics)
    return app


def app_from_environment() -> FastAPI:
    """The API alone, from ``GOODCALL_SERVE_*`` (uvicorn ``--factory``)."""
    return create_app(ServeSettings())
