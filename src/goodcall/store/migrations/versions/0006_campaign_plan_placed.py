"""campaign_plans.placed: a plan is recorded before its campaign folder is put in place.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 21:55:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("campaign_plans") as batch:
        batch.add_column(
            sa.Column("placed", sa.Boolean(), nullable=False, server_default=sa.true())
        )


def downgrade() -> None:
    with op.batch_alter_table("campaign_plans") as batch:
        batch.drop_column("placed")
