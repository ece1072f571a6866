"""Evaluate contact policies: may this customer be contacted on this channel now, and if not, when?

One implementation serves every caller: :func:`_evaluate` prepares each row (local clock,
jurisdiction, history counts), evaluates every check of every channel as a boolean column in one
wide pass, and works out when each block lifts. Then:

* :func:`evaluate_channels` — one row per customer × channel with every reason and the next
  allowed window (explain, brief, timing);
* :func:`evaluate_channels_matrix` — the same answers as booleans and a bit mask, for batches;
  a few customers in memory are judged on Python rows instead (:mod:`goodcall.policy.rows`:
  each check's row test and the clock and history written beside their expressions, held to
  them by a parity property): a plan's fixed cost is most of a lone decision's time;
* :func:`check_contact` — a planned contact at its own time (the audit of a call list).

``at`` is always an argument; nothing here reads the wall clock.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeGuard

import polars as pl

from goodcall.catalog.reasonlist import reason_list
from goodcall.channels import CHANNELS
from goodcall.policy.checks import PolicyCheck, channel_checks
from goodcall.policy.history import longest_periods, with_history
from goodcall.policy.lift import lift_expr
from goodcall.policy.listed import with_list_counts
from goodcall.policy.local import with_local_clock
from goodcall.policy.model import Policies
from goodcall.policy.resolve import CompiledPolicies, compile_policies
from goodcall.policy.rows import ROW_PATH_MAX, matrix_on_rows
from goodcall.policy.schedule import (
    KEY_COLUMNS,
    next_window,
    schedule_key,
    windows_ahead,
    windows_ahead_of,
)
from goodcall.profiles.fields import PROFILE_SCHEMA, ProfileSchemaError
from goodcall.reasons import REASON_LIST
from goodcall.zones import UTC_DATETIME

PROFILE_COLUMNS = (
    "customer_id",
    "jurisdiction",
    "time_zone",
    "preferred_start",
    "preferred_end",
    "internal_dnc",
    "internal_dnc_at",
    "national_dnc",
    "national_dnc_snapshot",
    "optin_phone",
    "optin_sms",
    "optin_email",
    "channels_accepted",
    "contact_only_on_request",
    "last_complaint_at",
    "has_open_complaint",
    "contact_history",
)


@dataclass(frozen=True)
class _Channel:
    name: str
    checks: tuple[PolicyCheck, ...]
    columns: tuple[str, ...]


def evaluate_channels(
    profiles: pl.LazyFrame | pl.DataFrame,
    policies: Policies | CompiledPolicies,
    at: dt.datetime,
    national_list_date: dt.date | None = None,
) -> pl.LazyFrame:
    """One row per customer × channel: ``customer_id``, ``channel``, ``contactable``,
    ``reasons`` (every check with evidence), ``next_window_start``, ``next_window_end`` (UTC)
    and ``blocks_lift_at``: when every block that lifts by itself (cool-down, cap, complaint,
    attempts) has lifted — the decision time when none holds, null when a block never lifts —
    known even when it falls beyond the horizon that bounds the next window."""
    frame, layout = _evaluate(profiles, _compiled(policies), at, national_list_date)
    structs = [
        pl.struct(
            pl.col(f"__ok_{c.name}").alias("contactable"),
            _reasons(c).alias("reasons"),
            pl.col(f"__next_{c.name}_start").alias("next_window_start"),
            pl.col(f"__next_{c.name}_end").alias("next_window_end"),
            pl.col(f"__from_{c.name}").alias("blocks_lift_at"),
        ).alias(c.name)
        for c in layout
    ]
    return _melt(frame.select("customer_id", *structs))


def evaluate_channels_matrix(
    profiles: pl.LazyFrame | pl.DataFrame,
    policies: Policies | CompiledPolicies,
    at: dt.datetime,
    national_list_date: dt.date | None = None,
    channels: Sequence[str] = CHANNELS,
) -> pl.LazyFrame:
    """Like :func:`evaluate_channels` without reason structs: ``contactable``, ``blocked_mask``
    (bit j = check j of :func:`channel_check_codes` blocked), the next window and
    ``blocks_lift_at``; for ``channels`` only (in :data:`~goodcall.channels.CHANNELS` order:
    each channel's checks and windows are its own, so fewer channels are a smaller plan with
    the same rows). A :class:`~polars.DataFrame` of at most :data:`ROW_PATH_MAX` rows is judged
    on Python rows (:mod:`goodcall.policy.rows`), with the same answers."""
    chosen = tuple(ch for ch in CHANNELS if ch in channels)
    if on_rows(profiles):
        return channels_matrix_on_rows(profiles, policies, at, national_list_date, chosen).lazy()
    frame, layout = _evaluate(profiles, _compiled(policies), at, national_list_date, chosen)
    structs = [
        pl.struct(
            pl.col(f"__ok_{c.name}").alias("contactable"),
            _mask(c.columns).alias("blocked_mask"),
            pl.col(f"__next_{c.name}_start").alias("next_window_start"),
            pl.col(f"__next_{c.name}_end").alias("next_window_end"),
            pl.col(f"__from_{c.name}").alias("blocks_lift_at"),
        ).alias(c.name)
        for c in layout
    ]
    return _melt(frame.select("customer_id", *structs), chosen)


def on_rows(profiles: pl.LazyFrame | pl.DataFrame) -> TypeGuard[pl.DataFrame]:
    """Whether :func:`evaluate_channels_matrix` judges ``profiles`` on Python rows: a
    :class:`~polars.DataFrame` of at most :data:`ROW_PATH_MAX` rows."""
    return isinstance(profiles, pl.DataFrame) and profiles.height <= ROW_PATH_MAX


def channels_matrix_on_rows(
    profiles: pl.DataFrame,
    policies: Policies | CompiledPolicies,
    at: dt.datetime,
    national_list_date: dt.date | None = None,
    channels: Sequence[str] = CHANNELS,
) -> pl.DataFrame:
    """:func:`evaluate_channels_matrix` of a few customers in memory, on Python rows
    (:mod:`goodcall.policy.rows`), as a frame: what a caller that collects it at once takes."""
    if at.tzinfo is None:
        raise ValueError("at must be timezone-aware (e.g. datetime(..., tzinfo=UTC))")
    schema = profiles.schema
    _check_schema(schema)
    chosen = tuple(ch for ch in CHANNELS if ch in channels)
    rows = profiles.select(PROFILE_COLUMNS).to_dicts()
    id_dtype = schema["customer_id"]
    compiled = _compiled(policies)
    return matrix_on_rows(
        rows, id_dtype, compiled, at.astimezone(dt.UTC), national_list_date, chosen
    )


def channel_check_codes(policies: Policies, channel: str) -> list[str]:
    """The codes of a channel's checks in bit order of ``blocked_mask``."""
    return [c.code for c in channel_checks(policies, channel, None)]


