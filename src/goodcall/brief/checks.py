"""Contacts that must not be briefed, found for a whole batch at once and named one by one.

The checks run in Polars over every contact; the first contact that fails is then described in
Python, with the message a person can act on (the customer, the offer, what was expected). The
order of the checks is the order in which a person would look: the contact itself, the engine's
verdict, then the profile fields the brief cannot do without.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import polars as pl

from goodcall.brief.distinct import per_distinct
from goodcall.brief.facts import BriefError, blank, col, or_else
from goodcall.brief.formats import FormatError, babel_locale, zone
from goodcall.channels import CHANNELS

TIER_ORDER = {"applicability": 0, "eligibility": 1, "suitability": 2}
OTHER_TIER = len(TIER_ORDER)


def tier_of(code: str | None) -> int:
    """Facts about the customer first, then who may have the offer, then fit; validity last."""
    parts = (code or "").split(".")
    return TIER_ORDER.get(parts[1], OTHER_TIER) if len(parts) > 1 else OTHER_TIER


def tier_rank(code: pl.Expr, codes: Iterable[str | None]) -> pl.Expr:
    """:func:`tier_of` for a column of codes, every one of which is among ``codes``."""
    ranks = {c: tier_of(c) for c in codes if c is not None}
    return code.replace_strict(ranks, default=OTHER_TIER, return_dtype=pl.Int64)


def reason_codes(reasons: pl.Series) -> list[str | None]:
    """The distinct codes in a column of reason lists."""
    codes = reasons.list.eval(pl.element().struct.field("code")).explode().unique()
    return codes.to_list()


def failed_reasons(reasons: pl.Series) -> pl.Series:
    """Per reason list: the most telling failed check (the first of the best tier), or null."""
    element = pl.element().struct
    passed = OTHER_TIER + 1
    rank = tier_rank(element.field("code"), reason_codes(reasons))
    failed = element.field("ok").fill_null(False).not_()
    lists = pl.col("r")
    ranks = lists.list.eval(pl.when(failed).then(rank).otherwise(pl.lit(passed, pl.Int64)))
    best = lists.list.get(ranks.list.arg_min(), null_on_oob=True)
    chosen = pl.when(ranks.list.min() < passed).then(best)
    return pl.DataFrame({"r": reasons}).select(chosen.alias("failed")).to_series()


def _locale_ok(language: str | None, lang: str | None) -> bool:
    """Whether the brief can be formatted for this locale (another check names a bad ``lang``)."""
    if lang not in ("fr", "en"):
        return True
    try:
        babel_locale(language or "", lang)
    except FormatError:
        return False
    return True


def _zone_ok(name: str | None) -> bool:
    """Whether the time zone is known (a missing one is named by another check)."""
    if name is None:
        return True
    try:
        zone(name)
    except FormatError:
        return False
    return True


def _describe(row: Mapping[str, Any], check: str) -> str:
    """The message for the failed check of one contact row."""
    cid, offer_id, channel = row["customer_id"], row["_offer"], row["_channel"]
    who = f"customer {cid!r}"
    if check == "known":
        return f"{who} is not in the profile frame"
    if check == "channel":
        return f"{who}: channel {channel!r} is not one of {CHANNELS}"
    if check == "dnc":
        return f"{who} asked not to be called (internal do-not-call list): no phone brief"
    if check == "offer":
        return f"{who}: offer {offer_id!r} is not in the catalog"
    if check == "offer_channel":
        return (
            f"{who}: offer {offer_id!r} is not offered by {channel!r} "
            f"(catalog channels: {', '.join(row['_channels'])})"
        )
    if check == "row":
        return (
            f"{who}: no evaluation row for offer {offer_id!r} "
            "(pass this customer's rows of evaluate_offers)"
        )
    if check == "eligible":
        failed = row["_failed"]
        why = f"{failed['code']} ({failed.get('evidence')})" if failed else "no reason given"
        return f"{who}: offer {offer_id!r} was excluded by the rules: {why}"
    if check == "lang":
        return (
            f"{who}: language {row['language']!r} is not served by briefs (expected fr-* or en-*)"
        )
    if check == "register":
        return f"{who}: register {row['register']!r} (expected formal or informal)"
    if check in ("first_name", "last_name", "preferred_name", "time_zone"):
        return f"{who}: profile field {check!r} is empty"
    try:
        babel_locale(row["language"] or row["lang"], row["lang"])
        zone(row["time_zone"])
    except FormatError as exc:
        return f"{who}: {exc}"
    raise AssertionError(f"check {check!r} did not fail for {who}")


def first_failure(frame: pl.DataFrame) -> tuple[int, BriefError] | None:
    """The first contact (its ``_row``) that must not be briefed, with the reason; else None.

    ``frame`` is the working frame before the facts: contact, profile and engine columns.
    """
    language = or_else(col("language"), col("lang"))
    locale_ok = per_distinct(frame.select(language.alias("_l"), "lang"), _locale_ok, pl.Boolean())
    zone_ok = per_distinct(frame.select("time_zone"), _zone_ok, pl.Boolean())
    frame = frame.with_columns(locale_ok.alias("_locale_ok"), zone_ok.alias("_zone_ok"))
    checks: dict[str, pl.Expr] = {
        "known": col("_known").is_null(),
        "channel": ~col("_channel").is_in(CHANNELS).fill_null(False),
        "dnc": (col("_channel") == "phone") & col("internal_dnc").fill_null(False),
        "offer": col("_position").is_null(),
        "offer_channel": ~col("_channels").list.contains(col("_channel")).fill_null(False),
        "row": col("_has_row").is_null(),
        "eligible": ~col("_eligible").fill_null(False),
        "lang": ~col("lang").is_in(["fr", "en"]).fill_null(False),
        "register": ~col("register").is_in(["formal", "informal"]).fill_null(False),
        "first_name": blank(col("first_name")),
        "last_name": blank(col("last_name")),
        "preferred_name": (col("register") == "informal") & blank(col("preferred_name")),
        "time_zone": blank(col("time_zone")),
        "formats": ~(col("_locale_ok") & col("_zone_ok")),
    }
    names = list(checks)
    code = pl.coalesce(
        [pl.when(cond).then(pl.lit(n, pl.Int64)) for n, cond in enumerate(checks.values())]
    )
    failing = frame.select("_row", code.alias("_check")).filter(pl.col("_check").is_not_null())
    if failing.height == 0:
        return None
    row_number, check = failing.row(0)
    detail = frame.filter(pl.col("_row") == row_number)
    detail = detail.with_columns(failed_reasons(detail["_reasons"]).alias("_failed"))
    message = _describe(detail.row(0, named=True), names[check])
    return int(row_number), BriefError(message)
