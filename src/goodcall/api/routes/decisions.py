"""``POST /v1/decisions``: the core's decision for one customer now.

Concurrent requests of a worker are decided together (:mod:`goodcall.api.batching`): one profile
read and one call of the core for the requests of the same moment, each answer the one a
request alone would get. The route is a coroutine: a request waits for its batch on the event
loop, and only the batch runs in a worker thread.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, HTTPException

from goodcall.api.deciding import Ask, UnknownCustomerError, channels_for
from goodcall.api.deps import CanDecide, ServiceDep
from goodcall.api.schemas import DecisionRequest, DecisionResponse
from goodcall.explain.inputs import InputError
from goodcall.store.config import StoreUnavailableError
from goodcall.store.migrate import StoreNotReadyError

router = APIRouter(tags=["decisions"])


@router.post("/decisions", response_model=DecisionResponse)
async def decide(body: DecisionRequest, service: ServiceDep, user: CanDecide) -> DecisionResponse:
    """The action (or none), the reasons and where the brief is — the same answer as
    ``goodcall explain CUSTOMER --at AT --json`` gives in ``decision``. Without ``at``, the
    service's now when the decision is made (the answer's ``at``)."""
    channels = channels_for(body.channel, body.context)
    try:
        decided = await service.decisions.submit(Ask(body.customer_id, body.at, channels))
    except UnknownCustomerError as err:
        raise HTTPException(404, f"no customer {body.customer_id!r} in the store") from err
    except (InputError, StoreUnavailableError, StoreNotReadyError) as err:
        raise HTTPException(503, f"cannot decide now: {err}") from err
    service.metrics.event("decisions")
    at = decided.at
    brief = f"/v1/customers/{quote(body.customer_id)}/brief?at={quote(at.isoformat())}"
    return DecisionResponse(
        customer_id=body.customer_id,
        at=at,
        context=body.context,
        channels=None if channels is None else list(channels),
        decision=decided.decision,
        brief=brief,
    )
