"""One contact's brief facts on Python values: the row path of :func:`goodcall.brief.build.
brief_frame` for a batch of one.

The batch computes every fact of a campaign as Polars columns; for one customer those are a
hundred small queries of fixed cost each. Here the same facts are read from the profile row and
the engine's rows, field by field as :mod:`goodcall.brief.facts`, :mod:`goodcall.brief.checks`
and :mod:`goodcall.brief.build` define them (the checks' messages, the spoken titles, the offer
texts, the reason wording and the fit choice are the batch's own Python functions, called with
the same values). Section 5 is in :mod:`goodcall.brief.rowavoid`. ``tests/brief/test_rows.py``
holds every brief of generated customers equal to the batch's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from goodcall.brief import facts as batch_facts
from goodcall.brief.checks import describe, locale_ok, zone_ok
from goodcall.brief.facts import LAST_CONTACTS, RECENT_DAYS, BriefError, spoken_title
from goodcall.brief.inputs import BRIEF_FIELDS, Inputs
from goodcall.brief.model import OUTCOMES, Line
from goodcall.catalog.model import Offer
from goodcall.channels import CHANNELS
from goodcall.reasons import deciding_check

Row = dict[str, Any]


def or_else(value: Any, fallback: Any) -> Any:
    """:func:`goodcall.brief.facts.or_else`: Python's ``value or fallback`` for a string."""
    return fallback if value is None or value == "" else value


def blank(text: str | None) -> bool:
    """:func:`goodcall.brief.facts.blank` (its whitespace is exactly ``str.strip``'s)."""
    return text is None or not text.strip(batch_facts.WHITESPACE)


def utc(moment: dt.datetime | None) -> dt.datetime | None:
    """A timestamp as the profile frame holds it (a naive one is read as UTC)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=dt.UTC)


def first_failure(
    contact: Row, profile: Mapping[str, Any], own: Mapping[str, Any] | None
) -> str | None:
    """The message of :func:`goodcall.brief.checks.first_failure` for one contact, or None."""
    channel, offer = contact["_channel"], contact["_offer_obj"]
    lang, register = profile.get("lang"), profile.get("register")
    checks: list[tuple[str, bool]] = [
        ("known", contact["customer_id"] is None),
        ("channel", channel not in CHANNELS),
        ("dnc", channel == "phone" and profile.get("internal_dnc") is True),
        ("offer", offer is None),
        ("offer_channel", offer is None or channel not in offer.channels),
        ("row", own is None),
        ("eligible", own is None or own.get("eligible") is not True),
        ("lang", lang not in ("fr", "en")),
        ("register", register not in ("formal", "informal")),
        ("first_name", blank(profile.get("first_name"))),
        ("last_name", blank(profile.get("last_name"))),
        ("preferred_name", register == "informal" and blank(profile.get("preferred_name"))),
        ("time_zone", blank(profile.get("time_zone"))),
    ]
    failed = next((name for name, fails in checks if fails), None)
    if failed is None:
        language = or_else(profile.get("language"), lang)
        if locale_ok(language, lang) and zone_ok(profile.get("time_zone")):
            return None
        failed = "formats"
    row = (
        {name: profile.get(name) for name in BRIEF_FIELDS}
        | dict(profile)
        | {
            "customer_id": contact["customer_id"],
            "_offer": contact["offer_id"],
            "_channel": channel,
            "_channels": list(offer.channels) if offer is not None else None,
            "_failed": deciding_check((own or {}).get("reasons") or []),
        }
    )
    return describe(row, failed)


def address(profile: Mapping[str, Any], title_spoken: str | None) -> Row:
    """:func:`goodcall.brief.facts.address`."""
    first, last = profile.get("first_name"), profile.get("last_name")
    register = profile.get("register")
    if register == "informal":
        spoken = profile.get("preferred_name")
    elif title_spoken is None:
        spoken = None if first is None or last is None else f"{first} {last}"
    else:
        spoken = None if last is None else f"{title_spoken} {last}"
    return {
        "lang": profile.get("lang"),
        "language": or_else(profile.get("language"), profile.get("lang")),
        "formality": register,
        "register_source": or_else(profile.get("register_source"), "default"),
        "first_name": first,
        "last_name": last,
        "preferred_name": or_else(profile.get("preferred_name"), first),
        "title": profile.get("title"),
        "spoken_name": spoken,
        "time_zone": profile.get("time_zone"),
        "preferred_start": profile.get("preferred_start"),
        "preferred_end": profile.get("preferred_end"),
    }


LINE_KEYS = tuple(Line.model_fields)
"""A line's facts, as the brief's :class:`~goodcall.brief.model.Line` names them."""


def lines(profile: Mapping[str, Any], lang: str) -> list[Row]:
    """:func:`goodcall.brief.facts.lines`: the account holder's line first, named in ``lang``."""
    known = [line for line in profile.get("lines") or [] if line is not None]
    ordered = sorted(known, key=lambda line: not line.get("is_primary"))
    variant = "fr" if lang == "fr" else "en"
    out = []
    for line in ordered:
        row = {key: line.get(key) for key in LINE_KEYS}
        row["is_primary"] = bool(line.get("is_primary"))
        row["plan_name"] = or_else(line.get(f"plan_name_{variant}"), line.get("plan_id"))
        out.append(row)
    return out


