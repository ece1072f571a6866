"""Section 4: the offer in the customer's voice, and the facts that make it fit.

Catalog texts come in three voices (French vous, French tu, English); the brief picks the one the
customer's language and register call for, so a formal customer never hears "tu" from a catalog
sentence either. ``why_we_call`` may name facts in braces (``{device_model}``); they are filled
from the profile, formatted for the customer's locale.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from goodcall.brief.facts import BriefError
from goodcall.brief.formats import Formats
from goodcall.brief.model import Address, FitCode, Knowledge, Pitch, PromotionEvent
from goodcall.catalog.model import Offer, Voiced

MAX_TALKING_POINTS = 3
OLD_DEVICE_MONTHS = 24
LOYAL_MONTHS = 24
SELF_SERVICE_LOGINS = 10

_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")

# Which facts speak for an offer, by kind of offer (the first ones found are kept).
_FIT_BY_KIND: dict[str, tuple[FitCode, ...]] = {
    "handset": ("same_os", "device_age", "financing_done", "financing_left", "self_service"),
    "plan": ("usage_over", "usage_high", "usage_low", "top_plan", "self_service"),
    "addon": ("same_os", "usage_over", "usage_high", "lines", "self_service"),
    "bundle": ("lines", "tenure", "self_service"),
    "retention": ("tenure", "usage_low", "financing_done", "lines"),
}
MAX_FIT = 3


def voice(text: Voiced, address: Address) -> str:
    """The catalog text in the customer's language and register."""
    if address.lang == "en":
        return text.en
    return text.fr_formal if address.formal else text.fr_informal


def facts_for(profile: Mapping[str, Any], knowledge: Knowledge, f: Formats) -> dict[str, str]:
    """Profile facts a catalog sentence may name, already formatted for the locale."""
    plan = knowledge.plan
    facts = {
        "first_name": str(profile.get("first_name") or ""),
        "preferred_name": str(profile.get("preferred_name") or ""),
        "device_make": str(profile.get("device_make") or ""),
        "device_model": str(profile.get("device_model") or ""),
        "tenure_years": f.number(knowledge.tenure_months // 12),
        "lines_count": f.number(len(knowledge.lines)),
    }
    if plan is not None:
        facts |= {
            "plan_name": plan.plan_name,
            "plan_data_gb": f.number(plan.plan_data_gb),
            "plan_price": f.money(plan.plan_price),
            "data_usage_gb": f.number(plan.data_usage_gb),
        }
    return facts


def fill(text: str, facts: Mapping[str, str], offer_id: str) -> str:
    """Replace ``{field}`` with the customer's value; an unknown or empty field is an error."""

    def one(match: re.Match[str]) -> str:
        value = facts.get(match.group(1))
        if not value:
            raise BriefError(
                f"offer {offer_id!r}: text names {{{match.group(1)}}}, which this customer's "
                f"profile does not provide (known: {', '.join(sorted(facts))})"
            )
        return value

    return _PLACEHOLDER.sub(one, text) if "{" in text else text


def fit_codes(offer: Offer, knowledge: Knowledge) -> list[FitCode]:
    """The facts that make this offer fit this customer, most telling first."""
    plan = knowledge.plan
    level = plan.usage_level if plan else None
    target_os = offer.target.device_os
    months_left = knowledge.financing_months_left or 0
    primary = knowledge.primary
    holds: dict[FitCode, bool] = {
        "same_os": target_os is not None and primary is not None and target_os == primary.device_os,
        "device_age": (knowledge.device_age_months or 0) >= OLD_DEVICE_MONTHS,
        "financing_done": months_left == 0
        and primary is not None
        and primary.financing_end_date is not None,
        "financing_left": months_left > 0,
        "usage_over": level == "over",
        "usage_high": level == "high",
        "usage_low": level == "low"
        and offer.target.plan_tier is not None
        and plan is not None
        and offer.target.plan_tier < plan.plan_tier,
        "top_plan": plan is not None and plan.plan_is_top,
        "lines": len(knowledge.lines) >= 2,
        "tenure": knowledge.tenure_months >= LOYAL_MONTHS,
        "self_service": knowledge.online_purchases_12m > 0
        or knowledge.app_logins_90d >= SELF_SERVICE_LOGINS,
    }
    wanted = _FIT_BY_KIND.get(offer.kind, ())
    return [code for code in wanted if holds[code]][:MAX_FIT]


def pitch(
    offer: Offer,
    offer_name: str,
    address: Address,
    knowledge: Knowledge,
    promotion_seen: PromotionEvent | None,
    values: Mapping[str, str],
) -> Pitch:
    """The offer section: name, fitting facts, 2–3 talking points, the likely objection."""
    objection = offer.objection

    def say(text: Voiced) -> str:
        return fill(voice(text, address), values, offer.id)

    return Pitch.model_construct(
        offer_id=offer.id,
        name=offer_name,
        kind=offer.kind,
        fit=fit_codes(offer, knowledge),
        talking_points=[say(p) for p in offer.talking_points[:MAX_TALKING_POINTS]],
        objection=getattr(objection.objection, address.lang) if objection else None,
        answer=say(objection.answer) if objection else None,
        promotion_id=offer.promotion_id,
        promotion_seen=promotion_seen,
    )
