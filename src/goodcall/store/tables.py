"""The store's tables, generated from the import-table declarations.

One SQL table per :class:`goodcall.profiles.schema.Table`: primary key from ``Table.key``,
foreign keys from ``Column.references``, and SQL types chosen so every value round-trips
exactly (timestamps are stored in UTC; list columns as ``;``-joined text, ``''`` for the
empty list, the same convention as the CSV format). ``store_meta`` records what the last
import was; ``campaign_plans`` every campaign run's plan. Alembic migrations create these
tables; a test checks they match this metadata.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

from goodcall.profiles.schema import TABLES, Column, Table


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware timestamp, always written and read back in UTC.

    SQLite has no time zone type: without this, an aware timestamp in another zone would be
    stored with its wall-clock value and its offset silently dropped.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: sa.Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"timestamp {value} has no time zone; the store keeps UTC")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> dt.datetime | None:
        if value is None:
            return None
        stamp: dt.datetime = value
        return stamp.replace(tzinfo=dt.UTC) if stamp.tzinfo is None else stamp.astimezone(dt.UTC)


def sql_type(column: Column) -> sa.types.TypeEngine[Any]:
    """The SQL type that holds a column of the import format."""
    kind = column.kind
    if kind in ("str", "enum", "timezone", "str_list", "enum_list"):
        return sa.Text()
    if kind == "int":
        return sa.BigInteger()
    if kind == "float":
        return sa.Double()
    if kind == "bool":
        return sa.Boolean()
    if kind == "date":
        return sa.Date()
    if kind == "time":
        return sa.Time()
    if kind == "datetime":
        return UTCDateTime()
    raise ValueError(f"no SQL type for column kind {kind!r}")


# Child tables are read and deleted by customer: index their customer_id unless the primary
# key already starts with it.
def _customer_index(table: Table) -> list[sa.Index]:
    if "customer_id" not in table.column_names or table.key[0] == "customer_id":
        return []
    return [sa.Index(f"ix_{table.name}_customer_id", "customer_id")]


def _sql_column(table: Table, column: Column) -> sa.Column[Any]:
    foreign = [sa.ForeignKey(column.references)] if column.references else []
    return sa.Column(
        column.name,
        sql_type(column),
        *foreign,
        primary_key=column.name in table.key,
        nullable=column.nullable and column.name not in table.key,
    )


def _sql_table(metadata: sa.MetaData, table: Table) -> sa.Table:
    return sa.Table(
        table.name,
        metadata,
        *[_sql_column(table, c) for c in table.columns],
        *_customer_index(table),
    )


metadata = sa.MetaData()
SQL_TABLES: dict[str, sa.Table] = {t.name: _sql_table(metadata, t) for t in TABLES}
store_meta = sa.Table(
    "store_meta",
    metadata,
    sa.Column("key", sa.Text(), primary_key=True),
    sa.Column("value", sa.Text(), nullable=False),
)
campaign_plans = sa.Table(
    "campaign_plans",
    metadata,
    sa.Column("plan_id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("campaign_id", sa.Text(), nullable=False),
    sa.Column("decided_at", UTCDateTime(), nullable=False),
    sa.Column("written_at", UTCDateTime(), nullable=False),
    sa.Column("out_dir", sa.Text(), nullable=False),
    sa.Column("plan", sa.Text(), nullable=False),
    sa.Column("placed", sa.Boolean(), nullable=False, server_default=sa.true()),
    sa.Index("ix_campaign_plans_decided_at", "decided_at"),
)
"""Every ``campaign run``'s plan, as the JSON text of its ``plan.json`` (the explain layer parses
it): ``explain`` and ``brief`` decide one customer with the latest (:mod:`goodcall.store.plans`).
``placed`` is false from the moment the plan is recorded until its folder is in place."""

# The service's own tables (``goodcall serve``): who may use it, who read which customer, and the
# outcomes it was sent. The outcome itself is a row of ``contacts``, where training and the
# policies read every contact; ``outcome_requests`` only remembers each request's key.
users = sa.Table(
    "users",
    metadata,
    sa.Column("user_id", sa.Text(), primary_key=True),
    sa.Column("role", sa.Text(), nullable=False),
    sa.Column("display_name", sa.Text(), nullable=False),
    sa.Column("languages", sa.Text(), nullable=False),  # ';'-joined, like the list columns
    sa.Column("ui_language", sa.Text(), nullable=False),
    sa.Column("password_hash", sa.Text(), nullable=True),  # None: API key only
    sa.Column("created_at", UTCDateTime(), nullable=False),
)
"""The service's users: an agent, an analyst or an admin (:mod:`goodcall.api.access`)."""
api_keys = sa.Table(
    "api_keys",
    metadata,
    sa.Column("key_id", sa.Text(), primary_key=True),
    sa.Column("user_id", sa.Text(), sa.ForeignKey("users.user_id"), nullable=False),
    sa.Column("key_hash", sa.Text(), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Index("ix_api_keys_user_id", "user_id"),
)
"""API keys, by their public id; only the hash of the secret part is kept."""
access_log = sa.Table(
    "access_log",
    metadata,
    sa.Column("entry_id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("at", UTCDateTime(), nullable=False),
    sa.Column("user_id", sa.Text(), nullable=False),
    sa.Column("action", sa.Text(), nullable=False),
    sa.Column("customer_id", sa.Text(), nullable=False),
    sa.Index("ix_access_log_customer_id", "customer_id"),
)
"""Who read which customer's profile or brief, and when."""
outcome_requests = sa.Table(
    "outcome_requests",
    metadata,
    sa.Column("request_key", sa.Text(), primary_key=True),
    sa.Column("contact_id", sa.Text(), nullable=False),  # no foreign key: import --replace
    # empties contacts (a TRUNCATE PostgreSQL refuses on a referenced table)
    sa.Column("request_hash", sa.Text(), nullable=False),
    sa.Column("user_id", sa.Text(), nullable=False),
    sa.Column("callback_at", UTCDateTime(), nullable=True),
    sa.Column("received_at", UTCDateTime(), nullable=False),
)
"""Every outcome the service recorded, by its idempotency key: a request sent twice with the
same key is recorded once (a key reused for another outcome is refused)."""
