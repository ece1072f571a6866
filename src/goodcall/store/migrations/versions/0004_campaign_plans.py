"""campaign_plans: every campaign run's plan (its plan.json), for explain and brief.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 22:55:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "campaign_plans",
        sa.Column("plan_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("campaign_id", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("out_dir", sa.Text(), nullable=False),
        sa.Column("plan", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("plan_id"),
    )
    op.create_index("ix_campaign_plans_decided_at", "campaign_plans", ["decided_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_campaign_plans_decided_at", table_name="campaign_plans")
    op.drop_table("campaign_plans")
