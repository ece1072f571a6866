"""Making a user: the one place the command line and ``POST /v1/users`` both call."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from goodcall.api.schemas import UserRequest
from goodcall.api.secrets import hash_password, new_api_key
from goodcall.store.users import StoredUser, add_key, add_user


def create_user(engine: sa.Engine, request: UserRequest, at: dt.datetime) -> str:
    """Store the user (password hashed) and a new API key; the key's token is returned, the
    only time it is ever seen."""
    add_user(
        engine,
        StoredUser(
            user_id=request.user_id,
            role=request.role,
            display_name=request.display_name,
            languages=tuple(request.languages),
            ui_language=request.ui_language,
            password_hash=None if request.password is None else hash_password(request.password),
        ),
        at,
    )
    key_id, token, stored = new_api_key()
    add_key(engine, key_id, request.user_id, stored, at)
    return token
