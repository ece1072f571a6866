"""Funnel stage 4: uplift, P(annoy) and expected value of every candidate contact.

* offer × channel cell *known* to the response model (its offer and its channel have history,
  see :mod:`goodcall.models.explore`): the model's uplift and P(accept | contacted);
* a cell not known — an offer (or a channel) the model set has never seen: the Beta posterior
  means (catalog prior + whatever history the cell has), the same for every customer. Such a
  cell is only ever contacted in the exploration slice
  (:func:`goodcall.decide.plan.positive_items`): its prior alone never takes a contact outside
  the exploration budget;
* every cell that is not *mature* (too little history in that very cell, e.g. never tried) also
  gets a Thompson draw per customer, its chance in the exploration slice;
* P(annoy): the calibrated annoyance model when the set has one, else the posterior mean;
* a call's reach in its slot: times the customer's personal lift there when the set has an
  answer model (:func:`answer_lift`, :mod:`goodcall.decide.timing`).

The expected value is :meth:`goodcall.decide.economics.Economics.expected_value` at the
campaign's economics.

Scoring runs in chunks of items so that a million customers never hold every candidate's
features in memory at once; only the numbers the arbitration needs are kept.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from goodcall.catalog.model import Catalog
from goodcall.decide.config import CampaignConfig
from goodcall.models.answer import AnswerModel, segment
from goodcall.models.explore import posterior_means, thompson_draws, with_catalog_priors
from goodcall.models.inputs import FEATURE_COLUMNS, candidate_features, offer_table
from goodcall.models.registry import ModelSet

c = pl.col
CHUNK_ROWS = 400_000
SCORE_COLUMNS = (
    "uplift",
    "p_accept",
    "p_annoy",
    "ev",
    "known",
    "mature",
    "explore_uplift",
    "explore_p_annoy",
    "explore_ev",
)


@dataclass(frozen=True)
class Scorer:
    """What scoring needs, prepared once per campaign: the model set, the catalog's offer
    features and the posteriors of every offer × channel the catalog sells (cells the set has
    never seen on their catalog prior)."""

    models: ModelSet
    offers: pl.DataFrame
    posteriors: pl.DataFrame

    @classmethod
    def of(cls, models: ModelSet, catalog: Catalog) -> Scorer:
        """The scorer of a model set and catalog; the same objects give the same scorer, built
        once (every :func:`~goodcall.decide.batch.decide` call asks for it, and a decider
        deciding one customer per call must not rebuild it each time)."""
        key = (id(models), id(catalog))
        known = _SCORERS.get(key)
        if known is not None and all(
            a is b for a, b in zip(known, (models, catalog, models.posteriors), strict=False)
        ):
            return known[3]
        offers = list(catalog.offers)
        scorer = cls(models, offer_table(offers), with_catalog_priors(models.posteriors, offers))
        if len(_SCORERS) >= _SCORERS_KEPT:
            del _SCORERS[next(iter(_SCORERS))]  # the oldest
        # holding the objects keeps their ids theirs; a set given new posteriors is new
        _SCORERS[key] = (models, catalog, models.posteriors, scorer)
        return scorer


_SCORERS: dict[tuple[int, int], tuple[ModelSet, Catalog, pl.DataFrame, Scorer]] = {}
_SCORERS_KEPT = 4


def _on_another_line(items: pl.DataFrame) -> pl.Expr:
    """A per-line offer for a line other than the account holder's. The history's contacts were
    all judged on the account holder's line, so the models have never seen such a candidate:
    like a new offer, it is scored from its catalog prior and contacted only by exploration."""
    if "other_line" not in items.columns:
        return pl.lit(False)
    return c("other_line").fill_null(False)


CELL = ("customer_id", "offer_id", "channel")
MAX_ANSWER_LIFT = 3.0


def answer_lift(frame: pl.DataFrame, answer: AnswerModel) -> np.ndarray:
    """Per row, the factor a call's reach takes from the customer's own answered and missed
    calls in the moment's slot (:mod:`goodcall.decide.timing`): 1 for messages and for a
    customer with no call in that slot; at most :data:`MAX_ANSWER_LIFT`. Applied to the cells
    the response model scores (a catalog prior's uplift is no reach times an effect).

    The posterior is a function of the slot's five numbers alone, and a chunk's million calls
    hold a few hundred distinct ones: it is computed once per distinct slot (its credible
    quantile, an inverse Beta per row, was most of the cost) and gathered back."""
    phone = (frame["channel"] == "phone").to_numpy() & frame[
        "slot_attempts"
    ].is_not_null().to_numpy()
    lift = np.ones(frame.height, dtype=np.float64)
    if not phone.any():
        return lift
    slots = frame.filter(pl.Series(phone)).select(
        segment(),
        "weekend",
        "band",
        c("slot_attempts").alias("attempts"),
        c("slot_answered").alias("answered"),
    )
    keys = slots.columns
    distinct = slots.unique(maintain_order=True)
    lifted = answer.posterior(distinct).select(*keys, "answer_lift")
    back = slots.join(lifted, on=keys, how="left", maintain_order="left", nulls_equal=True)
    lift[phone] = np.minimum(back["answer_lift"].to_numpy(), MAX_ANSWER_LIFT)
    return lift


def _draws(cold: pl.DataFrame, config: CampaignConfig) -> tuple[np.ndarray, np.ndarray]:
    """The Thompson draws of ``cold`` rows, drawn once per run of rows of one customer × offer ×
    channel (a call's candidate moments follow each other). A draw depends on the cell alone,
    so a cell whose rows came in two runs would get the same draw twice: no grouping by value
    (a hash join on three text columns) is needed to give each row its cell's draw."""
    run = cold.select(pl.struct(CELL).rle_id()).to_series().to_numpy()
    first = np.flatnonzero(np.diff(run, prepend=-1))
    drawn_u, drawn_a = thompson_draws(cold[first], config.campaign_id)
    return drawn_u[run], drawn_a[run]


def score_chunk(
    items: pl.DataFrame, scorer: Scorer, config: CampaignConfig, at: dt.datetime
) -> pl.DataFrame:
    """Scores for one chunk of items (profile inputs, offer_id, channel, local_hour)."""
    models = scorer.models
    frame = (
        candidate_features(items.lazy().with_columns(pl.lit(at).alias("_as_of")), scorer.offers)
        .join(scorer.posteriors.lazy(), on=["offer_id", "channel"], how="left")
        .with_columns(
            (
                c("known").fill_null(False)
                & pl.lit(models.response is not None)
                & ~_on_another_line(items)
            ).alias("known"),
            (c("mature").fill_null(False) & ~_on_another_line(items)).alias("mature"),
            *posterior_means(),
        )
        .collect()
    )
    uplift = frame["prior_uplift"].to_numpy().astype(np.float64).copy()
    p_accept = frame["prior_p_contacted"].to_numpy().astype(np.float64).copy()
    p_annoy = frame["prior_p_annoy"].to_numpy().astype(np.float64).copy()
    known = frame["known"].to_numpy().astype(bool)
    mature = frame["mature"].to_numpy().astype(bool)
    if models.response is not None and known.any():
        features = frame.filter(pl.Series(known)).select(FEATURE_COLUMNS)
        u, p_t, _ = models.response.predict(features)
        uplift[known], p_accept[known] = u, p_t
    if models.answer is not None and "band" in frame.columns:
        lift = np.where(known, answer_lift(frame, models.answer), 1.0)  # the models' reach
        organic = p_accept - uplift
        uplift = uplift * lift
        p_accept = organic + uplift
    if models.annoyance is not None and frame.height:
        p_annoy = models.annoyance.predict(frame.select(FEATURE_COLUMNS))
    explore_uplift = np.full(frame.height, np.nan)
    explore_annoy = np.full(frame.height, np.nan)
    cold = ~mature & frame["alpha_t"].is_not_null().to_numpy()
    if cold.any() and config.explore_share > 0:
        explore_uplift[cold], explore_annoy[cold] = _draws(frame.filter(pl.Series(cold)), config)
    scored = frame.with_columns(
        pl.Series("uplift", uplift),
        pl.Series("p_accept", p_accept),
        pl.Series("p_annoy", p_annoy),
        pl.Series("explore_uplift", explore_uplift, nan_to_null=True),
        pl.Series("explore_p_annoy", explore_annoy, nan_to_null=True),
    )
    economics = config.economics
    return scored.with_columns(
        economics.expected_value(c("uplift"), c("offer_value"), c("p_annoy")).alias("ev"),
        economics.expected_value(c("explore_uplift"), c("offer_value"), c("explore_p_annoy")).alias(
            "explore_ev"
        ),
    )


def score_items(
    items: pl.DataFrame,
    scorer: Scorer,
    config: CampaignConfig,
    at: dt.datetime,
    keep: tuple[str, ...],
) -> pl.DataFrame:
    """Score every item chunk by chunk, keeping ``keep`` columns and the scores."""
    parts = []
    for start in range(0, max(items.height, 1), CHUNK_ROWS):
        chunk = items.slice(start, CHUNK_ROWS)
        scored = score_chunk(chunk, scorer, config, at)
        parts.append(scored.select(*keep, *SCORE_COLUMNS))
    return pl.concat(parts, how="vertical_relaxed")
