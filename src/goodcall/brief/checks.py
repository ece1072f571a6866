"""Contacts that must not be briefed, found for a whole batch at once and named one by one.

The checks run in Polars over every contact; the first contact that fails is then described in
Python, with the message a person can act on (the customer, the offer, what was expected). The
order of the checks is the order in which a person would look: the contact itself, the engine's
verdict, then the profile fields the brief cannot do without.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from goodcall.brief.distinct import per_distinct
from goodcall.brief.facts import BriefError, blank, col, or_else
from goodcall.brief.formats import FormatError, babel_locale, zone
from goodcall.channels import CHANNELS
from goodcall.reasons import deciding_checks


def locale_ok(language: str | None, lang: str | None) -> bool:
    """Whether the brief can be formatted for this locale (another check names a bad ``lang``)."""
    if lang not in ("fr", "en"):
        return True
    try:
        babel_locale(language or "", lang)
    except FormatError:
        return False
    return True


def zone_ok(name: str | None) -> bool:
    """Whether the time zone is known (a missing one is named by another check)."""
    if name is None:
        return True
    try:
        zone(name)
    except FormatError:
        return False
    return True


def describe(row: Mapping[str, Any], check: str) -> str:
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
    locales = per_distinct(frame.select(language.alias("_l"), "lang"), locale_ok, pl.Boolean())
    zones = per_distinct(frame.select("time_zone"), zone_ok, pl.Boolean())
    frame = frame.with_columns(locales.alias("_locale_ok"), zones.alias("_zone_ok"))
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
    detail = detail.with_columns(deciding_checks(detail["_reasons"]).alias("_failed"))
    message = describe(detail.row(0, named=True), names[check])
    return int(row_number), BriefError(message)
