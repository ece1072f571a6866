"""Campaign plans in the store: every ``campaign run`` records its plan, ``explain`` and
``brief`` find the latest.

The store keeps each plan as the JSON text of its ``plan.json`` and never interprets it: what a
plan means is the explain layer's business (:class:`goodcall.explain.decision.CampaignPlan`); here
a plan is a campaign id, a decision time, the directory it was written to and that text.

A plan is recorded (committed, ``placed`` false) before its folder is put in place and marked
placed after (:func:`recording_plan`); only placed plans count — a plan whose run was killed
after placing its folder but before marking it counts too, since its folder holds it, and one
killed before placing never does (:func:`unplaced_plans` reports those).

Which plan is "the latest" for a moment ``at``: the plan decided at or before ``at`` with the
latest decision time (of two decided at the same time, the one written last). When every plan
was decided after ``at``, the earliest of them — the plan nearest to ``at`` — and the caller says
so. With no plan at all: none.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
    placed: bool = True  # false while its campaign folder is not (known to be) in place

    def decided_after(self, at: dt.datetime) -> bool:
        """True when this plan was decided after ``at`` (no plan was decided at or before)."""
        return self.decided_at > at


PLAN_FILE = "plan.json"  # the file of a campaign folder that holds its plan
STALE_AFTER = dt.timedelta(hours=1)
"""A plan still not placed this long after it was recorded belongs to a run that was stopped
(placing a folder is one rename); :func:`unplaced_plans` removes it."""


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
    """Record a plan before its campaign folder is placed, inside the ``with`` block.

    The row is committed with ``placed`` false before the block runs (a store that cannot
    record it raises before any folder is placed). Then a second transaction: ``guard`` (the
    campaign's last look at the store: the do-not-call requests acknowledged until then, while
    later requests wait for the commit), the block (which places the folder), the row marked
    placed, the commit. When the block raises, the row is deleted. A run killed in between
    leaves a row not marked placed: :func:`latest_plan` counts it exactly when
    ``out_dir/plan.json`` holds this plan, so the store and the folder never disagree on which
    plan is the latest. Any store failure is a :class:`PlanStoreError` naming the store."""
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
    t = campaign_plans.c
    try:
        try:
            require_current(engine, shown)
            with engine.begin() as connection:
                inserted = connection.execute(
                    sa.insert(campaign_plans)
                    .values(**values, placed=False)
                    .returning(campaign_plans.c.plan_id)
                )
                plan_id = int(inserted.scalar_one())
        except (StoreNotReadyError, sa.exc.SQLAlchemyError) as err:
            raise PlanStoreError(
                f"cannot record the campaign plan in the store at {shown}: {err}"
            ) from err
        mine = t.plan_id == plan_id
        try:
            with engine.begin() as connection:
                if guard is not None:
                    guard(connection)
                yield StoredPlan(plan_id=plan_id, store=shown, **values)  # type: ignore[arg-type]
                # the folder is placed: should this fail, latest_plan still counts the row
                connection.execute(sa.update(campaign_plans).where(mine).values(placed=True))
        except sa.exc.SQLAlchemyError as err:
            if holds_plan(out_dir, plan):  # placed, not marked: the row counts all the same
                return
            _forget(engine, mine)
            raise PlanStoreError(
                f"cannot record the campaign plan in the store at {shown}: {err}"
            ) from err
        except BaseException:
            if not holds_plan(out_dir, plan):
                _forget(engine, mine)
            raise
    finally:
        engine.dispose()


def _forget(engine: sa.Engine, mine: sa.ColumnElement[bool]) -> None:
    """Delete a plan whose folder was not placed (best effort: an unplaced plan never counts)."""
    with contextlib.suppress(sa.exc.SQLAlchemyError), engine.begin() as connection:
        connection.execute(sa.delete(campaign_plans).where(mine))


def holds_plan(out_dir: str, plan: str) -> bool:
    """Whether the campaign folder ``out_dir`` holds this plan: its ``plan.json`` is the same
    JSON value (the file is indented, the store's text is not; neither is interpreted here)."""
    try:
        held = json.loads((Path(out_dir) / PLAN_FILE).read_text(encoding="utf-8"))
        return bool(held == json.loads(plan))
    except (OSError, ValueError):
        return False


def unplaced_plans(url: str | None, now: dt.datetime | None = None) -> list[StoredPlan]:
    """Plans recorded by runs stopped before their folder was placed (their folder does not hold
    them), oldest first; those recorded more than :data:`STALE_AFTER` ago are removed (they are
    reported once). A recorded plan whose folder does hold it is marked placed."""
    config, engine = engine_for(url)
    shown = config.display_url
    now = now or dt.datetime.now(dt.UTC)
    t = campaign_plans.c
    try:
        require_current(engine, shown)
        with engine.begin() as connection:
            rows = connection.execute(
                sa.select(campaign_plans).where(t.placed.is_(False)).order_by(t.plan_id)
            ).all()
            found = []
            for row in rows:
                stored = StoredPlan(store=shown, **row._asdict())
                mine = t.plan_id == stored.plan_id
                if holds_plan(stored.out_dir, stored.plan):
                    connection.execute(sa.update(campaign_plans).where(mine).values(placed=True))
                    continue
                found.append(stored)
                if now - stored.written_at > STALE_AFTER:
                    connection.execute(sa.delete(campaign_plans).where(mine))
    except (StoreNotReadyError, sa.exc.SQLAlchemyError) as err:
        raise PlanStoreError(
            f"cannot read the campaign plans of the store at {shown}: {err}"
        ) from err
    finally:
        engine.dispose()
    return found


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
            row = _first_placed(connection, before) or _first_placed(connection, after)
    except (StoreNotReadyError, sa.exc.SQLAlchemyError) as err:
        raise PlanStoreError(
            f"cannot read the campaign plans of the store at {shown}: {err}"
        ) from err
    return None if row is None else StoredPlan(store=shown, **row._asdict())


def _first_placed(connection: sa.Connection, query: sa.Select[Any]) -> sa.Row[Any] | None:
    """The first row of ``query`` whose campaign was placed: marked so, or (a run killed after
    placing its folder, before marking it) whose folder holds its plan."""
    for row in connection.execute(query):
        if _was_placed(row):
            return row
    return None


def _was_placed(row: sa.Row[Any]) -> bool:
    """Marked placed, or (a run killed after placing its folder, before marking it) its folder
    holds its plan."""
    return bool(row.placed) or holds_plan(row.out_dir, row.plan)


def all_plans(engine: sa.Engine) -> list[StoredPlan]:
    """Every recorded plan whose campaign was placed, the latest decided first (what the
    campaigns list shows)."""
    shown = engine.url.render_as_string(hide_password=True)
    t = campaign_plans.c
    query = sa.select(campaign_plans).order_by(t.decided_at.desc(), t.plan_id.desc())
    try:
        with engine.connect() as connection:
            rows = connection.execute(query).all()
            return [StoredPlan(store=shown, **r._asdict()) for r in rows if _was_placed(r)]
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
