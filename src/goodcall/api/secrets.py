"""Passwords and API keys, stored only as hashes (Python's ``hashlib``).

Passwords are hashed with scrypt (memory-hard, per-user random salt; parameters kept in the
stored string so they can be raised later). An API key is ``gc_<key id>_<secret>``: the key id
finds the row, the secret is 32 random bytes — with that much entropy a plain SHA-256 cannot be
reversed by guessing, and checking it costs microseconds, not scrypt's tens of milliseconds on
every request. Comparisons are constant-time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
KEY_PREFIX = "gc"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hash_password(password: str) -> str:
    """``scrypt$n$r$p$salt$hash``."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32
    )
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str | None) -> bool:
    if not stored:
        return False
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        again = hashlib.scrypt(
            password.encode(), salt=_unb64(salt), n=int(n), r=int(r), p=int(p), dklen=32
        )
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(again, _unb64(digest))


def new_api_key() -> tuple[str, str, str]:
    """``(key_id, token to give the user once, hash to store)``."""
    key_id = secrets.token_hex(6)
    secret = _b64(secrets.token_bytes(32))
    return key_id, f"{KEY_PREFIX}_{key_id}_{secret}", key_hash(secret)


def key_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def split_key(token: str) -> tuple[str, str] | None:
    """``(key_id, secret)`` of a well-formed token, else None."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


def key_matches(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(key_hash(secret), stored_hash)
