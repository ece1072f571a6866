"""contacts.outcome ``abandoned``: a call a person answered with no live agent in time.

Before this schema, ``goodcall simulate day`` stored an abandoned call as ``no_answer`` with its
``silence_seconds`` (the import format had no abandoned outcome). ``silence_seconds`` is only
ever set when a person said hello, and ``no_answer`` says no conversation followed: such a row is
an abandoned call, and upgrading names it so. Downgrading names every ``abandoned`` row
``no_answer`` again (its silence is kept, so the next upgrade finds it); an abandoned call
recorded without its silence would come back as a plain ``no_answer``.

The column stays text (no database constraint lists the outcomes: the import and the service
validate them), so no table changes.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 01:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None

_CONTACTS = sa.table(
    "contacts",
    sa.column("outcome", sa.Text()),
    sa.column("channel", sa.Text()),
    sa.column("silence_seconds", sa.Double()),
)


def upgrade() -> None:
    c = _CONTACTS.c
    op.execute(
        sa.update(_CONTACTS)
        .where((c.outcome == "no_answer") & (c.channel == "phone") & c.silence_seconds.is_not(None))
        .values(outcome="abandoned")
    )


def downgrade() -> None:
    c = _CONTACTS.c
    op.execute(sa.update(_CONTACTS).where(c.outcome == "abandoned").values(outcome="no_answer"))
