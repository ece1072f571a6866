"""What every request of one worker shares: the settings, the store's engine, the deciders, the
profiles read and kept, the micro-batches of decisions, the metrics — built once by the app
factory and handed to routers as a dependency."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, cast

import sqlalchemy as sa

from goodcall.api.access import Principal, Role
from goodcall.api.batching import Batcher
from goodcall.api.deciding import Ask, Decided, DeciderCache, decide_asks
from goodcall.api.keys import KeyCache
from goodcall.api.metrics import Metrics
from goodcall.api.profiles import ProfileSource
from goodcall.api.ratelimit import RateLimiter
from goodcall.api.secrets import key_matches, split_key
from goodcall.api.settings import ServeSettings
from goodcall.store.users import StoredUser, key_owner


@dataclass
class Service:
    settings: ServeSettings
    engine: sa.Engine
    deciders: DeciderCache
    metrics: Metrics = field(default_factory=Metrics)
    limiter: RateLimiter = field(default_factory=lambda: RateLimiter(0, 1))
    profiles: ProfileSource = field(init=False)
    decisions: Batcher[Ask, Decided] = field(init=False)
    keys: KeyCache = field(init=False)

    def __post_init__(self) -> None:
        self.keys = KeyCache(self.settings.key_cache_seconds)
        self.profiles = ProfileSource(self.settings.db_url, self.now)
        self.decisions = Batcher(
            self._decide_batch,
            window=self.settings.batch_window_ms / 1000,
            size=self.settings.batch_size,
        )

    def now(self) -> dt.datetime:
        return self.settings.now()

    def _decide_batch(self, asks: Sequence[Ask]) -> list[Decided | Exception]:
        self.metrics.event("decision_batches")  # decisions ÷ batches: the mean batch
        return decide_asks(asks, self.deciders, self.profiles, self.now())

    def stored_principal(self, token: str) -> Principal | None:
        """The user of an API key as the store says now (None: malformed, unknown or wrong
        secret), kept as verified (:attr:`keys`, which the routers ask first)."""
        parts = split_key(token)
        if parts is None:
            return None
        found = key_owner(self.engine, parts[0])
        if found is None or not key_matches(parts[1], found[0]):
            return None
        user = principal(found[1])
        self.keys.put(token, user)
        return user


def principal(user: StoredUser) -> Principal:
    ui: Literal["fr", "en"] = "fr" if user.ui_language == "fr" else "en"
    return Principal(user.user_id, cast(Role, user.role), user.display_name, user.languages, ui)
