"""From one profile row to the facts a brief states: address, lines, plan, history.

The profile row is a mapping as Polars gives it (``frame.row(i, named=True)``): timestamps are
UTC-aware datetimes and nested columns are lists of dicts. Nothing here formats text; it only
selects and names facts, so the tests can compare them with the profile.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

from goodcall.brief.model import (
    Address,
    Case,
    Contact,
    Knowledge,
    Lang,
    Line,
    Plan,
    PromotionEvent,
    Register,
    UsageLevel,
)

Profile = Mapping[str, Any]
NameOf = Callable[[str], str | None]

RECENT_DAYS = 90
"""A complaint or refusal this recent is raised in the brief (acknowledged, not pushed past)."""
LAST_CONTACTS = 3

# Spoken forms of courtesy titles, whichever language the title was stored in.
_SPOKEN_TITLES: dict[str, dict[str, str]] = {
    "fr": {
        "m.": "Monsieur",
        "mr.": "Monsieur",
        "mr": "Monsieur",
        "mme": "Madame",
        "mrs.": "Madame",
        "ms.": "Madame",
        "ms": "Madame",
        "mlle": "Mademoiselle",
        "dr": "Docteur",
        "dr.": "Docteur",
        "dre": "Docteure",
        "me": "Maître",
    },
    "en": {
        "m.": "Mr.",
        "mr": "Mr.",
        "mme": "Ms.",
        "mlle": "Ms.",
        "ms": "Ms.",
        "mrs": "Mrs.",
        "dr": "Dr.",
        "dre": "Dr.",
    },
}


class BriefError(ValueError):
    """A contact the brief cannot (or must not) be written for; the message says why."""


def _text(profile: Profile, name: str) -> str:
    value = profile.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise BriefError(
            f"customer {profile.get('customer_id')!r}: profile field {name!r} is empty"
        )
    return str(value)


def spoken_name(lang: Lang, register: Register, profile: Profile) -> str:
    """The name the agent says: preferred name when informal, title + last name when formal.

    Without a title on file, a formal brief uses the full name rather than guess Monsieur/Madame.
    """
    if register == "informal":
        return _text(profile, "preferred_name")
    last = _text(profile, "last_name")
    title = (profile.get("title") or "").strip()
    if not title:
        return f"{_text(profile, 'first_name')} {last}"
    spoken = _SPOKEN_TITLES[lang].get(title.lower(), title)
    return f"{spoken} {last}"


def address(profile: Profile) -> Address:
    lang = profile.get("lang")
    if lang not in ("fr", "en"):
        raise BriefError(
            f"customer {profile.get('customer_id')!r}: language {profile.get('language')!r} "
            "is not served by briefs (expected fr-* or en-*)"
        )
    register = profile.get("register")
    if register not in ("formal", "informal"):
        raise BriefError(
            f"customer {profile.get('customer_id')!r}: register {register!r} "
            "(expected formal or informal)"
        )
    lang_ = cast(Lang, lang)
    reg = cast(Register, register)
    return Address.model_construct(
        lang=lang_,
        language=str(profile.get("language") or lang_),
        formality=reg,
        register_source=str(profile.get("register_source") or "default"),
        first_name=_text(profile, "first_name"),
        last_name=_text(profile, "last_name"),
        preferred_name=str(profile.get("preferred_name") or profile["first_name"]),
        title=profile.get("title"),
        spoken_name=spoken_name(lang_, reg, profile),
        time_zone=_text(profile, "time_zone"),
        preferred_start=profile.get("preferred_start"),
        preferred_end=profile.get("preferred_end"),
    )


def lines(profile: Profile, lang: Lang) -> list[Line]:
    """Every line, the account holder's first (the profile keeps them in that order)."""
    out: list[Line] = []
    for row in profile.get("lines") or ():
        out.append(
            Line.model_construct(
                line_id=row["line_id"],
                is_primary=bool(row["is_primary"]),
                user_label=row.get("user_label"),
                device_make=row["device_make"],
                device_model=row["device_model"],
                device_os=row["device_os"],
                device_purchase_date=row.get("device_purchase_date"),
                financing_end_date=row.get("financing_end_date"),
                plan_id=row["plan_id"],
                plan_name=row.get(f"plan_name_{lang}") or row["plan_id"],
                plan_tier=row.get("plan_tier"),
                plan_data_gb=row.get("plan_data_gb"),
                data_usage_gb=row.get("data_usage_gb"),
            )
        )
    out.sort(key=lambda line: not line.is_primary)
    return out


