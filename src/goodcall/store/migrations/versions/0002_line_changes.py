"""line_changes: earlier states of a line (plan and device until a change).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03 06:50:23.318569
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "line_changes",
        sa.Column("line_id", sa.Text(), nullable=False),
        sa.Column("customer_id", sa.Text(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("plan_id", sa.Text(), nullable=False),
        sa.Column("device_make", sa.Text(), nullable=False),
        sa.Column("device_model", sa.Text(), nullable=False),
        sa.Column("device_os", sa.Text(), nullable=False),
        sa.Column("device_purchase_date", sa.Date(), nullable=False),
        sa.Column("financing_end_date", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.customer_id"],
        ),
        sa.ForeignKeyConstraint(
            ["line_id"],
            ["lines.line_id"],
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plans.plan_id"],
        ),
        sa.PrimaryKeyConstraint("line_id", "changed_at"),
    )
    op.create_index("ix_line_changes_customer_id", "line_changes", ["customer_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_line_changes_customer_id", table_name="line_changes")
    op.drop_table("line_changes")
