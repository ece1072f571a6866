"""Fold the import tables into the profile frame: one row per customer.

``build_profiles`` is LazyFrame in, LazyFrame out: it never collects, so the batch engine can
stream it and the real-time path can run it on a handful of customers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import polars as pl

from goodcall.channels import CHANNELS
from goodcall.profiles.fields import (
    CASE_STRUCT,
    CONTACT_STRUCT,
    LINE_STRUCT,
    PROFILE_SCHEMA,
    PROMOTION_STRUCT,
)
from goodcall.profiles.frames import empty_table
from goodcall.profiles.lines import financing_months_left, months_between, usage_ratio
from goodcall.profiles.schema import TABLES_BY_NAME

Tables = Mapping[str, pl.LazyFrame]


def _table(tables: Tables, name: str) -> pl.LazyFrame:
    """A table from the mapping, or an empty one when an optional table was not supplied.

    Optional columns missing from a supplied table are added as nulls.
    """
    table = TABLES_BY_NAME[name]
    if name not in tables:
        if table.required:
            raise KeyError(f"required table {name!r} is missing")
        return empty_table(table).lazy()
    frame = tables[name]
    present = frame.collect_schema().names()
    schema = empty_table(table).schema
    missing = [
        pl.lit(None, schema[c.name]).alias(c.name)
        for c in table.columns
        if c.name not in present and not c.required
    ]
    return frame.with_columns(missing) if missing else frame


def _struct(spec: pl.Struct) -> pl.Expr:
    return pl.struct([pl.col(f.name).cast(f.dtype) for f in spec.fields])


LINE_STATE = (
    "plan_id",
    "device_make",
    "device_model",
    "device_os",
    "device_purchase_date",
    "financing_end_date",
)
"""Columns of a line that ``line_changes`` rewinds (data usage is not: it is recent by nature)."""


def _lines_at(tables: Tables, as_of: dt.datetime) -> pl.LazyFrame:
    """Every line in the state it was in at ``as_of``.

    ``lines`` holds the state now; ``line_changes`` holds each earlier state up to the instant
    the line left it. The earliest change after ``as_of`` therefore holds the state at
    ``as_of``; a line with none is as it is now. Without this, a customer who bought a phone
    last month would show the new phone in every earlier profile.
    """
    then = (
        _table(tables, "line_changes")
        .filter(pl.col("changed_at") > as_of)
        .group_by("line_id")
        .agg(
            *[pl.col(c).sort_by("changed_at").first().alias(f"_then_{c}") for c in LINE_STATE],
            pl.lit(True).alias("_rewound"),
        )
    )
    rewound = pl.col("_rewound").fill_null(False)
    return (
        _table(tables, "lines")
        .join(then, on="line_id", how="left")
        .with_columns(
            pl.when(rewound).then(pl.col(f"_then_{c}")).otherwise(pl.col(c)).alias(c)
            for c in LINE_STATE
        )
        .drop("_rewound", *[f"_then_{c}" for c in LINE_STATE])
    )


def _lines(tables: Tables, as_of: dt.datetime) -> pl.LazyFrame:
    """Per customer: the primary line's device and plan, and the list of every line, as they
    were at ``as_of`` (plan facts follow the plan the line had then)."""
    plans = _table(tables, "plans")
    top_tier = plans.select(pl.col("tier").max().alias("_top_tier"))
    as_of_date = as_of.astimezone(dt.UTC).date()
    lines = (
        _lines_at(tables, as_of)
        .join(
            plans.select(
                "plan_id",
                pl.col("name_fr").alias("plan_name_fr"),
                pl.col("name_en").alias("plan_name_en"),
                pl.col("tier").alias("plan_tier"),
                pl.col("data_gb").alias("plan_data_gb"),
                pl.col("monthly_price").alias("plan_price"),
            ),
            on="plan_id",
            how="left",
        )
        .with_columns(
            pl.mean_horizontal("data_usage_gb_m1", "data_usage_gb_m2", "data_usage_gb_m3").alias(
                "data_usage_gb"
            )
        )
        .sort(
            ["customer_id", "is_primary", "plan_tier", "line_id"],
            descending=[False, True, True, False],
        )
    )
    per_customer = lines.group_by("customer_id", maintain_order=True).agg(
        pl.len().cast(pl.Int64).alias("lines_count"),
        *[
            pl.col(c).first()
            for c in (
                "device_make",
                "device_model",
                "device_os",
                "device_purchase_date",
                "financing_end_date",
                "plan_id",
                "plan_data_gb",
                "plan_price",
                "data_usage_gb",
            )
        ],
        pl.col("plan_tier").first().cast(pl.Int64),
        (pl.col("device_os") == "iOS").any().alias("has_ios"),
        (pl.col("device_os") == "Android").any().alias("has_android"),
        _struct(LINE_STRUCT).alias("lines"),
    )
    as_of_day = pl.lit(as_of_date, pl.Date)
    return (
        per_customer.join(top_tier, how="cross")
        .with_columns(
            months_between(pl.col("device_purchase_date"), as_of_day).alias("device_age_months"),
            financing_months_left(pl.col("financing_end_date"), as_of_day).alias(
                "financing_months_left"
            ),
            (pl.col("plan_tier") >= pl.col("_top_tier")).alias("plan_is_top"),
            usage_ratio(pl.col("data_usage_gb"), pl.col("plan_data_gb")).alias("data_usage_ratio"),
        )
        .drop("device_purchase_date", "financing_end_date", "_top_tier")
    )


def _promotions(tables: Tables, as_of: dt.datetime) -> pl.LazyFrame:
    events = (
        _table(tables, "promotion_events").filter(pl.col("at") <= as_of).sort(["customer_id", "at"])
    )
    return events.group_by("customer_id").agg(
        pl.col("promotion_id")
        .filter(pl.col("event") == "redeemed")
        .unique(maintain_order=True)
        .alias("redeemed_promotions"),
        pl.col("promotion_id")
        .filter(pl.col("event") == "seen")
        .unique(maintain_order=True)
        .alias("seen_promotions"),
        _struct(PROMOTION_STRUCT).alias("promotion_history"),
    )


def _contacts(tables: Tables, as_of: dt.datetime) -> pl.LazyFrame:
    contacts = _table(tables, "contacts").filter(pl.col("at") <= as_of).sort(["customer_id", "at"])
    treated = pl.col("group") == "treatment"
    return contacts.group_by("customer_id").agg(
        pl.col("at").filter(treated).max().alias("last_contact_at"),
        pl.col("at").filter(pl.col("outcome") == "declined").max().alias("last_refusal_at"),
        pl.col("at").filter(pl.col("outcome") == "complaint").max().alias("_last_complaint"),
        _struct(CONTACT_STRUCT).alias("contact_history"),
    )


def _cases(tables: Tables, as_of: dt.datetime) -> pl.LazyFrame:
    cases = _table(tables, "cases").filter(pl.col("opened_at") <= as_of)
    is_open = pl.col("status") == "open"
    return cases.group_by("customer_id").agg(
        pl.col("opened_at").filter(pl.col("kind") == "complaint").max().alias("_case_complaint"),
        (is_open & (pl.col("kind") == "complaint")).any().alias("has_open_complaint"),
        (is_open & (pl.col("kind") == "repair")).any().alias("has_open_repair"),
        _struct(CASE_STRUCT).filter(is_open).alias("open_cases"),
    )


def _jurisdiction() -> pl.Expr:
    return (
        pl.when(pl.col("country") == "FR")
        .then(pl.lit("FR"))
        .otherwise(pl.col("country") + "-" + pl.col("region"))
    )


def build_profiles(tables: Tables, as_of: dt.datetime) -> pl.LazyFrame:
    """Fold the import tables into one profile row per customer, as known at ``as_of``.

    ``as_of`` must be timezone-aware; history after it is ignored, so a decision can be replayed.

    >>> from goodcall.profiles.fixtures import seed_customer_tables
    >>> import datetime as dt
    >>> at = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
    >>> row = build_profiles(seed_customer_tables(), at).collect().row(0, named=True)
    >>> row["device_make"], row["plan_is_top"], row["register"]
    ('Apple', True, 'formal')
    """
    if as_of.tzinfo is None:
        raise ValueError("as_of must be timezone-aware (e.g. datetime(..., tzinfo=UTC))")
    as_of_date = as_of.astimezone(dt.UTC).date()
    customers = _table(tables, "customers")
    prefs = _table(tables, "preferences")
    consent = _table(tables, "consent")
    selfserve = _table(tables, "self_service")

    frame = (
        customers.join(_lines(tables, as_of), on="customer_id", how="left")
        .join(prefs, on="customer_id", how="left")
        .join(consent, on="customer_id", how="left")
        .join(selfserve, on="customer_id", how="left")
        .join(_promotions(tables, as_of), on="customer_id", how="left")
        .join(_contacts(tables, as_of), on="customer_id", how="left")
        .join(_cases(tables, as_of), on="customer_id", how="left")
    )
    dnc_at = pl.col("internal_dnc_at")
    frame = frame.with_columns(
        pl.coalesce("preferred_name", "first_name").alias("preferred_name"),
        _jurisdiction().alias("jurisdiction"),
        pl.col("language").str.slice(0, 2).alias("lang"),
        months_between(pl.col("customer_since"), pl.lit(as_of_date, pl.Date)).alias(
            "tenure_months"
        ),
        pl.col("lines_count").fill_null(0),
        pl.col("has_ios").fill_null(False),
        pl.col("has_android").fill_null(False),
        pl.col("plan_is_top").fill_null(False),
        pl.col("contact_only_on_request").fill_null(False),
        pl.col("national_dnc").fill_null(False),
        (dnc_at.is_not_null() & (dnc_at <= as_of)).alias("internal_dnc"),
        *[pl.col(c).fill_null(False) for c in ("optin_phone", "optin_sms", "optin_email")],
        *[
            pl.col(c).fill_null(0)
            for c in (
                "app_logins_90d",
                "inbound_contacts_90d",
                "online_purchases_12m",
            )
        ],
        pl.max_horizontal("_last_complaint", "_case_complaint").alias("last_complaint_at"),
        pl.col("has_open_complaint").fill_null(False),
        pl.col("has_open_repair").fill_null(False),
        pl.col("channels_accepted").fill_null(pl.lit(list(CHANNELS))),
        *[
            pl.col(c).fill_null(pl.lit([], pl.List(pl.String())))
            for c in ("redeemed_promotions", "seen_promotions")
        ],
        *[
            pl.col(c).fill_null(pl.lit([], PROFILE_SCHEMA[c]))
            for c in ("lines", "promotion_history", "contact_history", "open_cases")
        ],
    )
    return frame.select([pl.col(n).cast(t) for n, t in PROFILE_SCHEMA.items()])
