"""``evaluate synthetic``: our policy against the oracle and the usual baselines, on known truth.

On a synthetic carrier generated in memory (``goodcall.synth``) whose ground truth is known
(``goodcall.truth``), the steps are exactly a real deployment's:

1. train a model set on the carrier's contact history before the decision time;
2. decide the current campaign with the decision core (no control group and no exploration
   slice here: both knowingly give up value today to measure and learn — the comparison is of
   targeting);
3. score every policy *exactly* with the truth (sums of probabilities, no sampling noise).

Policies compared, all on the same candidates (eligible offer × contactable channel × the same
candidate moments) unless said otherwise:

* **oracle** — knows the truth's expected value of every candidate and solves the same
  arbitration under the same capacity (the best any policy could do with these candidates);
* **observable oracle** — the same, on the truth's expected value averaged over the hidden traits
  *given what the carrier records* (:mod:`goodcall.truth.observable`): the best a learner with
  unlimited history could do, so ``ours`` / ``observable oracle`` is the share of what is
  learnable that our models learned;
* **ours** — the decision core;
* **call everyone about the promotion** — the seed's carrier: every customer the policy allows
  to be phoned is called, at the start of their calling window, about one of the current
  holiday promotion's offers drawn at random (stable hash) — whether or not it fits them, as the
  carrier in the story pitched an LG phone to an iPhone owner. It respects the law (legal hours,
  do-not-call lists, consent) but not the catalog's rules nor the capacity;
* **propensity** — as many contacts per channel as ours (calls, SMS, e-mails, in-app messages),
  each given to the customers with the highest modelled P(accept | contacted) (what established
  systems rank by);
* **random** — as many contacts per channel as ours, to random candidates.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import polars as pl

from goodcall.catalog.compile import compile_catalog
from goodcall.catalog.loader import load_catalog
from goodcall.catalog.model import Catalog
from goodcall.channels import CHANNELS
from goodcall.decide import (
    ITEM_KEYS,
    CampaignConfig,
    Decisions,
    arbitrate_values,
    candidate_table,
    decide,
    score_candidates,
)
from goodcall.hashing import stable_uniform
from goodcall.models.inputs import offer_table
from goodcall.models.registry import ModelSet, train_model_set
from goodcall.models.rows import training_rows
from goodcall.models.uplift import LightGBMParams
from goodcall.policy.loader import load_policies
from goodcall.profiles.build import build_profiles
from goodcall.profiles.nordet import CURRENT_PROMOTION
from goodcall.progress import Progress, Steps
from goodcall.synth.generate import DEFAULT_AS_OF, carrier_tables
from goodcall.truth.observable import posterior_draws
from goodcall.truth.response import TRUTH_PROFILE_COLUMNS, HiddenTraits, ResponseTruth
from goodcall.truth.scoring import PolicyScore, expected_value, score_policy

c = pl.col
DECISION_HOUR_UTC = 14  # 09:00 in Montreal: the campaign is decided in the morning


OBSERVABLE = "observable_oracle"
REFERENCES = ("oracle", OBSERVABLE)
"""Policies that read the truth: yardsticks, not baselines to beat."""


@dataclass(frozen=True)
class SyntheticResult:
    """Scores of every policy, and how the run went."""

    customers: int
    seed: int
    calls_per_day: int
    at: dt.datetime
    scores: dict[str, PolicyScore]
    training_rows: int
    seconds: dict[str, float] = field(default_factory=dict)
    gap: float = 0.0

    def captured(self, name: str) -> float:
        """Share of the oracle's incremental value that policy ``name`` captures."""
        return self.scores[name].captured(self.scores["oracle"])

    def learnable(self, name: str) -> float | None:
        """Share of the observable oracle's value (what the data can tell, see
        :mod:`goodcall.truth.observable`) that policy ``name`` captures; None when not run."""
        reference = self.scores.get(OBSERVABLE)
        return None if reference is None else self.scores[name].captured(reference)

    def targets(self) -> dict[str, bool]:
        """The issue's targets: ≥ 85 % of the oracle; ≥ 2× "call everyone" with ≤ 1/3 of its
        calls; fewer annoyances than every baseline."""
        ours, blast = self.scores["ours"], self.scores["call_everyone"]
        baselines = [s for n, s in self.scores.items() if n not in ("ours", *REFERENCES)]
        return {
            "captures >= 85% of oracle": self.captured("ours") >= 0.85,
            ">= 2x call-everyone value": ours.expected_incremental_value
            >= 2 * blast.expected_incremental_value,
            "<= 1/3 of call-everyone calls": ours.calls * 3 <= blast.calls,
            "fewer annoyances than every baseline": all(
                ours.expected_annoyances < b.expected_annoyances for b in baselines
            ),
        }


