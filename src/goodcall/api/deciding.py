"""One customer decided the way ``goodcall explain`` decides him, for a service that stays up.

Nothing of the decision is here: :func:`goodcall.explain.decision.load_decider` finds the
store's latest campaign plan for the moment (its prices, settings and models, or prices 0
without one) and :func:`goodcall.explain.decision.decide_one` calls :func:`goodcall.decide.decide`.
What the service adds is a cache: loading a decider compiles the catalog and policies and reads
the model set, so each decider is kept by the plan it was loaded for, and a new plan in the
store (a new ``campaign run``) is picked up by the next request.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections.abc import Sequence
from typing import Any

import polars as pl
import sqlalchemy as sa

from goodcall.channels import CHANNELS
from goodcall.explain.decision import Decider, decide_one, load_decider
from goodcall.explain.inputs import InputError
from goodcall.store.plans import PlanStoreError, latest_plan
from goodcall.store.reader import load_profiles


class DeciderCache:
    """The decider for a moment: one per campaign plan, loaded once."""

    def __init__(self, url: str | None, engine: sa.Engine) -> None:
        self._url, self._engine = url, engine
        self._by_plan: dict[int | None, Decider] = {}
        self._lock = threading.Lock()

    def for_moment(self, at: dt.datetime) -> Decider:
        try:
            stored = latest_plan(self._url, at, engine=self._engine)
        except PlanStoreError as err:
            raise InputError(str(err)) from err
        key = None if stored is None else stored.plan_id
        with self._lock:
            cached = self._by_plan.get(key)
        if cached is not None:
            return cached
        decider = load_decider(None, None, None, None, at, db=self._url)
        with self._lock:
            self._by_plan.setdefault(decider.plan_id, decider)
        return decider


def profile_of(engine: sa.Engine, customer_id: str, at: dt.datetime) -> pl.DataFrame | None:
    """The customer's profile as known at ``at`` (one row), None when not in the store."""
    profiles = load_profiles(at, None, [customer_id], engine=engine).collect()
    return None if profiles.height == 0 else profiles.head(1)


def channels_for(channel: str, context: str) -> tuple[str, ...] | None:
    """The channels a decision may use: the one asked for; with ``any``, the app for an in-app
    request, the phone for a customer on an inbound call, every channel for an outbound one
    (None: the campaign's own)."""
    if channel != "any":
        return (channel,)
    return {"in_app": ("app",), "inbound": ("phone",)}.get(context)


def decide_customer(
    profile: pl.DataFrame,
    decider: Decider,
    at: dt.datetime,
    channels: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The core's decision for the customer of ``profile``, as ``explain --json`` shows it
    (``channels``: only those, of the campaign's channels)."""
    if channels is not None:
        allowed = tuple(c for c in decider.config.channels if c in channels)
        config = decider.config.model_copy(update={"channels": allowed})
        decider = dataclasses.replace(decider, config=config)
    return decide_one(profile, decider, at)


assert set(CHANNELS) >= {"phone", "app"}  # the channels channels_for names
