"""Everything ``explain`` shows about one customer, as plain data (rendered by the command).

First the core's decision (:mod:`goodcall.explain.decision`: the customer decided as the latest
campaign plan would, or alone at prices 0), then the offers and channels from the same engines
the core runs, every reason with its sentence in the chosen language.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from goodcall.catalog.cooldown import COOLDOWN_CODE
from goodcall.catalog.engine import evaluate_offers
from goodcall.catalog.texts import parse_evidence, reason_text
from goodcall.explain.brand import brand_summary, money
from goodcall.explain.decision import Decider, Lang, decide_customers, window_text
from goodcall.explain.inputs import InputError, Rules
from goodcall.policy.engine import evaluate_channels
from goodcall.policy.texts import clock, day, policy_reason_text
from goodcall.reasons import deciding_check


def explain_customer(
    profiles: pl.LazyFrame,
    customer_id: str,
    decider: Decider,
    at: dt.datetime,
    lang: Lang = "en",
    national_list_date: dt.date | None = None,
) -> dict[str, Any]:
    """The core's decision for the customer, then the profile in brief, every offer and every
    channel with its reasons."""
    mine = profiles.filter(pl.col("customer_id") == customer_id).collect()
    if mine.height == 0:
        raise InputError(f"no customer {customer_id!r} in the store")
    return explain_customers(mine.head(1), decider, at, lang, national_list_date)[customer_id]


def explain_customers(
    profiles: pl.DataFrame,
    decider: Decider,
    at: dt.datetime,
    lang: Lang = "en",
    national_list_date: dt.date | None = None,
) -> dict[str, dict[str, Any]]:
    """:func:`explain_customer` for every customer of ``profiles``, by customer id."""
    rules = decider.rules
    decisions = decide_customers(profiles, decider, at, next_call=False)
    offers = evaluate_offers(profiles.lazy(), rules.catalog, at).collect()
    channels = evaluate_channels(profiles.lazy(), rules.policies, at, national_list_date).collect()
    offer_rows, channel_rows = _by_customer(offers), _by_customer(channels)
    horizon = rules.policies.policies.horizon_days
    result: dict[str, dict[str, Any]] = {}
    for profile in profiles.iter_rows(named=True):
        cid = profile["customer_id"]
        mine = [_channel(row, profile, lang, at, horizon) for row in channel_rows.get(cid, [])]
        phone = next((c for c in mine if c["channel"] == "phone"), None)
        decision = decisions[cid] | {"next_call": _next_call(phone)}
        result[cid] = {
            "customer_id": cid,
            "at": at.isoformat(),
            "decision": decision,
            "profile": profile_summary(profile, at),
            "brand": brand_summary(rules.catalog.catalog, profile.get("brand"), lang),
            "offers": [_offer(row, profile, rules, lang) for row in offer_rows.get(cid, [])],
            "channels": mine,
        }
    return result


def _by_customer(frame: pl.DataFrame) -> dict[str, list[dict[str, Any]]]:
    rows: dict[str, list[dict[str, Any]]] = {}
    for row in frame.iter_rows(named=True):
        rows.setdefault(row["customer_id"], []).append(row)
    return rows


def _next_call(phone: dict[str, Any] | None) -> dict[str, Any] | None:
    if phone is None:
        return None
    return {
        "start": phone["next_window_start"],
        "end": phone["next_window_end"],
        "start_local": phone["next_allowed"],
    }


def profile_summary(p: dict[str, Any], at: dt.datetime) -> dict[str, Any]:
    """The few facts an analyst checks first, JSON-ready."""

    def iso(value: Any) -> Any:
        return value.isoformat() if isinstance(value, dt.date | dt.time) else value

    return {
        "name": " ".join(
            str(x) for x in (p.get("title"), p.get("first_name"), p.get("last_name")) if x
        ),
        "jurisdiction": p.get("jurisdiction"),
        "time_zone": p.get("time_zone"),
        "local_time": _local(at, p.get("time_zone")),
        "language": p.get("language"),
        "register": p.get("register"),
        "register_source": p.get("register_source"),
        "tenure_months": p.get("tenure_months"),
        "device": f"{p.get('device_make')} {p.get('device_model')} ({p.get('device_os')})",
        "device_age_months": p.get("device_age_months"),
        "plan": p.get("plan_id"),
        "plan_tier": p.get("plan_tier"),
        "plan_is_top": p.get("plan_is_top"),
        "plan_data_gb": p.get("plan_data_gb"),
        "data_usage_gb": None if p.get("data_usage_gb") is None else round(p["data_usage_gb"], 1),
        "data_usage_ratio": None
        if p.get("data_usage_ratio") is None
        else round(p["data_usage_ratio"], 2),
        "lines_count": p.get("lines_count"),
        "redeemed_promotions": p.get("redeemed_promotions"),
        "seen_promotions": p.get("seen_promotions"),
        "channels_accepted": p.get("channels_accepted"),
        "optin": {c: p.get(f"optin_{c}") for c in ("phone", "sms", "email")},
        "preferred_hours": None
        if p.get("preferred_start") is None
        else f"{iso(p['preferred_start'])[:5]}-{iso(p.get('preferred_end'))[:5]}",
        "contact_only_on_request": p.get("contact_only_on_request"),
        "national_dnc": p.get("national_dnc"),
        "internal_dnc": p.get("internal_dnc"),
        "last_contact_at": iso(p.get("last_contact_at")),
    }


def _local(at: dt.datetime, zone: str | None) -> str | None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if not zone:
        return None
    try:
        return at.astimezone(ZoneInfo(zone)).isoformat(timespec="minutes")
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _offer(
    row: dict[str, Any], profile: dict[str, Any], rules: Rules, lang: Lang
) -> dict[str, Any]:
    catalog = rules.catalog.catalog
    offer_id = row["offer_id"]
    reasons = [
        {**r, "text": reason_text(r, profile, catalog, offer_id, lang)} for r in row["reasons"]
    ]
    notices = [
        {**n, "text": reason_text(n, profile, catalog, offer_id, lang)}
        for n in row["notices"]
        if not n["ok"]
    ]
    failed = [r for r in reasons if not r["ok"]]
    cooldown = next((r for r in failed if r["code"] == COOLDOWN_CODE), None)
    offer = catalog.offer(offer_id)
    return {
        "offer_id": offer_id,
        "name": getattr(offer.name, lang),
        "value": money(offer.value, catalog.brand_info(catalog.offer_brand(offer)), lang),
        "kind": catalog.offer(offer_id).kind,
        "eligible": row["eligible"],
        "failed_tier": row["failed_tier"],
        "decided_by": deciding_check(reasons),
        "reasons": reasons,
        "notices": notices,
        "cooldown_until": None if cooldown is None else _until(cooldown["evidence"]),
    }


def _until(evidence: str) -> str:
    """The cool-down's end from its evidence (``until=2026-12-10T15:00Z``), ISO 8601 like the
    channels' instants."""
    stamp = parse_evidence(evidence)["until"]
    return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).isoformat()