def usage_level(ratio: float | None) -> str | None:
    """:func:`goodcall.brief.facts.usage_level` (NaN compares above every number, as in Polars)."""
    if ratio is None:
        return None
    if ratio != ratio or ratio > 1.0:
        return "over"
    if ratio >= 0.85:
        return "high"
    return "moderate" if ratio >= 0.5 else "low"


def plan(profile: Mapping[str, Any], account_lines: list[Row]) -> Row | None:
    """:func:`goodcall.brief.facts.plan`."""
    plan_id = profile.get("plan_id")
    if plan_id is None or not account_lines:
        return None
    named = next((line["plan_name"] for line in account_lines if line["plan_id"] == plan_id), None)
    matched = any(line["plan_id"] == plan_id for line in account_lines)
    ratio = profile.get("data_usage_ratio")
    return {
        "plan_id": plan_id,
        "plan_name": named if matched else plan_id,
        "plan_tier": profile.get("plan_tier"),
        "plan_data_gb": profile.get("plan_data_gb"),
        "plan_price": profile.get("plan_price"),
        "plan_is_top": bool(profile.get("plan_is_top")),
        "data_usage_gb": profile.get("data_usage_gb"),
        "data_usage_ratio": ratio,
        "usage_level": usage_level(ratio),
    }


def promotions(
    profile: Mapping[str, Any], names: Mapping[str, Mapping[str, str]], event: str, lang: str
) -> list[Row]:
    """:func:`goodcall.brief.facts.promotions`."""
    variant = "fr" if lang == "fr" else "en"
    return [
        {
            "promotion_id": e.get("promotion_id"),
            "name": names[e["promotion_id"]][variant] if e.get("promotion_id") in names else None,
            "event": e.get("event"),
            "at": utc(e.get("at")),
            "place": e.get("place"),
        }
        for e in profile.get("promotion_history") or []
        if e is not None and e.get("event") == event
    ]


