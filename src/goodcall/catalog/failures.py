"""The failing view of the catalog engine: only the checks that fail, each with its evidence.

:func:`goodcall.catalog.engine.evaluate_offers` gives every check of every offer as a reason,
ok or not, with its evidence: what explain and the agent brief show. An audit keeps only what
fails — a few reasons out of every offer's seven or eight — so :func:`evaluate_failures` judges
the same checks (the engine's own check columns, its line choice for per-line offers) and builds
the evidence only on the rows where a check fails (or a notice is active). Its rows are the
failing reasons and active notices of ``evaluate_offers``, each row × offer's in the same order
(tested equal in ``tests/catalog/test_failures.py``).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from goodcall.catalog.compile import CompiledCatalog
from goodcall.catalog.engine import _check_columns, _mask, check_evidence, line_choice
from goodcall.profiles.lines import LINE_ID

FAILURE_COLUMNS = ("offer_id", LINE_ID, "code", "rule", "evidence")
"""The columns of :func:`evaluate_failures` after the id column."""


def evaluate_failures(
    profiles: pl.LazyFrame,
    compiled: CompiledCatalog,
    at: dt.datetime | str,
    *,
    id_column: str = "customer_id",
    line_column: str | None = None,
) -> pl.DataFrame:
    """One row per failing check and per active notice of each row × offer that
    ``evaluate_offers(profiles, compiled, at, id_column=…, line_column=…)`` judges:
    ``id_column``, ``offer_id``, ``line_id``, ``code``, ``rule``, ``evidence``. Offer by offer,
    rows in input order, each row's failing checks in check order, then its active notices."""
    schema = profiles.collect_schema()
    rows = profiles.with_row_index("__judged_row")
    by_lines = "lines" in schema and any(o.offer.per_line for o in compiled.offers)
    account = tuple(o for o in compiled.offers if not (by_lines and o.offer.per_line))
    per_line = tuple(o for o in compiled.offers if by_lines and o.offer.per_line)
    parts: list[pl.LazyFrame] = []
    if account:
        part = CompiledCatalog(compiled.catalog, account)
        parts += _failures(rows, part, at, id_column, None, per_line=False)
    if per_line:
        part = CompiledCatalog(compiled.catalog, per_line)
        parts += _failures(rows, part, at, id_column, line_column, per_line=True)
    order = {offer_id: i for i, offer_id in enumerate(compiled.offer_ids)}
    empty = pl.DataFrame(
        schema={id_column: schema[id_column], **dict.fromkeys(FAILURE_COLUMNS, pl.String())}
    )
    if not parts:
        return empty
    found = pl.concat(parts).collect(engine="in-memory")
    return (
        found.with_columns(
            pl.col("offer_id").replace_strict(order, return_dtype=pl.Int64).alias("__offer")
        )
        .sort("__offer", "__judged_row", "__position", maintain_order=True)
        .select(id_column, *FAILURE_COLUMNS)
        .cast(empty.schema)
    )


def _failures(
    rows: pl.LazyFrame,
    part: CompiledCatalog,
    at: dt.datetime | str,
    id_column: str,
    line_column: str | None,
    per_line: bool,
) -> list[pl.LazyFrame]:
    """The failing checks and active notices of ``part``'s offers, one query per check: the
    check columns are computed once (collected), the evidence only on the rows that fail."""
    carry = [line_column] if line_column is not None else []
    frame, layout, _ = _check_columns(rows, part, at, None, id_column, per_line, carry)
    eligible = [(_mask(item.check_columns) == 0).alias(f"__ok{i}") for i, item in enumerate(layout)]
    wide = frame.with_columns(eligible).collect(engine="in-memory").lazy()
    if line_column is not None:
        wide = wide.rename({line_column: "__wanted"})
    line = pl.col(LINE_ID) if per_line else pl.lit(None, pl.String).alias(LINE_ID)
    out = []
    for i, item in enumerate(layout):
        judged = wide
        if per_line:
            keep = line_choice(["__judged_row"], wanted=line_column is not None)
            judged = wide.with_columns(pl.col(f"__ok{i}").alias("eligible")).filter(keep)
        offer = pl.lit(item.offer.id, pl.String).alias("offer_id")
        for j, (check, column) in enumerate(zip(item.checks, item.check_columns, strict=True)):
            out.append(
                judged.filter(~pl.col(column)).select(
                    id_column,
                    "__judged_row",
                    offer,
                    line,
                    pl.lit(j, pl.Int64).alias("__position"),
                    pl.lit(check.code, pl.String).alias("code"),
                    pl.lit(check.rule, pl.String).alias("rule"),
                    check_evidence(check).cast(pl.String).alias("evidence"),
                )
            )
        first = len(item.checks)
        for k, (notice, column) in enumerate(zip(item.notices, item.notice_columns, strict=True)):
            out.append(
                judged.filter(pl.col(column)).select(
                    id_column,
                    "__judged_row",
                    offer,
                    line,
                    pl.lit(first + k, pl.Int64).alias("__position"),
                    pl.lit(notice.code, pl.String).alias("code"),
                    pl.lit(notice.rule, pl.String).alias("rule"),
                    notice.evidence.cast(pl.String).alias("evidence"),
                )
            )
    return out
