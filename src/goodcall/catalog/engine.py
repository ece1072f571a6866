"""Evaluate the compiled catalog for a batch of customers (or one), with a reason for every answer.

Both views share one implementation, :func:`_check_columns`: every check of every offer becomes a
boolean column in a single wide pass over the profiles, and only then is the result melted to one
row per customer × offer.

* :func:`evaluate_offers_matrix` — the fast path for arbitration and learning: ``eligible``,
  ``failed_tier`` and ``failed_mask`` (bit *j* set = check *j* of that offer failed; decode with
  :func:`failed_codes`).
* :func:`evaluate_offers` — the reasons view for explain, audit and the agent brief: every check
  as a ``{code, ok, rule, evidence}`` struct, plus the notices (cautions that do not exclude).

``at`` is the decision time (timezone-aware); validity dates are compared with the customer's
*local* date at that time. It may also name a column of per-row decision times (the audit checks
each planned call at its own time).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import polars as pl

from goodcall.catalog.checks import (
    TIERS,
    Check,
    Notice,
    channel_check,
    validity_checks,
)
from goodcall.catalog.compile import CompiledCatalog, CompiledOffer
from goodcall.catalog.cooldown import CooldownGroup, cooldown_columns
from goodcall.catalog.reasonlist import reason_list
from goodcall.channels import CHANNELS
from goodcall.memo import PerObject
from goodcall.profiles.fields import PROFILE_SCHEMA, ProfileSchemaError
from goodcall.profiles.lines import LINE_ID, LINE_RANK, explode_lines
from goodcall.zones import UTC_DATETIME, to_local

TIER_ENUM = pl.Enum(list(TIERS))


@dataclass(frozen=True)
class OfferColumns:
    """Where one offer's checks and notices live in the wide frame."""

    offer: CompiledOffer
    checks: tuple[Check, ...]
    notices: tuple[Notice, ...]
    check_columns: tuple[str, ...]
    notice_columns: tuple[str, ...]


def offer_checks(
    offer: CompiledOffer, local_date: pl.Expr, channels: frozenset[str] | None
) -> tuple[Check, ...]:
    """Every check of an offer in evaluation order: validity first, then the rule tiers."""
    checks = list(validity_checks(offer.offer, local_date))
    if channels is not None:
        checks.append(channel_check(offer.offer, channels))
    return (*checks, *offer.checks)


def failed_codes(
    compiled: CompiledCatalog, offer_id: str, mask: int, at_channels: bool = False
) -> list[str]:
    """Decode a ``failed_mask`` of :func:`evaluate_offers_matrix` into check codes.

    ``at_channels`` must say whether ``channels`` was given to the evaluation (it adds a check).
    """
    codes = _check_codes(compiled)[at_channels].get(offer_id)
    if codes is None:
        compiled.offer(offer_id)  # the unknown offer's KeyError, with a suggestion
        raise AssertionError(offer_id)  # pragma: no cover - offer() raised
    return [code for j, code in enumerate(codes) if mask >> j & 1]


_CODES: PerObject[dict[bool, dict[str, tuple[str, ...]]]] = PerObject()


def _check_codes(compiled: CompiledCatalog) -> dict[bool, dict[str, tuple[str, ...]]]:
    """Per ``at_channels`` and offer, the codes of its checks in bit order, listed once per
    compiled catalog (decoding the masks of one decision would otherwise build every offer's
    check expressions again)."""

    def build() -> dict[bool, dict[str, tuple[str, ...]]]:
        none = pl.lit(None, pl.Date)
        return {
            at: {
                o.id: tuple(c.code for c in offer_checks(o, none, channels))
                for o in compiled.offers
            }
            for at, channels in ((False, None), (True, frozenset(CHANNELS)))
        }

    return _CODES.get(compiled, build)


