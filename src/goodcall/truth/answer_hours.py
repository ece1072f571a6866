"""Who answers the phone when: each customer's own daily rhythm in the synthetic world.

Answer rates by local hour differ between people far more than the carrier-wide curve
(:data:`goodcall.truth.response.ANSWER_BY_HOUR`) shows: someone home in the day picks up in the
morning, someone at work only in the evening. Each customer has one **rhythm** — a hidden draw
from their hash, whose odds lean on what the carrier records (a household of several lines, a
prepaid plan, a long relationship), so part of it is learnable from a segment and part only from
the customer's own answered and missed calls, as with real customers. A rhythm multiplies the
carrier-wide answer rate in four bands of the calling day (09–11, 12–14, 15–17, 18–20 local); other
hours keep the carrier-wide rate. Over the carrier the multipliers average about 1 in each band
(the measured change is in ``docs/decisions.md``): the evening stays the best hour *on average*,
and is not the best hour of most customers.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from goodcall.hashing import F64, U64, uniforms

c = pl.col

RHYTHMS = ("home", "worker", "lunch", "early")
# answer-rate multipliers by band: 09–11, 12–14, 15–17, 18–20 local
RHYTHM_BANDS: dict[str, tuple[float, float, float, float]] = {
    "home": (1.6, 1.5, 1.35, 0.85),
    "worker": (0.45, 0.55, 0.7, 1.3),
    "lunch": (0.7, 1.7, 0.7, 0.85),
    "early": (1.7, 0.9, 0.8, 0.85),
}
FIRST_BAND_HOUR = 9
BAND_HOURS = 3


def rhythm_draws(hashes: U64) -> F64:
    """The uniform draw that picks each customer's rhythm (with :func:`rhythm`)."""
    return uniforms(hashes, "answer_rhythm")


def _weights() -> list[pl.Expr]:
    """Unnormalised odds of each rhythm from what the carrier records."""
    household = (c("lines_count").fill_null(1) >= 2).cast(pl.Float64)
    prepaid = (c("plan_tier").fill_null(2) == 1).cast(pl.Float64)
    long_tenure = (c("tenure_months").fill_null(0) >= 84).cast(pl.Float64)
    return [
        0.15 + 0.90 * long_tenure - 0.10 * household,  # home
        0.20 + 0.80 * household + 0.10 * prepaid - 0.10 * long_tenure,  # worker
        0.15 + 0.60 * prepaid,  # lunch
        0.15 + 0.40 * long_tenure,  # early
    ]


def rhythm(draw: pl.Expr) -> pl.Expr:
    """Index into :data:`RHYTHMS` of each row's rhythm, from its draw (U(0, 1))."""
    weights = _weights()
    total = pl.sum_horizontal(weights)
    out = pl.lit(len(RHYTHMS) - 1, pl.Int64)
    cumulative = pl.lit(0.0)
    bounds = []
    for w in weights[:-1]:
        cumulative = cumulative + w
        bounds.append(cumulative / total)
    for k in reversed(range(len(bounds))):
        out = pl.when(draw < bounds[k]).then(pl.lit(k, pl.Int64)).otherwise(out)
    return out


def answer_multiplier(rhythm_index: pl.Expr, local_hour: pl.Expr) -> pl.Expr:
    """The rhythm's multiplier of the carrier-wide answer rate at ``local_hour`` (1 outside the
    four bands)."""
    band = (local_hour.cast(pl.Int64) - FIRST_BAND_HOUR) // BAND_HOURS
    table = np.array([RHYTHM_BANDS[r] for r in RHYTHMS]).ravel().tolist()
    key = rhythm_index * 4 + band
    inside = (band >= 0) & (band < 4)
    mapping = dict(enumerate(table))
    return (
        pl.when(inside)
        .then(key.replace_strict(mapping, default=1.0, return_dtype=pl.Float64))
        .otherwise(1.0)
    )
