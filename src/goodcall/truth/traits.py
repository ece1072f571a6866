"""Hidden customer traits of the synthetic world.

Choice: traits are **derived, not stored**. Each is a deterministic function of the customer id
and the carrier's seed (see :mod:`goodcall.hashing`), combined where it makes sense with
fields the carrier records. So the truth can score any customer of a carrier — a profile rebuilt
from the store, a row of a test — knowing only the seed, and nothing hidden has to travel next to
the data.

* ``latent_self_direction`` — N(0, 1) from the hash. The synthetic carrier draws the customer's
  self-service habits (app log-ins, online purchases, inbound calls) from it.
* ``self_directedness`` — what the response model uses: the latent plus what the habits reveal
  (``SELF_DIRECTION_LATENT_WEIGHT`` and ``SELF_DIRECTION_OBSERVED_WEIGHT``). A learner sees the
  habits, so part of this trait is learnable and part is not, as with real customers. The story's
  customer (58 app log-ins, 4 online purchases, never calls us) comes out self-directed whatever
  the seed.
* ``persuadability`` — N(0, 1) from the hash: how much a conversation moves this person.
* ``offer_interest`` — U(0, 1) per (customer, offer): taste for add-ons nothing in the data
  explains (roaming for a traveller, streaming for a binge watcher).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from goodcall.hashing import F64, U64, id_hashes, key_constant, normals, uniforms

SELF_DIRECTION_LATENT_WEIGHT = 0.4
SELF_DIRECTION_OBSERVED_WEIGHT = 0.65

# Centre and spread of the observed self-service index over the synthetic carrier (measured on
# 100,000 customers of seed 1), so the observed part is on the N(0, 1) scale of the latent; the
# weights then keep the blended trait near N(0, 1) too (the two parts correlate at ~0.77).
_OBSERVED_CENTRE = 0.69
_OBSERVED_SPREAD = 0.85


@dataclass(frozen=True)
class HabitLaw:
    """How the synthetic carrier draws a customer's self-service habits from the latent trait.

    Has the app with P = logistic(``app_intercept`` + ``app_slope`` × latent); then log-ins
    (90 days), online purchases (12 months) and contacts they start (90 days) are Poisson with
    log-means ``intercept + slope × latent``. Shared by the generator (:mod:`goodcall.synth.people`)
    and by :mod:`goodcall.truth.observable`, which inverts it.
    """

    app_intercept: float = 0.3
    app_slope: float = 1.3
    logins: tuple[float, float] = (1.7, 0.8)
    online: tuple[float, float] = (-0.6, 0.8)
    inbound: tuple[float, float] = (-0.9, -0.6)


HABITS = HabitLaw()


def customer_hashes(customer_ids: pl.Series, seed: int) -> U64:
    """The per-customer hash every trait derives from."""
    return id_hashes(customer_ids, seed)


def latent_self_direction(hashes: U64) -> F64:
    """The hidden part of self-directedness, N(0, 1)."""
    return normals(hashes, "self_direction")


def persuadability(hashes: U64) -> F64:
    """How much a conversation moves the customer, N(0, 1)."""
    return normals(hashes, "persuadability")


def observed_self_service_index(app_logins: pl.Expr, online: pl.Expr, inbound: pl.Expr) -> pl.Expr:
    """What the self-service counts say about self-directedness, roughly N(0, 1) on the carrier.

    App log-ins and online purchases point one way, contacts the customer starts (they phone us for
    help) the other.
    """
    raw = (
        0.5 * app_logins.cast(pl.Float64).log1p()
        + 0.6 * online.cast(pl.Float64).log1p()
        - 0.5 * inbound.cast(pl.Float64).log1p()
    )
    return (raw - _OBSERVED_CENTRE) / _OBSERVED_SPREAD


def self_directedness(latent: pl.Expr, observed_index: pl.Expr) -> pl.Expr:
    """The trait the response model uses: latent and observed parts blended."""
    return SELF_DIRECTION_LATENT_WEIGHT * latent + SELF_DIRECTION_OBSERVED_WEIGHT * observed_index


def offer_interest(hashes: U64, offer_ids: pl.Series) -> F64:
    """U(0, 1) per (customer, offer) row: idiosyncratic taste for that offer."""
    return offer_uniforms(hashes, offer_ids, "interest:")


def offer_uniforms(hashes: U64, offer_ids: pl.Series, salt: str) -> F64:
    """U(0, 1) per (customer, offer) row: the row's customer hash drawn with a key per offer
    (``salt`` + offer id), so each offer gets its own independent draw."""
    constants = {o: int(key_constant(salt + o)) for o in offer_ids.unique().to_list()}
    keys = offer_ids.replace_strict(constants, return_dtype=pl.UInt64).to_numpy()
    return uniforms(hashes, keys.astype(np.uint64))
