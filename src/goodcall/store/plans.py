"""Campaign plans in the store: every ``campaign run`` records its plan, ``explain`` and
``brief`` find the latest.

The store keeps each plan as the JSON text of its ``plan.json`` and never parses it: what a plan
means is the explain layer's business (:class:`goodcall.explain.decision.CampaignPlan`); here a
plan is a campaign id, a decision time, the directory it was written to and that text.

Which plan is "the latest" for a moment ``at``: the plan decided at or before ``at`` with the
latest decision time (of two decided at the same time, the one written last). When every plan
was decided after ``at``, the earliest of them — the plan nearest to ``at`` — and the caller says
so. With no plan at all: none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa

from goodcall.store.config import engine_for
from goodcall.store.migrate import StoreNotReadyError, require_current
from goodcall.store.tables import campaign_plans


class PlanStoreError(RuntimeError):
    """A plan could not be recorded in, or read from, the store (the message names the store)."""


@dataclass(frozen=True)
class StoredPlan:
    """One recorded plan: ``plan`` is the JSON text of the campaign's ``plan.json``."""

    plan_id: int
    campaign_id: str
    decided_at: dt.datetime
    written_at: dt.datetime
    out_dir: str
    plan: str
    store: str  # the store's URL, password hidden, for messages

    def decided_after(self, at: dt.datetime) -> bool:
        """True when this plan was decided after ``at`` (no plan was decided at or before)."""
        return self.decided_at > at


@contextmanager
def recording_plan(
    url: str | None,
    *,
    campaign_id: str,
    decided_at: dt.datetime,
    out_dir: str,
    plan: str,
    written_at: dt.datetime | None = None,
    guard: Callable[[sa.Connection], object] | None = None,
) -> Iterator[StoredPlan]:
    """Insert a plan in a transaction that commits when the ``with`` block ends without error
    (and rolls back when it raises): the campaign writes its output inside the block, so a plan
    is recorded exactly when its campaign was written. Any store failure is a
    :class:`PlanStoreError` naming the store.

    ``guard`` is called inside the transaction, after the insert and before the block: the
    campaign's last look at the store (the do-not-call requests acknowledged until then) happens
    while later requests wait for the commit."""
    config, engine = engine_for(url)
    written_at = written_at or dt.datetime.now(dt.UTC)
    values = {
        "campaign_id": campaign_id,
        "decided_at": decided_at,
        "written_at": written_at,
        "out_dir": out_dir,
        "plan": plan,
    }
    shown = config.display_url
    try:
        require_current(engine, shown)
        with engine.begin() as connection:
            inserted = connection.execute(
                sa.insert(campaign_plans).values(**values).returning(campaign_plans.c.plan_id)
            )
            plan_id = int(inserted.scalar_one())
            if guard is not None:
                guard(connection)
            yield StoredPlan(plan_id=plan_id, store=shown, **values)  # type: ignore[arg-type]
    except (StoreNotReadyError, sa.exc.SQLAlchemyError) as err:
        raise PlanStoreError(
            f"cannot record the campaign plan in the store at {shown}: {err}"
        ) from err
    finally:
        engine.dispose()


def latest_plan(
    url: str | None, at: dt.datetime, *, engine: sa.Engine | None = None
) -> StoredPlan | None:
    """The latest plan for the moment ``at`` (see the module docstring), None when the store
    holds no plan. Through ``engine`` when given (kept open: a service's), else one for ``url``."""
    if engine is not None:
        return _latest(engine, at)
    _, owned = engine_for(url)
    try:
        return _latest(owned, at)
    finally:
        owned.dispose()


def _latest(engine: sa.Engine, at: dt.datetime) -> StoredPlan | None:
    shown = engine.url.render_as_string(hide_password=True)
    t = campaign_plans.c
    before = (
        sa.select(campaign_plans)
        .where(t.decided_at <= at)
        .order_by(t.decided_at.desc(), t.written_at.desc(), t.plan_id.desc())
    )
    after = sa.select(campaign_plans).order_by(
        t.decided_at.asc(), t.written_at.desc(), t.plan_id.desc()
    )
    try:
        require_current(engine, shown)
        with engine.connect() as connection:
            row = connection.execute(before.limit(1)).first()
            row = row or connection.execute(after.limit(1)).first()
    except (StoreNotReadyError, sa.exc.SQLAlchemyError) as err:
        raise PlanStoreError(
            f"cannot read the campaign plans of the store at {shown}: {err}"
        ) from err
    return None if row is None else StoredPlan(store=shown, **row._asdict())


def all_plans(engine: sa.Engine) -> list[StoredPlan]:
    """Every recorded plan, the latest decided first (what the campaigns list shows)."""
    shown = engine.url.render_as_string(hide_password=True)
    t = campaign_plans.c
    query = sa.select(campaign_plans).order_by(t.decided_at.desc(), t.plan_id.desc())
    try:
        with engine.connect() as connection:
            return [StoredPlan(store=shown, **row._asdict()) for row in connection.execute(query)]
    except sa.exc.SQLAlchemyError as err:
        raise PlanStoreError(
            f"cannot read the campaign plans of the store at {shown}: {err}"
        ) from err


def plan_of(engine: sa.Engine, campaign_id: str) -> StoredPlan | None:
    """The plan of campaign ``campaign_id`` (of several runs under one id, the last written)."""
    for plan in sorted(all_plans(engine), key=lambda p: (p.written_at, p.plan_id), reverse=True):
        if plan.campaign_id == campaign_id:
            return plan
    return None
