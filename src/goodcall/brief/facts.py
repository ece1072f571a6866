"""From profile columns to the facts a brief states: address, lines, plan, history.

Every function here returns Polars expressions over the brief's working frame (one row per
contact, the profile's columns plus the contact's own, see :mod:`goodcall.brief.build`), so the
facts of a whole campaign are computed at once. Nothing here formats text; it only selects and
names facts, so the tests can compare them with the profile.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Mapping
from functools import lru_cache

import polars as pl

from goodcall.brief.model import Address, Case, Knowledge, Line, Plan, PromotionEvent
from goodcall.brief.schema import struct_of

RECENT_DAYS = 90
"""A complaint or refusal this recent is raised in the brief (acknowledged, not pushed past)."""
LAST_CONTACTS = 3

# Spoken forms of courtesy titles, whichever language the title was stored in.
SPOKEN_TITLES: dict[str, dict[str, str]] = {
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
        "dr.": "Dr.",
    },
}

WHITESPACE = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())
"""Exactly the characters Python's ``str.strip()`` removes, so blank means the same everywhere."""


class BriefError(ValueError):
    """A contact the brief cannot (or must not) be written for; the message says why."""


def col(name: str) -> pl.Expr:
    return pl.col(name)


def blank(text: pl.Expr) -> pl.Expr:
    """Missing, or nothing but whitespace."""
    return text.is_null() | (text.str.strip_chars(WHITESPACE).str.len_chars() == 0)


def or_else(text: pl.Expr, fallback: pl.Expr) -> pl.Expr:
    """Python's ``text or fallback`` for a string column."""
    return pl.when(text.is_null() | (text == "")).then(fallback).otherwise(text)


def by_lang(make: dict[str, pl.Expr]) -> pl.Expr:
    """The French or the English variant of an expression, by the row's language."""
    return pl.when(col("lang") == "fr").then(make["fr"]).otherwise(make["en"])


def spoken_title(lang: str, title: str | None) -> str | None:
    """The title as said aloud in ``lang``; None when there is none (computed per distinct)."""
    stripped = (title or "").strip()
    if not stripped or lang not in SPOKEN_TITLES:
        return None
    return SPOKEN_TITLES[lang].get(stripped.lower(), stripped)


def address(title_spoken: pl.Expr) -> pl.Expr:
    """Section 1: language, register, the name to use. ``title_spoken``: see spoken_title."""
    informal = col("register") == "informal"
    first, last = col("first_name"), col("last_name")
    spoken = (
        pl.when(informal)
        .then(col("preferred_name"))
        .when(title_spoken.is_null())
        .then(pl.concat_str(first, pl.lit(" "), last))
        .otherwise(pl.concat_str(title_spoken, pl.lit(" "), last))
    )
    return struct_of(
        Address,
        lang=col("lang"),
        language=or_else(col("language"), col("lang")),
        formality=col("register"),
        register_source=or_else(col("register_source"), pl.lit("default")),
        first_name=first,
        last_name=last,
        preferred_name=or_else(col("preferred_name"), first),
        title=col("title"),
        spoken_name=spoken,
        time_zone=col("time_zone"),
        preferred_start=col("preferred_start"),
        preferred_end=col("preferred_end"),
    )


def _line(lang: str) -> pl.Expr:
    field = pl.element().struct.field
    return struct_of(
        Line,
        line_id=field("line_id"),
        is_primary=field("is_primary").fill_null(False),
        user_label=field("user_label"),
        device_make=field("device_make"),
        device_model=field("device_model"),
        device_os=field("device_os"),
        device_purchase_date=field("device_purchase_date"),
        financing_end_date=field("financing_end_date"),
        plan_id=field("plan_id"),
        plan_name=or_else(field(f"plan_name_{lang}"), field("plan_id")),
        plan_tier=field("plan_tier"),
        plan_data_gb=field("plan_data_gb"),
        data_usage_gb=field("data_usage_gb"),
    )


def lines() -> pl.Expr:
    """Every line, the account holder's first (stable: otherwise in the profile's order)."""
    element = pl.element()
    ordered = (
        col("lines")
        .fill_null([])
        .list.eval(
            element.sort_by(
                element.struct.field("is_primary").fill_null(False).not_(), maintain_order=True
            )
        )
    )
    return by_lang({lang: ordered.list.eval(_line(lang)) for lang in ("fr", "en")})


def usage_level(ratio: pl.Expr) -> pl.Expr:
    """How usage compares with the allowance: under half is low, from 85 % it is high."""
    return (
        pl.when(ratio.is_null())
        .then(None)
        .when(ratio > 1.0)
        .then(pl.lit("over"))
        .when(ratio >= 0.85)
        .then(pl.lit("high"))
        .when(ratio >= 0.5)
        .then(pl.lit("moderate"))
        .otherwise(pl.lit("low"))
    )


