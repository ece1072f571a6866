"""API keys already verified, kept for a few seconds so that a client's requests do not each read
the store to authenticate.

What is kept is the user a key was verified for, found by the SHA-256 digest of the whole token
(never the token itself), for :data:`KEY_CACHE_SECONDS` after it was read from the store, in the
worker's memory. Only a key the store confirmed is kept: a wrong or unknown key is looked up
every time. A key deleted from the store, or a user whose role changed, is therefore seen by
each worker within that time at most; 0 turns the cache off (every request reads the store).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from goodcall.api.access import Principal

KEY_CACHE_SECONDS = 10.0
"""How long a verified key is believed without asking the store again."""
KEY_CACHE_SIZE = 1024
"""The most keys kept per worker (the least recently used go first)."""


class KeyCache:
    """Users of recently verified keys (see the module docstring). Thread-safe."""

    def __init__(
        self,
        seconds: float = KEY_CACHE_SECONDS,
        *,
        size: int = KEY_CACHE_SIZE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.seconds, self.size, self._clock = seconds, size, clock
        self._kept: OrderedDict[bytes, tuple[float, Principal]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, token: str) -> Principal | None:
        """The user ``token`` was verified for, if that was less than ``seconds`` ago."""
        if self.seconds <= 0:
            return None
        digest = _digest(token)
        with self._lock:
            kept = self._kept.get(digest)
            if kept is None:
                return None
            if self._clock() - kept[0] >= self.seconds:
                del self._kept[digest]
                return None
            self._kept.move_to_end(digest)
            return kept[1]

    def put(self, token: str, user: Principal) -> None:
        """``token`` was just verified, for ``user``."""
        if self.seconds <= 0:
            return
        digest = _digest(token)
        with self._lock:
            self._kept[digest] = (self._clock(), user)
            self._kept.move_to_end(digest)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)

    def __len__(self) -> int:
        return len(self._kept)


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()