def evaluate_offers_matrix(
    profiles: pl.LazyFrame,
    compiled: CompiledCatalog,
    at: dt.datetime | str,
    channels: Sequence[str] | None = None,
    *,
    id_column: str = "customer_id",
) -> pl.LazyFrame:
    """One row per customer × offer: ``line_id`` (the line a per-line offer is for, else null),
    ``eligible``, ``failed_tier``, ``failed_mask``, ``promotion_seen`` — booleans and bits only,
    for batch scoring."""

    def view(frame: pl.LazyFrame, part: CompiledCatalog, per_line: bool) -> pl.LazyFrame:
        frame, layout, numbered = _check_columns(frame, part, at, channels, id_column, per_line)
        structs = []
        for item in layout:
            mask = _mask(item.check_columns)
            seen = list(item.notice_columns)
            structs.append(
                pl.struct(
                    (mask == 0).alias("eligible"),
                    _failed_tier(item).alias("failed_tier"),
                    mask.alias("failed_mask"),
                    (pl.any_horizontal([pl.col(c) for c in seen]) if seen else pl.lit(False)).alias(
                        "promotion_seen"
                    ),
                ).alias(item.offer.id)
            )
        return _melt(frame, structs, part, id_column, per_line, numbered)

    return _judged(profiles, compiled, id_column, view, MATRIX_FIELDS)


def evaluate_offers(
    profiles: pl.LazyFrame,
    compiled: CompiledCatalog,
    at: dt.datetime | str,
    channels: Sequence[str] | None = None,
    *,
    id_column: str = "customer_id",
    line_column: str | None = None,
) -> pl.LazyFrame:
    """One row per customer × offer: ``customer_id``, ``offer_id``, ``line_id`` (per-line offers,
    else null), ``eligible``, ``failed_tier``, ``reasons`` (every check, ok or not, with evidence)
    and ``notices``. ``line_column``: a column of lines to judge per-line offers on (see
    :func:`_judged`)."""

    def view(frame: pl.LazyFrame, part: CompiledCatalog, per_line: bool) -> pl.LazyFrame:
        frame, layout, numbered = _check_columns(frame, part, at, channels, id_column, per_line)
        frame = frame.with_columns(_evidence_columns(layout))
        structs = []
        for item in layout:
            reasons = reason_list(
                [c.code for c in item.checks],
                [pl.col(column) for column in item.check_columns],
                [c.rule for c in item.checks],
                [_evidence(c) for c in item.checks],
            )
            notices = reason_list(
                [n.code for n in item.notices],
                [~pl.col(column) for column in item.notice_columns],
                [n.rule for n in item.notices],
                [n.evidence for n in item.notices],
            )
            structs.append(
                pl.struct(
                    (_mask(item.check_columns) == 0).alias("eligible"),
                    _failed_tier(item).alias("failed_tier"),
                    reasons.alias("reasons"),
                    notices.alias("notices"),
                ).alias(item.offer.id)
            )
        return _melt(frame, structs, part, id_column, per_line, numbered)

    return _judged(profiles, compiled, id_column, view, REASONS_FIELDS, line_column)


_View = Callable[[pl.LazyFrame, CompiledCatalog, bool], pl.LazyFrame]
MATRIX_FIELDS = ("eligible", "failed_tier", "failed_mask", "promotion_seen")
REASONS_FIELDS = ("eligible", "failed_tier", "reasons", "notices")
"""The fields of each view's per-offer struct, in order (its columns after the offer)."""


def _judged(
    profiles: pl.LazyFrame,
    compiled: CompiledCatalog,
    id_column: str,
    view: _View,
    fields: tuple[str, ...],
    line_column: str | None = None,
) -> pl.LazyFrame:
    """Account-level offers judged on the profile rows, per-line offers on one row per line
    (:func:`goodcall.profiles.lines.explode_lines`), by the same ``view``; each per-line offer
    keeps one line per customer: the first eligible line in the account's order (the primary
    line first), else the primary line (whose reasons say why none was eligible).
    ``line_column``, when given, names a column of wanted lines (the audit's call list): a row
    with a wanted line that is on the account is judged on that line only.

    Rows come back in the order of a single pass (offer by offer, customers in input order),
    with ``id_column``, ``offer_id``, ``line_id`` and the view's ``fields`` (named here, not
    asked of the plan: resolving a plan of a thousand expressions costs milliseconds)."""
    per_line = tuple(o for o in compiled.offers if o.offer.per_line)
    schema = profiles.collect_schema()
    if not per_line or "lines" not in schema:
        judged = view(profiles, compiled, False).with_columns(
            pl.lit(None, pl.String).alias(LINE_ID)
        )
        carried = ["__judged_row"] if "__judged_row" in schema else []
        return judged.select(id_column, "offer_id", LINE_ID, *carried, *fields)
    account = tuple(o for o in compiled.offers if not o.offer.per_line)
    rows = profiles.with_row_index("__judged_row")
    parts = []
    if account:
        parts.append(
            view(rows, CompiledCatalog(compiled.catalog, account), False).with_columns(
                pl.lit(None, pl.String).alias(LINE_ID)
            )
        )
    lines = view(rows, CompiledCatalog(compiled.catalog, per_line), True)
    if line_column is not None:
        wanted = rows.select("__judged_row", pl.col(line_column).alias("__wanted"))
        lines = lines.join(wanted, on="__judged_row", how="left")
    keep = line_choice(["__judged_row", "offer_id"], wanted=line_column is not None)
    parts.append(lines.filter(keep).drop(LINE_RANK, "__wanted", strict=False))
    order = {offer_id: i for i, offer_id in enumerate(compiled.offer_ids)}
    judged = (
        pl.concat(parts, how="diagonal_relaxed")
        .with_columns(
            pl.col("offer_id").replace_strict(order, return_dtype=pl.Int64).alias("__offer")
        )
        .sort("__offer", "__judged_row", maintain_order=True)  # ties: lines in account order
        .drop("__offer", "__judged_row")
    )
    return judged.select(id_column, "offer_id", LINE_ID, *fields)


