"""``evaluate pilot``: test and learn — what a campaign's own control group and outcomes teach.

A carrier rarely sends a new campaign to everyone at once: it pilots it on part of the base,
learns from what happened, then rolls it out. On the synthetic carrier of
``goodcall evaluate synthetic``, with the same truth and the same exact scoring:

1. **pilot** — ``lead_days`` before the decision time, a random share of the customers (stable
   hash of the customer and the seed) is decided by the core with the models trained on the
   history until then, *with* its control group and its exploration budget (the defaults of
   :class:`~goodcall.decide.config.CampaignConfig`), under that share of the daily calls;
2. what happened is drawn from the truth (the same draws as the synthetic history: reach,
   take-up, annoyance; held-out customers take offers up organically) and written into the
   carrier's records as the contacts table holds them, with their consequences
   (:func:`goodcall.synth.chunk.apply_contacts`: devices and plans taken, do-not-call requests);
3. **rollout** — at the decision time, the other customers are decided twice under the rest of
   the calls: with the models trained on the history alone (what ``evaluate synthetic`` scores)
   and with the models retrained on the history *and the pilot*; both are scored against the
   oracle and the observable oracle (what the recorded data can tell) on the same customers.

The pilot's own value is reported too, against both oracles on the pilot's customers: its control
group and exploration give up some value today to measure and to learn; so is how it spent its
exploration budget (:class:`Exploration`: Thompson-explored contacts per cold cell).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

import polars as pl

from goodcall.catalog.compile import CompiledCatalog, compile_catalog
from goodcall.catalog.loader import load_catalog
from goodcall.catalog.model import Catalog
from goodcall.decide import ITEM_KEYS, CampaignConfig, Decisions, candidate_table, decide
from goodcall.evaluate.synthetic import (
    DECISION_HOUR_UTC,
    OBSERVABLE,
    oracle_plan,
    scorable_decisions,
    with_everyone,
)
from goodcall.hashing import stable_uniform
from goodcall.models.explore import with_catalog_priors
from goodcall.models.inputs import offer_table
from goodcall.models.registry import ModelSet, train_model_set
from goodcall.models.rows import training_rows
from goodcall.models.uplift import LightGBMParams
from goodcall.policy.loader import load_policies
from goodcall.policy.model import Policies
from goodcall.profiles.build import build_profiles
from goodcall.profiles.frames import table_schema
from goodcall.profiles.schema import CONTACTS
from goodcall.progress import Progress, Steps
from goodcall.synth.chunk import apply_contacts
from goodcall.synth.generate import DEFAULT_AS_OF, carrier_tables
from goodcall.truth.response import TRUTH_PROFILE_COLUMNS, ResponseTruth, simulate
from goodcall.truth.scoring import PolicyScore, score_policy

c = pl.col
PILOT_LEAD_DAYS = 14
TRAINED = ("history only", "history and pilot")
"""The two model sets the rollout is decided with."""


@dataclass(frozen=True)
class PilotResult:
    """Scores of the pilot and of the rollout decided with and without what the pilot taught."""

    customers: int
    seed: int
    calls_per_day: int
    share: float
    pilot_at: dt.datetime
    rollout_at: dt.datetime
    pilot_contacts: int  # treated contacts of the pilot
    pilot_controls: int  # customers the pilot held out
    pilot_conversions: int
    training_rows: dict[str, int]  # rows of each model set of the rollout
    pilot: dict[str, PolicyScore]  # oracle(s), ours (on the pilot's customers)
    rollout: dict[str, PolicyScore]  # oracle(s), ours with each model set (the others)
    exploration: Exploration
    seconds: dict[str, float] = field(default_factory=dict)

    def rollout_captured(self, name: str) -> float:
        """Share of the oracle's incremental value on the rollout's customers."""
        return self.rollout[name].captured(self.rollout["oracle"])

    def rollout_learnable(self, name: str) -> float | None:
        """Share of the observable oracle's value (what the data can tell) on the rollout's
        customers; None when it was not computed."""
        return _share(self.rollout, name, OBSERVABLE)

    def pilot_captured(self) -> float:
        """Share of the oracle's incremental value the pilot itself captured."""
        return self.pilot["ours"].captured(self.pilot["oracle"])

    def pilot_learnable(self) -> float | None:
        """Share of the observable oracle's value the pilot itself captured (None: not run)."""
        return _share(self.pilot, "ours", OBSERVABLE)