def plan(account_lines: pl.Expr) -> pl.Expr:
    """The primary line's plan, named as the first line on that plan names it (None: no lines)."""
    element = pl.element()
    ids = account_lines.list.eval(element.struct.field("plan_id"))
    matches = pl.concat_list(col("plan_id"), ids).list.eval(element.slice(1) == element.first())
    names = account_lines.list.eval(element.struct.field("plan_name"))
    name = (
        pl.when(matches.list.any())
        .then(names.list.get(matches.list.arg_max(), null_on_oob=True))
        .otherwise(col("plan_id"))
    )
    ratio = col("data_usage_ratio")
    built = struct_of(
        Plan,
        plan_id=col("plan_id"),
        plan_name=name,
        plan_tier=col("plan_tier"),
        plan_data_gb=col("plan_data_gb"),
        plan_price=col("plan_price"),
        plan_is_top=col("plan_is_top").fill_null(False),
        data_usage_gb=col("data_usage_gb"),
        data_usage_ratio=ratio,
        usage_level=usage_level(ratio),
    )
    return pl.when(col("plan_id").is_not_null() & (account_lines.list.len() > 0)).then(built)


def promotions(names: Mapping[str, Mapping[str, str]], event: str) -> pl.Expr:
    """Promotion events of one kind, oldest first, named in the customer's language if known."""
    element = pl.element()
    field = element.struct.field

    def named(lang: str) -> pl.Expr:
        mapping = {pid: by[lang] for pid, by in names.items()}
        name = field("promotion_id").replace_strict(mapping, default=None, return_dtype=pl.String)
        return struct_of(
            PromotionEvent,
            promotion_id=field("promotion_id"),
            name=name,
            event=field("event"),
            at=field("at"),
            place=field("place"),
        )

    events = (
        col("promotion_history").fill_null([]).list.eval(element.filter(field("event") == event))
    )
    return by_lang({lang: events.list.eval(named(lang)) for lang in ("fr", "en")})


def treated_contacts() -> pl.Expr:
    """The last few contact attempts (control-group draws were not contacts), newest first."""
    element = pl.element()
    treated = (
        col("contact_history")
        .fill_null([])
        .list.eval(element.filter(element.struct.field("group") == "treatment"))
    )
    return treated.list.eval(
        element.sort_by(element.struct.field("at"), descending=True, maintain_order=True)
    ).list.head(LAST_CONTACTS)


def open_cases() -> pl.Expr:
    field = pl.element().struct.field
    return (
        col("open_cases")
        .fill_null([])
        .list.eval(
            struct_of(
                Case,
                case_id=field("case_id"),
                kind=field("kind"),
                opened_at=field("opened_at"),
                summary=field("summary"),
            )
        )
    )


@lru_cache(maxsize=16)
def moment_literal(at: dt.datetime) -> pl.Expr:
    """A UTC timestamp as a Polars literal (made once: building one reads the value eagerly)."""
    return pl.lit(at.astimezone(dt.UTC).replace(tzinfo=None)).dt.replace_time_zone("UTC")


def recent(moment: pl.Expr, at: dt.datetime) -> pl.Expr:
    """The moment if it is in the last :data:`RECENT_DAYS` days before ``at``; else None."""
    now = moment_literal(at)
    stale = (moment > now) | ((now - moment) > pl.duration(days=RECENT_DAYS))
    return pl.when(moment.is_not_null() & ~stale).then(moment)


def knowledge(
    account_lines: pl.Expr,
    last_contacts: pl.Expr,
    promotion_names: Mapping[str, Mapping[str, str]],
    at: dt.datetime,
) -> pl.Expr:
    """Section 3: what we know. ``last_contacts`` are already named (see build)."""
    return struct_of(
        Knowledge,
        lines=account_lines,
        plan=plan(account_lines),
        device_age_months=col("device_age_months"),
        financing_months_left=col("financing_months_left"),
        redeemed=promotions(promotion_names, "redeemed"),
        seen=promotions(promotion_names, "seen"),
        tenure_months=col("tenure_months").fill_null(0),
        last_contacts=last_contacts,
        open_cases=open_cases(),
        recent_complaint_at=recent(col("last_complaint_at"), at),
        last_refusal_at=recent(col("last_refusal_at"), at),
        app_logins_90d=col("app_logins_90d").fill_null(0),
        online_purchases_12m=col("online_purchases_12m").fill_null(0),
    )


def case_kinds(knowledge_col: pl.Expr) -> pl.Expr:
    """The kinds of the open cases (a list per row)."""
    cases = knowledge_col.struct.field("open_cases")
    return cases.list.eval(pl.element().struct.field("kind"))


def has_complaint(k: pl.Expr) -> pl.Expr:
    """An open complaint case, or a complaint in the last :data:`RECENT_DAYS` days."""
    return (
        case_kinds(k).list.contains("complaint")
        | k.struct.field("recent_complaint_at").is_not_null()
    )


def has_repair(k: pl.Expr) -> pl.Expr:
    return case_kinds(k).list.contains("repair")