def line_choice(by: list[str], wanted: bool) -> pl.Expr:
    """Which line rows of a per-line offer to keep, one per group ``by`` (an account and an
    offer): the first eligible line in the account's order (rank 0, the primary line, first),
    else the primary line; with ``wanted`` (a ``__wanted`` column of lines), the wanted line
    when it is on the account. Reads ``eligible``, ``line_id`` and the line's rank."""
    key = pl.when(pl.col("eligible")).then(pl.col(LINE_RANK)).otherwise(pl.col(LINE_RANK) + 1_000)
    keep = key == key.min().over(by)
    if not wanted:
        return keep
    found = pl.col(LINE_ID) == pl.col("__wanted")
    on_account = found.fill_null(False).any().over(by)
    return pl.when(on_account).then(found).otherwise(keep)


def _check_columns(
    profiles: pl.LazyFrame,
    compiled: CompiledCatalog,
    at: dt.datetime | str,
    channels: Sequence[str] | None,
    id_column: str,
    per_line: bool = False,
    carry: Sequence[str] = (),
) -> tuple[pl.LazyFrame, list[OfferColumns], bool]:
    """The profiles with one boolean column per check and per notice of every offer (one row
    per line of each account when ``per_line``), the layout, and whether the rows carry
    ``__judged_row``. ``carry``: more columns of ``profiles`` to keep."""
    frame, columns, numbered = check_inputs(
        profiles, compiled, at, channels, id_column, per_line, carry
    )
    return frame.with_columns(columns.booleans), list(columns.layout), numbered


def check_inputs(
    profiles: pl.LazyFrame,
    compiled: CompiledCatalog,
    at: dt.datetime | str,
    channels: Sequence[str] | None,
    id_column: str,
    per_line: bool = False,
    carry: Sequence[str] = (),
) -> tuple[pl.LazyFrame, CheckColumns, bool]:
    """What every check reads, before any check runs: the profile columns the checks need (one
    row per line of each account when ``per_line``), ``__at``, ``__local_date`` and the
    cool-down columns; the columns of the checks; whether the rows carry ``__judged_row``. The
    Polars path adds a boolean column per check, the row path (:mod:`goodcall.catalog.rows`)
    runs each check's ``row`` on the same rows."""
    at_expr = _at_expression(at)
    schema = profiles.collect_schema()
    columns, needed = checks_for(schema, compiled, at, channels, id_column)
    carried = {id_column, *carry, *(["__judged_row"] if "__judged_row" in schema else [])}
    if per_line:
        frame = explode_lines(
            profiles.select(sorted(needed | carried | {"lines"})), at_expr.dt.date(), needed
        )
    else:
        frame = profiles.select(sorted(needed | carried))
    frame = frame.with_columns(
        at_expr.alias("__at"),
        pl.coalesce(to_local(at_expr, pl.col("time_zone")), at_expr.dt.replace_time_zone(None))
        .dt.date()
        .alias("__local_date"),
    )
    for stage in columns.cooldowns:
        frame = frame.with_columns(stage)
    return frame, columns, "__judged_row" in schema


