"""The policy engine's matrix view on a few customers, its checks read on Python values.

Why: judging one customer with Polars runs plans of a few hundred expressions (local clock,
history counts, ~32 check columns, the next windows) whose cost hardly depends on the number
of rows; a lone decision has a millisecond (figures in ``docs/decisions.md``). For a small
in-memory batch (at most :data:`ROW_PATH_MAX` rows)
:func:`goodcall.policy.engine.evaluate_channels_matrix` calls :func:`matrix_on_rows`:
each row is prepared by the Python twins written beside the expressions they mirror
(:func:`goodcall.policy.local.local_clock_row`, :func:`goodcall.policy.history.history_row`),
every check runs its ``row`` (:data:`goodcall.policy.checks.RowTest`), the blocks' end is
:func:`goodcall.policy.lift.lift_row` and the next window is read from the calendars kept by
:mod:`goodcall.policy.schedule` (built by the same code as the plan's). Both give the same rows
(``tests/policy/test_rows.py``: generated customers, histories and moments).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import polars as pl

from goodcall.policy.checks import PolicyCheck, channel_checks
from goodcall.policy.history import history_row, longest_periods
from goodcall.policy.lift import lift_row
from goodcall.policy.local import local_clock_row
from goodcall.policy.resolve import CompiledPolicies
from goodcall.policy.schedule import next_window_row, windows_of_row
from goodcall.zones import UTC_DATETIME

ROW_PATH_MAX = 128
"""Batches of at most this many customers are judged on Python rows: the plan's cost is about
fixed, the rows' grows with the customers and stays below it up to here (measured in
``docs/decisions.md``, "The policy view on Python rows"; a service's micro-batch is at most
64)."""

MATRIX_SCHEMA = {
    "channel": pl.String(),
    "contactable": pl.Boolean(),
    "blocked_mask": pl.UInt64(),
    "next_window_start": UTC_DATETIME,
    "next_window_end": UTC_DATETIME,
    "blocks_lift_at": UTC_DATETIME,
}
"""The matrix view's columns after ``customer_id``."""

_Verdict = tuple[Any, str, bool, int, dt.datetime | None, dt.datetime | None, dt.datetime | None]


def matrix_on_rows(
    rows: list[dict[str, Any]],
    id_dtype: pl.DataType,
    compiled: CompiledPolicies,
    at: dt.datetime,
    national_list_date: dt.date | None,
    channels: Sequence[str],
) -> pl.DataFrame:
    """The matrix view of ``rows`` (profile rows as dicts, changed in place) at ``at`` (UTC):
    the plan's rows, channel by channel with the customers in input order in each (the plan
    gives that order chunk by chunk of its frame)."""
    policies = compiled.policies
    longest_cooldown, longest_attempts = longest_periods(compiled)
    for row in rows:
        row["__at"] = at
        local_clock_row(row, compiled)
        history_row(row, policies, longest_cooldown, longest_attempts)
    horizon_end = at + dt.timedelta(days=policies.horizon_days)
    judged: list[_Verdict] = []
    for channel in channels:
        checks = channel_checks(policies, channel, national_list_date)
        rules = policies.channels[channel]  # type: ignore[index]
        for row in rows:
            failed = _failed(checks, row)
            since = lift_row(checks, failed, row)
            start, end = None, None
            if not rules.time_windows:  # the engine's window: from the lift to the horizon
                if since is not None and since < horizon_end:
                    start, end = since, horizon_end
            else:
                key = (row["__jur"], row["__tz"], row["preferred_start"], row["preferred_end"])
                starts, ends = windows_of_row(key, compiled, at, preferred=rules.preferred_hours)
                start, end = next_window_row(starts, ends, since, at, horizon_end)
            judged.append((row["customer_id"], channel, failed == 0, failed, start, end, since))
    schema = {"customer_id": id_dtype, **MATRIX_SCHEMA}
    return pl.DataFrame(judged, schema=schema, orient="row")  # by row: the cheaper build


def _failed(checks: Sequence[PolicyCheck], row: dict[str, Any]) -> int:
    """Bit j set when check j blocked (``blocked_mask``)."""
    failed = 0
    for j, check in enumerate(checks):
        assert check.row is not None  # every policy check has its row test
        if not check.row(row):
            failed |= 1 << j
    return failed