def scorable_decisions(frame: pl.DataFrame) -> pl.DataFrame:
    """The columns :func:`goodcall.truth.scoring.score_policy` reads, from a decision frame: a
    chosen contact speaks the customer's language and register (the brief guarantees both)."""
    return frame.select(
        "customer_id",
        "offer_id",
        "channel",
        "local_hour",
        pl.when(c("offer_id").is_not_null()).then(True).alias("language_ok"),
        pl.when(c("offer_id").is_not_null()).then(True).alias("register_ok"),
    )


def with_everyone(chosen: pl.DataFrame, customers: pl.DataFrame) -> pl.DataFrame:
    """One row per customer (no contact where nothing was chosen)."""
    picked = chosen.unique("customer_id", keep="first")
    return scorable_decisions(customers.join(picked, on="customer_id", how="left"))


def truth_pairs(items: pl.DataFrame, profiles: pl.DataFrame) -> pl.DataFrame:
    """``items`` (``ITEM_KEYS``) with the profile columns the truth reads, in the customer's
    language and register (what :meth:`ResponseTruth.probabilities` takes)."""
    pairs = items.select(ITEM_KEYS).with_columns(
        pl.lit(True).alias("language_ok"), pl.lit(True).alias("register_ok")
    )
    wanted = [n for n in dict.fromkeys((*TRUTH_PROFILE_COLUMNS, "value"))]
    return pairs.join(profiles.select(wanted), on="customer_id", maintain_order="left")


def truth_values(
    items: pl.DataFrame,
    profiles: pl.DataFrame,
    truth: ResponseTruth,
    hidden: HiddenTraits | None = None,
) -> pl.DataFrame:
    """``items`` (``ITEM_KEYS``) with the truth's uplift, P(annoy) and expected value ``ev``.

    ``hidden``: hidden traits per row of ``items`` instead of the customers' own."""
    scored = truth.probabilities(truth_pairs(items, profiles), hidden)
    return _with_ev(scored, truth)


def observable_values(
    items: pl.DataFrame, profiles: pl.DataFrame, truth: ResponseTruth, draws: int = 16
) -> pl.DataFrame:
    """:func:`truth_values` averaged over the hidden traits given the recorded data
    (:mod:`goodcall.truth.observable`): what the best learner could know of each candidate."""
    pairs = truth_pairs(items, profiles)
    total: pl.DataFrame | None = None
    for hidden in posterior_draws(pairs, draws, seed=truth.seed):
        values = _with_ev(truth.probabilities(pairs, hidden), truth).select(TRUTH_VALUES)
        total = values if total is None else total + values
    assert total is not None
    return pairs.select(ITEM_KEYS).hstack(total / draws)


TRUTH_VALUES = (
    "true_uplift",
    "true_p_accept",
    "true_p_annoy",
    "true_p_reach",
    "true_p_accept_reached",
    "true_p_organic",
    "ev",
)
"""What :func:`truth_values` adds to the items: the uplift, its parts, P(annoy) and the EV."""


def _with_ev(scored: pl.DataFrame, truth: ResponseTruth) -> pl.DataFrame:
    return scored.select(
        *ITEM_KEYS,
        c("uplift").alias("true_uplift"),
        c("p_accept_contacted").alias("true_p_accept"),
        c("p_annoy_contacted").alias("true_p_annoy"),
        c("p_reach").alias("true_p_reach"),
        c("p_accept_reached").alias("true_p_accept_reached"),
        c("p_accept_uncontacted").alias("true_p_organic"),
        expected_value(truth).alias("ev"),
    )


