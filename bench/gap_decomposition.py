"""Where the gap between our policy and the oracle comes from, on the synthetic carrier.

Runs the same steps as ``goodcall evaluate synthetic`` and then arbitrates the same candidates
under the same capacity with different value estimates, each scored exactly by the truth:

* ``oracle`` — the truth's EV (knows every hidden trait);
* ``observable oracle`` — the truth's EV averaged over the hidden traits given the recorded data
  (:mod:`goodcall.truth.observable`, ``--draws`` lattice points): the best any policy that sees
  only the data could do;
* ``ours`` — the model's EV (the decision core's);
* ``ours, true levels`` — the model's uplift and P(annoy) rescaled per offer × channel so that
  their means over the candidates match the truth's (ranking inside each offer × channel is ours);
* ``ours, gross value`` — ours valuing an acceptance at the offer's gross margin instead of
  value − cost, the net margin that both the core and the truth count: what getting the
  economics wrong would cost;
* ``ours, arms calibrated`` — a candidate fix measured here: P(accept | contacted) rescaled per
  offer × channel and P(accept | not contacted) per offer by (observed + 10) / (predicted + 10)
  conversions on the history (all rows, or the held-out fifth only), i.e. shrunk toward the
  pooled model;
* ``ours, posterior levels`` — another: the model's uplift rescaled per offer × channel to the
  Beta posterior mean uplift (catalog prior + history; control pooled over channels or not);
* ``ours, truth-pruned`` — ours' choices minus those whose true EV is negative;
* ``ours, observable …`` — ours with one part of the reach-decomposed model (the reach, the
  effect when reached, the effect's level per offer, P(annoy)) replaced by the observable
  oracle's: which part's error costs the most.

"of which calls" is the value of the policy's phone calls alone.

Then, customer by customer, what each kind of disagreement with the oracle costs (another offer
on the same channel, another channel for the same offer, a contact only one of them makes).

Also prints, per offer × channel, mean predicted vs true uplift among chosen and unchosen items.

    python -m bench.gap_decomposition --customers 40000 --seed 0 --calls-per-day 600
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

import polars as pl

from goodcall.catalog.compile import compile_catalog
from goodcall.catalog.loader import load_catalog
from goodcall.decide import (
    ITEM_KEYS,
    CampaignConfig,
    arbitrate_values,
    candidate_table,
    score_candidates,
)
from goodcall.evaluate.synthetic import (
    DECISION_HOUR_UTC,
    observable_values,
    truth_values,
    with_everyone,
)
from goodcall.models.inputs import FEATURE_COLUMNS, candidate_features, offer_table
from goodcall.models.reach import with_medium
from goodcall.models.registry import ModelSet, train_model_set
from goodcall.models.rows import training_rows
from goodcall.policy.loader import load_policies
from goodcall.profiles.build import build_profiles
from goodcall.synth.generate import DEFAULT_AS_OF, carrier_tables
from goodcall.truth.response import ResponseTruth
from goodcall.truth.scoring import score_policy

c = pl.col
KEYS = list(ITEM_KEYS)


OBS_PARTS = (
    "true_uplift",
    "true_p_annoy",
    "true_p_reach",
    "true_p_accept_reached",
    "true_p_organic",
)
SWAPS = ("reach", "effect when reached", "effect level per offer", "P(annoy)")


def model_parts(
    items: pl.DataFrame, models: ModelSet, offers: pl.DataFrame, at: dt.datetime
) -> pl.DataFrame:
    """Our reach, organic take-up and P(accept | reached) per item (reach-decomposed model)."""
    assert models.response is not None and models.response.reach is not None
    features = candidate_features(
        items.lazy().with_columns(pl.lit(at).alias("_as_of")), offers
    ).collect()
    reach = models.response.reach
    frame = features.select(FEATURE_COLUMNS)
    accept, organic = reach.take_up(frame)
    return features.select(KEYS).with_columns(
        pl.Series("m_reach", reach.parts["reach"].predict(with_medium(frame))),
        pl.Series("m_organic", organic),
        pl.Series("m_accept_reached", accept),
    )


def component_swaps(cost: pl.Expr, annoy_cost: pl.Expr) -> list[pl.Expr]:
    """Our EV with one part replaced by the observable oracle's: which part's error costs most."""
    effect = c("m_accept_reached") - c("m_organic")
    obs_effect = c("obs_p_accept_reached") - c("obs_p_organic")
    level = obs_effect.sum().over("offer_id") / effect.sum().over("offer_id")

    def ev(uplift: pl.Expr, p_annoy: pl.Expr) -> pl.Expr:
        return uplift * c("offer_value") - cost - p_annoy * annoy_cost

    swaps = {
        "reach": ev(c("obs_p_reach") * effect, c("p_annoy")),
        "effect when reached": ev(c("m_reach") * obs_effect, c("p_annoy")),
        "effect level per offer": ev(c("m_reach") * effect * level, c("p_annoy")),
        "P(annoy)": ev(c("m_reach") * effect, c("obs_p_annoy")),
    }
    return [e.alias(f"swap_{name}") for name, e in swaps.items()]


def plan(items: pl.DataFrame, ev: str, config: CampaignConfig, catalog, at) -> pl.DataFrame:  # type: ignore[no-untyped-def]
    chosen, _ = arbitrate_values(items.with_columns(c(ev).alias("ev")), config, catalog, at)
    return chosen


def losses_by_choice(
    oracle: pl.DataFrame, ours: pl.DataFrame, true_ev: pl.DataFrame
) -> pl.DataFrame:
    """Ours against the oracle customer by customer: what each kind of disagreement (another
    offer, another channel, a contact only one of them makes) costs, as a share of the oracle's
    value (each customer's chosen contact valued at the truth's EV ``true_ev``)."""

    def picks(chosen: pl.DataFrame, tag: str) -> pl.DataFrame:
        return chosen.join(true_ev, on=KEYS).select(
            "customer_id",
            c("offer_id").alias(f"{tag}_offer"),
            c("channel").alias(f"{tag}_channel"),
            c("true_ev").alias(f"{tag}_ev"),
        )

    both = picks(oracle, "o").join(picks(ours, "u"), on="customer_id", how="full", coalesce=True)
    both = both.with_columns(c("o_ev").fill_null(0.0), c("u_ev").fill_null(0.0))
    same_offer, same_channel = c("o_offer") == c("u_offer"), c("o_channel") == c("u_channel")
    kind = (
        pl.when(c("o_offer").is_null())
        .then(pl.lit("contacted by us only"))
        .when(c("u_offer").is_null())
        .then(pl.lit("contacted by the oracle only"))
        .when(same_offer & same_channel)
        .then(pl.lit("same offer, same channel"))
        .when(same_offer)
        .then(pl.lit("same offer, another channel"))
        .when(same_channel)
        .then(pl.lit("same channel, another offer"))
        .otherwise(pl.lit("another offer and channel"))
    )
    total = both["o_ev"].sum()
    return (
        both.with_columns(kind.alias("choice"))
        .group_by("choice", "o_channel", "u_channel")
        .agg(pl.len().alias("customers"), ((c("o_ev") - c("u_ev")).sum() / total).alias("lost"))
        .sort("lost", descending=True)
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=40_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--calls-per-day", type=int, default=600)
    parser.add_argument("--draws", type=int, default=16)
    parser.add_argument("--method", default="auto")
    args = parser.parse_args()
    tick = time.perf_counter()
    at = dt.datetime.combine(DEFAULT_AS_OF, dt.time(DECISION_HOUR_UTC), tzinfo=dt.UTC)
    tables = {k: v.lazy() for k, v in carrier_tables(args.customers, args.seed).items()}
    catalog = load_catalog()
    compiled, policies = compile_catalog(catalog), load_policies()
    offers = offer_table(catalog.offers)
    rows = training_rows(tables, at, offers)
    models = train_model_set(
        rows, list(catalog.offers), cutoff=at, trained_at=at, seed=args.seed, method=args.method
    )
    profiles = build_profiles(tables, at).collect()
    config = CampaignConfig(
        campaign_id=f"EVAL-{args.seed}",
        calls_per_day=args.calls_per_day,
        control_share=0.0,
        explore_share=0.0,
    )
    stages = candidate_table(
        profiles.lazy(), catalog=catalog, compiled=compiled, policies=policies, at=at, config=config
    )
    truth = ResponseTruth(args.seed)
    items = stages.items.select(ITEM_KEYS)
    scored = score_candidates(stages, models, catalog, config, at)
    true = truth_values(items, profiles, truth)
    obs = observable_values(items, profiles, truth, args.draws).select(
        *KEYS,
        *(c(n).alias(n.replace("true_", "obs_")) for n in OBS_PARTS),
        c("ev").alias("obs_ev"),
    )
    frame = (
        scored.join(true.rename({"ev": "true_ev"}), on=KEYS)
        .join(obs, on=KEYS)
        .join(model_parts(stages.items, models, offers, at), on=KEYS)
    )
    cost = config.economics.contact_cost_of(c("channel"))
    annoy_cost = config.economics.annoyance_cost_of(c("value"))
    gross = {o.id: o.value for o in catalog.offers}
    frame = (
        frame.join(profiles.select("customer_id", "value"), on="customer_id")
        .join(offers.select("offer_id", "offer_value"), on="offer_id")
        .with_columns(
            c("offer_id").replace_strict(gross, return_dtype=pl.Float64).alias("gross_value")
        )
    )
    grp = ["offer_id", "channel"]
    from goodcall.models.rows import holdout_mask

    held = pl.Series(holdout_mask(rows["customer_id"]))
    _, pt_r, pc_r = models.response.predict(rows.select(FEATURE_COLUMNS))
    hist = rows.select("offer_id", "channel", "treated", "converted").with_columns(
        pl.Series("pt", pt_r), pl.Series("pc", pc_r), held.alias("held")
    )

    def factors(h: pl.DataFrame, a: float, tag: str) -> pl.DataFrame:
        ft = (
            h.filter(c("treated"))
            .group_by(grp)
            .agg(((c("converted").sum() + a) / (c("pt").sum() + a)).alias("f_t" + tag))
        )
        fc = (
            h.filter(~c("treated"))
            .group_by("offer_id")
            .agg(((c("converted").sum() + a) / (c("pc").sum() + a)).alias("f_c" + tag))
        )
        return ft.join(fc, on="offer_id", how="left")

    cal_all = factors(hist, 10.0, "_all")
    cal_held = factors(hist.filter(c("held")), 10.0, "_held")
    post = models.posteriors.with_columns(
        (c("alpha_t") / (c("alpha_t") + c("beta_t"))).alias("p_t"),
        (c("alpha_c") / (c("alpha_c") + c("beta_c"))).alias("p_c"),
        (
            (c("alpha_c").sum().over("offer_id"))
            / (c("alpha_c") + c("beta_c")).sum().over("offer_id")
        ).alias("p_c_pooled"),
    ).select(
        *grp,
        (c("p_t") - c("p_c")).alias("post_uplift"),
        (c("p_t") - c("p_c_pooled")).alias("post_uplift_pooled"),
        "mature",
    )
    print(post.filter(c("channel") == "phone").sort("post_uplift", descending=True).head(12))
    frame = (
        frame.join(post, on=grp, how="left")
        .join(cal_all, on=grp, how="left")
        .join(cal_held, on=grp, how="left")
    )
    for tag in ("_all", "_held"):
        pc = c("p_accept") - c("uplift")
        cal_u = c("p_accept") * c("f_t" + tag).fill_null(1.0) - pc * c("f_c" + tag).fill_null(1.0)
        frame = frame.with_columns(
            pl.when(c("mature")).then(cal_u).otherwise(c("uplift")).alias("u_cal" + tag)
        )
    with pl.Config(tbl_rows=40):
        print(
            frame.filter(c("channel") == "phone", c("mature"))
            .group_by("offer_id")
            .agg(
                c("f_t_all").first(),
                c("f_c_all").first(),
                c("f_t_held").first(),
                c("f_c_held").first(),
                c("u_cal_all").mean(),
                c("u_cal_held").mean(),
                c("uplift").mean(),
                c("true_uplift").mean(),
            )
            .sort("true_uplift", descending=True)
        )
    scale_u = c("true_uplift").sum().over(grp) / c("uplift").sum().over(grp)
    scale_a = c("true_p_annoy").sum().over(grp) / c("p_annoy").sum().over(grp)
    frame = frame.with_columns(
        (
            c("uplift") * scale_u * c("offer_value") - cost - c("p_annoy") * scale_a * annoy_cost
        ).alias("levels_ev"),
        (c("uplift") * c("gross_value") - cost - c("p_annoy") * annoy_cost).alias("gross_ev"),
        (c("u_cal_all") * c("offer_value") - cost - c("p_annoy") * annoy_cost).alias("cal_all_ev"),
        (c("u_cal_held") * c("offer_value") - cost - c("p_annoy") * annoy_cost).alias(
            "cal_held_ev"
        ),
        (
            pl.when(c("mature"))
            .then(c("uplift") * (c("post_uplift").clip(0.0) / c("uplift").mean().over(grp)))
            .otherwise(c("uplift"))
            * c("offer_value")
            - cost
            - c("p_annoy") * annoy_cost
        ).alias("post_ev"),
        (
            pl.when(c("mature"))
            .then(c("uplift") * (c("post_uplift_pooled").clip(0.0) / c("uplift").mean().over(grp)))
            .otherwise(c("uplift"))
            * c("offer_value")
            - cost
            - c("p_annoy") * annoy_cost
        ).alias("pooled_ev"),
        (
            c("uplift") * scale_u * c("gross_value") - cost - c("p_annoy") * scale_a * annoy_cost
        ).alias("gross_levels_ev"),
        *component_swaps(cost, annoy_cost),
    )
    everyone = profiles.select("customer_id")
    results = {}
    chosen = {}
    for name, ev in (
        ("oracle", "true_ev"),
        ("observable oracle", "obs_ev"),
        ("ours", "ev"),
        ("ours, true levels", "levels_ev"),
        ("ours, gross value", "gross_ev"),
        ("ours, arms calibrated (all rows)", "cal_all_ev"),
        ("ours, arms calibrated (held-out rows)", "cal_held_ev"),
        ("ours, posterior levels", "post_ev"),
        ("ours, posterior levels, pooled control", "pooled_ev"),
        ("ours, gross value + true levels", "gross_levels_ev"),
        *((f"ours, observable {name}", f"swap_{name}") for name in SWAPS),
    ):
        chosen[name] = plan(frame, ev, config, catalog, at)
        results[name] = score_policy(with_everyone(chosen[name], everyone), profiles, truth)
    pruned = chosen["ours"].join(frame.select(*KEYS, "true_ev"), on=KEYS).filter(c("true_ev") > 0)
    results["ours, truth-pruned"] = score_policy(with_everyone(pruned, everyone), profiles, truth)
    ref = results["oracle"]
    print(
        f"customers {args.customers} seed {args.seed} calls/day {args.calls_per_day}; "
        f"{rows.height} training rows; {time.perf_counter() - tick:.0f}s"
    )
    print(
        "| policy | incremental value | of oracle | of which calls | calls | contacts "
        "| annoyances |\n|---|---:|---:|---:|---:|---:|---:|"
    )
    for name, s in results.items():
        picks = chosen.get(name, pruned)
        calls_only = with_everyone(picks.filter(c("channel") == "phone"), everyone)
        by_phone = score_policy(calls_only, profiles, truth).expected_incremental_value
        print(
            f"| {name} | {s.expected_incremental_value:,.0f} | {100 * s.captured(ref):.1f} % "
            f"| {by_phone:,.0f} | {s.calls:,} | {s.contacts:,} | {s.expected_annoyances:.1f} |"
        )
    lost = losses_by_choice(chosen["oracle"], chosen["ours"], frame.select(*KEYS, "true_ev"))
    with pl.Config(tbl_rows=40):
        print(lost.group_by("choice").agg(c("customers").sum(), c("lost").sum()).sort("lost"))
        print(lost.head(15))
    mark = chosen["ours"].select(*KEYS).with_columns(pl.lit(True).alias("chosen"))
    lv = frame.join(mark, on=KEYS, how="left").with_columns(c("chosen").fill_null(False))
    table = (
        lv.group_by("channel", "chosen")
        .agg(
            pl.len().alias("n"),
            c("uplift").mean().alias("pred_uplift"),
            c("true_uplift").mean(),
            c("obs_uplift").mean(),
            c("p_annoy").mean().alias("pred_p_annoy"),
            c("true_p_annoy").mean(),
            (c("true_ev") > 0).mean().alias("share_true_ev_pos"),
            (c("ev") > 0).mean().alias("share_pred_ev_pos"),
        )
        .sort("channel", "chosen")
    )
    with pl.Config(tbl_rows=200, tbl_cols=20, tbl_width_chars=250):
        print(table)
        per = (
            lv.filter(c("channel") == "phone")
            .group_by(grp)
            .agg(
                pl.len().alias("n"),
                c("uplift").mean().alias("pred"),
                c("true_uplift").mean().alias("true"),
                c("obs_uplift").mean().alias("obs"),
                c("chosen").sum().alias("chosen"),
                (c("true_ev") > 0).sum().alias("true_pos"),
                pl.corr("uplift", "true_uplift", method="spearman").alias("rho"),
            )
            .with_columns((c("pred") / c("true")).alias("ratio"))
            .sort("true", descending=True)
        )
        print(per)
        ph = lv.filter(c("channel") == "phone")
        print(
            lv.filter(c("mature"))
            .group_by("channel")
            .agg(
                c("p_accept").mean().alias("pred_pt"),
                c("true_p_accept").mean().alias("true_pt"),
                (c("p_accept") - c("uplift")).mean().alias("pred_pc"),
                (c("true_p_accept") - c("true_uplift")).mean().alias("true_pc"),
                pl.corr("p_accept", "true_p_accept", method="spearman").alias("rho_pt"),
                pl.corr(
                    c("p_accept") - c("uplift"),
                    c("true_p_accept") - c("true_uplift"),
                    method="spearman",
                ).alias("rho_pc"),
            )
        )
        print(
            ph.filter(c("mature"))
            .group_by("offer_id")
            .agg(
                c("p_accept").mean().alias("pred_pt"),
                c("true_p_accept").mean().alias("true_pt"),
                (c("p_accept") - c("uplift")).mean().alias("pred_pc"),
                (c("true_p_accept") - c("true_uplift")).mean().alias("true_pc"),
            )
            .sort("true_pt", descending=True)
        )
        print(
            ph.group_by("local_hour")
            .agg(
                pl.len(),
                c("uplift").mean(),
                c("true_uplift").mean(),
                pl.corr("uplift", "true_uplift", method="spearman").alias("rho"),
            )
            .sort("local_hour")
        )
        print(
            ph.select(
                pl.corr("uplift", "true_uplift", method="spearman").alias("rho_all"),
                pl.corr("obs_uplift", "true_uplift", method="spearman").alias("rho_obs_true"),
                pl.corr("uplift", "obs_uplift", method="spearman").alias("rho_pred_obs"),
                pl.corr("p_accept", "true_uplift", method="spearman").alias("rho_paccept_true"),
            )
        )


if __name__ == "__main__":
    main()