def blocked_checks(policies: Policies, channel: str, mask: int) -> list[tuple[int, str, str]]:
    """(bit, code, rule) of every check a ``blocked_mask`` of ``channel`` says blocked."""
    checks = channel_checks(policies, channel, None)
    return [(j, c.code, c.rule) for j, c in enumerate(checks) if mask >> j & 1]


def check_contact(
    profiles: pl.LazyFrame,
    policies: Policies | CompiledPolicies,
    planned: pl.LazyFrame,
    national_list_date: dt.date | None = None,
    *,
    list_order: str | None = None,
) -> pl.LazyFrame:
    """Check planned contacts, each at its own time.

    ``planned`` needs ``customer_id``, ``channel`` and ``planned_at`` (UTC); other columns are kept.
    With ``list_order`` (a column of ``planned``), the rows are one call list: each row's caps and
    attempts also count the same customer's rows planned before it (earlier ``planned_at``, ties
    broken by ``list_order``), see :mod:`goodcall.policy.listed`. Adds ``allowed``, ``reasons``
    (every check of that channel) and ``violations`` (the failing ones). Customers missing from
    ``profiles`` get null profile fields, hence violations.
    """
    frame, layout = _planned_rows(profiles, policies, planned, national_list_date, list_order)
    channel = pl.col("channel")
    allowed = pl.lit(None, pl.Boolean)
    reasons = pl.lit(None, REASON_LIST)
    for c in layout:
        all_reasons = _reasons(c)
        allowed = pl.when(channel == c.name).then(pl.col(f"__ok_{c.name}")).otherwise(allowed)
        reasons = pl.when(channel == c.name).then(all_reasons).otherwise(reasons)
    return (
        frame.sort("__planned")
        .select(
            *planned.collect_schema().names(),
            allowed.alias("allowed"),
            reasons.alias("reasons"),
        )
        .with_columns(
            pl.col("reasons").list.filter(~pl.element().struct.field("ok")).alias("violations")
        )
    )


