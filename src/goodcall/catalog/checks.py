"""Checks: what the engine evaluates for each offer, rule-written or built in.

A check is a named boolean over profile columns that never yields null (a rule whose predicate is
NULL for a customer fails, as in SQL ``WHERE``). Built-in checks are derived from the offer's
``target`` and ``promotion_id`` so that a catalog author cannot forget them: a handset for another
OS, a plan that is not an upgrade, the device or plan the customer already has, a promotion
already redeemed, an offer (or one of its family) declined within its cool-down (that one is
built in ``goodcall.catalog.cooldown``). Notices are cautions that do not exclude (a promotion the
customer already saw).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from goodcall.catalog.model import Offer
from goodcall.reasons import CATALOG_TIERS, CatalogTier

Tier = CatalogTier
TIERS: tuple[Tier, ...] = CATALOG_TIERS
"""Evaluation order (:data:`goodcall.reasons.CATALOG_TIERS`); ``failed_tier`` is the first tier
with a failing check."""

BUILTIN_APPLICABILITY = (
    "device_os",
    "already_owns",
    "not_an_upgrade",
    "promotion_redeemed",
    "refusal_cooldown",  # goodcall.catalog.cooldown: the offer's family is in a cool-down
)
PROMOTION_SEEN = "catalog.notice.promotion_seen"
BRAND = "catalog.validity.brand"


Row = Mapping[str, Any]
RowTest = Callable[[Row], bool]
"""A check (or notice) read on one row of Python values — the row's profile columns and the
engine's ``__at``, ``__local_date`` and ``__cd_blocked`` — as its ``passed`` (``active``)
expression reads a frame's row. The catalog engine's row path (:mod:`goodcall.catalog.rows`)
runs these on small batches; each is written beside its expression, from the same values, and
``tests/catalog/test_rows.py`` checks the two back-ends agree customer by customer."""


@dataclass(frozen=True)
class Check:
    """One check of one offer. ``passed`` is a boolean expression that is never null; ``row``
    the same check on one row (None: the engine evaluates this check with Polars only)."""

    code: str
    tier: Tier
    rule: str
    passed: pl.Expr
    fields: tuple[str, ...]
    rule_id: str | None = None  # the YAML rule id; None for built-in checks
    evidence: pl.Expr | None = None  # overrides the field=value evidence when set
    row: RowTest | None = None


@dataclass(frozen=True)
class Notice:
    """A caution that does not exclude the offer; ``active`` is never null."""

    code: str
    rule: str
    active: pl.Expr
    evidence: pl.Expr
    row: RowTest | None = None  # ``active`` on one row


def builtin_checks(offer: Offer) -> list[Check]:
    """The applicability checks implied by what the offer is."""
    target = offer.target
    checks: list[Check] = []
    code = "catalog.applicability."
    if target.device_os is not None:
        checks.append(
            Check(
                code + "device_os",
                "applicability",
                f"device_os = '{target.device_os}'",
                (pl.col("device_os") == target.device_os).fill_null(False),
                ("device_os", "device_make", "device_model"),
                row=_equals("device_os", target.device_os),
            )
        )
    if target.device_model is not None:
        checks.append(
            Check(
                code + "already_owns",
                "applicability",
                f"device_model <> '{target.device_model}'",
                (pl.col("device_model") != target.device_model).fill_null(True),
                ("device_make", "device_model"),
                row=_differs("device_model", target.device_model),
            )
        )
    if target.plan_id is not None:
        checks.append(
            Check(
                code + "already_owns",
                "applicability",
                f"plan_id <> '{target.plan_id}'",
                (pl.col("plan_id") != target.plan_id).fill_null(True),
                ("plan_id",),
                row=_differs("plan_id", target.plan_id),
            )
        )
    if offer.kind == "plan" and target.plan_tier is not None:
        checks.append(
            Check(
                code + "not_an_upgrade",
                "applicability",
                f"plan_tier < {target.plan_tier}",
                (pl.col("plan_tier") < target.plan_tier).fill_null(False),
                ("plan_id", "plan_tier"),
                row=_below("plan_tier", target.plan_tier),
            )
        )
    if offer.promotion_id is not None:
        checks.append(
            Check(
                code + "promotion_redeemed",
                "applicability",
                f"'{offer.promotion_id}' NOT IN redeemed_promotions",
                ~pl.col("redeemed_promotions").list.contains(offer.promotion_id).fill_null(False),
                ("redeemed_promotions",),
                row=lacks("redeemed_promotions", offer.promotion_id),
            )
        )
    return checks


def builtin_notices(offer: Offer) -> list[Notice]:
    """Cautions implied by the offer: a promotion the customer already saw is not news."""
    if offer.promotion_id is None:
        return []
    promotion = offer.promotion_id
    return [
        Notice(
            PROMOTION_SEEN,
            f"'{promotion}' NOT IN seen_promotions",
            pl.col("seen_promotions").list.contains(promotion).fill_null(False),
            _seen_evidence(promotion),
            row=_holds("seen_promotions", promotion),
        )
    ]


def _seen_evidence(promotion: str) -> pl.Expr:
    """``promotion_seen=PROMO_X, place=app, at=2026-11-17T12:03Z`` from the latest sighting."""
    seen = (
        pl.col("promotion_history")
        .list.filter(
            (pl.element().struct.field("promotion_id") == promotion)
            & (pl.element().struct.field("event") == "seen")
        )
        .list.last()
    )
    place = seen.struct.field("place").fill_null("unknown")
    when = seen.struct.field("at").dt.to_string("%Y-%m-%dT%H:%MZ").fill_null("unknown")
    return (
        pl.when(seen.is_not_null())
        .then(
            pl.concat_str(
                pl.lit(f"promotion_seen={promotion}, place="), place, pl.lit(", at="), when
            )
        )
        .otherwise(pl.lit(f"promotion_seen=none ({promotion} not seen)"))
    )


def brand_check(offer_brand: str | None, default_brand: str | None) -> Check:
    """The offer belongs to the customer's brand (a customer without one is the default brand's).

    Never lets an offer cross brands: a customer of a French subsidiary is not offered a Canadian
    offer priced in $CA, whatever the other rules say. Evidence: ``brand=..., offer_brand=...``.
    """
    customer = pl.col("brand")
    if default_brand is not None:
        customer = customer.fill_null(pl.lit(default_brand))
    if offer_brand is None:
        rule, passed = "brand IS NULL", customer.is_null()
    else:
        rule, passed = f"brand = '{offer_brand}'", (customer == offer_brand).fill_null(False)

    evidence = pl.concat_str(
        pl.lit("brand="),
        customer.fill_null(pl.lit("none")),
        pl.lit(f", offer_brand={offer_brand or 'none'}"),
    )
    return Check(
        BRAND,
        "validity",
        rule,
        passed,
        ("brand",),
        evidence=evidence,
        row=functools.partial(_row_brand, offer_brand, default_brand),
    )


def validity_checks(offer: Offer, local_date: pl.Expr) -> list[Check]:
    """The offer is valid on the customer's local date at the decision time."""
    from_text = offer.valid_from.isoformat()
    checks = [
        Check(
            "catalog.validity.not_started",
            "validity",
            f"local_date >= {from_text}",
            (local_date >= pl.lit(offer.valid_from)).fill_null(False),
            (),
            evidence=_date_evidence(local_date, f"valid_from={from_text}"),
            row=_at_least(LOCAL_DATE, offer.valid_from),
        )
    ]
    if offer.valid_to is not None:
        to_text = offer.valid_to.isoformat()
        checks.append(
            Check(
                "catalog.validity.expired",
                "validity",
                f"local_date <= {to_text}",
                (local_date <= pl.lit(offer.valid_to)).fill_null(False),
                (),
                evidence=_date_evidence(local_date, f"valid_to={to_text}"),
                row=_at_most(LOCAL_DATE, offer.valid_to),
            )
        )
    return checks


