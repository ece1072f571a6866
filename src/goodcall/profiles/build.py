"""Fold the import tables into the profile frame: one row per customer.

``build_profiles`` is LazyFrame in, LazyFrame out: it never collects, so the batch engine can
stream it. It is two steps: :func:`fold_tables` gathers each customer's rows (the primary line,
the lists, the latest moments — which rows count and in which order), and
:func:`finish_profiles` derives the profile's values from the folded frame (months, flags,
defaults, dtypes). A keyed read of a few customers folds their rows in Python
(:mod:`goodcall.profiles.rows`, from the constants below, held to :func:`fold_tables` by a
parity test) and runs the same :func:`finish_profiles`: every formula is written once, here.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

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
from goodcall.profiles.schema import TABLES, TABLES_BY_NAME

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


# What the fold reads, named once for both folds (this module's Polars one and the row fold of
# :mod:`goodcall.profiles.rows`).
LINE_STATE = (
    "plan_id",
    "device_make",
    "device_model",
    "device_os",
    "device_purchase_date",
    "financing_end_date",
)
"""Columns of a line that ``line_changes`` rewinds (data usage is not: it is recent by nature)."""
PLAN_FACTS = {
    "plan_name_fr": "name_fr",
    "plan_name_en": "name_en",
    "plan_tier": "tier",
    "plan_data_gb": "data_gb",
    "plan_price": "monthly_price",
}
"""What a line takes from its plan: line column → ``plans`` column."""
LINE_ORDER = (("is_primary", True), ("plan_tier", True), ("line_id", False))
"""An account's lines in order (column, descending; nulls first): its first line is the one the
profile's device and plan columns describe."""
FIRST_LINE = (
    "device_make",
    "device_model",
    "device_os",
    "device_purchase_date",
    "financing_end_date",
    "plan_id",
    "plan_data_gb",
    "plan_price",
    "data_usage_gb",
    "plan_tier",
)
"""The first line's columns the folded frame carries."""
OS_FLAGS = {"has_ios": "iOS", "has_android": "Android"}
"""Any line of the account with this ``device_os``."""
PROMOTION_ORDER = ("at", "promotion_id", "event")
PROMOTION_LISTS = {"redeemed_promotions": "redeemed", "seen_promotions": "seen"}
"""Promotion ids of the events of this kind, each once, in the order first met."""
CONTACT_ORDER = ("at", "contact_id")


@dataclass(frozen=True)
class Latest:
    """The latest ``time`` of a customer's rows whose ``column`` is ``value`` (null: none)."""

    name: str
    time: str
    column: str
    value: str

    def expr(self) -> pl.Expr:
        return pl.col(self.time).filter(pl.col(self.column) == self.value).max().alias(self.name)

    def of_rows(self, rows: Sequence[Mapping[str, Any]]) -> Any:
        """The same on one customer's rows as Python values (the row fold's)."""
        times = [r[self.time] for r in rows if r[self.column] == self.value]
        return max((t for t in times if t is not None), default=None)


CONTACT_LATEST = (  # of the contacts
    Latest("last_contact_at", "at", "group", "treatment"),
    Latest("last_refusal_at", "at", "outcome", "declined"),
    Latest("_last_complaint", "at", "outcome", "complaint"),
)
CASE_LATEST = Latest("_case_complaint", "opened_at", "kind", "complaint")  # of the cases
OPEN_STATUS = "open"
OPEN_CASE_FLAGS = {"has_open_complaint": "complaint", "has_open_repair": "repair"}
"""An open case of this kind."""
TOP_TIER = "_top_tier"


def line_usage() -> pl.Expr:
    """A line's data usage: the mean of its known months."""
    return pl.mean_horizontal("data_usage_gb_m1", "data_usage_gb_m2", "data_usage_gb_m3").alias(
        "data_usage_gb"
    )


