"""What the service writes about customers: call outcomes and do-not-call requests.

An outcome is a row of ``contacts`` — the table ``goodcall models train`` learns from and the
contact policies count attempts, refusals and complaints in — written in the same transaction as
its ``outcome_requests`` row, whose primary key is the request's idempotency key: the same
request sent twice is recorded once, whoever wins a race (the loser's insert violates the key,
and it reads the winner's row). Each function commits before it returns, so a caller that
answers after it has a durable write.

A do-not-call request sets the customer's ``consent.internal_dnc_at`` (the earliest request
wins), which the policy engine reads for every decision at or after that moment.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from goodcall.store.config import writing
from goodcall.store.tables import SQL_TABLES, outcome_requests

_CONTACTS = SQL_TABLES["contacts"]
_CONSENT = SQL_TABLES["consent"]
_CUSTOMERS = SQL_TABLES["customers"]
NO_SNAPSHOT = dt.date(1970, 1, 1)
"""The national-list date of a consent row made for a do-not-call request when the customer had
none: a list that old is stale under any policy, so the row can only block contacts."""


class UnknownCustomerError(LookupError):
    """The customer is not in the store."""


class KeyReusedError(ValueError):
    """An idempotency key already recorded another outcome."""


@dataclass(frozen=True)
class Outcome:
    """One outcome to record: a ``contacts`` row and its request's key."""

    request_key: str
    request_hash: str  # of the request's content: the same key must carry the same outcome
    contact_id: str
    customer_id: str
    at: dt.datetime
    channel: str
    campaign_id: str
    offer_id: str | None
    outcome: str
    converted: bool
    silence_seconds: float | None
    agent_id: str | None
    user_id: str
    callback_at: dt.datetime | None


@dataclass(frozen=True)
class Recorded:
    contact_id: str
    replayed: bool  # True: this key had been recorded before; nothing new was written
    at: dt.datetime


def customer_exists(connection: sa.Connection, customer_id: str) -> bool:
    found = connection.execute(
        sa.select(_CUSTOMERS.c.customer_id).where(_CUSTOMERS.c.customer_id == customer_id)
    )
    return found.first() is not None


def record_outcome(engine: sa.Engine, outcome: Outcome) -> Recorded:
    """Record ``outcome`` once (committed on return); a replay returns the first recording."""
    try:
        with writing(engine).begin() as connection:
            earlier = _earlier(connection, outcome)
            if earlier is not None:
                return earlier
            if not customer_exists(connection, outcome.customer_id):
                raise UnknownCustomerError(outcome.customer_id)
            connection.execute(sa.insert(_CONTACTS).values(**_contact_row(outcome)))
            connection.execute(
                sa.insert(outcome_requests).values(
                    request_key=outcome.request_key,
                    contact_id=outcome.contact_id,
                    request_hash=outcome.request_hash,
                    user_id=outcome.user_id,
                    callback_at=outcome.callback_at,
                    received_at=outcome.at,
                )
            )
            return Recorded(outcome.contact_id, False, outcome.at)
    except sa.exc.IntegrityError:
        with engine.connect() as connection:  # lost a race for the same key: read the winner
            earlier = _earlier(connection, outcome)
        if earlier is None:
            raise
        return earlier


def _earlier(connection: sa.Connection, outcome: Outcome) -> Recorded | None:
    row = connection.execute(
        sa.select(outcome_requests).where(outcome_requests.c.request_key == outcome.request_key)
    ).first()
    if row is None:
        return None
    if row.request_hash != outcome.request_hash:
        raise KeyReusedError(outcome.request_key)
    return Recorded(row.contact_id, True, row.received_at)


def _contact_row(outcome: Outcome) -> dict[str, object]:
    return {
        "contact_id": outcome.contact_id,
        "customer_id": outcome.customer_id,
        "at": outcome.at,
        "channel": outcome.channel,
        "campaign_id": outcome.campaign_id,
        "offer_id": outcome.offer_id,
        "group": "treatment",
        "outcome": outcome.outcome,
        "converted": outcome.converted,
        "silence_seconds": outcome.silence_seconds,
        "agent_id": outcome.agent_id,
    }


