"""Section 5: what not to offer, and why — from the catalog engine's own reasons.

Every offer the rules excluded for this customer is a possible blunder, but a list of twenty is
not read. Excluded offers are kept when an agent could plausibly reach for them (the same kind as
the offer of the call, a handset for another system, a plan that is no upgrade, a promotion
already redeemed), grouped by reason so that one sentence covers them ("Ne proposez pas Galaxy
S25, Pixel 10, LG Velvet : le client utilise un iPhone 13"), and capped.

All of it is computed for a whole batch in Polars; the catalog's reason sentences are worded
once per distinct input (:mod:`goodcall.brief.memo`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

import polars as pl

from goodcall.brief.facts import by_lang, col
from goodcall.brief.memo import COLUMNS, ReasonMemo, ReasonText
from goodcall.brief.model import DoNotOffer
from goodcall.brief.schema import model_struct, struct_of
from goodcall.catalog.checks import BRAND
from goodcall.catalog.model import PER_LINE_KINDS, Catalog
from goodcall.reasons import CATALOG_TIERS, deciding_checks

OFFER_COLUMNS = (
    "offer_id",
    "_position",
    "_kind",
    "_target_os",
    "_target_tier",
    "_promotion",
    "_name_fr",
    "_name_en",
)
MAX_GROUPS = 5
MAX_NAMES = 6
ABOUT_CUSTOMER = CATALOG_TIERS[1:]
"""The tiers whose checks read the customer (validity is about the offer's own dates)."""
ACCOUNT_AFTER = 0.5
"""Among exclusions of one relevance, each line's first "do not" comes before the account's
(what not to pitch to whom is the point on a multi-line call), its further ones after."""
BASIC_PLAN_TIERS = 2
"""Plans at or below this tier are "basic": above it, the agent is told not to assume one."""


def default_reason_text() -> ReasonText:
    """The catalog's own wording of an exclusion (imported when first needed)."""
    from goodcall.catalog.texts import reason_text

    return reason_text


def finish_reason(text: str) -> str:
    """A reason sentence as the brief shows it, after a dash and before its own full stop."""
    return text.strip().rstrip(".")


def relevance(pitched_kind: pl.Expr, redeemed: pl.Expr) -> pl.Expr:
    """How likely an agent is to reach for an excluded offer on this call (0 = most), or null.

    ``redeemed``: whether the customer already redeemed the excluded offer's promotion."""
    return (
        pl.when(col("_kind") == pitched_kind)
        .then(0)
        .when((col("_kind") == "handset") | col("_target_os").is_not_null())
        .then(1)
        .when((col("_kind") == "plan") | col("_target_tier").is_not_null())
        .then(2)
        .when(col("_promotion").is_not_null() & redeemed)
        .then(3)
    )


def other_brand(reasons: pl.Series) -> pl.Series:
    """Per reason list: the offer is another brand's (never worth naming to this agent)."""
    element = pl.element().struct
    crossed = (element.field("code") == BRAND) & ~element.field("ok")
    return reasons.list.eval(crossed).list.any().fill_null(False)


def other_brand_reason(reasons: Sequence[Mapping[str, Any]] | None) -> bool:
    """:func:`other_brand` of one reason list (a row's, on the one-customer path)."""
    return any(r.get("code") == BRAND and r.get("ok") is False for r in reasons or [])


def picked_rows(
    excluded: pl.DataFrame, reasons: pl.Series, offers: pl.DataFrame, base: pl.DataFrame
) -> pl.DataFrame:
    """The excluded offers worth naming, one row each, with the failed check that says why.

    ``excluded``: ``_row, offer_id, _e`` (the engine's rows with ``eligible`` false; ``_e`` is
    the row's position in ``reasons``, the engine's reason lists, read only for these offers);
    ``base``: ``_row, lang, _kind`` (the pitched offer's kind) and ``redeemed_promotions``.
    """
    redeemed = (
        base.lazy()
        .select("_row", col("redeemed_promotions").alias("_promotion"))
        .explode("_promotion")
        .drop_nulls()
        .unique()
        .with_columns(pl.lit(True).alias("_redeemed"))
    )
    candidates = (
        excluded.lazy()
        .join(offers.lazy().select(OFFER_COLUMNS), on="offer_id", how="inner")
        .join(base.lazy().select("_row", "lang", col("_kind").alias("_pitched")), on="_row")
        .join(redeemed, on=["_row", "_promotion"], how="left")
        .with_columns(relevance(col("_pitched"), col("_redeemed").fill_null(False)).alias("_rank"))
        .filter(col("_rank").is_not_null())
        .collect()
    )
    failed = deciding_checks(reasons.gather(candidates["_e"]))
    reason = col("_reason").struct
    about_customer = reason.field("code").str.split(".").list.get(1, null_on_oob=True)
    about_customer = about_customer.is_in(ABOUT_CUSTOMER).fill_null(False)
    return (
        candidates.with_columns(failed.alias("_reason"))
        .filter(col("_reason").is_not_null() & about_customer)
        .select(
            "_row",
            "offer_id",
            "lang",
            reason.field("code", "ok", "rule", "evidence"),
            "_rank",
            "_position",
            by_lang({"fr": col("_name_fr"), "en": col("_name_en")}).alias("_name"),
            "_e",
        )
        # ties (one per-line offer judged on several lines, none of them primary) in the
        # engine's order, not the joins' (which Polars does not promise to keep)
        .sort("_row", "_rank", "_position", "_e")
        .drop("_e")
    )


def groups(picked: pl.DataFrame, texts: pl.Series, rows: pl.DataFrame) -> pl.Series:
    """Per row of ``rows`` (``_row``), the excluded offers grouped by line (when ``picked`` has
    ``_line_id``, else none) and reason sentence, the most relevant first, at most
    :data:`MAX_GROUPS`."""
    if "_line_id" not in picked.columns:
        picked = picked.with_columns(
            pl.lit(None, pl.String).alias("_line_id"), pl.lit(None, pl.String).alias("_device")
        )
    grouped = (
        picked.with_columns(texts.alias("_text"))
        .group_by("_row", "_line_id", "_text", maintain_order=True)
        .agg(
            col("code").first(),
            col("_device").first(),
            col("offer_id").head(MAX_NAMES).alias("_ids"),
            col("_name").head(MAX_NAMES).alias("_names"),
            pl.len().alias("_count"),
        )
        .group_by("_row", maintain_order=True)
        .head(MAX_GROUPS)
    )
    item = struct_of(
        DoNotOffer,
        offer_ids=col("_ids"),
        names=col("_names"),
        reason=col("_text"),
        code=col("code").fill_null(""),
        more=(col("_count").cast(pl.Int64) - MAX_NAMES).clip(lower_bound=0),
        line_id=col("_line_id"),
        device=col("_device"),
    )
    per_row = grouped.group_by("_row", maintain_order=True).agg(item.alias("_offers"))
    dtype = pl.List(model_struct(DoNotOffer))
    return (
        rows.select("_row")
        .join(per_row, on="_row", how="left", maintain_order="left")["_offers"]
        .fill_null(pl.lit([], dtype=dtype))
    )


def do_not_offers(
    excluded: pl.DataFrame,
    reasons: pl.Series,
    offers: pl.DataFrame,
    base: pl.DataFrame,
    profiles: pl.DataFrame,
    memo: ReasonMemo,
    line_profiles: pl.DataFrame | None = None,
    by_line: LineJudging | None = None,
) -> pl.Series:
    """The "Do not" groups of every row of ``base`` (see :func:`picked_rows` for the inputs).

    ``profiles`` is aligned with ``base`` (row ``i`` is the profile of ``base``'s ``_row == i``).
    ``line_profiles``, aligned the same way, describe the line each call is about: the reasons of
    per-line offers (handsets, plans) are worded from them — the engine judged those offers on
    that line — and the others from ``profiles`` (the account). ``by_line``: the rows whose
    per-line exclusions are named line by line (:mod:`goodcall.brief.donotline`).
    """
    per_line = offers.filter(col("_kind").is_in(list(PER_LINE_KINDS)))["offer_id"]
    if by_line is not None:
        grouped_rows = by_line.rows["_row"].unique().implode()
        dropped = col("_row").is_in(grouped_rows) & col("offer_id").is_in(per_line.implode())
        excluded = excluded.filter(~dropped)
    picked = picked_rows(excluded, reasons, offers, base)
    row = col("_row")
    if line_profiles is not None:
        on_line = col("offer_id").is_in(per_line.implode())
        row = pl.when(on_line).then(row + profiles.height).otherwise(row)
        profiles = pl.concat([profiles, line_profiles], how="diagonal_relaxed")
    texts = memo.texts(picked.select(*COLUMNS, row.alias("_p")), profiles)
    if by_line is not None:
        picked, texts = _with_lines(picked, texts, offers, base, memo, by_line)
    return groups(picked, texts, base)


class LineJudging(NamedTuple):
    """The per-line offers judged on every line of the grouped rows (see
    :mod:`goodcall.brief.donotline`): ``rows`` (one per brief row × line: ``_row``,
    ``_line_id``, ``_device``, ``_order``), ``excluded`` (``_lr``: the row of ``rows``,
    ``offer_id``, ``_e``), the engine's ``reasons`` and the ``wording`` profiles (aligned with
    ``rows``, each on its own line)."""

    rows: pl.DataFrame
    excluded: pl.DataFrame
    reasons: pl.Series
    wording: pl.DataFrame


def _with_lines(
    picked: pl.DataFrame,
    texts: pl.Series,
    offers: pl.DataFrame,
    base: pl.DataFrame,
    memo: ReasonMemo,
    by_line: LineJudging,
) -> tuple[pl.DataFrame, pl.Series]:
    """The account's picked rows and texts, merged with those of every line, sorted so that the
    most relevant come first (line by line in the account's order within one relevance)."""
    lines = by_line.rows.select(
        pl.int_range(pl.len(), dtype=pl.Int64).alias("_lr"), "_row", "_line_id", "_device", "_order"
    )
    line_base = lines.join(
        base.select("_row", "lang", "_kind", "redeemed_promotions"), on="_row", how="left"
    ).select(col("_lr").alias("_row"), "lang", "_kind", "redeemed_promotions")
    mine = by_line.excluded.rename({"_lr": "_row"})
    on_lines = picked_rows(mine, by_line.reasons, offers, line_base)
    line_texts = memo.texts(on_lines.select(*COLUMNS, col("_row").alias("_p")), by_line.wording)
    on_lines = (
        on_lines.with_columns(line_texts.alias("_text"))
        .rename({"_row": "_lr"})
        .join(lines, on="_lr", how="left", maintain_order="left")
        .drop("_lr")
        .sort("_row", "_order", "_rank", "_position", maintain_order=True)
    )
    first_seen = pl.int_range(pl.len(), dtype=pl.Int64).over("_row", "_line_id", "_text")
    nth = pl.when(first_seen == 0).then(1).otherwise(0).cum_sum().over("_row", "_line_id") - 1
    on_lines = on_lines.with_columns(nth.cast(pl.Float64).alias("_nth"))
    account = picked.with_columns(
        texts.alias("_text"),
        pl.lit(None, pl.String).alias("_line_id"),
        pl.lit(None, pl.String).alias("_device"),
        pl.lit(-1, pl.Int64).alias("_order"),
        pl.lit(ACCOUNT_AFTER, pl.Float64).alias("_nth"),
    )
    merged = pl.concat([account, on_lines.select(account.columns)], how="vertical_relaxed").sort(
        "_row", "_rank", "_nth", "_order", "_position", maintain_order=True
    )
    return merged.drop("_text", "_order", "_nth"), merged["_text"]


def memo_for(
    catalog: Catalog, wording: ReasonText | None, finish: Callable[[str], str] = finish_reason
) -> ReasonMemo:
    return ReasonMemo(wording or default_reason_text(), catalog, finish)


def topics(knowledge: pl.Expr, has_complaint: pl.Expr, has_repair: pl.Expr) -> pl.Expr:
    """Topics to handle with care, from the facts (the last one always applies)."""
    plan = knowledge.struct.field("plan")
    basic = plan.is_not_null() & (
        plan.struct.field("plan_is_top").fill_null(False)
        | (plan.struct.field("plan_tier") > BASIC_PLAN_TIERS).fill_null(False)
    )
    refusal = knowledge.struct.field("last_refusal_at").is_not_null()
    wanted: Mapping[str, pl.Expr] = {
        "complaint_first": has_complaint,
        "repair_open": has_repair,
        "recent_refusal": refusal,
        "basic_plan": basic,
        "no_pressure": pl.lit(True),
    }
    return pl.concat_list(
        [pl.when(cond).then(pl.lit(code)) for code, cond in wanted.items()]
    ).list.drop_nulls()
