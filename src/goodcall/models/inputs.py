"""What a model sees about one candidate contact: the customer, the offer, the channel, the hour.

The same function builds the features of a historical contact (to train) and of a candidate
contact (to decide), so training and scoring cannot drift apart. Every feature is computed
relative to an ``as_of`` column — the contact's own time in training, the decision time when
deciding — so "days since the last complaint" means the same in both.

Offer features come from the catalog (what the offer *is*: kind, margin, target OS, maker, plan
tier, promotion), which lets one pooled model carry what it learned about offers with history to
similar ones, and to say how well each offer fits this customer (same OS, a tier above theirs, a
promotion they already saw or redeemed).
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from goodcall.catalog.model import Offer

c = pl.col

PROFILE_FEATURES: tuple[str, ...] = (
    "country",
    "lang",
    "register",
    "tenure_months",
    "monthly_revenue",
    "value",
    "lines_count",
    "device_make",
    "device_os",
    "device_age_months",
    "financing_months_left",
    "has_ios",
    "has_android",
    "plan_tier",
    "plan_data_gb",
    "plan_is_top",
    "data_usage_gb",
    "data_usage_ratio",
    "contact_only_on_request",
    "national_dnc",
    "internal_dnc",
    "app_logins_90d",
    "inbound_contacts_90d",
    "online_purchases_12m",
    "has_open_complaint",
    "has_open_repair",
)
"""Scalar profile columns the models read."""

PROFILE_INPUTS: tuple[str, ...] = (
    "customer_id",
    *PROFILE_FEATURES,
    "last_contact_at",
    "last_refusal_at",
    "last_complaint_at",
    "preferred_start",
    "preferred_end",
    "redeemed_promotions",
    "seen_promotions",
)
"""Profile columns :func:`candidate_features` needs (the derived features read the last ones)."""

DERIVED_FEATURES: tuple[str, ...] = (
    "offer_id",
    "channel",
    "local_hour",
    "offer_kind",
    "offer_value",
    "offer_os_fit",
    "offer_make_fit",
    "offer_tier_gap",
    "promotion_seen",
    "promotion_redeemed",
    "outside_preferred",
    "preferred_hours",
    "days_since_contact",
    "days_since_refusal",
    "days_since_complaint",
)

FEATURE_COLUMNS: tuple[str, ...] = (*PROFILE_FEATURES, *DERIVED_FEATURES)
"""Every column a response or annoyance model is trained on, in order."""

OFFER_SCHEMA = pl.Schema(
    {
        "offer_id": pl.String(),
        "offer_kind": pl.String(),
        "offer_value": pl.Float64(),
        "offer_target_os": pl.String(),
        "offer_target_make": pl.String(),
        "offer_plan_tier": pl.Int64(),
        "offer_promotion_id": pl.String(),
    }
)


def offer_table(offers: Sequence[Offer]) -> pl.DataFrame:
    """The facts of each catalog offer the models read; value is the margin net of its cost."""
    rows = [
        {
            "offer_id": o.id,
            "offer_kind": o.kind,
            "offer_value": o.value - o.cost,
            "offer_target_os": o.target.device_os,
            "offer_target_make": o.target.device_make,
            "offer_plan_tier": o.target.plan_tier,
            "offer_promotion_id": o.promotion_id,
        }
        for o in offers
    ]
    return pl.DataFrame(rows, schema=OFFER_SCHEMA)


def _days_since(column: str) -> pl.Expr:
    return ((c("_as_of") - c(column)).dt.total_seconds() / 86_400.0).alias(
        "days_since_" + column.removeprefix("last_").removesuffix("_at")
    )


def _fit_flag(target: str, actual: str) -> pl.Expr:
    """ "none" when the offer has no such target, else "match" or "other"."""
    return (
        pl.when(c(target).is_null())
        .then(pl.lit("none"))
        .when(c(target) == c(actual))
        .then(pl.lit("match"))
        .otherwise(pl.lit("other"))
    )


def _minutes(column: str) -> pl.Expr:
    return c(column).dt.hour().cast(pl.Int64) * 60 + c(column).dt.minute().cast(pl.Int64)


def candidate_features(pairs: pl.LazyFrame, offers: pl.DataFrame) -> pl.LazyFrame:
    """``pairs`` (profile columns, ``offer_id``, ``channel``, ``local_hour``, ``_as_of``) with
    every :data:`FEATURE_COLUMNS` column added.

    ``local_hour`` is the hour of the contact in the customer's time zone (messages: the hour
    they are sent). Offers unknown to ``offers`` get null offer facts (the encoder's "missing").
    """
    hour = c("local_hour").cast(pl.Int64) * 60
    start, end = _minutes("preferred_start"), _minutes("preferred_end")
    joined = pairs.join(offers.lazy(), on="offer_id", how="left")
    return joined.with_columns(
        _fit_flag("offer_target_os", "device_os").alias("offer_os_fit"),
        _fit_flag("offer_target_make", "device_make").alias("offer_make_fit"),
        (c("offer_plan_tier") - c("plan_tier")).alias("offer_tier_gap"),
        c("seen_promotions")
        .list.contains(c("offer_promotion_id"))
        .fill_null(False)
        .alias("promotion_seen"),
        c("redeemed_promotions")
        .list.contains(c("offer_promotion_id"))
        .fill_null(False)
        .alias("promotion_redeemed"),
        ((start.is_not_null() & (hour < start)) | (end.is_not_null() & (hour >= end))).alias(
            "outside_preferred"
        ),
        ((end - start) / 60.0).alias("preferred_hours"),
        _days_since("last_contact_at"),
        _days_since("last_refusal_at"),
        _days_since("last_complaint_at"),
        c("local_hour").cast(pl.Int64),
    )


def local_hour(timestamp: pl.Expr, zones: Sequence[str], zone_column: str = "time_zone") -> pl.Expr:
    """The hour (0–23) of a UTC ``timestamp`` in each row's own time zone.

    Polars converts a column to one zone at a time, so the expression branches over the
    ``zones`` present (a carrier has a handful); rows in other zones get null.
    """
    expr: pl.Expr = pl.lit(None, dtype=pl.Int64)
    for zone in sorted(set(zones)):
        hour = timestamp.dt.convert_time_zone(zone).dt.hour().cast(pl.Int64)
        expr = pl.when(c(zone_column) == zone).then(hour).otherwise(expr)
    return expr
