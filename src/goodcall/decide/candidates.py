"""Funnel stages 1–2: which channels may be used, which offers pass the catalog, and the pairs.

A *candidate* is a customer × offer × channel where the policy engine says the channel is
contactable and the catalog says the offer is eligible, applicable and suitable, and the offer is
sold on that channel. Everything that was refused is summarised as reasons per customer:

* ``policy.*`` — one reason per failing policy check, naming the channels it blocked
  (``channels=phone|sms``), decoded from the policy engine's fast matrix path (booleans and
  blocked-check bit masks); ``explain`` shows each check's evidence through the reasons path;
* ``catalog.*`` — one reason per failing check code, naming the offers it excluded
  (``offers=HS_GALAXY_S25_FETES|HS_PIXEL_10``), so 30 offers do not make 30 reasons; in the
  order of the deciding rule (:data:`goodcall.reasons.CATALOG_TIERS`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

from goodcall.catalog.checks import PROMOTION_SEEN
from goodcall.catalog.compile import CompiledCatalog
from goodcall.catalog.engine import failed_codes
from goodcall.catalog.model import Catalog
from goodcall.catalog.rows import offers_matrix
from goodcall.channels import CHANNELS
from goodcall.policy.engine import (
    blocked_checks,
    channels_matrix_on_rows,
    evaluate_channels_matrix,
    on_rows,
)
from goodcall.policy.model import Policies
from goodcall.policy.resolve import CompiledPolicies
from goodcall.reasons import REASON_LIST, REASON_STRUCT, tier_rank

c = pl.col


def channel_view(
    profiles: pl.LazyFrame | pl.DataFrame,
    policies: Policies | CompiledPolicies,
    at: dt.datetime,
    channels: Sequence[str],
    national_list_date: dt.date | None = None,
) -> pl.DataFrame:
    """Policy verdict per customer × channel: contactable, the blocked checks' bit mask and the
    next window (UTC), from the engine's matrix path.

    ``national_list_date``: the campaign's national-list copy, else each profile's snapshot."""
    wanted = tuple(channels) or CHANNELS  # none at all: the filter below keeps no row
    kept = c("channel").is_in(list(channels))
    if on_rows(profiles):  # a few customers: the row path's frame, no plan around it
        judged = channels_matrix_on_rows(profiles, policies, at, national_list_date, wanted)
        return (judged if channels else judged.filter(kept))[list(_CHANNEL_VIEW)]  # no plan
    frame = evaluate_channels_matrix(profiles, policies, at, national_list_date, wanted)
    return frame.filter(kept).select(_CHANNEL_VIEW).collect()


_CHANNEL_VIEW = (
    "customer_id",
    "channel",
    "contactable",
    "blocked_mask",
    "next_window_start",
    "next_window_end",
)


def policy_reasons(channels: pl.DataFrame, policies: Policies | CompiledPolicies) -> pl.DataFrame:
    """Per customer: one reason per failing policy check over the channels considered, naming
    them (``channels=phone|sms``), in channel then check order."""
    rules = policies.policies if isinstance(policies, CompiledPolicies) else policies
    if (
        channels.height <= REASONS_ON_ROWS_MAX
        and channels.get_column("customer_id").null_count() == 0
    ):
        return policy_reasons_on_rows(channels, rules)
    return policy_reasons_by_frame(channels, rules)


def policy_reasons_by_frame(channels: pl.DataFrame, rules: Policies) -> pl.DataFrame:
    """:func:`policy_reasons` with Polars operations (any number of rows)."""
    blocked = channels.filter(c("blocked_mask") > 0).select(
        "customer_id", "channel", "blocked_mask"
    )
    combos = blocked.select("channel", "blocked_mask").unique()
    rank = {ch: i for i, ch in enumerate(CHANNELS)}
    decoded = pl.DataFrame(
        [
            {"channel": ch, "blocked_mask": m, "order": rank[ch] * 64 + j, "code": code, "rule": r}
            for ch, m in combos.iter_rows()
            for j, code, r in blocked_checks(rules, ch, int(m))
        ],
        schema={
            "channel": pl.String,
            "blocked_mask": combos.schema["blocked_mask"],
            "order": pl.Int64,
            "code": pl.String,
            "rule": pl.String,
        },
    )
    per_check = (
        blocked.join(decoded, on=["channel", "blocked_mask"], how="inner")
        .with_columns(c("channel").replace_strict(rank, return_dtype=pl.Int64).alias("_rank"))
        .group_by("customer_id", "code", "rule")
        .agg(
            c("order").min(),
            c("channel").sort_by("_rank").str.join("|").alias("channels"),
        )
        .sort("customer_id", "order")
    )
    return _reasons_per_customer(per_check, c("rule"), "channels", "policy_reasons")


REASONS_ON_ROWS_MAX = 4 * 128
"""A channel view of at most this many rows (the policy row path's customers × the channels)
has its reasons decoded on Python values (:func:`policy_reasons_on_rows`)."""


def policy_reasons_on_rows(channels: pl.DataFrame, rules: Policies) -> pl.DataFrame:
    """:func:`policy_reasons` on Python values, for a few rows: the same frame (customers in id
    order, reasons in channel then check order, channels named in channel order), without the
    fixed cost of a dozen small Polars operations; ``tests/policy/test_rows.py`` holds the two
    together."""
    rank: dict[str, int] = {ch: i for i, ch in enumerate(CHANNELS)}
    found: dict[object, dict[tuple[str, str], tuple[int, list[str]]]] = {}
    ids, names, masks = (
        channels.get_column(n).to_list() for n in ("customer_id", "channel", "blocked_mask")
    )
    for customer, channel, mask in zip(ids, names, masks, strict=True):
        if not mask:
            continue
        mine = found.setdefault(customer, {})
        for j, code, rule in blocked_checks(rules, channel, int(mask)):
            order, named = mine.get((code, rule), (rank[channel] * 64 + j, []))
            named.append(channel)
            mine[code, rule] = (min(order, rank[channel] * 64 + j), named)
    customers = sorted(found)  # type: ignore[type-var]
    reasons = [
        [
            {
                "code": code,
                "ok": False,
                "rule": rule,
                "evidence": "channels=" + "|".join(sorted(named, key=rank.__getitem__)),
            }
            for (code, rule), (_, named) in sorted(found[cid].items(), key=lambda kv: kv[1][0])
        ]
        for cid in customers
    ]
    schema = {"customer_id": channels.schema["customer_id"], "policy_reasons": REASON_LIST}
    return pl.DataFrame({"customer_id": customers, "policy_reasons": reasons}, schema=schema)


def _reasons_per_customer(
    frame: pl.DataFrame, rule: pl.Expr, named: str, name: str, order: str | None = None
) -> pl.DataFrame:
    """One failing reason per row of ``frame`` (``customer_id``, ``code`` and the ``named``
    list: ``offers=…`` or ``channels=…``), gathered into a list per customer, in row order
    (or in the order of the ``order`` column)."""
    reason = pl.struct(
        c("code"),
        pl.lit(False).alias("ok"),
        rule.alias("rule"),
        pl.concat_str(pl.lit(f"{named}="), c(named)).alias("evidence"),
    ).cast(REASON_STRUCT)
    listed = reason if order is None else reason.sort_by(order)
    return (
        frame.group_by("customer_id", maintain_order=True)
        .agg(listed.alias(name))
        .with_columns(c(name).cast(REASON_LIST))
    )


def offer_view(
    profiles: pl.LazyFrame | pl.DataFrame,
    compiled: CompiledCatalog,
    at: dt.datetime,
    channels: Sequence[str],
    offers: Sequence[str] | None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(eligible customer × offer pairs, per-customer catalog reasons).

    Each pair carries ``line_id``: the line a per-line offer (handset, plan) is for — the first
    eligible line of the account, the catalog engine decides — and null for account-level offers;
    ``other_line`` is true when that line is not the account holder's (scoring treats it as a
    cell the models have never seen).

    An offer whose promotion the customer has already seen is a catalog *notice*, not an
    exclusion; the decision core still does not contact anyone about it — telling a customer
    about a promotion they know is the seed story's second blunder — and says so with the
    notice's code (``catalog.notice.promotion_seen``).

    A small batch in memory (a :class:`~polars.DataFrame`) is judged on Python rows by the
    same checks (:func:`goodcall.catalog.rows.offers_matrix`).
    """
    matrix = offers_matrix(profiles, compiled, at, channels).select(
        "customer_id", "offer_id", "line_id", "eligible", "failed_mask", "promotion_seen"
    )
    if offers is not None:
        matrix = matrix.filter(c("offer_id").is_in(list(offers)))
    frame = matrix.collect()
    usable = c("eligible") & ~c("promotion_seen")
    eligible = (
        frame.filter(usable)
        .select("customer_id", "offer_id", "line_id")
        .join(_holder_lines(profiles.lazy()), on="customer_id", how="left")
        .with_columns(
            (
                c("line_id").is_not_null()
                & ~c("_holder_lines").list.contains(c("line_id")).fill_null(False)
            ).alias("other_line")
        )
        .drop("_holder_lines")
    )
    seen = frame.filter(c("eligible") & c("promotion_seen")).select(
        "customer_id", "offer_id", pl.lit(PROMOTION_SEEN).alias("code")
    )
    return eligible, _catalog_reasons(frame.filter(~c("eligible")), seen, compiled)


def _holder_lines(profiles: pl.LazyFrame) -> pl.DataFrame:
    """Each customer's account-holder line ids (``is_primary``, unset counting as primary, as
    :func:`goodcall.profiles.lines.explode_lines` does)."""
    if "lines" not in profiles.collect_schema():
        return pl.DataFrame(schema={"customer_id": pl.String, "_holder_lines": pl.List(pl.String)})
    holder = pl.element().struct.field("is_primary").fill_null(True)
    return profiles.select(
        "customer_id",
        c("lines")
        .list.eval(pl.element().filter(holder).struct.field("line_id"))
        .alias("_holder_lines"),
    ).collect()


def _catalog_reasons(
    excluded: pl.DataFrame, seen: pl.DataFrame, compiled: CompiledCatalog
) -> pl.DataFrame:
    """One ``catalog.*`` reason per customer and failing check code, naming the offers."""
    combos = excluded.select("offer_id", "failed_mask").unique()
    decoded = pl.DataFrame(
        [
            {"offer_id": o, "failed_mask": m, "code": code}
            for o, m in combos.iter_rows()
            for code in failed_codes(compiled, o, int(m), at_channels=True)
        ],
        schema={
            "offer_id": pl.String,
            "failed_mask": combos.schema["failed_mask"],
            "code": pl.String,
        },
    )
    codes = excluded.join(decoded, on=["offer_id", "failed_mask"], how="inner").select(
        "customer_id", "offer_id", "code"
    )
    per_code = _offers_per_code(pl.concat([codes, seen]))
    ranked = sorted(per_code["code"].unique().to_list(), key=lambda k: (tier_rank(k), k))
    per_code = per_code.with_columns(  # the deciding rule's order: the first reason decided
        c("code").replace_strict(ranked, list(range(len(ranked))), return_dtype=pl.Int64)
        .alias("_order")
    )  # fmt: skip
    return _reasons_per_customer(
        per_code, pl.lit("catalog check"), "offers", "catalog_reasons", order="_order"
    )


def _offers_per_code(rows: pl.DataFrame) -> pl.DataFrame:
    """Per customer and code, the offers it excluded, sorted and joined (``A|B``). The offers
    of a (customer, code) are distinct, so they are gathered as bits of one integer and each
    distinct set is spelt once: a string join per group costs thirty times as much."""
    offers = sorted(rows["offer_id"].unique().to_list())
    if len(offers) > 62:
        return rows.group_by("customer_id", "code").agg(
            c("offer_id").sort().str.join("|").alias("offers")
        )
    bits = [1 << i for i in range(len(offers))]
    per_code = rows.group_by("customer_id", "code").agg(
        c("offer_id").replace_strict(offers, bits, return_dtype=pl.Int64).sum().alias("_set")
    )
    sets = per_code["_set"].unique().to_list()
    spelt = ["|".join(o for i, o in enumerate(offers) if s >> i & 1) for s in sets]
    return per_code.select(
        "customer_id",
        "code",
        c("_set").replace_strict(sets, spelt, return_dtype=pl.String).alias("offers"),
    )


def offer_channels(catalog: Catalog) -> pl.DataFrame:
    """Which channel each offer is sold on."""
    rows = [(o.id, ch) for o in catalog.offers for ch in o.channels]
    return pl.DataFrame(rows, schema={"offer_id": pl.String, "channel": pl.String}, orient="row")


def candidate_pairs(
    eligible: pl.DataFrame, channels: pl.DataFrame, sold_on: pl.DataFrame
) -> pl.DataFrame:
    """customer × offer × channel: offer eligible, channel contactable, offer sold there."""
    open_channels = channels.filter(c("contactable")).select(
        "customer_id", "channel", "next_window_start", "next_window_end"
    )
    return eligible.join(sold_on, on="offer_id", how="inner").join(
        open_channels, on=["customer_id", "channel"], how="inner"
    )
