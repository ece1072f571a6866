"""The Alembic migrations create exactly the tables the metadata declares, on both backends."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from goodcall.profiles.schema import TABLES
from goodcall.store.config import engine_for
from goodcall.store.migrate import current_revision, downgrade, head_revision, upgrade
from goodcall.store.tables import metadata


def test_upgrade_matches_metadata_and_downgrade_removes(store_url: str) -> None:
    _, engine = engine_for(store_url)
    try:
        assert current_revision(engine) is None
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, metadata) == []
            names = set(sa.inspect(connection).get_table_names())
        assert {t.name for t in TABLES} | {"store_meta", "alembic_version"} == names
        upgrade(engine)  # idempotent
        downgrade(engine, "base")
        with engine.connect() as connection:
            assert set(sa.inspect(connection).get_table_names()) == {"alembic_version"}
    finally:
        engine.dispose()