def plan_facts(plans: pl.LazyFrame) -> pl.LazyFrame:
    """``plan_id`` and what a line takes from its plan (:data:`PLAN_FACTS`)."""
    return plans.select("plan_id", *[pl.col(s).alias(n) for n, s in PLAN_FACTS.items()])


def top_tier(plans: pl.LazyFrame) -> pl.LazyFrame:
    """One row: the largest plan tier (null without plans)."""
    return plans.select(pl.col("tier").max().alias(TOP_TIER))


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
    """Per customer: the first line's device and plan (:data:`LINE_ORDER`), the OS flags and
    the list of every line, as they were at ``as_of`` (plan facts follow the plan the line had
    then)."""
    plans = _table(tables, "plans")
    lines = (
        _lines_at(tables, as_of)
        .join(plan_facts(plans), on="plan_id", how="left")
        .with_columns(line_usage())
        .sort(
            ["customer_id", *[c for c, _ in LINE_ORDER]],
            descending=[False, *[d for _, d in LINE_ORDER]],
        )
    )
    per_customer = lines.group_by("customer_id", maintain_order=True).agg(
        pl.len().cast(pl.Int64).alias("lines_count"),
        *[pl.col(c).first() for c in FIRST_LINE],
        *[(pl.col("device_os") == os).any().alias(name) for name, os in OS_FLAGS.items()],
        _struct(LINE_STRUCT).alias("lines"),
    )
    return per_customer.join(top_tier(plans), how="cross")


def _promotions(tables: Tables, as_of: dt.datetime) -> pl.LazyFrame:
    events = (
        _table(tables, "promotion_events")
        .filter(pl.col("at") <= as_of)
        .sort(["customer_id", *PROMOTION_ORDER])
    )
    return events.group_by("customer_id").agg(
        *[
            pl.col("promotion_id")
            .filter(pl.col("event") == event)
            .unique(maintain_order=True)
            .alias(name)
            for name, event in PROMOTION_LISTS.items()
        ],
        _struct(PROMOTION_STRUCT).alias("promotion_history"),
    )


def _contacts(tables: Tables, as_of: dt.datetime) -> pl.LazyFrame:
    contacts = (
        _table(tables, "contacts")
        .filter(pl.col("at") <= as_of)
        .sort(["customer_id", *CONTACT_ORDER])
    )
    return contacts.group_by("customer_id").agg(
        *[latest.expr() for latest in CONTACT_LATEST],
        _struct(CONTACT_STRUCT).alias("contact_history"),
    )


def _cases(tables: Tables, as_of: dt.datetime) -> pl.LazyFrame:
    cases = _table(tables, "cases").filter(pl.col("opened_at") <= as_of)
    is_open = pl.col("status") == OPEN_STATUS
    return cases.group_by("customer_id").agg(
        CASE_LATEST.expr(),
        *[(is_open & (pl.col("kind") == k)).any().alias(n) for n, k in OPEN_CASE_FLAGS.items()],
        _struct(CASE_STRUCT).filter(is_open).alias("open_cases"),
    )


JOINED = ("preferences", "consent", "self_service")
"""Tables of one row per customer whose columns the folded frame carries as they are."""


def fold_tables(tables: Tables, as_of: dt.datetime) -> pl.LazyFrame:
    """Each customer's row with its tables folded in, before any value is derived: the
    customer's columns, the first line's, the lists, the latest moments, :data:`JOINED`'s
    columns (null where the customer has no row)."""
    frame = _table(tables, "customers").join(_lines(tables, as_of), on="customer_id", how="left")
    for name in JOINED:
        frame = frame.join(_table(tables, name), on="customer_id", how="left")
    return (
        frame.join(_promotions(tables, as_of), on="customer_id", how="left")
        .join(_contacts(tables, as_of), on="customer_id", how="left")
        .join(_cases(tables, as_of), on="customer_id", how="left")
    )


@functools.cache
def folded_schema() -> pl.Schema:
    """The columns and dtypes of :func:`fold_tables`'s frame."""
    empty = {t.name: empty_table(t).lazy() for t in TABLES}
    return fold_tables(empty, dt.datetime(2000, 1, 1, tzinfo=dt.UTC)).collect_schema()


