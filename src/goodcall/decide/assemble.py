"""Funnel stage 7: one decision row per customer, with every reason.

Per chunk of customers the core keeps a *summary* (language, register, control draw, how many
offers were eligible and channels open, the failing policy and catalog reasons, the best
candidate and the best candidate the response model scored) and each customer's *two best
offers*; after the global arbitration these are joined with the chosen contact (or the control
customer's shadow choice) and the reasons are written.
The runner-up is the best offer other than the chosen one, which is always among the two best.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from goodcall.decide import explain
from goodcall.decide.candidates import policy_reasons
from goodcall.decide.config import CampaignConfig
from goodcall.reasons import REASON_LIST

if TYPE_CHECKING:
    from goodcall.decide.core import Funnel

c = pl.col
BEST_ORDER = (
    ["customer_id", "ev", "offer_id", "channel", "planned_at"],
    [False, True, False, False, False],
)


def ordered(scored: pl.DataFrame) -> pl.DataFrame:
    """``scored`` in :data:`BEST_ORDER` (best first per customer): sorted once, read thrice."""
    keys, descending = BEST_ORDER
    return scored.sort(keys, descending=descending)


def _best(ranked: pl.LazyFrame, prefix: str) -> pl.LazyFrame:
    """Each customer's first row of ``ranked`` (rows in :data:`BEST_ORDER`)."""
    return ranked.unique("customer_id", keep="first", maintain_order=True).select(
        "customer_id",
        c("offer_id").alias(prefix + "offer_id"),
        c("channel").alias(prefix + "channel"),
        c("ev").alias(prefix + "ev"),
    )


def top_offers(ranked: pl.DataFrame) -> pl.DataFrame:
    """Each customer's best candidate for each of their two best offers (by EV); ``ranked`` in
    :data:`BEST_ORDER`, so the first row of each offer is its best and the offers stay in
    order."""
    per_offer = ranked.unique(["customer_id", "offer_id"], keep="first", maintain_order=True)
    return (
        per_offer.group_by("customer_id", maintain_order=True)
        .head(2)
        .select("customer_id", "offer_id", "channel", "planned_at", "ev")
    )


def customer_summary(stages: Funnel, ranked: pl.DataFrame) -> pl.DataFrame:
    """One row per customer of the chunk: what the reasons and the decision row need
    (``ranked``: the chunk's scored items in :data:`BEST_ORDER`), in the order of the chunk's
    customers. One plan, collected once: on a few customers each eager join would cost a query
    of its own; the joins keep the left order (a lazy join may not)."""
    ranked_plan = ranked.lazy()
    counts = (
        stages.base.lazy()
        .select("customer_id")
        .join(
            stages.eligible.lazy().group_by("customer_id").len("eligible_offers"),
            on="customer_id",
            how="left",
            maintain_order="left",
        )
        .join(
            stages.channels.lazy()
            .filter(c("contactable"))
            .group_by("customer_id")
            .len("contactable_channels"),
            on="customer_id",
            how="left",
            maintain_order="left",
        )
        .fill_null(0)
    )
    reasons = policy_reasons(stages.channels, stages.policies).lazy()
    return (
        stages.base.lazy()
        .select("customer_id", "language", "register")
        .join(stages.groups.lazy(), on="customer_id", how="left", maintain_order="left")
        .join(counts, on="customer_id", how="left", maintain_order="left")
        .join(reasons, on="customer_id", how="left", maintain_order="left")
        .join(stages.catalog_reasons.lazy(), on="customer_id", how="left", maintain_order="left")
        .join(_best(ranked_plan, "best_"), on="customer_id", how="left", maintain_order="left")
        .join(
            _best(ranked_plan.filter(c("known")), "known_"),
            on="customer_id",
            how="left",
            maintain_order="left",
        )
        .collect()
    )


def assemble(
    summary: pl.DataFrame,
    top: pl.DataFrame,
    picks: pl.DataFrame,
    shadows: pl.DataFrame,
    config: CampaignConfig,
) -> pl.LazyFrame:
    """Decision rows (in the order of ``summary``) with the reasons, as one plan."""
    chosen = picks.lazy().select("customer_id", c("offer_id").alias("_chosen"))
    keys, descending = BEST_ORDER
    runner_up = (
        top.lazy()
        .join(chosen, on="customer_id", how="left")
        .filter(c("_chosen").is_null() | (c("offer_id") != c("_chosen")))
        .sort(keys, descending=descending)
        .pipe(_best, "runner_up_")
    )
    frame = (
        summary.lazy()
        .join(picks.lazy(), on="customer_id", how="left", maintain_order="left")
        .join(shadows.lazy(), on="customer_id", how="left", maintain_order="left")
        .join(runner_up, on="customer_id", how="left", maintain_order="left")
    )
    contacted = c("offer_id").is_not_null()
    frame = frame.with_columns(
        pl.when(c("in_control"))
        .then(pl.lit("control"))
        .when(contacted)
        .then(pl.lit("contact"))
        .otherwise(pl.lit("no_contact"))
        .alias("decision"),
        pl.when(c("in_control").is_null())
        .then(None)
        .when(c("in_control"))
        .then(pl.lit("control"))
        .otherwise(pl.lit("treatment"))
        .alias("group"),
        pl.when(contacted).then(True).otherwise(None).alias("language_ok"),
        pl.when(contacted).then(True).otherwise(None).alias("register_ok"),
        c("explore").fill_null(False),
        c("value").alias("explore_value"),
    )
    return frame.with_columns(_reasons(config).alias("reasons"))


def _reasons(config: CampaignConfig) -> pl.Expr:
    empty = pl.lit([], REASON_LIST)
    decision = c("decision")

    def one(reason: pl.Expr, when: pl.Expr) -> pl.Expr:
        return pl.when(when).then(pl.concat_list(reason)).otherwise(empty)

    has_candidates = c("group").is_not_null()
    no_contact = (decision == "no_contact") & has_candidates
    worth_it = (c("best_ev") > 0).fill_null(False)  # null: no such candidate (never "unknown")
    known_worth_it = (c("known_ev") > 0).fill_null(False)
    return pl.concat_list(
        c("policy_reasons").fill_null(empty),
        c("catalog_reasons").fill_null(empty),
        one(explain.no_candidate_reason(), ~has_candidates),
        one(explain.control_reason(config.control_share), decision == "control"),
        one(explain.contact_reason(), decision == "contact"),
        one(explain.explore_reason(), (decision == "contact") & c("explore")),
        one(explain.capacity_reason(), no_contact & known_worth_it),
        one(explain.cold_reason(), no_contact & ~known_worth_it & worth_it),
        one(explain.negative_ev_reason(), no_contact & ~worth_it),
        one(explain.runner_up_reason(), (decision == "contact") & c("runner_up_ev").is_not_null()),
    )