def contact_violations(
    profiles: pl.LazyFrame,
    policies: Policies | CompiledPolicies,
    planned: pl.LazyFrame,
    national_list_date: dt.date | None = None,
    *,
    list_order: str | None = None,
) -> pl.DataFrame:
    """The failing checks of :func:`check_contact`, one row each: ``planned``'s columns plus
    ``code``, ``rule`` and ``evidence``, in the order of ``planned`` then of the channel's checks.

    The same checks and evidence as ``check_contact(...).violations``, but an evidence text is
    built only for a check that fails on the row's own channel: a call list of a million rows
    would otherwise word every check of every channel for every row (about fifty texts a row)
    to keep the two or three that fail."""
    frame, layout = _planned_rows(profiles, policies, planned, national_list_date, list_order)
    names = planned.collect_schema().names()
    wanted = set(names) | {"__planned"}
    for c in layout:
        wanted |= set(c.columns)
        for check in c.checks:
            wanted |= set(check.evidence.meta.root_names())
    rows = frame.select(sorted(wanted)).collect(engine="in-memory").lazy()
    parts: list[pl.LazyFrame] = []
    for c in layout:
        mine = rows.filter(pl.col("channel") == c.name)
        for check, column in zip(c.checks, c.columns, strict=True):
            parts.append(  # lazy: only the columns a check's evidence reads are filtered
                mine.filter(~pl.col(column)).select(
                    "__planned",
                    *names,
                    pl.lit(check.code, pl.String).alias("code"),
                    pl.lit(check.rule, pl.String).alias("rule"),
                    check.evidence.cast(pl.String).alias("evidence"),
                    pl.lit(len(parts), pl.Int64).alias("__check"),
                )
            )
    empty = {"code": pl.String(), "rule": pl.String(), "evidence": pl.String()}
    if not parts:
        return pl.DataFrame(schema={**planned.collect_schema(), **empty})
    found = pl.concat(parts).collect(engine="in-memory")
    return found.sort("__planned", "__check").drop("__planned", "__check")


def _planned_rows(
    profiles: pl.LazyFrame,
    policies: Policies | CompiledPolicies,
    planned: pl.LazyFrame,
    national_list_date: dt.date | None,
    list_order: str | None,
) -> tuple[pl.LazyFrame, list[_Channel]]:
    """``planned`` joined to the profiles, every check evaluated at each row's own time."""
    compiled = _compiled(policies)
    _check_schema(profiles.collect_schema())
    rows = planned.with_row_index("__planned").join(
        profiles.select(PROFILE_COLUMNS),
        on="customer_id",
        how="left",
        maintain_order="left",
    )
    return _evaluate_rows(
        rows.with_columns(pl.col("planned_at").cast(UTC_DATETIME).alias("__at")),
        compiled,
        national_list_date,
        schedule_at=None,
        list_order=list_order,
    )


# --- shared core -----------------------------------------------------------------------------


def _compiled(policies: Policies | CompiledPolicies) -> CompiledPolicies:
    return policies if isinstance(policies, CompiledPolicies) else compile_policies(policies)


def _check_schema(schema: pl.Schema) -> None:
    problems = []
    for name in PROFILE_COLUMNS:
        if name not in schema:
            problems.append(f"missing column {name!r}")
        elif schema[name] != PROFILE_SCHEMA[name]:
            problems.append(f"column {name!r} is {schema[name]}, expected {PROFILE_SCHEMA[name]}")
    if problems:
        raise ProfileSchemaError("profiles cannot be evaluated: " + "; ".join(problems))


def _evaluate(
    profiles: pl.LazyFrame | pl.DataFrame,
    compiled: CompiledPolicies,
    at: dt.datetime,
    national_list_date: dt.date | None,
    channels: tuple[str, ...] = CHANNELS,
) -> tuple[pl.LazyFrame, list[_Channel]]:
    if at.tzinfo is None:
        raise ValueError("at must be timezone-aware (e.g. datetime(..., tzinfo=UTC))")
    at = at.astimezone(dt.UTC)
    small = isinstance(profiles, pl.DataFrame) and profiles.height <= SMALL_BATCH
    _check_schema(profiles.lazy().collect_schema())
    rows = (
        profiles.lazy()
        .select(PROFILE_COLUMNS)
        .with_columns(pl.lit(at.astimezone(dt.UTC), UTC_DATETIME).alias("__at"))
    )
    return _evaluate_rows(
        rows, compiled, national_list_date, schedule_at=at, channels=channels, small=small
    )


