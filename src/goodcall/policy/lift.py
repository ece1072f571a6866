"""When every block of a channel that lifts by itself has lifted (``blocks_lift_at``).

A channel blocked by a cool-down, a frequency cap, a complaint or the attempts limit is free
again at the latest of those blocks' ends; one blocked for good (do-not-call, no consent, a
complaint case still open, a customer whose calling rules or clock are unknown) never is. The
calendar (legal hours, holidays, preferred hours) is not a block here: the next window is
looked for from this instant (:mod:`goodcall.policy.schedule`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

from goodcall.policy.checks import PolicyCheck, Row
from goodcall.zones import UTC_DATETIME


def lift_expr(checks: Sequence[PolicyCheck], columns: Sequence[str]) -> pl.Expr:
    """The earliest instant every non-window block has lifted; null when one never lifts
    (``columns``: each check's ``passed`` column)."""
    never: list[pl.Expr] = []
    until: list[pl.Expr] = []
    for check, column in zip(checks, columns, strict=True):
        failed = ~pl.col(column)
        if check.lift == "never":
            never.append(failed)
        elif check.lift == "at" and check.until is not None:
            never.append(failed & check.until.is_null())
            until.append(pl.when(failed).then(check.until))
        elif check.code == "policy.legal_window":
            unknown = pl.col("__jur").is_null() | pl.col("__tz").is_null()
            never.append(unknown)
    blocked_for_good = pl.any_horizontal(never) if never else pl.lit(False)
    lifted = pl.max_horizontal(pl.col("__at"), *until)
    return pl.when(blocked_for_good).then(None).otherwise(lifted).cast(UTC_DATETIME)


def lift_row(checks: Sequence[PolicyCheck], failed: int, row: Row) -> dt.datetime | None:
    """:func:`lift_expr` on one row: ``failed`` has bit j set when check j blocked."""
    lifted: dt.datetime = row["__at"]
    for j, check in enumerate(checks):
        blocked = bool(failed >> j & 1)
        if check.lift == "never" and blocked:
            return None
        if check.lift == "at" and check.until is not None and blocked:
            assert check.until_row is not None  # every "at" check has both back-ends
            until = check.until_row(row)
            if until is None:
                return None
            lifted = max(lifted, until)
        elif check.code == "policy.legal_window" and (row["__jur"] is None or row["__tz"] is None):
            return None
    return lifted
