"""The service's settings, from the command line or the environment (``GOODCALL_SERVE_*``).

Several uvicorn workers each build the application from these settings, so everything a worker
needs is in the environment the ``serve`` command sets, and the clock is the same in all of them.
"""

from __future__ import annotations

import datetime as dt
import time

from pydantic_settings import BaseSettings, SettingsConfigDict

from goodcall.api.keys import KEY_CACHE_SECONDS

MAX_BODY_BYTES = 64 * 1024
"""Requests are small JSON documents or forms; anything larger is refused (413)."""


class ServeSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GOODCALL_SERVE_", extra="ignore")

    db_url: str | None = None  # None: GOODCALL_DB_URL, else the default SQLite file
    clock_offset_seconds: float = 0.0  # the service's now = the wall clock + this offset
    max_body_bytes: int = MAX_BODY_BYTES
    session_secret: str = ""  # signs the pages' session cookie; empty: a random one per start
    secure_cookies: bool = False  # True behind TLS: the session cookie is sent over HTTPS only
    rate_per_second: float = 200.0  # per user and worker; 0: no limit
    rate_burst: int = 400
    campaigns_dir: str = "campaigns"  # where campaigns run through the API are written
    campaign_models: str | None = None  # their model set (None: catalog priors only)
    batch_window_ms: float = 2.0  # concurrent decisions gathered this long are decided together
    batch_size: int = 64  # at most this many decisions in one call of the core
    key_cache_seconds: float = KEY_CACHE_SECONDS  # a verified API key is believed this long

    def now(self) -> dt.datetime:
        """The service's clock: the wall clock, shifted to replay a day (``serve --at``)."""
        return dt.datetime.fromtimestamp(time.time() + self.clock_offset_seconds, dt.UTC)


def offset_to(at: dt.datetime) -> float:
    """The clock offset that makes the service's now ``at`` at this moment."""
    return at.timestamp() - time.time()