def _share(scores: dict[str, PolicyScore], name: str, reference: str) -> float | None:
    return scores[name].captured(scores[reference]) if reference in scores else None


@dataclass(frozen=True)
class Exploration:
    """How the pilot spent its exploration budget: the cells its model set had not seen enough
    of (*cold*: fewer than the maturity threshold of treated contacts in that very offer ×
    channel) and the contacts the Thompson draws won in each."""

    budget: int  # contacts the exploration slice may take (0: the plan had no exploration item)
    cold_cells: int  # offer × channel cells of the catalog the pilot's models hold as not mature
    cold_candidates: int  # of those, cells with a candidate among the pilot's customers
    contacts: dict[tuple[str, str], int]  # explored contacts per (offer, channel)

    @property
    def explored(self) -> int:
        return sum(self.contacts.values())


def exploration_of(
    decided: pl.DataFrame,
    candidates: pl.DataFrame,
    posteriors: pl.DataFrame,
    budget: float,
) -> Exploration:
    """The exploration a pilot's decisions made: ``decided`` is the decision frame,
    ``candidates`` the candidate items (``offer_id``, ``channel``), ``posteriors`` the cells
    of the model set they were decided with, completed to the catalog, and ``budget`` the
    capacity of the plan's ``explore`` resource."""
    cold = posteriors.filter(~c("mature")).select("offer_id", "channel")
    offered = candidates.select("offer_id", "channel").unique()
    explored = (
        decided.filter((c("decision") == "contact") & c("explore"))
        .group_by("offer_id", "channel")
        .len()
        .sort("len", "offer_id", "channel", descending=[True, False, False])
    )
    return Exploration(
        budget=int(budget),
        cold_cells=cold.height,
        cold_candidates=cold.join(offered, on=["offer_id", "channel"]).height,
        contacts={(o, ch): n for o, ch, n in explored.iter_rows()},
    )


def in_pilot(customer_ids: pl.Series, share: float, seed: int) -> pl.Series:
    """Whether each customer is in the pilot: a stable hash of the seed and the customer."""
    keys = customer_ids.to_frame("k").select(pl.concat_str(pl.lit(f"pilot:{seed}:"), c("k")))
    return pl.Series("pilot", stable_uniform(keys.to_series()) < share)


def pilot_contacts(decisions: pl.DataFrame) -> pl.DataFrame:
    """The pilot's contacts and controls as rows to draw: contacted customers with their offer,
    channel and moment; held-out customers with the contact they would have had."""
    treated = decisions.filter(c("decision") == "contact").select(
        "customer_id", "offer_id", "channel", "planned_at", "local_hour",
        "language_ok", "register_ok", pl.lit("treatment").alias("group"),
    )  # fmt: skip
    held = decisions.filter((c("group") == "control") & c("shadow_offer_id").is_not_null())
    control = held.select(
        "customer_id",
        c("shadow_offer_id").alias("offer_id"),
        c("shadow_channel").alias("channel"),
        c("shadow_planned_at").alias("planned_at"),
        c("shadow_local_hour").alias("local_hour"),
        pl.lit(True).alias("language_ok"),
        pl.lit(True).alias("register_ok"),
        pl.lit("control").alias("group"),
    )
    return pl.concat([treated, control], how="vertical_relaxed")


def draw_contacts(
    rows: pl.DataFrame,
    profiles: pl.DataFrame,
    truth: ResponseTruth,
    campaign_id: str,
    rng_seed: int,
) -> pl.DataFrame:
    """What happened to each row of :func:`pilot_contacts`, drawn from the truth with the
    customers' profiles at the pilot, as rows of the contacts table."""
    wanted = list(dict.fromkeys((*TRUTH_PROFILE_COLUMNS, "value")))
    ordered = rows.sort("customer_id", "offer_id", "channel", "planned_at")  # replayable draws
    pairs = ordered.join(
        profiles.select(wanted), on="customer_id", how="inner", maintain_order="left"
    ).with_columns(
        (c("group") == "treatment").alias("contacted"),
        c("language_ok").fill_null(True),
        c("register_ok").fill_null(True),
    )
    drawn = simulate(truth.probabilities(pairs), rng_seed)
    return drawn.select(
        pl.concat_str(pl.lit(campaign_id + "-"), c("customer_id")).alias("contact_id"),
        "customer_id",
        c("planned_at").alias("at"),
        "channel",
        pl.lit(campaign_id).alias("campaign_id"),
        "offer_id",
        "group",
        "outcome",
        c("accepted").alias("converted"),
        pl.lit(None, pl.Float64).alias("silence_seconds"),
        pl.lit(None, pl.String).alias("agent_id"),
    ).cast(dict(table_schema(CONTACTS)))  # type: ignore[arg-type]