def _channel(
    row: dict[str, Any], profile: dict[str, Any], lang: Lang, at: dt.datetime, horizon: int
) -> dict[str, Any]:
    channel = row["channel"]
    reasons = [{**r, "text": policy_reason_text(r, channel, lang)} for r in row["reasons"]]
    start, end = row["next_window_start"], row["next_window_end"]
    lifts = row["blocks_lift_at"]
    zone = profile.get("time_zone")
    return {
        "channel": channel,
        "contactable": row["contactable"],
        "blocked_by": [r for r in reasons if not r["ok"]],
        "reasons": reasons,
        "next_window_start": None if start is None else start.isoformat(),
        "next_window_end": None if end is None else end.isoformat(),
        "next_window_local": window_text(start, end, zone, lang),
        "blocks_lift_at": None if lifts is None else lifts.isoformat(),
        "next_allowed": window_text(start, end, zone, lang)
        or _nowindow_text(lifts, at, horizon, zone, lang),
    }


def _nowindow_text(
    lifts: dt.datetime | None, at: dt.datetime, horizon: int, zone: str | None, lang: Lang
) -> str:
    """Why there is no next window: a block that never lifts by itself, one that lifts beyond
    the horizon (said with its date: a cool-down ending in 50 days is not "never"), or no window
    within the horizon after the blocks lift."""
    if lifts is None:
        return (
            "aucune : un blocage ne se lève pas de lui-même"
            if lang == "fr"
            else "none: a block does not lift by itself"
        )
    if lifts > at + dt.timedelta(days=horizon):
        local = lifts.astimezone(_zone(zone))
        when = f"{day(local.date(), lang)}, {clock(local, lang)} ({zone or 'UTC'})"
        return (
            f"pas avant le {when}, au-delà de l'horizon de {horizon} jours"
            if lang == "fr"
            else f"not before {when}, beyond the {horizon}-day search horizon"
        )
    return (
        f"aucune dans l'horizon de {horizon} jours"
        if lang == "fr"
        else f"none within the {horizon}-day horizon"
    )


def _zone(zone: str | None) -> dt.tzinfo:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(zone) if zone else dt.UTC
    except (ZoneInfoNotFoundError, ValueError):
        return dt.UTC
