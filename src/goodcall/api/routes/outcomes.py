"""``POST /v1/outcomes`` and ``POST /v1/do-not-call``: written and committed before the answer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Response

from goodcall.api.deps import CanDoNotCall, CanRecord, ServiceDep
from goodcall.api.recording import to_outcome
from goodcall.api.schemas import (
    DoNotCallRequest,
    DoNotCallResponse,
    OutcomeRequest,
    OutcomeResponse,
)
from goodcall.store.outcomes import (
    KeyReusedError,
    UnknownCustomerError,
    record_do_not_call,
    record_outcome,
)

router = APIRouter(tags=["outcomes"])


@router.post("/outcomes", response_model=OutcomeResponse, status_code=201)
def outcome(
    body: OutcomeRequest,
    service: ServiceDep,
    user: CanRecord,
    response: Response,
    idempotency_key: Annotated[str | None, Header(min_length=8, max_length=128)] = None,
) -> OutcomeResponse:
    """Record how a call ended, once per key: the first request answers 201, a replay of it
    200 with the same contact id, the same key with another outcome 409."""
    key = _key(idempotency_key, body.key)
    outcome = to_outcome(body, key, user.user_id, service)
    try:
        recorded = record_outcome(service.engine, outcome)
    except UnknownCustomerError as err:
        raise HTTPException(404, f"no customer {body.customer_id!r} in the store") from err
    except KeyReusedError as err:
        raise HTTPException(409, f"key {key!r} already recorded another outcome") from err
    service.profiles.forget(body.customer_id)
    if recorded.replayed:
        response.status_code = 200
    else:
        service.metrics.event("outcomes")
    return OutcomeResponse(
        contact_id=recorded.contact_id,
        customer_id=body.customer_id,
        outcome=body.outcome,
        recorded_at=recorded.at,
        replayed=recorded.replayed,
    )


def _key(header: str | None, field: str | None) -> str:
    if header is not None and field is not None and header != field:
        raise HTTPException(422, "the Idempotency-Key header and the key field differ")
    key = header or field
    if key is None:
        raise HTTPException(422, "an idempotency key is required: Idempotency-Key or key")
    return key


@router.post("/do-not-call", response_model=DoNotCallResponse)
def do_not_call(
    body: DoNotCallRequest, service: ServiceDep, user: CanDoNotCall
) -> DoNotCallResponse:
    """Put the customer on the internal do-not-call list now: every decision from this moment
    on, by any worker, reads it."""
    try:
        since = record_do_not_call(service.engine, body.customer_id, service.now(), body.channel)
    except UnknownCustomerError as err:
        raise HTTPException(404, f"no customer {body.customer_id!r} in the store") from err
    service.profiles.forget(body.customer_id)
    service.metrics.event("do_not_call")
    return DoNotCallResponse(customer_id=body.customer_id, effective_from=since)
