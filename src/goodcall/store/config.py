"""Where the store lives: a URL resolved once, and the engine built from it on demand.

The URL comes from an explicit ``--db`` option, else ``GOODCALL_DB_URL``, else a SQLite file
``goodcall.db`` in the current directory, so nothing has to be started for a first try.
No engine is built at import time, and the PostgreSQL driver is imported only when a
PostgreSQL URL is used (it is the optional extra ``goodcall[postgres]``).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_URL = "sqlite:///goodcall.db"
WRITER_OPTION = "goodcall_writer"
"""Execution option of a connection whose transaction writes (SQLite: ``BEGIN IMMEDIATE``)."""
BUSY_TIMEOUT_MS = 30_000
"""How long a SQLite writer waits for another one to finish before it gives up."""
StoreType = Literal["sqlite", "postgres"]

# Schemes a user may type, mapped to the SQLAlchemy driver goodcall uses for them.
_SCHEMES: dict[str, tuple[StoreType, str]] = {
    "sqlite": ("sqlite", "sqlite"),
    "sqlite+pysqlite": ("sqlite", "sqlite+pysqlite"),
    "postgres": ("postgres", "postgresql+psycopg"),
    "postgresql": ("postgres", "postgresql+psycopg"),
    "postgresql+psycopg": ("postgres", "postgresql+psycopg"),
}


class StoreSettings(BaseSettings):
    """Settings read from the environment (``GOODCALL_DB_URL``)."""

    model_config = SettingsConfigDict(env_prefix="GOODCALL_", extra="ignore")

    db_url: str = DEFAULT_URL


class StoreConfig(BaseModel):
    """A resolved store location: its backend and its SQLAlchemy URL."""

    model_config = ConfigDict(frozen=True)

    type: StoreType
    url: str = Field(description="SQLAlchemy URL, with the driver goodcall uses.")

    @field_validator("url")
    @classmethod
    def _url_parses(cls, value: str) -> str:
        sa.engine.make_url(value)
        return value

    @classmethod
    def from_url(cls, url: str | None = None) -> StoreConfig:
        """The config for ``url``, or for ``GOODCALL_DB_URL`` / the default when it is None."""
        raw = url if url else StoreSettings().db_url
        scheme, sep, rest = raw.partition("://")
        if not sep or scheme not in _SCHEMES:
            known = ", ".join(sorted(_SCHEMES))
            raise ValueError(f"unsupported store URL {raw!r}: the scheme must be one of {known}")
        store_type, driver = _SCHEMES[scheme]
        return cls(type=store_type, url=f"{driver}://{rest}")

    @property
    def display_url(self) -> str:
        """The URL with any password hidden, for messages."""
        return sa.engine.make_url(self.url).render_as_string(hide_password=True)


def _sqlite_engine(config: StoreConfig) -> sa.Engine:
    engine = sa.create_engine(config.url)

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide where transactions begin, so a whole import
        # (and a consistent read) is one real transaction; see SQLAlchemy's pysqlite notes.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA temp_store=MEMORY")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        # A writer (an import) takes the write lock at BEGIN: SQLite cannot wait for a lock it
        # would need to upgrade a read transaction to, it answers "database is locked" at once.
        immediate = connection.get_execution_options().get(WRITER_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _postgres_engine(config: StoreConfig) -> sa.Engine:
    if importlib.util.find_spec("psycopg") is None:
        raise RuntimeError(
            "a PostgreSQL store needs the psycopg driver: pip install 'goodcall[postgres]'"
        )
    engine = sa.create_engine(config.url)

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Timestamps cross the wire in UTC whatever the server's default time zone is.
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET TIME ZONE 'UTC'")
        dbapi_connection.commit()

    return engine


def create_store_engine(config: StoreConfig) -> sa.Engine:
    """Build the SQLAlchemy engine for ``config`` (the only place engines are made)."""
    if config.type == "sqlite":
        return _sqlite_engine(config)
    return _postgres_engine(config)


def engine_for(url: str | None = None) -> tuple[StoreConfig, sa.Engine]:
    """Resolve ``url`` (or the environment) and build its engine."""
    config = StoreConfig.from_url(url)
    return config, create_store_engine(config)


class StoreUnavailableError(RuntimeError):
    """The store cannot be opened or used: a bad ``--db``, a database another import is
    writing to, a server that does not answer."""


@contextmanager
def store_errors(shown: str) -> Iterator[None]:
    """Turn the driver's failure to open or lock the store at ``shown`` (its display URL) into
    a :class:`StoreUnavailableError` worded for the user."""
    from goodcall.output import cut

    try:
        yield
    except (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.ArgumentError) as err:
        orig = getattr(err, "orig", None) or err
        reason = " ".join(str(orig).split())
        if "locked" in reason or "busy" in reason:
            seconds = BUSY_TIMEOUT_MS / 1000
            reason += f" (another goodcall has been writing to it for {seconds:g} s; try again"
            reason += " later)"
        raise StoreUnavailableError(f"cannot use the store at {shown}: {cut(reason, 200)}") from err


def writing(engine: sa.Engine) -> sa.Engine:
    """``engine`` for transactions that read then write (a service's small writes): on SQLite
    they begin IMMEDIATE, so concurrent writers queue on the busy timeout; PostgreSQL ignores it."""
    return engine.execution_options(**{WRITER_OPTION: True})
