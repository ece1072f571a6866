"""Policy sentences for many reasons at once: an audit of a large call list words hundreds of
thousands.

Every sentence is :func:`goodcall.policy.texts.policy_reason_text`'s, worded once per distinct
input. Most legal-window and preferred-hours reasons differ only in their local time — a planned
call's minute — so they are worded once per *template*: the reason with its ``local_time`` set to
:data:`~goodcall.policy.texts.LOCAL_HOLE`, which the sentence keeps in place of the local time;
the local time is then filled in from texts worded once per clock time and once per day, by the
same functions a single sentence uses (:func:`~goodcall.policy.texts.clock`,
:func:`~goodcall.policy.texts.local_day`). The first reason of every template is also worded
whole and compared: a template whose filled sentence differs is worded whole for every reason.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from goodcall.policy.texts import LOCAL_HOLE, Lang, clock, local_day, policy_reason_text

COLUMNS = ("code", "ok", "rule", "evidence", "channel")
"""The columns of the reasons to word."""

_VALUE = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2} (?:mon|tue|wed|thu|fri|sat|sun)"
_LOCAL = rf"(?:^|, )local_time=({_VALUE})(?:, |$)"
_KEYS = ["code", "ok", "rule", "channel", "__template"]


def policy_reason_texts(reasons: pl.DataFrame, lang: Lang) -> pl.Series:
    """``policy_reason_text(reason, channel, lang)`` for every row of ``reasons``
    (:data:`COLUMNS`), as a String series aligned with its rows."""
    evidence = pl.col("evidence")
    once = evidence.str.count_matches("local_time=", literal=True) == 1
    keyed = (
        reasons.select(*COLUMNS)
        .with_row_index("__i")
        .with_columns(pl.when(once).then(evidence.str.extract(_LOCAL, 1)).alias("__local"))
        .with_columns(
            pl.when(pl.col("__local").is_not_null())
            .then(evidence.str.replace(rf"((?:^|, )local_time=){_VALUE}", "${1}" + LOCAL_HOLE))
            .otherwise(evidence)
            .alias("__template")
        )
    )
    templates = keyed.unique(subset=_KEYS, keep="first", maintain_order=True)
    worded: list[str | None] = []
    halves: list[tuple[str | None, str | None]] = []
    for code, ok, rule, channel, template, whole, local in templates.select(
        *_KEYS, "evidence", "__local"
    ).iter_rows():
        said = policy_reason_text(
            {"code": code, "ok": ok, "rule": rule, "evidence": template}, channel, lang
        )
        if local is None:
            worded.append(said)
            halves.append((None, None))
            continue
        before, hole, after = said.partition(LOCAL_HOLE)
        direct = policy_reason_text(
            {"code": code, "ok": ok, "rule": rule, "evidence": whole}, channel, lang
        )
        filled = before + _local_text(str(local), lang) + after if hole else said
        trusted = LOCAL_HOLE not in after and filled == direct
        worded.append(said if trusted and not hole else None)
        halves.append((before, after) if trusted and hole else (None, None))
    table = templates.select(_KEYS).with_columns(
        pl.Series("__said", worded, dtype=pl.String),
        pl.Series("__before", [b for b, _ in halves], dtype=pl.String),
        pl.Series("__after", [a for _, a in halves], dtype=pl.String),
    )
    joined = keyed.join(table, on=_KEYS, how="left", nulls_equal=True, maintain_order="left")
    parts = [
        joined.filter(pl.col("__said").is_not_null()).select("__i", "__said"),
        _with_local_texts(joined.filter(pl.col("__before").is_not_null()), lang),
        _each_whole(joined.filter(pl.col("__said").is_null() & pl.col("__before").is_null()), lang),
    ]
    return pl.concat(parts).sort("__i").get_column("__said").alias("message")


def _local_text(value: str, lang: Lang) -> str:
    """What ``_Say.local`` says of a ``local_time`` value that matches :data:`_VALUE`."""
    return clock(dt.time.fromisoformat(value[11:16]), lang) + local_day(
        dt.date.fromisoformat(value[:10]), value[17:], lang
    )


def _with_local_texts(rows: pl.DataFrame, lang: Lang) -> pl.DataFrame:
    """``__i`` and ``__said`` of rows whose template has a hole: the local time is worded once
    per clock time and once per day (and weekday), then put in the hole."""
    local = pl.col("__local")
    parts = rows.select(
        "__i",
        "__before",
        "__after",
        local.str.slice(11, 5).alias("__clock"),
        local.str.slice(0, 10).alias("__date"),
        local.str.slice(17).alias("__weekday"),
    )
    clocks = parts.select("__clock").unique()
    clocks = clocks.with_columns(
        pl.Series(
            "__clock_text",
            [clock(dt.time.fromisoformat(c), lang) for c in clocks.get_column("__clock")],
            dtype=pl.String,
        )
    )
    days = parts.select("__date", "__weekday").unique()
    days = days.with_columns(
        pl.Series(
            "__day_text",
            [
                local_day(dt.date.fromisoformat(d), w, lang)
                for d, w in days.select("__date", "__weekday").iter_rows()
            ],
            dtype=pl.String,
        )
    )
    return (
        parts.join(clocks, on="__clock", how="left")
        .join(days, on=["__date", "__weekday"], how="left")
        .select(
            "__i",
            pl.concat_str("__before", "__clock_text", "__day_text", "__after").alias("__said"),
        )
    )


def _each_whole(rows: pl.DataFrame, lang: Lang) -> pl.DataFrame:
    """``__i`` and ``__said`` of rows worded whole, once per distinct reason."""
    keys = ["code", "ok", "rule", "channel", "evidence"]
    distinct = rows.select(keys).unique(maintain_order=True)
    texts = [
        policy_reason_text({"code": c, "ok": o, "rule": r, "evidence": e}, ch, lang)
        for c, o, r, ch, e in distinct.iter_rows()
    ]
    table = distinct.with_columns(pl.Series("__said", texts, dtype=pl.String))
    return (
        rows.select("__i", *keys)
        .join(table, on=keys, how="left", nulls_equal=True)
        .select("__i", "__said")
    )
