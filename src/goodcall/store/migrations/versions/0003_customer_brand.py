"""customers.brand: the brand (subsidiary) a customer belongs to; null is the default brand.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 21:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.add_column("customers", sa.Column("brand", sa.Text(), nullable=True))


def downgrade() -> None:
    # Plain ALTER TABLE (SQLite >= 3.35, PostgreSQL): a batch copy of `customers` would fail on
    # the foreign keys of the tables pointing at it.
    op.execute("ALTER TABLE customers DROP COLUMN brand")