def checks_for(
    schema: pl.Schema,
    compiled: CompiledCatalog,
    at: dt.datetime | str,
    channels: Sequence[str] | None,
    id_column: str,
) -> tuple[CheckColumns, set[str]]:
    """The checks of ``compiled`` on ``channels`` and the profile columns they read, once the
    channels and the profiles' ``schema`` are known to be right (a clear error otherwise)."""
    wanted = frozenset(channels) if channels is not None else None
    if wanted is not None and not wanted <= frozenset(CHANNELS):
        unknown = sorted(wanted - frozenset(CHANNELS))
        raise ValueError(f"unknown channel(s) {unknown}; expected some of {', '.join(CHANNELS)}")
    columns = _offer_columns(compiled.offers, wanted)
    needed = set(columns.needed) - {id_column}
    if isinstance(at, str):
        needed.add(at)
    _check_schema(schema, needed, id_column)
    return columns, needed


@dataclass(frozen=True)
class CheckColumns:
    """What :func:`_check_columns` adds for a list of offers, whatever the profiles and the
    decision time (the checks read ``__at`` and ``__local_date``, never the time itself)."""

    offers: tuple[CompiledOffer, ...]  # held: the cache's key is their identities
    layout: tuple[OfferColumns, ...]
    needed: frozenset[str]  # profile columns the checks read (and ``contact_history``)
    cooldowns: tuple[list[pl.Expr], ...]
    booleans: tuple[pl.Expr, ...]
    groups: tuple[CooldownGroup, ...]  # the cool-down groups the columns above are of


_COLUMNS: dict[tuple[tuple[int, ...], frozenset[str] | None], CheckColumns] = {}
_COLUMNS_KEPT = 64


def _offer_columns(
    offers: tuple[CompiledOffer, ...], wanted: frozenset[str] | None
) -> CheckColumns:
    """The check and notice columns of ``offers``, built once per list of offers and channels:
    a decision of a few customers would otherwise spend a third of its time building the same
    thousand expressions again."""
    key = (tuple(id(o) for o in offers), wanted)
    known = _COLUMNS.get(key)
    if known is not None and all(a is b for a, b in zip(known.offers, offers, strict=True)):
        return known
    local_date = pl.col("__local_date")
    layout: list[OfferColumns] = []
    for i, offer in enumerate(offers):
        checks = offer_checks(offer, local_date, wanted)
        layout.append(
            OfferColumns(
                offer,
                checks,
                offer.notices,
                tuple(f"__o{i}_c{j}" for j in range(len(checks))),
                tuple(f"__o{i}_n{k}" for k in range(len(offer.notices))),
            )
        )
    cooldowns = tuple({o.cooldown.index: o.cooldown for o in offers if o.cooldown}.values())
    needed = _needed_columns(layout)
    if cooldowns:
        needed.add("contact_history")
    booleans: list[pl.Expr] = []
    for item in layout:
        booleans += [
            c.passed.alias(n) for c, n in zip(item.checks, item.check_columns, strict=True)
        ]
        booleans += [
            n.active.alias(col) for n, col in zip(item.notices, item.notice_columns, strict=True)
        ]
    made = CheckColumns(
        tuple(offers),
        tuple(layout),
        frozenset(needed),
        tuple(cooldown_columns(cooldowns)),
        tuple(booleans),
        cooldowns,
    )
    if len(_COLUMNS) >= _COLUMNS_KEPT:
        del _COLUMNS[next(iter(_COLUMNS))]  # the oldest
    _COLUMNS[key] = made
    return made


def _at_expression(at: dt.datetime | str) -> pl.Expr:
    if isinstance(at, str):
        return pl.col(at).cast(UTC_DATETIME)
    if at.tzinfo is None:
        raise ValueError("at must be timezone-aware (e.g. datetime(..., tzinfo=UTC))")
    return pl.lit(at.astimezone(dt.UTC), UTC_DATETIME)


def _needed_columns(layout: list[OfferColumns]) -> set[str]:
    needed = {"time_zone"}
    for item in layout:
        for check in item.checks:
            needed.update(check.fields)
            needed.update(_expression_columns(check.passed))
        for notice in item.notices:
            needed.update(_expression_columns(notice.active))
            needed.update(_expression_columns(notice.evidence))
    return needed


def _expression_columns(expr: pl.Expr) -> list[str]:
    return [name for name in expr.meta.root_names() if name and not name.startswith("__")]