def oracle_plan(
    items: pl.DataFrame,
    profiles: pl.DataFrame,
    truth: ResponseTruth,
    config: CampaignConfig,
    catalog: Catalog,
    at: dt.datetime,
    *,
    observable_draws: int = 0,
) -> tuple[pl.DataFrame, float]:
    """The truth-optimal plan on our candidates under our capacity, and its optimality gap.

    ``observable_draws`` > 0: the observable oracle's plan instead, on the truth's values
    averaged over the hidden traits given the data (:func:`observable_values`)."""
    values = (
        observable_values(items, profiles, truth, observable_draws)
        if observable_draws > 0
        else truth_values(items, profiles, truth)
    )
    return plan_on_values(values, config, catalog, at)


def plan_on_values(
    values: pl.DataFrame, config: CampaignConfig, catalog: Catalog, at: dt.datetime
) -> tuple[pl.DataFrame, float]:
    """The plan the arbitration makes when candidates are worth ``values``' ``ev``, and its
    optimality gap (the oracles: the truth's values, or what the data can tell of them)."""
    chosen, summary = arbitrate_values(values, config, catalog, at)
    return chosen, summary.relative_gap


def call_everyone(
    funnel_channels: pl.DataFrame, base: pl.DataFrame, at: dt.datetime
) -> pl.DataFrame:
    """Phone every customer the policy allows, about a random current-promotion offer."""
    from goodcall.truth.offers import OFFERS

    promo = sorted(o.offer_id for o in OFFERS if o.promotion_id == CURRENT_PROMOTION.promotion_id)
    phone = funnel_channels.filter((c("channel") == "phone") & c("contactable"))
    phone = phone.filter(c("next_window_start") < at + dt.timedelta(hours=72))
    keys = phone["customer_id"].to_frame("k").select(pl.concat_str(pl.lit("blast:"), c("k")))
    pick = (stable_uniform(keys.to_series()) * len(promo)).astype(int)
    from goodcall.zones import to_local

    return (
        phone.with_columns(
            pl.Series("offer_id", [promo[i] for i in pick], dtype=pl.String),
            c("next_window_start").alias("planned_at"),
        )
        .join(base.select("customer_id", "time_zone"), on="customer_id")
        .with_columns(
            to_local(c("planned_at"), c("time_zone")).dt.hour().cast(pl.Int64).alias("local_hour")
        )
    )


def _top_per_customer(items: pl.DataFrame, score: str) -> pl.DataFrame:
    ranked = items.sort(["customer_id", score], descending=[False, True])
    return ranked.unique("customer_id", keep="first", maintain_order=True)


def same_volume_policy(
    scored: pl.DataFrame, volumes: Mapping[str, int], score: str
) -> pl.DataFrame:
    """As many contacts per channel as ``volumes`` (calls first, then SMS, e-mail, in-app), each
    to the customers ranking highest on ``score`` among those not yet contacted.

    Why per channel: a baseline with the same *total* of messages but another channel mix would
    differ from ours by the channel (an e-mail is opened by 22 %, an SMS read by 85 %: more
    effect and more annoyance per contact), not by whom it targets.
    """
    chosen: list[pl.DataFrame] = []
    taken = scored.select("customer_id").clear()
    for channel in CHANNELS:
        count = volumes.get(channel, 0)
        if count <= 0:
            continue
        pool = scored.filter(c("channel") == channel).join(taken, on="customer_id", how="anti")
        picked = _top_per_customer(pool, score).sort(score, descending=True).head(count)
        chosen.append(picked)
        taken = pl.concat([taken, picked.select("customer_id")])
    if not chosen:
        return scored.clear()
    return pl.concat(chosen, how="vertical_relaxed")


