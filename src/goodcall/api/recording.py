"""An outcome request made into the ``contacts`` row the store records (the API and the agent's
page both record through here)."""

from __future__ import annotations

import datetime as dt
import hashlib

from goodcall.api.schemas import OutcomeRequest
from goodcall.api.service import Service
from goodcall.store.outcomes import Outcome
from goodcall.store.plans import latest_plan

NO_CAMPAIGN = "SERVE"
"""The campaign id of an outcome sent with none while the store holds no campaign plan."""


def to_outcome(body: OutcomeRequest, key: str, user_id: str, service: Service) -> Outcome:
    """The contact row of ``body``: its id derived from the key, so one key is one contact."""
    content = body.model_dump_json(exclude={"key"})
    at = service.now()
    campaign = body.campaign_id or _current_campaign(service, at)
    return Outcome(
        request_key=key,
        request_hash=hashlib.sha256(f"{user_id}\n{content}".encode()).hexdigest(),
        contact_id="K-SERVE-" + hashlib.sha256(key.encode()).hexdigest()[:20],
        customer_id=body.customer_id,
        at=at,
        channel=body.channel,
        campaign_id=campaign,
        offer_id=body.offer_id,
        outcome=body.outcome,
        converted=body.outcome == "accepted",
        silence_seconds=body.silence_seconds,
        agent_id=body.agent_id or user_id,
        user_id=user_id,
        callback_at=body.callback_at,
    )


def _current_campaign(service: Service, at: dt.datetime) -> str:
    stored = latest_plan(None, at, engine=service.engine)
    return NO_CAMPAIGN if stored is None else stored.campaign_id
