"""The catalog's matrix view on a few customers, its checks read on Python values.

Why: judging one customer with Polars builds and runs a plan of a thousand expressions (every
check of every offer), ~20 ms whatever the number of rows; a lone decision has a millisecond.
:func:`offers_matrix` is what the decision core calls: for a small in-memory batch (at most
:data:`ROW_PATH_MAX` rows) it prepares what the checks read on Python values
(:func:`inputs_on_rows`, the twin of :func:`goodcall.catalog.engine.check_inputs`: the lines of
per-line offers, ``__at``, ``__local_date``, the groups a refusal still blocks) and then runs
each check's ``row`` (:data:`goodcall.catalog.checks.RowTest`: a rule's parsed tree read by
:mod:`goodcall.catalog.to_python`, a built-in check's test written beside its expression)
instead of its expression; otherwise, or when a check has no ``row``, it is
:func:`~goodcall.catalog.engine.evaluate_offers_matrix`. Both give the same rows in the same
order (``tests/catalog/test_rows.py``, generated customers).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from goodcall.catalog.checks import TIERS, Check, Notice
from goodcall.catalog.compile import CompiledCatalog
from goodcall.catalog.cooldown import COOLDOWN_BLOCKED, blocked_on_row
from goodcall.catalog.engine import (
    MATRIX_FIELDS,
    TIER_ENUM,
    CheckColumns,
    OfferColumns,
    checks_for,
    evaluate_offers_matrix,
)
from goodcall.profiles.lines import LINE_ID, LINE_RANK, lines_on_row
from goodcall.zones import is_known_zone

ROW_PATH_MAX = 32
"""Batches of at most this many customers are judged on Python rows: the Polars plan's cost is
fixed, the rows' grows with the customers (measured in ``docs/decisions.md``, "One customer in
a millisecond")."""

_TIER_INDEX = {tier: i for i, tier in enumerate(TIERS)}
_Judged = tuple[Any, str, str | None, int, int | None, int, bool]
"""(customer id, offer id, line id, line rank, failed tier index, failed mask, promotion seen)"""


def offers_matrix(
    profiles: pl.DataFrame | pl.LazyFrame,
    compiled: CompiledCatalog,
    at: dt.datetime,
    channels: Sequence[str] | None = None,
    *,
    id_column: str = "customer_id",
) -> pl.LazyFrame:
    """:func:`~goodcall.catalog.engine.evaluate_offers_matrix`, on Python rows for a small
    in-memory batch (see the module docstring)."""
    if (
        isinstance(profiles, pl.LazyFrame)
        or profiles.height > ROW_PATH_MAX
        or "__judged_row" in profiles.columns
        or not all(_on_rows(o.checks, o.notices) for o in compiled.offers)
    ):
        return evaluate_offers_matrix(profiles.lazy(), compiled, at, channels, id_column=id_column)
    return matrix_on_rows(profiles, compiled, at, channels, id_column).lazy()


def _on_rows(checks: Sequence[Check], notices: Sequence[Notice]) -> bool:
    """Whether every check and notice of an offer can be read on one row."""
    return all(c.row is not None for c in checks) and all(n.row is not None for n in notices)


def matrix_on_rows(
    profiles: pl.DataFrame,
    compiled: CompiledCatalog,
    at: dt.datetime,
    channels: Sequence[str] | None,
    id_column: str,
) -> pl.DataFrame:
    """The matrix view of ``profiles`` with every check run on Python rows: the rows and
    columns of ``evaluate_offers_matrix(profiles.lazy(), ...).collect()``, in its order."""
    per_line = tuple(o for o in compiled.offers if o.offer.per_line)
    parts: list[tuple[CompiledCatalog, bool]] = []
    if not per_line or "lines" not in profiles.columns:
        parts.append((compiled, False))
    else:
        account = tuple(o for o in compiled.offers if not o.offer.per_line)
        if account:
            parts.append((CompiledCatalog(compiled.catalog, account), False))
        parts.append((CompiledCatalog(compiled.catalog, per_line), True))
    records = profiles.to_dicts()
    rows: list[tuple[int, _Judged]] = []
    for part, lines in parts:
        columns, needed = checks_for(profiles.schema, part, at, channels, id_column)
        inputs = inputs_on_rows(records, columns, needed, at, lines)
        judged = _judge(inputs, columns.layout, id_column, lines)
        rows += _first_eligible_lines(judged) if lines else judged
    order = {offer_id: i for i, offer_id in enumerate(compiled.offer_ids)}
    rows.sort(key=lambda r: (order[r[1][1]], r[0]))  # offer by offer, customers in input order
    return _frame([judged for _, judged in rows], id_column, profiles.schema[id_column])


