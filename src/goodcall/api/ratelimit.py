"""Request-rate limits per user: a token bucket per user id, in each worker's memory.

A user may send ``burst`` requests at once and ``per_second`` on average; beyond, 429 with
``Retry-After``. Per worker: with N workers a user gets at most N times the rate, which is what a
guard against a runaway script needs (a shared limit would put a store round-trip on every
request).
"""

from __future__ import annotations

import math
import threading
import time


class RateLimiter:
    def __init__(self, per_second: float, burst: int) -> None:
        self.per_second, self.burst = per_second, burst
        self._buckets: dict[str, tuple[float, float]] = {}  # user → (tokens, at)
        self._lock = threading.Lock()

    def wait_for(self, user: str, now: float | None = None) -> float:
        """0 when the request may go now (and takes a token), else the seconds to wait."""
        if self.per_second <= 0:
            return 0.0
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.get(user, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.per_second)
            if tokens >= 1.0:
                self._buckets[user] = (tokens - 1.0, now)
                return 0.0
            self._buckets[user] = (tokens, now)
            return (1.0 - tokens) / self.per_second


def retry_after(seconds: float) -> str:
    return str(max(1, math.ceil(seconds)))