def _check_schema(schema: pl.Schema, needed: set[str], id_column: str) -> None:
    problems = [f"missing column {id_column!r}"] if id_column not in schema else []
    for name in sorted(needed):
        expected = PROFILE_SCHEMA.get(name)
        if name not in schema:
            problems.append(f"missing column {name!r}")
        elif expected is not None and schema[name] != expected:
            problems.append(f"column {name!r} is {schema[name]}, expected {expected}")
    if problems:
        raise ProfileSchemaError("profiles cannot be evaluated: " + "; ".join(problems))


def _mask(columns: Sequence[str]) -> pl.Expr:
    """Bit j set when check j failed."""
    return _mask_of(tuple(columns))


@functools.lru_cache(maxsize=4096)
def _mask_of(columns: tuple[str, ...]) -> pl.Expr:
    """:func:`_mask`, built once per column list (it depends on nothing else, and a decision of
    one customer would otherwise rebuild it for every offer on every call)."""
    if not columns:
        return pl.lit(0, pl.UInt64)
    bits = [(~pl.col(c)).cast(pl.UInt64) * pl.lit(1 << j, pl.UInt64) for j, c in enumerate(columns)]
    return pl.sum_horizontal(bits).cast(pl.UInt64)


def _failed_tier(item: OfferColumns) -> pl.Expr:
    """The first tier (in :data:`TIERS` order) with a failing check, else null."""
    return _failed_tier_of(
        tuple(zip(item.check_columns, (k.tier for k in item.checks), strict=True))
    )


@functools.lru_cache(maxsize=4096)
def _failed_tier_of(tiers: tuple[tuple[str, str], ...]) -> pl.Expr:
    """:func:`_failed_tier` of (check column, tier) pairs, built once per such list."""
    tier_of = dict(tiers)
    expr = pl.lit(None, pl.String)
    for tier in reversed(TIERS):
        columns = [pl.col(c) for c, t in tier_of.items() if t == tier]
        if columns:
            expr = pl.when(~pl.all_horizontal(columns)).then(pl.lit(tier)).otherwise(expr)
    return expr.cast(TIER_ENUM)


def _melt(
    frame: pl.LazyFrame,
    structs: list[pl.Expr],
    compiled: CompiledCatalog,
    id_column: str,
    per_line: bool,
    numbered: bool,
) -> pl.LazyFrame:
    """One row per customer (and line, ``per_line``) × offer; ``numbered``: the rows carry
    ``__judged_row`` (lines carry ``line_id`` and their rank, as ``explode_lines`` adds them)."""
    index = [id_column, *(["__judged_row"] if numbered else [])]
    if per_line:
        index += [LINE_ID, LINE_RANK]
    return (
        frame.select(*index, *structs)
        .unpivot(
            on=list(compiled.offer_ids),
            index=index,
            variable_name="offer_id",
            value_name="__result",
        )
        .unnest("__result")
    )


# --- reasons view ---------------------------------------------------------------------------


def _evidence_columns(layout: list[OfferColumns]) -> list[pl.Expr]:
    fields = sorted({f for item in layout for check in item.checks for f in check.fields})
    return [field_evidence(name).alias(f"__ev_{name}") for name in fields]


def field_evidence(name: str) -> pl.Expr:
    """``name=value`` for one profile field, formatted the same way everywhere."""
    dtype = PROFILE_SCHEMA.get(name)
    column = pl.col(name)
    if isinstance(dtype, pl.List):
        text = pl.concat_str(pl.lit("["), column.list.join("|"), pl.lit("]"))
    elif dtype == pl.Float64():
        text = column.round(3).cast(pl.String)
    elif isinstance(dtype, pl.Datetime):
        text = column.dt.to_string("%Y-%m-%dT%H:%MZ")
    else:
        text = column.cast(pl.String)
    return pl.concat_str(pl.lit(f"{name}="), text.fill_null("null"))


def _evidence(check: Check) -> pl.Expr:
    """A check's evidence from the ``__ev_`` columns (:func:`_evidence_columns`)."""
    return check_evidence(check, lambda name: pl.col(f"__ev_{name}"))


def check_evidence(check: Check, field: Callable[[str], pl.Expr] = field_evidence) -> pl.Expr:
    """A check's evidence: its own, else ``name=value`` of each field it reads (``field``)."""
    if check.evidence is not None:
        return check.evidence
    if check.fields:
        return pl.concat_str([field(f) for f in check.fields], separator=", ")
    return pl.lit("")
