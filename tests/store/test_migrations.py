"""The Alembic migrations create exactly the tables the metadata declares, on both backends."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from goodcall.profiles.fixtures import seed_customer_tables
from goodcall.profiles.schema import TABLES
from goodcall.store.config import engine_for
from goodcall.store.importer import import_directory
from goodcall.store.migrate import current_revision, downgrade, head_revision, upgrade
from goodcall.store.plans import latest_plan, recording_plan
from goodcall.store.tables import metadata, store_meta
from tests.store.conftest import write_dir

SERVICE_TABLES = ("users", "api_keys", "access_log", "outcome_requests")  # schema 0005


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
        assert {t.name for t in TABLES} | {
            "store_meta",
            "campaign_plans",
            "alembic_version",
            *SERVICE_TABLES,
        } == names
        upgrade(engine)  # idempotent
        downgrade(engine, "base")
        with engine.connect() as connection:
            assert set(sa.inspect(connection).get_table_names()) == {"alembic_version"}
    finally:
        engine.dispose()


def test_store_of_the_first_schema_gains_line_changes_and_keeps_its_rows(
    store_url: str, tmp_path: Path
) -> None:
    """A store made before ``line_changes`` existed (schema 0001): importing migrates it (its
    rows stay), and downgrading to 0001 removes only that table."""
    _, engine = engine_for(store_url)
    try:
        upgrade(engine, "0001")
        with engine.connect() as connection:
            assert "line_changes" not in sa.inspect(connection).get_table_names()
        with engine.begin() as connection:
            connection.execute(sa.insert(store_meta), [{"key": "kept", "value": "yes"}])
        seed = seed_customer_tables()
        assert import_directory(write_dir(seed, tmp_path / "in"), store_url).landed
        assert current_revision(engine) == head_revision()
        with engine.connect() as connection:
            kept = connection.execute(
                sa.select(store_meta.c.value).where(store_meta.c.key == "kept")
            )
            assert kept.scalar_one() == "yes"
        downgrade(engine, "0001")  # and campaign_plans (0004) and the service's (0005) with it
        with engine.connect() as connection:
            names = set(sa.inspect(connection).get_table_names())
        assert names == {t.name for t in TABLES if t.name != "line_changes"} | {
            "store_meta",
            "alembic_version",
        }
    finally:
        engine.dispose()


def test_store_of_schema_0002_gains_customers_brand_and_keeps_its_customers(
    store_url: str, tmp_path: Path
) -> None:
    """A store made before ``customers.brand`` (schema 0002): its customers stay, with no brand
    (the default brand); downgrading to 0002 removes only that column."""
    _, engine = engine_for(store_url)
    try:
        upgrade(engine, "0002")
        with engine.begin() as connection:
            assert "brand" not in {
                c["name"] for c in sa.inspect(connection).get_columns("customers")
            }
            connection.execute(
                sa.text(
                    "INSERT INTO customers (customer_id, first_name, last_name, phone, country, "
                    "region, time_zone, language, register, register_source, customer_since, "
                    "monthly_revenue, value) VALUES ('C1', 'Léa', 'Roy', '+15145550100', 'CA', "
                    "'QC', 'America/Montreal', 'fr-CA', 'formal', 'default', '2020-01-01', 50, 900)"
                )
            )
        upgrade(engine, "0003")
        assert current_revision(engine) == "0003"
        with engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT customer_id, brand FROM customers")).all()
        assert [tuple(r) for r in rows] == [("C1", None)]
        downgrade(engine, "0002")
        with engine.connect() as connection:
            columns = {c["name"] for c in sa.inspect(connection).get_columns("customers")}
            kept = connection.execute(sa.text("SELECT customer_id FROM customers")).scalar_one()
        assert "brand" not in columns and "value" in columns
        assert kept == "C1"
    finally:
        engine.dispose()


def test_store_of_schema_0003_gains_campaign_plans_and_a_plan_survives_down_and_up(
    store_url: str, tmp_path: Path
) -> None:
    """A store of schema 0003 (before ``campaign_plans``): upgrading keeps its rows and adds the
    table; a recorded plan reads back exactly; downgrading to 0003 removes only that table and
    keeps the customers; upgrading again gives an empty ``campaign_plans``."""
    _, engine = engine_for(store_url)
    try:
        assert import_directory(write_dir(seed_customer_tables(), tmp_path / "in"), store_url)
        downgrade(engine, "0003")
        with engine.connect() as connection:
            assert "campaign_plans" not in sa.inspect(connection).get_table_names()
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        decided = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)
        written = dt.datetime(2026, 11, 20, 16, 30, 5, 123456, tzinfo=dt.UTC)
        with recording_plan(
            store_url, campaign_id="Q4", decided_at=decided, out_dir="/x/q4",
            plan='{"a": "é"}', written_at=written,
        ) as recorded:  # fmt: skip
            pass
        at = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
        found = latest_plan(store_url, at)  # the same instant as `decided`, in another zone
        assert found == recorded
        assert (found.plan_id, found.decided_at, found.written_at, found.plan) == (
            1,
            decided,
            written,
            '{"a": "é"}',
        )
        downgrade(engine, "0003")
        with engine.connect() as connection:
            names = set(sa.inspect(connection).get_table_names())
            kept = connection.execute(sa.text("SELECT customer_id FROM customers")).scalar_one()
        assert "campaign_plans" not in names and "customers" in names
        assert kept == "C-SEED-0001"
        upgrade(engine)
        assert latest_plan(store_url, at) is None
    finally:
        engine.dispose()


def test_store_of_schema_0004_gains_the_service_tables_and_loses_only_them(
    store_url: str, tmp_path: Path
) -> None:
    """Schema 0005 adds the service's tables; downgrading to 0004 removes exactly those."""
    _, engine = engine_for(store_url)
    try:
        assert import_directory(write_dir(seed_customer_tables(), tmp_path / "in"), store_url)
        with engine.connect() as connection:
            before = set(sa.inspect(connection).get_table_names())
        downgrade(engine, "0004")
        with engine.connect() as connection:
            after = set(sa.inspect(connection).get_table_names())
            kept = connection.execute(sa.text("SELECT customer_id FROM customers")).scalar_one()
        assert before - after == set(SERVICE_TABLES)
        assert kept == "C-SEED-0001"
    finally:
        engine.dispose()


