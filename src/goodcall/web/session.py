"""The pages' session: who is logged in, and the CSRF token every change must carry.

The session is a signed cookie (Starlette's ``SessionMiddleware``: HttpOnly, SameSite=strict);
it holds the user id and a random token. A form sends the token as the ``csrf`` field, an htmx
request as the ``X-CSRF-Token`` header (set once on the page's body); a change whose token does
not match is refused (403), so another site cannot make a logged-in agent's browser record
outcomes.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import HTTPException, Request

from goodcall.api.access import Principal
from goodcall.api.service import Service, principal
from goodcall.store.users import get_user

CSRF_HEADER = "x-csrf-token"


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def check_csrf(request: Request, sent: str | None) -> None:
    expected = request.session.get("csrf")
    given = sent or request.headers.get(CSRF_HEADER)
    if not (isinstance(expected, str) and given and hmac.compare_digest(expected, given)):
        raise HTTPException(403, "missing or wrong CSRF token: reload the page")


def session_user(request: Request, service: Service) -> Principal | None:
    user_id = request.session.get("user_id")
    if not isinstance(user_id, str):
        return None
    user = get_user(service.engine, user_id)
    return None if user is None else principal(user)


def log_in(request: Request, user_id: str) -> None:
    """A new session for the user (a fresh CSRF token: no token from before the login)."""
    request.session.clear()
    request.session["user_id"] = user_id
    csrf_token(request)