def inputs_on_rows(
    profiles: Sequence[Mapping[str, Any]],
    columns: CheckColumns,
    needed: set[str],
    at: dt.datetime,
    per_line: bool,
) -> list[dict[str, Any]]:
    """:func:`~goodcall.catalog.engine.check_inputs` on Python values, with the row number
    ``__judged_row``: what the checks read (``__at``, ``__local_date``, ``__cd_blocked``; one
    row per line of each account when ``per_line``). The cool-down columns only the reasons
    view's evidence reads are left out, as the Polars path's projection leaves them out.
    ``tests/catalog/test_rows.py`` holds the two together on generated customers."""
    at = at.astimezone(dt.UTC)
    rows: list[dict[str, Any]] = []
    for number, profile in enumerate(profiles):
        row = {**profile, "__judged_row": number, "__at": at}
        zone = row.get("time_zone")
        local = at.astimezone(zoneinfo.ZoneInfo(zone)) if zone and is_known_zone(zone) else at
        row["__local_date"] = local.date()
        if columns.cooldowns:
            row[COOLDOWN_BLOCKED] = blocked_on_row(row["contact_history"], columns.groups, at)
        rows += lines_on_row(row, at.date(), needed) if per_line else [row]
    return rows


def _first_eligible_lines(rows: list[tuple[int, _Judged]]) -> list[tuple[int, _Judged]]:
    """Per customer and per-line offer, the first eligible line in the account's order (the
    primary first), else the primary line: the engine's ``keep`` (every row at the least key)."""

    def key(judged: _Judged) -> int:
        return judged[3] + (0 if judged[5] == 0 else 1_000)

    best: dict[tuple[int, str], int] = {}
    for number, judged in rows:
        best[number, judged[1]] = min(key(judged), best.get((number, judged[1]), key(judged)))
    return [(n, judged) for n, judged in rows if key(judged) == best[n, judged[1]]]


def _judge(
    inputs: list[dict[str, Any]], layout: Sequence[OfferColumns], id_column: str, per_line: bool
) -> list[tuple[int, _Judged]]:
    """Every offer of ``layout`` judged on every row of the checks' inputs (profile rows, or
    one per line), each with the number of its profile row (``__judged_row``)."""
    judged: list[tuple[int, _Judged]] = []
    for row in inputs:
        line = row[LINE_ID] if per_line else None
        rank = row[LINE_RANK] if per_line else 0
        for item in layout:
            verdict = _verdict(item, row)
            judged.append(
                (row["__judged_row"], (row[id_column], item.offer.id, line, rank, *verdict))
            )
    return judged


def _verdict(item: OfferColumns, row: dict[str, Any]) -> tuple[int | None, int, bool]:
    """(first failing tier's index, failed mask, promotion seen) of one offer on one row."""
    mask = 0
    tier: int | None = None
    for j, check in enumerate(item.checks):
        assert check.row is not None  # offers_matrix sends only checks that have one
        if not check.row(row):
            mask |= 1 << j
            rank = _TIER_INDEX[check.tier]
            tier = rank if tier is None else min(tier, rank)
    seen = any(notice.row(row) for notice in item.notices if notice.row is not None)
    return tier, mask, seen


def _frame(judged: list[_Judged], id_column: str, id_dtype: pl.DataType) -> pl.DataFrame:
    """The matrix view's columns (``id``, ``offer_id``, ``line_id``, :data:`MATRIX_FIELDS`)."""
    assert MATRIX_FIELDS == ("eligible", "failed_tier", "failed_mask", "promotion_seen")
    return pl.DataFrame(
        {
            id_column: [j[0] for j in judged],
            "offer_id": [j[1] for j in judged],
            LINE_ID: [j[2] for j in judged],
            "eligible": [j[5] == 0 for j in judged],
            "failed_tier": [None if j[4] is None else TIERS[j[4]] for j in judged],
            "failed_mask": [j[5] for j in judged],
            "promotion_seen": [j[6] for j in judged],
        },
        schema={
            id_column: id_dtype,
            "offer_id": pl.String(),
            LINE_ID: pl.String(),
            "eligible": pl.Boolean(),
            "failed_tier": TIER_ENUM,
            "failed_mask": pl.UInt64(),
            "promotion_seen": pl.Boolean(),
        },
    )
