"""The abandonment period: the calls a dialler already placed in the period the policy names.

The rules cap abandoned calls as a share of live-answered calls over a period, not over a day:
3 % per 30 days in the United States, 5 % per calendar month in Canada; the policy file's
``dialling.abandonment_period`` says which (``campaign``, ``day``, ``30 days`` or ``month``). A
dialler that starts a day from zero could spend the whole period's allowance again each day.
So the pacer (:class:`goodcall.timing.pacing.AdaptivePacer`) starts its budget from the
period's live answers and abandoned calls recorded in the store's ``contacts`` before the day.

The period ends where the day starts, and begins:

* ``30 days``: 30 days earlier (a rolling window);
* ``month``: at the start of that calendar month (UTC);
* ``day``: at the start of that day (UTC);
* ``campaign``: with the campaign's first call (every call of the campaign recorded before).

Every campaign's calls count in the first three (the dialler's own rate), the campaign's own
in the last.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from goodcall.policy.model import AbandonmentPeriod as Period
from goodcall.store.outcomes import AnsweredCalls, answered_calls


def period_start(period: Period, until: dt.datetime) -> dt.datetime | None:
    """Where the period that ends at ``until`` begins (None: the campaign's whole history).

    >>> at = dt.datetime(2026, 11, 20, 15, 30, tzinfo=dt.UTC)
    >>> [str(period_start(p, at)) for p in ("30 days", "month", "day", "campaign")]
    ['2026-10-21 15:30:00+00:00', '2026-11-01 00:00:00+00:00', '2026-11-20 00:00:00+00:00', 'None']
    """
    utc = until.astimezone(dt.UTC)
    midnight = utc.replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "30 days":
        return utc - dt.timedelta(days=30)
    if period == "month":
        return midnight.replace(day=1)
    if period == "day":
        return midnight
    return None


@dataclass(frozen=True)
class PeriodSoFar:
    """The period's calls before the day: what the pacer's budget starts from."""

    period: Period
    since: dt.datetime | None
    until: dt.datetime
    campaign_id: str | None
    calls: AnsweredCalls

    def as_dict(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "since": None if self.since is None else self.since.isoformat(),
            "until": self.until.isoformat(),
            "campaign_id": self.campaign_id,
            "live": self.calls.live,
            "abandoned": self.calls.abandoned,
            "abandonment": round(self.calls.rate, 4),
        }


def period_so_far(
    engine: sa.Engine,
    period: Period,
    until: dt.datetime,
    *,
    agent_within_seconds: float,
    campaign_id: str | None,
) -> PeriodSoFar:
    """The live answers and abandoned calls of the period ending at ``until`` (see the
    module). The ``campaign`` period without a campaign has nothing to count."""
    since = period_start(period, until)
    if period == "campaign" and campaign_id is None:
        return PeriodSoFar(period, None, until, None, AnsweredCalls(0, 0))
    scope = campaign_id if period == "campaign" else None
    calls = answered_calls(
        engine, since, until, agent_within_seconds=agent_within_seconds, campaign_id=scope
    )
    return PeriodSoFar(period, since, until, scope, calls)
