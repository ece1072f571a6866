"""Section 5 on a multi-line account called about the account: what not to pitch to whom.

An account-level offer (a family discount) is about every line, and the agent may be asked about
a new phone for any of them. The engine's rows judge each per-line offer (handsets, plans) on one
line only — the first eligible one — so the account's "do not" lines cannot say "don't pitch an
iPhone to the Galaxy line". Here every line of such an account is judged on its own by the same
catalog engine (``line_column``), and the per-line offers failing on a line are named under that
line, with the reason worded from that line's device and plan. Account-level exclusions, and the
briefs of single-line accounts or of calls about one line, are left as they are.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from goodcall.brief.facts import col
from goodcall.catalog.compile import CompiledCatalog, compile_catalog
from goodcall.catalog.engine import evaluate_offers
from goodcall.catalog.model import PER_LINE_KINDS, Catalog
from goodcall.catalog.wording import CALLED_LINE, device_label
from goodcall.profiles.lines import LINE_FIELDS, LINE_ID, explode_lines

KEY = "__line_key"
"""The id column of the per-line judging: one value per (brief row, line)."""


def account_calls(frame: pl.DataFrame) -> pl.Series:
    """Per brief row: the call pitches an account-level offer (not a handset or plan, which is
    for one line) to an account with two or more lines, so its per-line exclusions are grouped
    by line."""
    if "lines" not in frame.columns:
        return pl.Series([False] * frame.height, dtype=pl.Boolean)
    many = col("lines").list.len().fill_null(0) >= 2
    account_offer = ~col("_kind").is_in(list(PER_LINE_KINDS)).fill_null(True)
    about_account = col("_line").is_null() & account_offer & many
    return frame.select(about_account.alias("_by_line"))["_by_line"]


def line_rows(frame: pl.DataFrame, profiles: pl.DataFrame, by_line: pl.Series) -> pl.DataFrame:
    """One profile row per (brief row, line) of the grouped rows, in line order (primary first):
    the profile with :data:`CALLED_LINE` set, plus ``_row``, ``_line_id`` and ``_device``."""
    chosen = profiles.with_columns(frame["_row"], by_line.alias("_by_line")).filter("_by_line")
    lines = chosen.select("_row", col("lines").alias("_l")).explode("_l").unnest("_l")
    labels = [
        device_label(make, model)
        for make, model in zip(lines["device_make"], lines["device_model"], strict=True)
    ]
    per_line = lines.select(
        "_row",
        col("line_id").alias("_line_id"),
        pl.Series("_device", labels, dtype=pl.String),
        pl.int_range(pl.len(), dtype=pl.Int64).over("_row").alias("_order"),
    )
    return (
        chosen.drop("_by_line")
        .join(per_line, on="_row", how="inner", maintain_order="left")
        .sort("_row", "_order")
        .with_columns(col("_line_id").alias(CALLED_LINE))
        .with_row_index(KEY)
        .with_columns(col(KEY).cast(pl.String))
    )


def judged_on_lines(
    rows: pl.DataFrame, catalog: Catalog, at: dt.datetime
) -> tuple[pl.DataFrame, pl.Series]:
    """The per-line offers excluded on each row's line (``_lr``: the row of ``rows``,
    ``offer_id``, ``_e``: position in the returned reason lists) and those reason lists."""
    per_line = [o for o in catalog.offers if o.per_line]
    if not per_line or rows.is_empty():
        empty = pl.DataFrame(schema={"_lr": pl.Int64, "offer_id": pl.String, "_e": pl.Int64})
        return empty, pl.Series("reasons", [], dtype=pl.List(pl.Null))
    profile_columns = [c for c in rows.columns if not c.startswith("_") or c == KEY]
    evaluated = evaluate_offers(
        rows.select(profile_columns).lazy(),
        _per_line_catalog(catalog),
        at,
        id_column=KEY,
        line_column=CALLED_LINE,
    ).collect()
    excluded = (
        evaluated.with_row_index("_e")
        .filter(~col("eligible").fill_null(False))
        .select(col(KEY).cast(pl.Int64).alias("_lr"), "offer_id", col("_e").cast(pl.Int64))
    )
    return excluded, evaluated["reasons"]


_PER_LINE: dict[int, tuple[Catalog, CompiledCatalog]] = {}


def _per_line_catalog(catalog: Catalog) -> CompiledCatalog:
    """The catalog's per-line offers compiled, once per catalog (compiling parses every
    predicate: tens of milliseconds a brief would otherwise pay each time)."""
    known = _PER_LINE.get(id(catalog))
    if known is not None and known[0] is catalog:
        return known[1]
    per_line = [o for o in catalog.offers if o.per_line]
    compiled = compile_catalog(catalog.model_copy(update={"offers": per_line}))
    if len(_PER_LINE) >= 16:
        _PER_LINE.clear()
    _PER_LINE[id(catalog)] = (catalog, compiled)
    return compiled


def wording_profiles(rows: pl.DataFrame, at: dt.datetime) -> pl.DataFrame:
    """``rows`` with the scalar device and plan fields of each row's own line, for wording."""
    fields = set(LINE_FIELDS) & set(rows.columns)
    as_of = pl.lit(at.astimezone(dt.UTC).date())
    kept = rows.with_columns(col("lines").alias("__all_lines"))
    exploded = explode_lines(kept.lazy(), as_of, fields).filter(col(LINE_ID) == col(CALLED_LINE))
    return (
        exploded.collect()
        .drop(LINE_ID, "__line_rank", strict=False)
        .rename({"__all_lines": "lines"})
        .sort("_row", "_order")
        .select(rows.columns)
    )