def treated_contacts(profile: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """:func:`goodcall.brief.facts.treated_contacts`: newest first (an unknown time first, as
    Polars sorts nulls), at most :data:`LAST_CONTACTS`."""
    treated = [
        c
        for c in profile.get("contact_history") or []
        if c is not None and c.get("group") == "treatment"
    ]
    undated = [c for c in treated if c.get("at") is None]
    dated = [c for c in treated if c.get("at") is not None]
    dated.sort(key=lambda c: utc(c["at"]) or dt.datetime.min, reverse=True)
    return (undated + dated)[:LAST_CONTACTS]


def recent(moment: dt.datetime | None, at: dt.datetime) -> dt.datetime | None:
    """:func:`goodcall.brief.facts.recent`."""
    moment = utc(moment)
    if moment is None or moment > at or at - moment > dt.timedelta(days=RECENT_DAYS):
        return None
    return moment


def open_cases(profile: Mapping[str, Any]) -> list[Row]:
    return [
        {
            "case_id": c.get("case_id"),
            "kind": c.get("kind"),
            "opened_at": utc(c.get("opened_at")),
            "summary": c.get("summary"),
        }
        for c in profile.get("open_cases") or []
        if c is not None
    ]


def contact_name(offer_id: str | None, hidden: set[str], inputs: Inputs, lang: str) -> str | None:
    """The offer a past contact names (see :func:`goodcall.brief.build._last_contacts`)."""
    variant = "fr" if lang == "fr" else "en"
    if offer_id is None or offer_id == "":
        return None
    offer = inputs.index.offers.get(offer_id)
    if offer is not None:
        return None if offer_id in hidden else (offer.name.fr if variant == "fr" else offer.name.en)
    named = inputs.promotion_names.get(offer_id)
    return named[variant] if named is not None else None


def knowledge(profile: Mapping[str, Any], lang: str, hidden: set[str], inputs: Inputs) -> Row:
    """:func:`goodcall.brief.facts.knowledge` (``hidden``: the excluded offers of the call)."""
    account_lines = lines(profile, lang)
    contacts = [
        {
            "at": utc(c.get("at")),
            "channel": c.get("channel"),
            "outcome": c.get("outcome"),
            "offer_id": c.get("offer_id"),
            "offer_name": contact_name(c.get("offer_id"), hidden, inputs, lang),
        }
        for c in treated_contacts(profile)
    ]
    names = inputs.promotion_names
    return {
        "lines": account_lines,
        "plan": plan(profile, account_lines),
        "device_age_months": profile.get("device_age_months"),
        "financing_months_left": profile.get("financing_months_left"),
        "redeemed": promotions(profile, names, "redeemed", lang),
        "seen": promotions(profile, names, "seen", lang),
        "tenure_months": profile.get("tenure_months") or 0,
        "last_contacts": contacts,
        "open_cases": open_cases(profile),
        "recent_complaint_at": recent(profile.get("last_complaint_at"), inputs.at),
        "last_refusal_at": recent(profile.get("last_refusal_at"), inputs.at),
        "app_logins_90d": profile.get("app_logins_90d") or 0,
        "online_purchases_12m": profile.get("online_purchases_12m") or 0,
    }


def promotion_seen(k: Row, promotion_id: str | None) -> Row | None:
    """:func:`goodcall.brief.pitch.promotion_seen`: the latest sighting of the offer's promotion."""
    if promotion_id is None:
        return None
    found = [e for e in k["seen"] if e["promotion_id"] == promotion_id]
    return found[-1] if found else None


def seen_flagged(notices: Sequence[Mapping[str, Any]] | None) -> bool:
    """:func:`goodcall.brief.pitch.seen_flagged`."""
    return any(
        n.get("code") == "catalog.notice.promotion_seen" and n.get("ok") is not True
        for n in notices or []
    )


def check_seen(cid: Any, offer: Offer, seen: Row | None, notices: Any) -> None:
    """:func:`goodcall.brief.build._check_seen`."""
    if offer.promotion_id is not None and seen is None and seen_flagged(notices):
        raise BriefError(
            f"customer {cid!r}: the engine says promotion {offer.promotion_id!r} was seen, "
            "but the profile has no such event"
        )


def spoken_name(profile: Mapping[str, Any]) -> str | None:
    return spoken_title(profile.get("lang"), profile.get("title"))  # type: ignore[arg-type]


CLOSING = {"outcomes": list(OUTCOMES), "dnc_immediate": True}