SMALL_BATCH = 128
"""A :class:`~polars.DataFrame` of at most this many rows takes its calendars of allowed
windows from those kept between calls (:func:`goodcall.policy.schedule.windows_ahead_of`):
cheaper than the plan's own calendars at every size measured, 1 to 128 rows (a service's
micro-batch is at most 64; ``docs/decisions.md``)."""


def _evaluate_rows(
    rows: pl.LazyFrame,
    compiled: CompiledPolicies,
    national_list_date: dt.date | None,
    schedule_at: dt.datetime | None,
    list_order: str | None = None,
    channels: tuple[str, ...] = CHANNELS,
    small: bool = False,
) -> tuple[pl.LazyFrame, list[_Channel]]:
    policies = compiled.policies
    frame = with_local_clock(rows.with_row_index("__row"), compiled)
    longest_cooldown, longest_attempts = longest_periods(compiled)
    frame = with_history(frame, policies, longest_cooldown, longest_attempts)
    if list_order is not None:
        frame = with_list_counts(frame, policies, list_order)
    layout: list[_Channel] = []
    columns: list[pl.Expr] = []
    for channel in channels:
        checks = tuple(channel_checks(policies, channel, national_list_date))
        names = tuple(f"__p_{channel}_{j}" for j in range(len(checks)))
        layout.append(_Channel(channel, checks, names))
        columns += [c.passed.alias(n) for c, n in zip(checks, names, strict=True)]
    frame = frame.with_columns(columns).with_columns(
        [pl.all_horizontal([pl.col(n) for n in c.columns]).alias(f"__ok_{c.name}") for c in layout]
        + [_threshold(c).alias(f"__from_{c.name}") for c in layout]
    )
    if schedule_at is not None:
        frame = _with_next_windows(frame, compiled, layout, schedule_at, small)
    return frame, layout


def _threshold(channel: _Channel) -> pl.Expr:
    """The earliest instant every non-window block has lifted; null when one never lifts."""
    return lift_expr(channel.checks, channel.columns)


def _with_next_windows(
    frame: pl.LazyFrame,
    compiled: CompiledPolicies,
    layout: list[_Channel],
    at: dt.datetime,
    small: bool,
) -> pl.LazyFrame:
    """Each channel's next window (``__next_{channel}_start`` and ``_end``). ``small``: a few
    rows in memory, whose calendars are taken from those kept (:func:`windows_ahead_of`)."""
    policies = compiled.policies
    horizon_end = at.astimezone(dt.UTC) + dt.timedelta(days=policies.horizon_days)
    frame = frame.with_columns(schedule_key().alias("__key"))
    keys = None
    if small:  # the rows' keys known first: their calendars are kept between calls
        known = frame.collect()
        keys, frame = known.select(KEY_COLUMNS), known.lazy()
    else:
        frame = frame.cache()
    tables: dict[bool, pl.LazyFrame] = {}
    for channel in layout:
        rules = policies.channels[channel.name]  # type: ignore[index]
        prefix = f"__next_{channel.name}"
        start = pl.col(f"__from_{channel.name}")
        if not rules.time_windows:
            end = pl.lit(horizon_end, UTC_DATETIME)
            frame = frame.with_columns(
                pl.when(start < end).then(start).alias(f"{prefix}_start"),
                pl.when(start < end).then(end).alias(f"{prefix}_end"),
            )
            continue
        preferred = rules.preferred_hours
        if preferred not in tables:
            tables[preferred] = (
                windows_ahead(frame, compiled, at, preferred=preferred).cache()
                if keys is None
                else windows_ahead_of(keys, compiled, at, preferred=preferred)
            )
        frame = next_window(frame, tables[preferred], f"__from_{channel.name}", horizon_end, prefix)
    return frame


def _reasons(channel: _Channel) -> pl.Expr:
    return reason_list(
        [c.code for c in channel.checks],
        [pl.col(column) for column in channel.columns],
        [c.rule for c in channel.checks],
        [c.evidence for c in channel.checks],
    )


@functools.lru_cache(maxsize=256)
def _mask(columns: tuple[str, ...]) -> pl.Expr:
    """Bit j set when check j blocked (built once per column list)."""
    bits = [(~pl.col(c)).cast(pl.UInt64) * pl.lit(1 << j, pl.UInt64) for j, c in enumerate(columns)]
    return pl.sum_horizontal(bits).cast(pl.UInt64)


def _melt(frame: pl.LazyFrame, channels: tuple[str, ...] = CHANNELS) -> pl.LazyFrame:
    return frame.unpivot(
        on=list(channels), index="customer_id", variable_name="channel", value_name="__r"
    ).unnest("__r")
