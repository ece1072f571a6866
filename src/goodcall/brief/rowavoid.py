"""One contact's pitch and "do not" facts on Python values: the row path of sections 4 and 5
(:mod:`goodcall.brief.pitch`, :mod:`goodcall.brief.donot`) for a batch of one.

Each function is the batch expression of the same name read on one row; the wording (the offer
texts, the catalog's reason sentences, the choice of fit codes) is the batch's own Python. The
per-line judging of a multi-line account's "do not" list (:mod:`goodcall.brief.donotline`) has
no row path: :func:`goodcall.brief.rowbrief.row_brief` leaves those contacts to the batch.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from goodcall.brief.donot import ABOUT_CUSTOMER, BASIC_PLAN_TIERS, MAX_GROUPS, MAX_NAMES
from goodcall.brief.inputs import Inputs
from goodcall.brief.memo import REASON, ReasonMemo
from goodcall.brief.pitch import (
    FACTS,
    FIT_CODES,
    LOYAL_MONTHS,
    OLD_DEVICE_MONTHS,
    PLAN_FACTS,
    PROFILE_FACTS,
    SELF_SERVICE_LOGINS,
    named_facts,
    pick_fit,
    texts_for,
)
from goodcall.brief.rowfacts import Row, or_else
from goodcall.catalog.model import PER_LINE_KINDS, Offer
from goodcall.reasons import deciding_check

Excluded = list[tuple[str, Sequence[Mapping[str, Any]]]]
"""The offers the rules excluded for the customer (another brand's left out), with their
engine reasons, in the engine's order."""


def spoken_texts(offer: Offer, on_line: Mapping[str, Any], k: Row, inputs: Inputs) -> Any:
    """:func:`goodcall.brief.pitch.spoken_texts` of one row (``on_line``: the profile on the
    called line, as the batch reads it; ``k``: the knowledge)."""
    lang = on_line["lang"]
    formal = on_line.get("register") == "formal"
    language = or_else(on_line.get("language"), lang)
    plan = k["plan"]
    values: dict[str, Any] = {name: or_else(on_line.get(name), "") for name in PROFILE_FACTS}
    values["tenure_years"] = k["tenure_months"] // 12
    values["lines_count"] = len(k["lines"])
    values |= {name: plan[name] if plan else None for name in PLAN_FACTS}
    named = named_facts(offer, lang, formal)
    keyed = [values[name] if name in named else None for name in FACTS]
    compute = texts_for(inputs.index.offers, inputs.catalog)
    return compute(offer.id, lang, formal, language, plan is not None, *keyed)


def fit_codes(offer: Offer, k: Row, line: Row | None, age: Any, left: Any) -> list[str]:
    """:func:`goodcall.brief.pitch.fit_codes` of one row (``line``: the called line's facts,
    ``age`` and ``left``: its device age and financing months left, when a line is called)."""
    plan = k["plan"]
    level = plan["usage_level"] if plan else None
    called = line is not None
    primary = line if called else (k["lines"][0] if k["lines"] else None)
    months_left = (left if called else k["financing_months_left"]) or 0
    age = age if called else k["device_age_months"]
    target_os, target_tier = offer.target.device_os, offer.target.plan_tier
    device_os = primary["device_os"] if primary else None
    tier = plan["plan_tier"] if plan else None
    holds = {
        "same_os": target_os is not None and device_os is not None and target_os == device_os,
        "device_age": (age or 0) >= OLD_DEVICE_MONTHS,
        "financing_done": months_left == 0
        and primary is not None
        and primary["financing_end_date"] is not None,
        "financing_left": months_left > 0,
        "usage_over": level == "over",
        "usage_high": level == "high",
        "usage_low": level == "low"
        and target_tier is not None
        and tier is not None
        and target_tier < tier,
        "top_plan": bool(plan and plan["plan_is_top"]),
        "lines": len(k["lines"]) >= 2,
        "tenure": k["tenure_months"] >= LOYAL_MONTHS,
        "self_service": k["online_purchases_12m"] > 0 or k["app_logins_90d"] >= SELF_SERVICE_LOGINS,
    }
    return list(pick_fit(offer.kind, *(holds[code] for code in FIT_CODES)))


def relevance(offer: Offer, pitched_kind: str, redeemed: set[Any]) -> int | None:
    """:func:`goodcall.brief.donot.relevance` of one excluded offer."""
    if offer.kind == pitched_kind:
        return 0
    if offer.kind == "handset" or offer.target.device_os is not None:
        return 1
    if offer.kind == "plan" or offer.target.plan_tier is not None:
        return 2
    if offer.promotion_id is not None and offer.promotion_id in redeemed:
        return 3
    return None


def _about_customer(code: str | None) -> bool:
    parts = code.split(".") if code is not None else []
    return len(parts) > 1 and parts[1] in ABOUT_CUSTOMER


def picked(
    excluded: Excluded, pitched: Offer, profile: Mapping[str, Any], inputs: Inputs
) -> list[tuple[Offer, Mapping[str, Any]]]:
    """:func:`goodcall.brief.donot.picked_rows` of one row: the excluded offers worth naming,
    each with its deciding check, the most relevant first."""
    redeemed = {p for p in profile.get("redeemed_promotions") or [] if p is not None}
    ranked = []
    for offer_id, reasons in excluded:
        offer = inputs.index.offers.get(offer_id)
        if offer is None:
            continue
        rank = relevance(offer, pitched.kind, redeemed)
        failed = deciding_check(reasons or []) if rank is not None else None
        if failed is None or not _about_customer(failed.get("code")):
            continue
        ranked.append((rank, inputs.index.positions[offer_id], offer, failed))
    ranked.sort(key=lambda r: (r[0], r[1]))
    return [(offer, failed) for _, _, offer, failed in ranked]


def do_not_offers(
    excluded: Excluded,
    pitched: Offer,
    account: dict[str, Any],
    on_line: dict[str, Any] | None,
    memo: ReasonMemo,
    inputs: Inputs,
) -> list[Row]:
    """:func:`goodcall.brief.donot.do_not_offers` of one row without per-line judging:
    ``account`` is the profile row the account's reasons are worded from; ``on_line``, when a
    line is called, the one per-line offers' reasons are worded from."""
    lang = account["lang"]
    groups: dict[Any, list[Any]] = {}
    for offer, failed in picked(excluded, pitched, account, inputs):
        wording = on_line if on_line is not None and offer.kind in PER_LINE_KINDS else account
        reason = {name: failed.get(name) for name in REASON}
        text = memo.text_of(offer.id, lang, reason, wording)
        name = offer.name.fr if lang == "fr" else offer.name.en
        group = groups.setdefault(text, [failed.get("code"), [], [], 0])
        group[1].append(offer.id)
        group[2].append(name)
        group[3] += 1
    return [
        {
            "offer_ids": ids[:MAX_NAMES],
            "names": names[:MAX_NAMES],
            "reason": text,
            "code": code if code is not None else "",
            "more": max(count - MAX_NAMES, 0),
            "line_id": None,
            "device": None,
        }
        for text, (code, ids, names, count) in list(groups.items())[:MAX_GROUPS]
    ]


def topics(k: Row, complaint: bool, repair: bool) -> list[str]:
    """:func:`goodcall.brief.donot.topics`."""
    plan = k["plan"]
    basic = plan is not None and (
        bool(plan["plan_is_top"])
        or (plan["plan_tier"] is not None and plan["plan_tier"] > BASIC_PLAN_TIERS)
    )
    wanted = {
        "complaint_first": complaint,
        "repair_open": repair,
        "recent_refusal": k["last_refusal_at"] is not None,
        "basic_plan": basic,
        "no_pressure": True,
    }
    return [code for code, holds in wanted.items() if holds]
