"""Funnel stage 4: uplift, P(annoy) and expected value of every candidate contact.

* *mature* offer × channel (enough history, see :mod:`goodcall.models.explore`): the response
  model's uplift and P(accept | contacted);
* *cold* offer × channel: the Beta posterior means (catalog prior + whatever history exists), the
  same for every customer — and a Thompson draw per customer for the exploration slice;
* P(annoy): the calibrated annoyance model when the set has one, else the posterior mean.

    EV = uplift × offer value − contact cost − P(annoy) × (complaint cost + share × value)

Scoring runs in chunks of items so that a million customers never hold every candidate's
features in memory at once; only the numbers the arbitration needs are kept.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from goodcall.decide.config import CampaignConfig
from goodcall.models.explore import posterior_means, thompson_draws
from goodcall.models.inputs import FEATURE_COLUMNS, candidate_features
from goodcall.models.registry import ModelSet

c = pl.col
CHUNK_ROWS = 400_000
SCORE_COLUMNS = (
    "uplift",
    "p_accept",
    "p_annoy",
    "ev",
    "mature",
    "explore_uplift",
    "explore_p_annoy",
    "explore_ev",
)


def _annoyance_cost(config: CampaignConfig) -> pl.Expr:
    return config.complaint_cost + config.annoyance_value_share * c("value").fill_null(0.0).clip(
        0.0
    )


def _ev(uplift: pl.Expr, p_annoy: pl.Expr, config: CampaignConfig) -> pl.Expr:
    cost = c("channel").replace_strict(config.contact_cost, return_dtype=pl.Float64)
    return uplift * c("offer_value") - cost - p_annoy * _annoyance_cost(config)


def score_chunk(
    items: pl.DataFrame,
    models: ModelSet,
    offers: pl.DataFrame,
    config: CampaignConfig,
    at: dt.datetime,
) -> pl.DataFrame:
    """Scores for one chunk of items (profile inputs, offer_id, channel, local_hour)."""
    frame = (
        candidate_features(items.lazy().with_columns(pl.lit(at).alias("_as_of")), offers)
        .join(models.posteriors.lazy(), on=["offer_id", "channel"], how="left")
        .with_columns(c("mature").fill_null(False), *posterior_means())
        .collect()
    )
    uplift = frame["prior_uplift"].to_numpy().astype(np.float64).copy()
    p_accept = frame["prior_p_contacted"].to_numpy().astype(np.float64).copy()
    p_annoy = frame["prior_p_annoy"].to_numpy().astype(np.float64).copy()
    mature = frame["mature"].to_numpy().astype(bool)
    if models.response is not None and mature.any():
        features = frame.filter(pl.Series(mature)).select(FEATURE_COLUMNS)
        u, p_t, _ = models.response.predict(features)
        uplift[mature], p_accept[mature] = u, p_t
    if models.annoyance is not None and frame.height:
        p_annoy = models.annoyance.predict(frame.select(FEATURE_COLUMNS))
    explore_uplift = np.full(frame.height, np.nan)
    explore_annoy = np.full(frame.height, np.nan)
    cold = ~mature & frame["alpha_t"].is_not_null().to_numpy()
    if cold.any() and config.explore_share > 0:
        drawn_u, drawn_a = thompson_draws(frame.filter(pl.Series(cold)), config.campaign_id)
        explore_uplift[cold], explore_annoy[cold] = drawn_u, drawn_a
    scored = frame.with_columns(
        pl.Series("uplift", uplift),
        pl.Series("p_accept", p_accept),
        pl.Series("p_annoy", p_annoy),
        pl.Series("explore_uplift", explore_uplift, nan_to_null=True),
        pl.Series("explore_p_annoy", explore_annoy, nan_to_null=True),
    )
    return scored.with_columns(
        _ev(c("uplift"), c("p_annoy"), config).alias("ev"),
        _ev(c("explore_uplift"), c("explore_p_annoy"), config).alias("explore_ev"),
    )


def score_items(
    items: pl.DataFrame,
    models: ModelSet,
    offers: pl.DataFrame,
    config: CampaignConfig,
    at: dt.datetime,
    keep: tuple[str, ...],
) -> pl.DataFrame:
    """Score every item chunk by chunk, keeping ``keep`` columns and the scores."""
    parts = []
    for start in range(0, max(items.height, 1), CHUNK_ROWS):
        chunk = items.slice(start, CHUNK_ROWS)
        scored = score_chunk(chunk, models, offers, config, at)
        parts.append(scored.select(*keep, *SCORE_COLUMNS))
    return pl.concat(parts, how="vertical_relaxed")
