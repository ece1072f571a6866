"""The customer 360 tables and store_meta (the first schema).

Revision ID: 0001
Revises:
Create Date: 2026-11-26 13:57:56.240703
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "customers",
        sa.Column("customer_id", sa.Text(), nullable=False),
        sa.Column("first_name", sa.Text(), nullable=False),
        sa.Column("last_name", sa.Text(), nullable=False),
        sa.Column("preferred_name", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("phone", sa.Text(), nullable=False),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("country", sa.Text(), nullable=False),
        sa.Column("region", sa.Text(), nullable=False),
        sa.Column("time_zone", sa.Text(), nullable=False),
        sa.Column("language", sa.Text(), nullable=False),
        sa.Column("register", sa.Text(), nullable=False),
        sa.Column("register_source", sa.Text(), nullable=False),
        sa.Column("register_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("customer_since", sa.Date(), nullable=False),
        sa.Column("monthly_revenue", sa.Double(), nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("customer_id"),
    )
    op.create_table(
        "plans",
        sa.Column("plan_id", sa.Text(), nullable=False),
        sa.Column("name_fr", sa.Text(), nullable=False),
        sa.Column("name_en", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("tier", sa.BigInteger(), nullable=False),
        sa.Column("data_gb", sa.Double(), nullable=False),
        sa.Column("monthly_price", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("plan_id"),
    )
    op.create_table(
        "promotions",
        sa.Column("promotion_id", sa.Text(), nullable=False),
        sa.Column("name_fr", sa.Text(), nullable=False),
        sa.Column("name_en", sa.Text(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("promotion_id"),
    )
    op.create_table(
        "store_meta",
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "cases",
        sa.Column("case_id", sa.Text(), nullable=False),
        sa.Column("customer_id", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.customer_id"],
        ),
        sa.PrimaryKeyConstraint("case_id"),
    )
    op.create_index("ix_cases_customer_id", "cases", ["customer_id"], unique=False)
    op.create_table(
        "consent",
        sa.Column("customer_id", sa.Text(), nullable=False),
        sa.Column("national_dnc", sa.Boolean(), nullable=False),
        sa.Column("national_dnc_snapshot", sa.Date(), nullable=False),
        sa.Column("internal_dnc_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("internal_dnc_channel", sa.Text(), nullable=True),
        sa.Column("optin_phone", sa.Boolean(), nullable=False),
        sa.Column("optin_sms", sa.Boolean(), nullable=False),
        sa.Column("optin_email", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.customer_id"],
        ),
        sa.PrimaryKeyConstraint("customer_id"),
    )
    op.create_table(
        "contacts",
        sa.Column("contact_id", sa.Text(), nullable=False),
        sa.Column("customer_id", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.Text(), nullable=False),
        sa.Column("campaign_id", sa.Text(), nullable=False),
        sa.Column("offer_id", sa.Text(), nullable=True),
        sa.Column("group", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("converted", sa.Boolean(), nullable=False),
        sa.Column("silence_seconds", sa.Double(), nullable=True),
        sa.Column("agent_id", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.customer_id"],
        ),
        sa.PrimaryKeyConstraint("contact_id"),
    )
    op.create_index("ix_contacts_customer_id", "contacts", ["customer_id"], unique=False)
    op.create_table(
        "lines",
        sa.Column("line_id", sa.Text(), nullable=False),
        sa.Column("customer_id", sa.Text(), nullable=False),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        sa.Column("user_label", sa.Text(), nullable=True),
        sa.Column("plan_id", sa.Text(), nullable=False),
        sa.Column("device_make", sa.Text(), nullable=False),
        sa.Column("device_model", sa.Text(), nullable=False),
        sa.Column("device_os", sa.Text(), nullable=False),
        sa.Column("device_purchase_date", sa.Date(), nullable=False),
        sa.Column("financing_end_date", sa.Date(), nullable=True),
        sa.Column("data_usage_gb_m1", sa.Double(), nullable=False),
        sa.Column("data_usage_gb_m2", sa.Double(), nullable=False),
        sa.Column("data_usage_gb_m3", sa.Double(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.customer_id"],
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plans.plan_id"],
        ),
        sa.PrimaryKeyConstraint("line_id"),
    )
    op.create_index("ix_lines_customer_id", "lines", ["customer_id"], unique=False)
    op.create_table(
        "preferences",
        sa.Column("customer_id", sa.Text(), nullable=False),
        sa.Column("channels_accepted", sa.Text(), nullable=False),
        sa.Column("preferred_start", sa.Time(), nullable=True),
        sa.Column("preferred_end", sa.Time(), nullable=True),
        sa.Column("contact_only_on_request", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.customer_id"],
        ),
        sa.PrimaryKeyConstraint("customer_id"),
    )
    op.create_table(
        "self_service",
        sa.Column("customer_id", sa.Text(), nullable=False),
        sa.Column("app_logins_90d", sa.BigInteger(), nullable=False),
        sa.Column("inbound_contacts_90d", sa.BigInteger(), nullable=False),
        sa.Column("online_purchases_12m", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.customer_id"],
        ),
        sa.PrimaryKeyConstraint("customer_id"),
    )
    op.create_table(
        "promotion_events",
        sa.Column("customer_id", sa.Text(), nullable=False),
        sa.Column("promotion_id", sa.Text(), nullable=False),
        sa.Column("event", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("place", sa.Text(), nullable=True),
        sa.Column("line_id", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.customer_id"],
        ),
        sa.ForeignKeyConstraint(
            ["line_id"],
            ["lines.line_id"],
        ),
        sa.ForeignKeyConstraint(
            ["promotion_id"],
            ["promotions.promotion_id"],
        ),
        sa.PrimaryKeyConstraint("customer_id", "promotion_id", "event", "at"),
    )


def downgrade() -> None:
    op.drop_table("promotion_events")
    op.drop_table("self_service")
    op.drop_table("preferences")
    op.drop_index("ix_lines_customer_id", table_name="lines")
    op.drop_table("lines")
    op.drop_index("ix_contacts_customer_id", table_name="contacts")
    op.drop_table("contacts")
    op.drop_table("consent")
    op.drop_index("ix_cases_customer_id", table_name="cases")
    op.drop_table("cases")
    op.drop_table("store_meta")
    op.drop_table("promotions")
    op.drop_table("plans")
    op.drop_table("customers")