def _train(
    tables: dict[str, pl.DataFrame], at: dt.datetime, catalog: Catalog, seed: int, method: str,
    params: LightGBMParams | None,
) -> tuple[ModelSet, int]:  # fmt: skip
    rows = training_rows({k: v.lazy() for k, v in tables.items()}, at, offer_table(catalog.offers))
    models = train_model_set(
        rows, list(catalog.offers), cutoff=at, trained_at=at, seed=seed, method=method,
        params=params,
    )  # fmt: skip
    return models, rows.height


@dataclass(frozen=True)
class _Setting:
    """What both stages share: the catalog (compiled once), the policies, the truth, the
    decision core and the scoring."""

    catalog: Catalog
    compiled: CompiledCatalog
    policies: Policies
    truth: ResponseTruth

    @classmethod
    def of(cls, catalog: Catalog, truth: ResponseTruth) -> _Setting:
        return cls(catalog, compile_catalog(catalog), load_policies(), truth)

    def decide(
        self, profiles: pl.DataFrame, models: ModelSet, at: dt.datetime, config: CampaignConfig
    ) -> Decisions:
        return decide(
            profiles.lazy(), catalog=self.catalog, compiled=self.compiled,
            policies=self.policies, models=models, at=at, config=config,
        )  # fmt: skip

    def candidates(
        self, profiles: pl.DataFrame, at: dt.datetime, config: CampaignConfig
    ) -> pl.DataFrame:
        """Every candidate item (:data:`ITEM_KEYS`) the core would arbitrate."""
        stages = candidate_table(
            profiles.lazy(), catalog=self.catalog, compiled=self.compiled,
            policies=self.policies, at=at, config=config,
        )  # fmt: skip
        return stages.items.select(ITEM_KEYS)

    def oracles(
        self, profiles: pl.DataFrame, at: dt.datetime, config: CampaignConfig,
        candidates: pl.DataFrame, observable_draws: int,
    ) -> dict[str, PolicyScore]:  # fmt: skip
        """The truth-optimal plan on the same candidates under the same capacity, scored; and
        the observable oracle's (what the data can tell) when ``observable_draws`` > 0."""
        everyone = profiles.select("customer_id")
        draws = {"oracle": 0, OBSERVABLE: observable_draws}
        scores = {}
        for name, n in draws.items():
            if name == OBSERVABLE and n <= 0:
                continue
            plan, _ = oracle_plan(
                candidates, profiles, self.truth, config, self.catalog, at, observable_draws=n
            )
            scores[name] = self.score(with_everyone(plan, everyone), profiles)
        return scores

    def score(self, frame: pl.DataFrame, profiles: pl.DataFrame) -> PolicyScore:
        return score_policy(frame, profiles, self.truth)


NO_HOLDOUT = {"control_share": 0.0, "explore_share": 0.0}


@dataclass(frozen=True)
class _Pilot:
    contacts: pl.DataFrame  # rows of the contacts table, drawn
    scores: dict[str, PolicyScore]
    exploration: Exploration


def _run_pilot_stage(
    setting: _Setting, profiles: pl.DataFrame, models: ModelSet, at: dt.datetime,
    config: CampaignConfig, rng_seed: int, observable_draws: int,
) -> _Pilot:  # fmt: skip
    """Decide the pilot's customers (control group and exploration on), draw what happened."""
    decisions = setting.decide(profiles, models, at, config)
    decided = decisions.frame
    rows = pilot_contacts(decided)
    drawn = draw_contacts(rows, profiles, setting.truth, config.campaign_id, rng_seed)
    bare = config.model_copy(update=NO_HOLDOUT)
    candidates = setting.candidates(profiles, at, bare)
    scores = {
        **setting.oracles(profiles, at, bare, candidates, observable_draws),
        "ours": setting.score(scorable_decisions(decided), profiles),
    }
    posteriors = with_catalog_priors(models.posteriors, list(setting.catalog.offers))
    budget = decisions.plan.capacity.get("explore", 0.0)
    return _Pilot(drawn, scores, exploration_of(decided, candidates, posteriors, budget))