AS_OF = "__as_of"
AS_OF_DATE = "__as_of_date"


def _jurisdiction() -> pl.Expr:
    return (
        pl.when(pl.col("country") == "FR")
        .then(pl.lit("FR"))
        .otherwise(pl.col("country") + "-" + pl.col("region"))
    )


def _line_values() -> list[pl.Expr]:
    """The first line's derived values; null for a customer without lines (``lines_count`` is
    null exactly then)."""
    day = pl.col(AS_OF_DATE)
    has_lines = pl.col("lines_count").is_not_null()
    return [
        pl.when(has_lines)
        .then(months_between(pl.col("device_purchase_date"), day))
        .alias("device_age_months"),
        pl.when(has_lines)
        .then(financing_months_left(pl.col("financing_end_date"), day))
        .alias("financing_months_left"),
        (pl.col("plan_tier") >= pl.col(TOP_TIER)).fill_null(False).alias("plan_is_top"),
        usage_ratio(pl.col("data_usage_gb"), pl.col("plan_data_gb")).alias("data_usage_ratio"),
    ]


@functools.cache
def _finishing() -> tuple[tuple[pl.Expr, ...], tuple[pl.Expr, ...]]:
    """The finishing expressions (built once: the moment is read from :data:`AS_OF` and
    :data:`AS_OF_DATE`), then the profile's columns in their dtypes."""
    dnc_at = pl.col("internal_dnc_at")
    values = (
        *_line_values(),
        pl.coalesce("preferred_name", "first_name").alias("preferred_name"),
        _jurisdiction().alias("jurisdiction"),
        pl.col("language").str.slice(0, 2).alias("lang"),
        months_between(pl.col("customer_since"), pl.col(AS_OF_DATE)).alias("tenure_months"),
        pl.col("lines_count").fill_null(0),
        *[pl.col(c).fill_null(False) for c in OS_FLAGS],
        pl.col("contact_only_on_request").fill_null(False),
        pl.col("national_dnc").fill_null(False),
        (dnc_at.is_not_null() & (dnc_at <= pl.col(AS_OF))).alias("internal_dnc"),
        *[pl.col(c).fill_null(False) for c in ("optin_phone", "optin_sms", "optin_email")],
        *[
            pl.col(c).fill_null(0)
            for c in (
                "app_logins_90d",
                "inbound_contacts_90d",
                "online_purchases_12m",
            )
        ],
        pl.max_horizontal(CONTACT_LATEST[-1].name, CASE_LATEST.name).alias("last_complaint_at"),
        *[pl.col(c).fill_null(False) for c in OPEN_CASE_FLAGS],
        pl.col("channels_accepted").fill_null(pl.lit(list(CHANNELS))),
        *[pl.col(c).fill_null(pl.lit([], pl.List(pl.String()))) for c in PROMOTION_LISTS],
        *[
            pl.col(c).fill_null(pl.lit([], PROFILE_SCHEMA[c]))
            for c in ("lines", "promotion_history", "contact_history", "open_cases")
        ],
    )
    return values, tuple(pl.col(n).cast(t) for n, t in PROFILE_SCHEMA.items())


def finish_profiles(folded: pl.LazyFrame, as_of: dt.datetime) -> pl.LazyFrame:
    """The profile frame from :func:`fold_tables`'s frame (or the row fold's): every derived
    value, the defaults of what a customer has no row for, the profile's dtypes."""
    values, columns = _finishing()
    moment = [
        pl.lit(as_of.astimezone(dt.UTC)).alias(AS_OF),
        pl.lit(as_of.astimezone(dt.UTC).date(), pl.Date).alias(AS_OF_DATE),
    ]
    return folded.with_columns(moment).with_columns(values).select(columns)


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
    return finish_profiles(fold_tables(tables, as_of), as_of)
