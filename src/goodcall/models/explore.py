"""Cold start and exploration: Beta posteriors per offer × channel, and Thompson-sampling draws.

Every offer × channel carries three Beta posteriors — acceptance when contacted, acceptance when
not contacted, annoyance when contacted — starting from the catalog's ``Offer.prior``
(``rate × strength`` successes, ``(1 − rate) × strength`` failures) and updated with the counts of
the contact history. Two flags per offer × channel *cell*:

* **known** — the response model can score it: the history holds ``mature_rows`` treated contacts
  with this offer (any channel) and as many on this channel (any offer). Our response model
  learns offers and channels as features and shares the rest across them, so it can score an
  offer on a channel it was rarely or never sent on — what it cannot do is score an offer (or a
  channel) it has never seen. A cell that is not known is decided on its posterior means alone,
  and that prior never takes a contact outside the exploration slice;
* **mature** — counted per cell: ``mature_rows`` treated contacts with this offer on this very
  channel. A cell that is not mature (*cold*: never tried, however much the offer and the channel
  were used apart) is **explored**: the exploration slice gets **Thompson draws** for it — one
  draw per customer × offer × channel from each posterior, so cells whose value is uncertain get
  tried in proportion to the chance that they are in fact the best.

Cells the model set has never seen — an offer added to the catalog after training, a channel newly
listed for an offer — get their catalog prior (:func:`with_catalog_priors`).

Draws are inverse-CDF transforms of stable hashed uniforms (``campaign:customer:offer:channel``),
so the same customer gets the same draw whether decided alone or in a batch, and a campaign can
be replayed exactly.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import polars as pl

from goodcall.catalog.model import Offer, Prior
from goodcall.channels import CHANNELS
from goodcall.hashing import fnv1a64, fnv1a64_extend, uniform_of_hashes

c = pl.col

DEFAULT_PRIOR = Prior(
    accept_rate_contacted=0.02, accept_rate_uncontacted=0.01, annoy_rate=0.01, strength=20.0
)
"""Weakly informative prior for offers whose catalog entry declares none."""

MATURE_ROWS = 50

POSTERIOR_SCHEMA = pl.Schema(
    {
        "offer_id": pl.String(),
        "channel": pl.String(),
        "alpha_t": pl.Float64(),
        "beta_t": pl.Float64(),
        "alpha_c": pl.Float64(),
        "beta_c": pl.Float64(),
        "alpha_a": pl.Float64(),
        "beta_a": pl.Float64(),
        "treated": pl.Int64(),
        "control": pl.Int64(),
        "treated_conversions": pl.Int64(),
        "known": pl.Boolean(),
        "mature": pl.Boolean(),
    }
)


def _priors(offers: Sequence[Offer], channels: Sequence[str]) -> pl.DataFrame:
    rows = []
    for offer in offers:
        p = offer.prior or DEFAULT_PRIOR
        s = p.strength
        for channel in channels:
            if channel not in offer.channels:
                continue
            rows.append(
                {
                    "offer_id": offer.id,
                    "channel": channel,
                    "alpha_t": p.accept_rate_contacted * s,
                    "beta_t": (1 - p.accept_rate_contacted) * s,
                    "alpha_c": p.accept_rate_uncontacted * s,
                    "beta_c": (1 - p.accept_rate_uncontacted) * s,
                    "alpha_a": p.annoy_rate * s,
                    "beta_a": (1 - p.annoy_rate) * s,
                }
            )
    return pl.DataFrame(rows, schema={k: POSTERIOR_SCHEMA[k] for k in list(POSTERIOR_SCHEMA)[:8]})


def beta_posteriors(
    history: pl.DataFrame,
    offers: Sequence[Offer],
    channels: Sequence[str] = CHANNELS,
    *,
    mature_rows: int = MATURE_ROWS,
) -> pl.DataFrame:
    """Posterior parameters per catalog offer × channel from ``history``.

    ``history`` needs ``offer_id``, ``channel``, ``treated``, ``converted``, ``annoyed`` (the
    training rows of :func:`goodcall.models.rows.training_rows`). Contacts with offers that
    are no longer in the catalog are ignored.
    """
    counts = history.group_by("offer_id", "channel").agg(
        c("treated").sum().cast(pl.Int64).alias("treated"),
        (~c("treated")).sum().cast(pl.Int64).alias("control"),
        (c("treated") & c("converted")).sum().cast(pl.Int64).alias("treated_conversions"),
        (~c("treated") & c("converted")).sum().cast(pl.Int64).alias("_control_conversions"),
        (c("treated") & c("annoyed")).sum().cast(pl.Int64).alias("_annoyed"),
    )
    zero = pl.lit(0, pl.Int64)
    return (
        _priors(offers, channels)
        .join(counts, on=["offer_id", "channel"], how="left")
        .with_columns(
            *[c(n).fill_null(zero) for n in ("treated", "control", "treated_conversions")],
            c("_control_conversions").fill_null(zero),
            c("_annoyed").fill_null(zero),
        )
        .with_columns(
            (c("alpha_t") + c("treated_conversions")).alias("alpha_t"),
            (c("beta_t") + c("treated") - c("treated_conversions")).alias("beta_t"),
            (c("alpha_c") + c("_control_conversions")).alias("alpha_c"),
            (c("beta_c") + c("control") - c("_control_conversions")).alias("beta_c"),
            (c("alpha_a") + c("_annoyed")).alias("alpha_a"),
            (c("beta_a") + c("treated") - c("_annoyed")).alias("beta_a"),
        )
        .join(_history_totals(counts, "offer_id"), on="offer_id", how="left")
        .join(_history_totals(counts, "channel"), on="channel", how="left")
        .with_columns(
            (
                (c("_treated_offer_id").fill_null(0) >= mature_rows)
                & (c("_treated_channel").fill_null(0) >= mature_rows)
            ).alias("known"),
            (c("treated") >= mature_rows).alias("mature"),
        )
        .select(list(POSTERIOR_SCHEMA))
        .sort("offer_id", "channel")
    )


def _history_totals(counts: pl.DataFrame, key: str) -> pl.DataFrame:
    """Treated contacts per offer (or channel) over the *whole* history — every channel,
    including those the catalog no longer lists for the offer: an offer sent only by SMS in the
    past is known to the response model even if it is now offered by phone and e-mail only."""
    return counts.group_by(key).agg(c("treated").sum().alias(f"_treated_{key}"))


def with_catalog_priors(
    posteriors: pl.DataFrame, offers: Sequence[Offer], channels: Sequence[str] = CHANNELS
) -> pl.DataFrame:
    """``posteriors`` completed to every offer × channel the catalog sells.

    A cell the model set has never seen starts from its catalog prior, untried (never null).
    It is *known* to the model only when both its offer and its channel are (some known cell has
    each): an offer newly listed on a channel other offers were sent on is scored like the
    history's other untried cells; an offer added to the catalog after training is not, so its
    prior alone can only ever be explored. Sets written before cells carried ``known`` read
    their old ``mature`` flag (offer and channel totals) as ``known``."""
    if "known" not in posteriors.columns:
        posteriors = posteriors.with_columns(
            c("mature").alias("known"), (c("treated") >= MATURE_ROWS).alias("mature")
        )
    seen = posteriors.select(list(POSTERIOR_SCHEMA)).cast(POSTERIOR_SCHEMA)
    known_offers = seen.filter(c("known"))["offer_id"].unique().to_list()
    known_channels = seen.filter(c("known"))["channel"].unique().to_list()
    untried = (
        prior_posteriors(offers, channels)
        .join(seen, on=["offer_id", "channel"], how="anti")
        .with_columns(
            (c("offer_id").is_in(known_offers) & c("channel").is_in(known_channels)).alias("known"),
            pl.lit(False).alias("mature"),
        )
    )
    return pl.concat([seen, untried]).sort("offer_id", "channel")


def prior_posteriors(offers: Sequence[Offer], channels: Sequence[str] = CHANNELS) -> pl.DataFrame:
    """The posteriors of a history with no contact: every cell on its catalog prior, cold."""
    return beta_posteriors(_NO_HISTORY, offers, channels)


_NO_HISTORY = pl.DataFrame(
    schema={
        "offer_id": pl.String,
        "channel": pl.String,
        "treated": pl.Boolean,
        "converted": pl.Boolean,
        "annoyed": pl.Boolean,
    }
)
"""A contact history with no row."""


def posterior_means() -> list[pl.Expr]:
    """Expressions: posterior mean uplift and annoyance (on a frame joined to the posteriors)."""
    p_t = c("alpha_t") / (c("alpha_t") + c("beta_t"))
    p_c = c("alpha_c") / (c("alpha_c") + c("beta_c"))
    return [
        (p_t - p_c).alias("prior_uplift"),
        p_t.alias("prior_p_contacted"),
        (c("alpha_a") / (c("alpha_a") + c("beta_a"))).alias("prior_p_annoy"),
    ]


def beta_draw(
    keys: pl.Series | npt.NDArray[np.uint64],
    alpha: npt.NDArray[np.float64],
    beta: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """One Beta(α, β) draw per key, from the key's stable uniform (inverse CDF); ``keys`` are
    the keys' text or their FNV-1a 64 hashes (:func:`goodcall.hashing.fnv1a64`)."""
    from scipy.special import betaincinv  # SciPy: imported when used (see goodcall.cli)

    hashes = fnv1a64(keys) if isinstance(keys, pl.Series) else keys
    u = np.clip(uniform_of_hashes(hashes), 1e-12, 1 - 1e-12)
    return np.asarray(betaincinv(alpha, beta, u), dtype=np.float64)


def thompson_draws(
    frame: pl.DataFrame, campaign_id: str
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """(sampled uplift, sampled P(annoy)) per row of ``frame`` (customer_id, offer_id, channel
    and the posterior columns). Each draw's key is ``campaign:customer:offer:channel:`` and the
    draw's letter; the common part is hashed once (FNV-1a reads its bytes in order)."""
    base = frame.select(
        pl.concat_str(
            pl.lit(campaign_id), c("customer_id"), c("offer_id"), c("channel"), pl.lit(""),
            separator=":",
        )
    ).to_series()  # fmt: skip
    common = fnv1a64(base)

    def col(name: str) -> npt.NDArray[np.float64]:
        return frame[name].to_numpy().astype(np.float64)

    p_t = beta_draw(fnv1a64_extend(common, "t"), col("alpha_t"), col("beta_t"))
    p_c = beta_draw(fnv1a64_extend(common, "c"), col("alpha_c"), col("beta_c"))
    p_a = beta_draw(fnv1a64_extend(common, "a"), col("alpha_a"), col("beta_a"))
    return p_t - p_c, p_a