def test_schema_0007_names_the_abandoned_calls_stored_as_no_answer(
    store_url: str, tmp_path: Path
) -> None:
    """Before 0007 an abandoned call was a ``no_answer`` with its silence after the hello (only
    a person's hello has one): upgrading names exactly those ``abandoned`` — not a silent
    no-answer, not a conversation after a long silence, not a message; downgrading gives them
    back their old name."""
    _, engine = engine_for(store_url)
    rows = [  # contact, channel, outcome, silence
        ("K-1", "phone", "no_answer", 2.0),  # the dialler dropped it at 2 s: abandoned
        ("K-2", "phone", "no_answer", None),  # nobody answered
        ("K-3", "phone", "accepted", 9.5),  # an agent came late, they talked
        ("K-4", "sms", "no_answer", 0.0),  # not a call
        ("K-5", "phone", "voicemail", None),
    ]
    try:
        assert import_directory(write_dir(seed_customer_tables(), tmp_path / "in"), store_url)
        downgrade(engine, "0006")
        insert = sa.text(
            'INSERT INTO contacts (contact_id, customer_id, at, channel, campaign_id, "group", '
            "outcome, converted, silence_seconds) VALUES (:id, 'C-SEED-0001', :at, :channel, "
            "'SIM', 'treatment', :outcome, false, :silence)"
        )
        at = dt.datetime(2026, 11, 20, 15, tzinfo=dt.UTC)
        with engine.begin() as connection:
            for contact, channel, outcome, silence in rows:
                values = {"id": contact, "channel": channel, "outcome": outcome}
                connection.execute(insert, {**values, "silence": silence, "at": at})

        def outcomes() -> dict[str, str]:
            query = "SELECT contact_id, outcome FROM contacts WHERE contact_id LIKE 'K-_'"
            with engine.connect() as connection:
                return {r[0]: r[1] for r in connection.execute(sa.text(query))}

        upgrade(engine)
        assert current_revision(engine) == head_revision() == "0007"
        assert outcomes() == {"K-1": "abandoned", "K-2": "no_answer", "K-3": "accepted",
                              "K-4": "no_answer", "K-5": "voicemail"}  # fmt: skip
        downgrade(engine, "0006")
        assert outcomes() == {r[0]: r[2] for r in rows}
    finally:
        engine.dispose()