def _profiles(tables: dict[str, pl.DataFrame], at: dt.datetime) -> pl.DataFrame:
    return build_profiles({k: v.lazy() for k, v in tables.items()}, at).collect()


PILOT_STEPS = ("generating the carrier", "the pilot", "learning from the pilot", "the rollout")


def run_pilot(
    customers: int = 100_000,
    seed: int = 0,
    calls_per_day: int = 1_500,
    share: float = 0.3,
    *,
    as_of: dt.date = DEFAULT_AS_OF,
    lead_days: int = PILOT_LEAD_DAYS,
    method: str = "auto",
    params: LightGBMParams | None = None,
    observable_draws: int = 16,
    progress: Progress | None = None,
) -> PilotResult:
    """Pilot, learn, roll out: see the module docstring. ``observable_draws``: lattice points
    of the observable oracle (0: do not compute it). ``progress`` hears each of
    :data:`PILOT_STEPS` begin."""
    if not 0.0 < share < 1.0:
        raise ValueError(f"the pilot's share of the customers must be in (0, 1); got {share}")
    steps = Steps(progress, PILOT_STEPS)
    steps.start("generating the carrier")
    seconds: dict[str, float] = {}
    tick = time.perf_counter()
    rollout_at = dt.datetime.combine(as_of, dt.time(DECISION_HOUR_UTC), tzinfo=dt.UTC)
    pilot_at = rollout_at - dt.timedelta(days=lead_days)
    tables = carrier_tables(customers, seed, as_of=as_of)
    catalog = load_catalog()
    setting = _Setting.of(catalog, ResponseTruth(seed))
    pilot_calls = max(1, round(calls_per_day * share))
    seconds["generate"], tick = time.perf_counter() - tick, time.perf_counter()

    steps.start("the pilot")
    early, _ = _train(tables, pilot_at, catalog, seed, method, params)
    then = _profiles(tables, pilot_at)
    config = CampaignConfig(campaign_id=f"PILOT-{seed}", calls_per_day=pilot_calls)
    pilot = _run_pilot_stage(
        setting, then.filter(in_pilot(then["customer_id"], share, seed)), early, pilot_at,
        config, seed + 7_919, observable_draws,
    )  # fmt: skip
    seconds["pilot"], tick = time.perf_counter() - tick, time.perf_counter()

    steps.start("learning from the pilot")
    after = apply_contacts(tables, pilot.contacts, as_of)
    trained = {TRAINED[0]: _train(tables, rollout_at, catalog, seed, method, params),
               TRAINED[1]: _train(after, rollout_at, catalog, seed, method, params)}  # fmt: skip
    seconds["train"], tick = time.perf_counter() - tick, time.perf_counter()
    steps.start("the rollout")
    now = _profiles(tables, rollout_at)
    rest = now.filter(~in_pilot(now["customer_id"], share, seed))
    config = CampaignConfig(
        campaign_id=f"ROLLOUT-{seed}", calls_per_day=max(1, calls_per_day - pilot_calls),
        **NO_HOLDOUT,
    )  # fmt: skip
    candidates = setting.candidates(rest, rollout_at, config)
    rollout = setting.oracles(rest, rollout_at, config, candidates, observable_draws)
    for name, (models, _) in trained.items():
        frame = setting.decide(rest, models, rollout_at, config).frame
        rollout[f"ours, {name}"] = setting.score(scorable_decisions(frame), rest)
    seconds["rollout"] = time.perf_counter() - tick
    steps.finish()
    treated = pilot.contacts.filter(c("group") == "treatment")
    return PilotResult(
        customers=customers, seed=seed, calls_per_day=calls_per_day, share=share,
        pilot_at=pilot_at, rollout_at=rollout_at, pilot_contacts=treated.height,
        pilot_controls=pilot.contacts.height - treated.height,
        pilot_conversions=int(pilot.contacts["converted"].sum()),
        training_rows={name: rows for name, (_, rows) in trained.items()},
        pilot=pilot.scores, rollout=rollout, exploration=pilot.exploration, seconds=seconds,
    )  # fmt: skip
