"""``POST /v1/decisions``: the core's decision for one customer now."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, HTTPException

from goodcall.api.deciding import channels_for, decide_customer, profile_of
from goodcall.api.deps import CanDecide, ServiceDep
from goodcall.api.schemas import DecisionRequest, DecisionResponse
from goodcall.explain.inputs import InputError

router = APIRouter(tags=["decisions"])


@router.post("/decisions", response_model=DecisionResponse)
def decide(body: DecisionRequest, service: ServiceDep, user: CanDecide) -> DecisionResponse:
    """The action (or none), the reasons and where the brief is — the same answer as
    ``goodcall explain CUSTOMER --at AT --json`` gives in ``decision``."""
    at = body.at or service.now()
    profile = profile_of(service.engine, body.customer_id, at)
    if profile is None:
        raise HTTPException(404, f"no customer {body.customer_id!r} in the store")
    channels = channels_for(body.channel, body.context)
    try:
        decision = decide_customer(profile, service.deciders.for_moment(at), at, channels)
    except InputError as err:
        raise HTTPException(503, f"cannot decide now: {err}") from err
    service.metrics.event("decisions")
    brief = f"/v1/customers/{quote(body.customer_id)}/brief?at={quote(at.isoformat())}"
    return DecisionResponse(
        customer_id=body.customer_id,
        at=at,
        context=body.context,
        channels=None if channels is None else list(channels),
        decision=decision,
        brief=brief,
    )
