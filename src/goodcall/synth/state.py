"""The few profile columns the generator needs, computed straight from a chunk's tables.

``build_profiles`` builds the full profile (lines, histories and cases folded into lists of
structs), which the generator does not need and which would dominate its run time. This computes
only the scalar columns the ground truth and the campaign rules read, with the same definitions;
a test checks they equal ``build_profiles``' on a generated carrier.

Like the generator, it assumes every account has exactly one primary line.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from goodcall.channels import CHANNELS

c = pl.col
Tables = dict[str, pl.DataFrame]


def _months_between(start: pl.Expr, end: dt.date) -> pl.Expr:
    months = (end.year - start.dt.year().cast(pl.Int64)) * 12 + (
        end.month - start.dt.month().cast(pl.Int64)
    )
    months = months - (start.dt.day() > end.day).cast(pl.Int64)
    return pl.max_horizontal(months, pl.lit(0, pl.Int64))


def _lines(tables: Tables, as_of: dt.date) -> pl.DataFrame:
    plans = tables["plans"]
    top = int(plans["tier"].max())  # type: ignore[arg-type]
    lines = tables["lines"]
    per_account = lines.group_by("customer_id").agg(
        pl.len().cast(pl.Int64).alias("lines_count"),
        (c("device_os") == "iOS").any().alias("has_ios"),
        (c("device_os") == "Android").any().alias("has_android"),
    )
    end = c("financing_end_date")
    months_left = (end.dt.year().cast(pl.Int64) - as_of.year) * 12 + (
        end.dt.month().cast(pl.Int64) - as_of.month
    )
    usage = pl.mean_horizontal("data_usage_gb_m1", "data_usage_gb_m2", "data_usage_gb_m3")
    primary = (
        lines.filter(c("is_primary"))
        .join(
            plans.select("plan_id", c("tier").alias("plan_tier"), c("data_gb")),
            on="plan_id",
            how="left",
        )
        .select(
            "customer_id",
            "device_make",
            "device_os",
            _months_between(c("device_purchase_date"), as_of).alias("device_age_months"),
            pl.when(end.is_null() | (end <= pl.lit(as_of)))
            .then(pl.lit(0, pl.Int64))
            .otherwise(pl.max_horizontal(months_left, pl.lit(1, pl.Int64)))
            .alias("financing_months_left"),
            c("plan_tier").cast(pl.Int64),
            (c("plan_tier") >= top).alias("plan_is_top"),
            pl.when(c("data_gb") > 0).then(usage / c("data_gb")).alias("data_usage_ratio"),
        )
    )
    return primary.join(per_account, on="customer_id", how="left")


def _promotions(tables: Tables, at: dt.datetime) -> pl.DataFrame:
    events = tables["promotion_events"].filter(c("at") <= at).sort("customer_id", "at")
    return events.group_by("customer_id").agg(
        c("promotion_id")
        .filter(c("event") == "redeemed")
        .unique(maintain_order=True)
        .alias("redeemed_promotions"),
        c("promotion_id")
        .filter(c("event") == "seen")
        .unique(maintain_order=True)
        .alias("seen_promotions"),
    )


def truth_state(tables: Tables, as_of: dt.date) -> pl.DataFrame:
    """Per customer, in the customers table's order: the profile columns the truth and the
    campaign rules read, plus ``_customer_since`` and ``_internal_dnc_at`` for eligibility."""
    at = dt.datetime.combine(as_of, dt.time(), dt.UTC)
    customers = tables["customers"]
    cases = tables["cases"].filter(c("opened_at") <= at)
    open_complaint = (
        cases.filter((c("status") == "open") & (c("kind") == "complaint"))
        .select("customer_id")
        .unique()
        .with_columns(pl.lit(True).alias("has_open_complaint"))
    )
    consent = tables["consent"].select(
        "customer_id",
        "national_dnc",
        c("internal_dnc_at").alias("_internal_dnc_at"),
        (c("internal_dnc_at").is_not_null() & (c("internal_dnc_at") <= at)).alias("internal_dnc"),
        "optin_phone",
        "optin_sms",
        "optin_email",
    )
    frame = (
        customers.select(
            "customer_id",
            "country",
            "language",
            "register",
            "value",
            c("customer_since").alias("_customer_since"),
            _months_between(c("customer_since"), as_of).alias("tenure_months"),
        )
        .join(_lines(tables, as_of), on="customer_id", how="left", maintain_order="left")
        .join(tables["preferences"], on="customer_id", how="left", maintain_order="left")
        .join(consent, on="customer_id", how="left", maintain_order="left")
        .join(tables["self_service"], on="customer_id", how="left", maintain_order="left")
        .join(_promotions(tables, at), on="customer_id", how="left", maintain_order="left")
        .join(open_complaint, on="customer_id", how="left", maintain_order="left")
    )
    empty = pl.lit([], pl.List(pl.String))
    return frame.with_columns(
        c("contact_only_on_request").fill_null(False),
        c("has_open_complaint").fill_null(False),
        c("channels_accepted").fill_null(pl.lit(list(CHANNELS))),
        c("redeemed_promotions").fill_null(empty),
        c("seen_promotions").fill_null(empty),
        *[c(n).fill_null(0) for n in ("app_logins_90d", "inbound_contacts_90d")],
        c("online_purchases_12m").fill_null(0),
    )