def _random_score(frame: pl.DataFrame, salt: str) -> pl.Series:
    keys = frame.select(
        pl.concat_str(pl.lit(salt), c("customer_id"), c("offer_id"), c("channel"), separator=":")
        + c("planned_at").cast(pl.String)
    )
    return pl.Series("_random", stable_uniform(keys.to_series()))


SYNTHETIC_STEPS = ("generating the carrier", "training", "deciding", "scoring against the truth")


def run_synthetic(
    customers: int = 20_000,
    seed: int = 0,
    calls_per_day: int = 500,
    *,
    as_of: dt.date = DEFAULT_AS_OF,
    method: str = "auto",
    params: LightGBMParams | None = None,
    observable_draws: int = 16,
    progress: Progress | None = None,
) -> SyntheticResult:
    """Generate, train, decide, score: see the module docstring.

    ``observable_draws``: lattice points of the observable oracle's integral over the hidden
    traits (0: do not compute it). ``progress`` hears each of :data:`SYNTHETIC_STEPS` begin."""
    steps = Steps(progress, SYNTHETIC_STEPS)
    steps.start("generating the carrier")
    seconds: dict[str, float] = {}
    tick = time.perf_counter()
    at = dt.datetime.combine(as_of, dt.time(DECISION_HOUR_UTC), tzinfo=dt.UTC)
    tables = {k: v.lazy() for k, v in carrier_tables(customers, seed, as_of=as_of).items()}
    catalog = load_catalog()
    compiled, policies = compile_catalog(catalog), load_policies()
    offers = offer_table(catalog.offers)
    seconds["generate"], tick = time.perf_counter() - tick, time.perf_counter()
    steps.start("training")
    rows = training_rows(tables, at, offers)
    models: ModelSet = train_model_set(
        rows, list(catalog.offers), cutoff=at, trained_at=at, seed=seed, method=method,
        params=params,
    )  # fmt: skip
    seconds["train"], tick = time.perf_counter() - tick, time.perf_counter()
    steps.start("deciding")
    profiles = build_profiles(tables, at).collect()
    config = CampaignConfig(
        campaign_id=f"EVAL-{seed}", calls_per_day=calls_per_day, control_share=0.0,
        explore_share=0.0,
    )  # fmt: skip
    ours: Decisions = decide(
        profiles.lazy(), catalog=catalog, compiled=compiled, policies=policies, models=models,
        at=at, config=config,
    )  # fmt: skip
    seconds["decide"], tick = time.perf_counter() - tick, time.perf_counter()
    steps.start("scoring against the truth")
    stages = candidate_table(
        profiles.lazy(), catalog=catalog, compiled=compiled, policies=policies, at=at,
        config=config,
    )  # fmt: skip
    truth = ResponseTruth(seed)
    everyone = profiles.select("customer_id")
    candidates = stages.items.select(ITEM_KEYS)
    oracle, gap = oracle_plan(candidates, profiles, truth, config, catalog, at)
    references = {"oracle": oracle}
    if observable_draws > 0:
        references[OBSERVABLE], _ = oracle_plan(
            candidates, profiles, truth, config, catalog, at, observable_draws=observable_draws
        )
    scored = score_candidates(stages, models, catalog, config, at)
    contacted = ours.contacts
    volumes = dict(contacted.group_by("channel").len().iter_rows())
    scored = scored.with_columns(_random_score(scored, f"random-{seed}"))
    policies_frames = {
        **{name: with_everyone(plan, everyone) for name, plan in references.items()},
        "ours": scorable_decisions(ours.frame),
        "call_everyone": with_everyone(
            call_everyone(stages.channels, stages.customers, at), everyone
        ),
        "propensity": with_everyone(same_volume_policy(scored, volumes, "p_accept"), everyone),
        "random": with_everyone(same_volume_policy(scored, volumes, "_random"), everyone),
    }
    scores = {name: score_policy(frame, profiles, truth) for name, frame in policies_frames.items()}
    seconds["score"] = time.perf_counter() - tick
    steps.finish()
    return SyntheticResult(customers, seed, calls_per_day, at, scores, rows.height, seconds, gap)
