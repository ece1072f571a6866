"""Schema migrations, run programmatically with Alembic.

The migration scripts live in ``goodcall/store/migrations/versions``; ``upgrade`` brings a store
to the newest schema and is called by ``goodcall db upgrade`` and before every import, so a
store made by an older goodcall is migrated, never silently misread.
"""

from __future__ import annotations

import functools
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(connection: sa.Connection | None = None) -> Config:
    """An Alembic config pointing at goodcall's migrations (and at ``connection``, if given)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@functools.cache
def head_revision() -> str:
    """The newest migration shipped with this goodcall (read from the scripts once per process:
    they ship with the package, and reading them costs milliseconds, which every keyed read of
    the service would otherwise pay)."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no migration scripts found in {MIGRATIONS_DIR}")
    return head


_VERSIONS = sa.text("SELECT version_num FROM alembic_version")


def current_revision(engine: sa.Engine) -> str | None:
    """The migration the store is at (None for an empty database).

    One plain query of Alembic's version table (the service's health check and every read of
    the campaign plans ask): anything else than exactly one row — no table, an empty one,
    several heads — is left to Alembic's own answer."""
    with engine.connect() as connection:
        try:
            versions = connection.execute(_VERSIONS).scalars().all()
        except sa.exc.DBAPIError:
            connection.rollback()
            versions = []
        if len(versions) == 1:
            return str(versions[0])
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: sa.Engine, revision: str = "head") -> None:
    """Migrate the store to ``revision`` (the newest by default), in one transaction."""
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def downgrade(engine: sa.Engine, revision: str) -> None:
    """Migrate the store back to ``revision`` ("base" removes every goodcall table)."""
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), revision)


class StoreNotReadyError(RuntimeError):
    """The store has no goodcall tables yet, or an older schema than this goodcall reads."""


def require_current(engine: sa.Engine, shown: str) -> None:
    """Refuse to read a store that is empty or not at the newest schema (``shown``: its URL)."""
    current, head = current_revision(engine), head_revision()
    if current is None:
        raise StoreNotReadyError(
            f"the store at {shown} is empty: run `goodcall import DIR` (or `goodcall db upgrade`)"
        )
    if current != head:
        raise StoreNotReadyError(
            f"the store at {shown} is at schema {current}, this goodcall reads {head}: "
            "run `goodcall db upgrade`"
        )
