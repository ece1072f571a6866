"""The service's users, their API keys and the access log, in the store.

Only hashes of passwords and key secrets are kept here; hashing and checking them is the
service's business (:mod:`goodcall.api.secrets`). Each function commits before it returns.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from goodcall.store.config import writing
from goodcall.store.tables import access_log, api_keys, users


class UserExistsError(ValueError):
    """A user with this id is already in the store."""


@dataclass(frozen=True)
class StoredUser:
    user_id: str
    role: str
    display_name: str
    languages: tuple[str, ...]
    ui_language: str
    password_hash: str | None


def _user(row: sa.Row[tuple[object, ...]]) -> StoredUser:
    m = row._mapping
    languages = str(m["languages"])
    return StoredUser(
        user_id=str(m["user_id"]),
        role=str(m["role"]),
        display_name=str(m["display_name"]),
        languages=tuple(x for x in languages.split(";") if x),
        ui_language=str(m["ui_language"]),
        password_hash=None if m["password_hash"] is None else str(m["password_hash"]),
    )


def add_user(engine: sa.Engine, user: StoredUser, at: dt.datetime) -> None:
    with writing(engine).begin() as connection:
        if get_user_on(connection, user.user_id) is not None:
            raise UserExistsError(user.user_id)
        connection.execute(
            sa.insert(users).values(
                user_id=user.user_id,
                role=user.role,
                display_name=user.display_name,
                languages=";".join(user.languages),
                ui_language=user.ui_language,
                password_hash=user.password_hash,
                created_at=at,
            )
        )


def get_user_on(connection: sa.Connection, user_id: str) -> StoredUser | None:
    row = connection.execute(sa.select(users).where(users.c.user_id == user_id)).first()
    return None if row is None else _user(row)


def get_user(engine: sa.Engine, user_id: str) -> StoredUser | None:
    with engine.connect() as connection:
        return get_user_on(connection, user_id)


def add_key(engine: sa.Engine, key_id: str, user_id: str, key_hash: str, at: dt.datetime) -> None:
    with writing(engine).begin() as connection:
        connection.execute(
            sa.insert(api_keys).values(
                key_id=key_id, user_id=user_id, key_hash=key_hash, created_at=at
            )
        )


def key_owner(engine: sa.Engine, key_id: str) -> tuple[str, StoredUser] | None:
    """The key's stored hash and its user (None: no such key)."""
    query = sa.select(api_keys.c.key_hash, users).join(users, users.c.user_id == api_keys.c.user_id)
    with engine.connect() as connection:
        row = connection.execute(query.where(api_keys.c.key_id == key_id)).first()
    if row is None:
        return None
    return str(row.key_hash), _user(row)


def log_access(
    engine: sa.Engine, user_id: str, action: str, customer_id: str, at: dt.datetime
) -> None:
    """One line of the access log: ``user_id`` read ``customer_id``'s ``action`` (profile,
    brief, decision)."""
    with writing(engine).begin() as connection:
        connection.execute(
            sa.insert(access_log).values(
                at=at, user_id=user_id, action=action, customer_id=customer_id
            )
        )


def access_entries(
    engine: sa.Engine,
    customer_id: str | None = None,
    *,
    user_id: str | None = None,
    limit: int | None = None,
) -> Sequence[tuple[dt.datetime, str, str, str]]:
    """``(at, user_id, action, customer_id)`` in the order written (with ``limit``: the latest
    ``limit`` of them, still in that order)."""
    log = access_log.c
    query = sa.select(log.at, log.user_id, log.action, log.customer_id, log.entry_id)
    if customer_id is not None:
        query = query.where(log.customer_id == customer_id)
    if user_id is not None:
        query = query.where(log.user_id == user_id)
    if limit is not None:
        query = query.order_by(log.entry_id.desc()).limit(limit)
    with engine.connect() as connection:
        rows = [tuple(r) for r in connection.execute(query)]
    rows.sort(key=lambda r: r[4])
    return [r[:4] for r in rows]  # type: ignore[misc, unused-ignore]