def record_do_not_call(
    engine: sa.Engine, customer_id: str, at: dt.datetime, channel: str
) -> dt.datetime:
    """Put the customer on the internal do-not-call list from ``at`` (committed on return); the
    moment it is effective from is returned (an earlier request's, when there was one)."""
    c = _CONSENT.c
    with writing(engine).begin() as connection:
        if not customer_exists(connection, customer_id):
            raise UnknownCustomerError(customer_id)
        current = connection.execute(
            sa.select(c.internal_dnc_at).where(c.customer_id == customer_id)
        ).first()
        if current is None:
            connection.execute(
                sa.insert(_CONSENT).values(
                    customer_id=customer_id,
                    national_dnc=False,
                    national_dnc_snapshot=NO_SNAPSHOT,
                    internal_dnc_at=at,
                    internal_dnc_channel=channel,
                    optin_phone=False,
                    optin_sms=False,
                    optin_email=False,
                )
            )
            return at
        if current.internal_dnc_at is not None and current.internal_dnc_at <= at:
            since: dt.datetime = current.internal_dnc_at
            return since
        connection.execute(
            sa.update(_CONSENT)
            .where(c.customer_id == customer_id)
            .values(internal_dnc_at=at, internal_dnc_channel=channel)
        )
        return at


def campaign_outcomes(engine: sa.Engine, campaign_id: str) -> list[tuple[str, str, bool]]:
    """``(customer_id, outcome, converted)`` of every contact recorded for ``campaign_id`` — the
    outcomes the service recorded and any imported with the contact history."""
    c = _CONTACTS.c
    query = (
        sa.select(c.customer_id, c.outcome, c.converted)
        .where(c.campaign_id == campaign_id)
        .order_by(c.at, c.contact_id)
    )
    with engine.connect() as connection:
        return [(str(r[0]), str(r[1]), bool(r[2])) for r in connection.execute(query)]


def do_not_call_among(connection: sa.Connection, customers: list[str]) -> set[str]:
    """Which of ``customers`` have asked not to be called (the internal list), as committed now.

    Read inside the transaction that places a campaign's call list, after
    :func:`hold_do_not_call`: a request acknowledged before the list is placed is seen."""
    c = _CONSENT.c
    found: set[str] = set()
    for start in range(0, len(customers), 5_000):
        part = customers[start : start + 5_000]
        query = sa.select(c.customer_id).where(
            c.customer_id.in_(part), c.internal_dnc_at.is_not(None)
        )
        found.update(str(r[0]) for r in connection.execute(query))
    return found


def hold_do_not_call(connection: sa.Connection) -> None:
    """Make do-not-call requests wait until this transaction ends.

    PostgreSQL: a SHARE lock on ``consent`` (it conflicts with the row writes of
    :func:`record_do_not_call`, not with readers). SQLite: the transaction already holds the
    database's write lock once it has written (the caller inserts its plan first)."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("LOCK TABLE consent IN SHARE MODE")


LIVE_OUTCOMES = ("accepted", "declined", "callback", "complaint", "dnc_request", "abandoned")
"""The outcomes of a phone call a person answered: the abandonment rate's denominator."""


@dataclass(frozen=True)
class AnsweredCalls:
    """Phone calls a person answered over a period, and how many of them were abandoned."""

    live: int
    abandoned: int

    @property
    def rate(self) -> float:
        return self.abandoned / self.live if self.live else 0.0


def answered_calls(
    engine: sa.Engine,
    since: dt.datetime | None,
    until: dt.datetime,
    *,
    agent_within_seconds: float,
    campaign_id: str | None = None,
) -> AnsweredCalls:
    """The recorded phone calls of ``[since, until)`` (all before ``until`` when ``since`` is
    None; one campaign's when ``campaign_id`` is given) a person answered, and the abandoned
    ones among them: outcome ``abandoned``, or an agent's voice more than
    ``agent_within_seconds`` after the hello (``silence_seconds``: abandoned by the rules'
    definition even though a conversation followed, as the seed's ten seconds were)."""
    c = _CONTACTS.c
    late = c.silence_seconds > agent_within_seconds
    abandoned = sa.case(((c.outcome == "abandoned") | late, 1), else_=0)
    query = sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(abandoned), 0)).where(
        c.channel == "phone",
        c.group == "treatment",
        c.outcome.in_(LIVE_OUTCOMES),
        c.at < until,
    )
    if since is not None:
        query = query.where(c.at >= since)
    if campaign_id is not None:
        query = query.where(c.campaign_id == campaign_id)
    with engine.connect() as connection:
        live, dropped = connection.execute(query).one()
    return AnsweredCalls(int(live), int(dropped))