def usage_level(ratio: float | None) -> UsageLevel | None:
    """How usage compares with the allowance: under half is low, from 85 % it is high."""
    if ratio is None:
        return None
    if ratio > 1.0:
        return "over"
    if ratio >= 0.85:
        return "high"
    if ratio >= 0.5:
        return "moderate"
    return "low"


def plan(profile: Profile, account_lines: Sequence[Line]) -> Plan | None:
    """The primary line's plan; None for an account without lines."""
    plan_id = profile.get("plan_id")
    if plan_id is None or not account_lines:
        return None
    name = next((ln.plan_name for ln in account_lines if ln.plan_id == plan_id), plan_id)
    ratio = profile.get("data_usage_ratio")
    return Plan.model_construct(
        plan_id=plan_id,
        plan_name=name,
        plan_tier=profile["plan_tier"],
        plan_data_gb=profile["plan_data_gb"],
        plan_price=profile["plan_price"],
        plan_is_top=bool(profile["plan_is_top"]),
        data_usage_gb=profile["data_usage_gb"],
        data_usage_ratio=ratio,
        usage_level=usage_level(ratio),
    )


def promotions(profile: Profile, promotion_name: NameOf) -> list[PromotionEvent]:
    """Promotion events, oldest first, named in the customer's language when the name is known."""
    return [
        PromotionEvent.model_construct(
            promotion_id=ev["promotion_id"],
            name=promotion_name(ev["promotion_id"]),
            event=ev["event"],
            at=ev["at"],
            place=ev.get("place"),
        )
        for ev in profile.get("promotion_history") or ()
    ]


def last_contacts(profile: Profile, offer_name: NameOf) -> list[Contact]:
    """The last few contact attempts (control-group draws were not contacts), newest first."""
    treated = [c for c in profile.get("contact_history") or () if c["group"] == "treatment"]
    treated.sort(key=lambda c: c["at"], reverse=True)
    return [
        Contact.model_construct(
            at=c["at"],
            channel=c["channel"],
            outcome=c["outcome"],
            offer_id=c.get("offer_id"),
            offer_name=offer_name(c["offer_id"]) if c.get("offer_id") else None,
        )
        for c in treated[:LAST_CONTACTS]
    ]


def _recent(moment: dt.datetime | None, at: dt.datetime) -> dt.datetime | None:
    if moment is None or moment > at or at - moment > dt.timedelta(days=RECENT_DAYS):
        return None
    return moment


def knowledge(
    profile: Profile,
    lang: Lang,
    at: dt.datetime,
    promotion_name: NameOf,
    offer_name: NameOf,
) -> Knowledge:
    account_lines = lines(profile, lang)
    events = promotions(profile, promotion_name)
    return Knowledge.model_construct(
        lines=account_lines,
        plan=plan(profile, account_lines),
        device_age_months=profile.get("device_age_months"),
        financing_months_left=profile.get("financing_months_left"),
        redeemed=[e for e in events if e.event == "redeemed"],
        seen=[e for e in events if e.event == "seen"],
        tenure_months=int(profile.get("tenure_months") or 0),
        last_contacts=last_contacts(profile, offer_name),
        open_cases=[
            Case.model_construct(
                case_id=c["case_id"],
                kind=c["kind"],
                opened_at=c["opened_at"],
                summary=c.get("summary"),
            )
            for c in profile.get("open_cases") or ()
        ],
        recent_complaint_at=_recent(profile.get("last_complaint_at"), at),
        last_refusal_at=_recent(profile.get("last_refusal_at"), at),
        app_logins_90d=int(profile.get("app_logins_90d") or 0),
        online_purchases_12m=int(profile.get("online_purchases_12m") or 0),
    )
