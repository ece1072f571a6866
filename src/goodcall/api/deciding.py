"""One customer decided the way ``goodcall explain`` decides him, for a service that stays up.

Nothing of the decision is here: :func:`goodcall.explain.decision.load_decider` finds the
store's latest campaign plan for the moment (its prices, settings and models, or prices 0
without one) and :func:`goodcall.explain.decision.decide_customers` decides with the core's
prepared decider. What the service adds is caches: loading a decider compiles the catalog and
policies and reads the model set, so each decider is kept by the plan it was loaded for (and by
the channels a request restricts it to), and a new plan in the store (a new ``campaign run``)
is picked up by the next request; and :func:`decide_asks` decides a micro-batch of requests
(:mod:`goodcall.api.batching`) with one profile read and one call of the core per moment.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl
import sqlalchemy as sa

from goodcall.api.profiles import ProfileSource
from goodcall.channels import CHANNELS
from goodcall.explain.decision import Decider, decide_customers, decide_one, load_decider
from goodcall.explain.inputs import InputError
from goodcall.store.config import StoreUnavailableError
from goodcall.store.migrate import StoreNotReadyError
from goodcall.store.plans import PlanStoreError, latest_plan
from goodcall.store.reader import load_profiles


class DeciderCache:
    """The decider for a moment: one per campaign plan, loaded once."""

    def __init__(self, url: str | None, engine: sa.Engine) -> None:
        self._url, self._engine = url, engine
        self._by_plan: dict[int | None, Decider] = {}
        self._narrowed: dict[tuple[int | None, tuple[str, ...]], Decider] = {}
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
            return self._by_plan.setdefault(decider.plan_id, decider)

    def for_request(self, at: dt.datetime, channels: Sequence[str] | None) -> Decider:
        """The decider for a moment, restricted to ``channels`` (of the campaign's), kept so
        that its prepared decider is made once."""
        decider = self.for_moment(at)
        if channels is None:
            return decider
        key = (decider.plan_id, tuple(channels))
        with self._lock:
            known = self._narrowed.get(key)
            if known is None or known.plan is not decider.plan:
                known = self._narrowed[key] = narrowed(decider, channels)
        return known


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
        decider = narrowed(decider, channels)
    return decide_one(profile, decider, at)


def narrowed(decider: Decider, channels: Sequence[str]) -> Decider:
    """``decider`` deciding on ``channels`` only (those of the campaign's channels)."""
    allowed = tuple(c for c in decider.config.channels if c in channels)
    config = decider.config.model_copy(update={"channels": allowed})
    return dataclasses.replace(decider, config=config)


assert set(CHANNELS) >= {"phone", "app"}  # the channels channels_for names


@dataclass(frozen=True)
class Ask:
    """One ``POST /v1/decisions``: who, at what moment (None: the batch's now), on which
    channels (None: the campaign's)."""

    customer_id: str
    at: dt.datetime | None
    channels: tuple[str, ...] | None


@dataclass(frozen=True)
class Decided:
    at: dt.datetime  # the moment decided at (the batch's now for an ask without one)
    decision: dict[str, Any]  # as ``explain --json`` shows it


class UnknownCustomerError(LookupError):
    """The customer is not in the store."""


def decide_asks(
    asks: Sequence[Ask], deciders: DeciderCache, profiles: ProfileSource, now: dt.datetime
) -> list[Decided | Exception]:
    """The answer of every ask of a micro-batch, in order: asks at the same moment and on the
    same channels share one profile read and one call of the core (each customer's decision
    does not depend on the others': the plan's prices decide them)."""
    groups: dict[tuple[dt.datetime, tuple[str, ...] | None], list[int]] = {}
    for k, ask in enumerate(asks):
        groups.setdefault((ask.at or now, ask.channels), []).append(k)
    answers: list[Decided | Exception] = [UnknownCustomerError("")] * len(asks)
    for (at, channels), members in groups.items():
        ids = [asks[k].customer_id for k in members]
        try:
            decider = deciders.for_request(at, channels)
            found = profiles.read(ids, at)
            decided = decide_customers(found, decider, at) if found.height else {}
        except (InputError, StoreUnavailableError, StoreNotReadyError) as err:
            for k in members:
                answers[k] = err
            continue
        for k, cid in zip(members, ids, strict=True):
            answer = decided.get(cid)
            answers[k] = UnknownCustomerError(cid) if answer is None else Decided(at, answer)
    return answers
