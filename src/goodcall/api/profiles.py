"""Profiles for live decisions: a keyed read of the store, and the profiles already built.

A profile is the customer's store rows folded *as known at a moment*
(:func:`goodcall.profiles.build.build_profiles`): the same customer at another moment is another
profile, so profiles are kept by (customer, moment). One is kept only when its moment was at
least :data:`SETTLED` before it was read — every write the service stamps at or before that
moment (an outcome, a do-not-call request: stamped with the service's now) has committed by then
— so a kept profile is the one a new read would give. Moments still that close to now (a
request without ``at`` is decided *now*) are read each time. A write of this worker forgets the
customer's kept profiles at once (:meth:`ProfileSource.forget`), and every kept profile is
dropped after :data:`KEEP_SECONDS`, so an import is seen within that time.

The keyed reader (:class:`goodcall.store.keyed.ProfileReader`) is made on first use — the
service starts on a store that may not be ready yet — and re-reads the catalog-wide tables
(``plans``, ``promotions``) every :data:`KEEP_SECONDS`.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence

import polars as pl

from goodcall.store.keyed import ProfileReader

SETTLED = dt.timedelta(seconds=60)
"""How long before its read a profile's moment must be for the profile to be kept."""
KEEP_SECONDS = 60.0
"""How long a kept profile, and the reader's catalog-wide tables, are used."""


class ProfileSource:
    """Profile rows of customers at a moment, read by key and kept (see the module docstring).

    Thread-safe: a worker's requests share it."""

    def __init__(
        self,
        url: str | None,
        now: Callable[[], dt.datetime],
        *,
        size: int = 4096,
        keep_seconds: float = KEEP_SECONDS,
    ) -> None:
        self._url, self._now, self.size, self.keep_seconds = url, now, size, keep_seconds
        self._reader: ProfileReader | None = None
        self._refreshed = 0.0
        self._lock = threading.Lock()
        self._kept: OrderedDict[tuple[str, dt.datetime], tuple[float, pl.DataFrame]] = OrderedDict()
        self.hits = 0
        self.reads = 0

    def read(self, customer_ids: Sequence[str], at: dt.datetime) -> pl.DataFrame:
        """The profile rows of ``customer_ids`` at ``at`` (none for an unknown id), one per
        customer, in no particular order."""
        wanted = list(dict.fromkeys(customer_ids))
        clock = time.monotonic()
        found: list[pl.DataFrame] = []
        missing: list[str] = []
        with self._lock:
            for cid in wanted:
                kept = self._kept.get((cid, at))
                if kept is not None and clock - kept[0] < self.keep_seconds:
                    self._kept.move_to_end((cid, at))
                    found.append(kept[1])
                else:
                    missing.append(cid)
            self.hits += len(wanted) - len(missing)
        if missing:
            rows = self._keyed().read(missing, at)
            found.append(rows)
            if at + SETTLED <= self._now():
                self._keep(rows, at, clock)
        if len(found) == 1:
            return found[0]
        return pl.concat(found, how="vertical_relaxed")

    def forget(self, customer_id: str) -> None:
        """Drop the customer's kept profiles: something was written about them."""
        with self._lock:
            for key in [k for k in self._kept if k[0] == customer_id]:
                del self._kept[key]

    def close(self) -> None:
        with self._lock:
            reader, self._reader = self._reader, None
        if reader is not None:
            reader.close()

    def _keep(self, rows: pl.DataFrame, at: dt.datetime, clock: float) -> None:
        ids = rows["customer_id"].to_list()
        with self._lock:
            for k, cid in enumerate(ids):
                self._kept[(cid, at)] = (clock, rows.slice(k, 1))
                self._kept.move_to_end((cid, at))
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)

    def _keyed(self) -> ProfileReader:
        with self._lock:
            clock = time.monotonic()
            if self._reader is None:
                self._reader, self._refreshed = ProfileReader(self._url), clock
            elif clock - self._refreshed >= self.keep_seconds:
                self._reader.refresh()
                self._refreshed = clock
            self.reads += 1
            return self._reader
