"""The whole site: the API (:func:`goodcall.api.app.create_app`), the agent's pages, the static
files (htmx, the style sheet) and the pages' session."""

from __future__ import annotations

import secrets
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from goodcall.api.app import create_app
from goodcall.api.settings import ServeSettings
from goodcall.web import supervisor
from goodcall.web.pages import router

STATIC = Path(__file__).parent / "static"
SESSION_HOURS = 10
"""A session lasts one shift."""


def create_site(settings: ServeSettings | None = None) -> FastAPI:
    settings = settings or ServeSettings()
    app = create_app(settings)
    app.include_router(router)
    app.include_router(supervisor.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.session_secret or secrets.token_urlsafe(32),
        session_cookie="goodcall_session",
        max_age=SESSION_HOURS * 3600,
        same_site="strict",
        https_only=settings.secure_cookies,
    )
    return app


def site_from_environment() -> FastAPI:
    """The site from ``GOODCALL_SERVE_*`` (uvicorn ``--factory``, one call per worker)."""
    return create_site(ServeSettings())
