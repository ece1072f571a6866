"""Alembic environment: migrations run on the connection goodcall hands over.

goodcall runs migrations programmatically (``goodcall db upgrade``, and before every import),
so there is no ``alembic.ini`` and no URL here: :mod:`goodcall.store.migrate` passes an open
connection in ``config.attributes["connection"]``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from goodcall.store.tables import metadata


def _run(connection: sa.Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("goodcall migrations run through goodcall.store.migrate, with a connection")
_run(connection)
