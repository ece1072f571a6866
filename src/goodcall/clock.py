"""The decision time a command works at (``--at``).

The wall clock is read here, at the command line, and nowhere in the engines: every engine takes
``at`` as an argument so a decision can be replayed. A time without an offset is refused rather
than guessed: "19:00" read as UTC instead of Montreal time is exactly the kind of slip that puts a
call outside the legal window.
"""

from __future__ import annotations

import datetime as dt

from goodcall.output import cut

EARLIEST = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(3000, 1, 1, tzinfo=dt.UTC)
"""``--at`` must lie in [EARLIEST, LATEST): far enough either way for any replay or plan, and far
from the ends of the calendar (0001-01-01 or 9999-12-31 overflow once moved to a local time zone
or a few days on)."""


class AtError(ValueError):
    """``--at`` is not an ISO 8601 time with an offset."""


def parse_at(text: str | None, now: dt.datetime | None = None) -> dt.datetime:
    """An aware datetime from ``--at``; ``None`` gives ``now`` (default: the wall clock, UTC).

    >>> parse_at("2026-11-20T19:00-05:00").isoformat()
    '2026-11-20T19:00:00-05:00'
    >>> parse_at("2026-11-20T19:00Z").utcoffset()
    datetime.timedelta(0)
    """
    if text is None:
        return now or dt.datetime.now(dt.UTC)
    shown = cut(text)
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError as err:
        raise AtError(
            f"--at {shown!r} is not an ISO 8601 time (e.g. 2026-11-20T19:00-05:00)"
        ) from err
    if moment.tzinfo is None:
        raise AtError(f"--at {shown!r} has no offset; add one (e.g. 2026-11-20T19:00-05:00 or Z)")
    try:
        inside = EARLIEST <= moment < LATEST  # comparing moves it to UTC, which may overflow
    except OverflowError:
        inside = False
    if not inside:
        raise AtError(
            f"--at {shown!r} is out of range: expected a time from {EARLIEST.year} to "
            f"{LATEST.year - 1}"
        )
    return moment