def channel_check(offer: Offer, channels: frozenset[str]) -> Check:
    """The offer is offered on at least one of the channels being planned."""
    usable = sorted(channels.intersection(offer.channels))
    return Check(
        "catalog.validity.channel",
        "validity",
        f"channels of the offer ({', '.join(offer.channels)}) include one of "
        f"{', '.join(sorted(channels))}",
        pl.lit(bool(usable)),
        (),
        row=functools.partial(_row_constant, bool(usable)),
        evidence=pl.lit(
            f"offer_channels={'|'.join(offer.channels)}, requested={'|'.join(sorted(channels))}"
        ),
    )


def _date_evidence(local_date: pl.Expr, bound: str) -> pl.Expr:
    return pl.concat_str(
        pl.lit("local_date="), local_date.cast(pl.String).fill_null("unknown"), pl.lit(f", {bound}")
    )


LOCAL_DATE = "__local_date"
"""The column the validity checks read in the engine (``local_date`` is that column there)."""

# --- the built-in checks on one row: Python's ``None`` is the expression's null --------------


def _equals(name: str, value: object) -> RowTest:
    """``(col == value).fill_null(False)``."""
    return functools.partial(_row_equals, name, value)


def _differs(name: str, value: object) -> RowTest:
    """``(col != value).fill_null(True)``."""
    return functools.partial(_row_differs, name, value)


def _below(name: str, bound: int) -> RowTest:
    """``(col < bound).fill_null(False)``."""
    return functools.partial(_row_below, name, bound)


def _at_least(name: str, bound: object) -> RowTest:
    """``(col >= bound).fill_null(False)``."""
    return functools.partial(_row_at_least, name, bound)


def _at_most(name: str, bound: object) -> RowTest:
    """``(col <= bound).fill_null(False)``."""
    return functools.partial(_row_at_most, name, bound)


def _holds(name: str, value: object) -> RowTest:
    """``col.list.contains(value).fill_null(False)``."""
    return functools.partial(_row_holds, name, value)


def lacks(name: str, value: object) -> RowTest:
    """``~col.list.contains(value).fill_null(False)``."""
    return functools.partial(_row_lacks, name, value)


# The tests are partials of module functions, not closures: a compiled catalog travels pickled
# (the Spark engine ships the prepared core to its workers).


def _row_equals(name: str, value: object, row: Row) -> bool:
    return bool(row[name] == value)


def _row_differs(name: str, value: object, row: Row) -> bool:
    return bool(row[name] != value)


def _row_below(name: str, bound: Any, row: Row) -> bool:
    return row[name] is not None and bool(row[name] < bound)


def _row_at_least(name: str, bound: Any, row: Row) -> bool:
    return row[name] is not None and bool(row[name] >= bound)


def _row_at_most(name: str, bound: Any, row: Row) -> bool:
    return row[name] is not None and bool(row[name] <= bound)


def _row_holds(name: str, value: object, row: Row) -> bool:
    return row[name] is not None and value in row[name]


def _row_lacks(name: str, value: object, row: Row) -> bool:
    return row[name] is None or value not in row[name]


def _row_constant(value: bool, row: Row) -> bool:
    return value


def _row_brand(offer_brand: str | None, default_brand: str | None, row: Row) -> bool:
    brand = row["brand"]
    brand = default_brand if brand is None else brand
    return brand is None if offer_brand is None else bool(brand == offer_brand)
