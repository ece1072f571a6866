"""The truth as the data can see it: hidden traits integrated out, given what the carrier records.

The oracle of ``goodcall evaluate synthetic`` knows every customer's hidden traits; no policy that
learns from data can. The *observable oracle* values each candidate at the truth's expected value
averaged over the hidden traits **given the customer's recorded data** — the best any learner
could estimate with unlimited history — so a policy's share of it says how much of what is
learnable it learned.

* **latent self-direction** — its exact posterior given the self-service habits the carrier drew
  from it (:data:`goodcall.truth.traits.HABITS`: having the app, log-ins, online purchases,
  inbound contacts), computed on a grid of :data:`GRID` points;
* **persuadability** and **per-offer interest** — nothing the carrier records is drawn from them
  except past responses to contacts, a few percent of which are acceptances, so they keep their
  prior (N(0, 1), U(0, 1)). Ignoring those few responses makes the observable oracle a slight
  *under*-estimate of what a learner could reach;
* **the answer rhythm** (:mod:`goodcall.truth.answer_hours`) — its odds follow recorded columns
  (a household of several lines, a prepaid plan, a long relationship), the draw that picks it is
  hidden: it keeps its prior given those columns. A customer's own answered and missed calls say
  a little more (about half a call each in the synthetic history): the same slight
  under-estimate.

The integral is taken by a randomly shifted rank-1 lattice over ``draws`` points: each row sees
every stratum of every trait exactly once, so a handful of draws gives a precise average.

    >>> import polars as pl
    >>> habits = pl.DataFrame({"app_logins_90d": [0, 40], "online_purchases_12m": [0, 6],
    ...                        "inbound_contacts_90d": [3, 0]})
    >>> means = latent_posterior_means(habits)
    >>> bool(means[0] < 0 < means[1])  # phones us, no app → less self-directed than the app user
    True
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import polars as pl

from goodcall.hashing import F64, id_hashes, uniforms
from goodcall.truth.response import HiddenTraits
from goodcall.truth.traits import HABITS, HabitLaw, offer_uniforms

GRID = np.linspace(-5.0, 5.0, 201)
"""Grid of the latent self-direction (N(0, 1) prior) on which its posterior is computed."""

HABIT_COLUMNS = ("app_logins_90d", "online_purchases_12m", "inbound_contacts_90d")


def _poisson_loglik(counts: F64, intercept: float, slope: float) -> F64:
    log_mean = intercept + slope * GRID[None, :]
    out: F64 = counts[:, None] * log_mean - np.exp(log_mean)
    return out


def latent_log_posterior(habits: pl.DataFrame, law: HabitLaw = HABITS) -> F64:
    """Unnormalised log posterior of the latent trait on :data:`GRID`, one row per customer."""
    logins, online, inbound = (habits[n].cast(pl.Float64).to_numpy() for n in HABIT_COLUMNS)
    p_app = 1.0 / (1.0 + np.exp(-(law.app_intercept + law.app_slope * GRID)))[None, :]
    log_login_mean = (law.logins[0] + law.logins[1] * GRID)[None, :]
    with_app = np.log(p_app) + _poisson_loglik(logins, *law.logins)
    without = np.log(1.0 - p_app + p_app * np.exp(-np.exp(log_login_mean)))
    out: F64 = (
        -0.5 * GRID[None, :] ** 2
        + np.where(logins[:, None] > 0, with_app, without)
        + _poisson_loglik(online, *law.online)
        + _poisson_loglik(inbound, *law.inbound)
    )
    return out


def _posterior_weights(habits: pl.DataFrame) -> F64:
    """The posterior's mass on each point of :data:`GRID`, one row per customer (sums to 1)."""
    log_post = latent_log_posterior(habits)
    weights: F64 = np.exp(log_post - log_post.max(axis=1, keepdims=True))
    normalised: F64 = weights / weights.sum(axis=1, keepdims=True)
    return normalised


def latent_posterior_means(habits: pl.DataFrame) -> F64:
    """E[latent self-direction | habits] per customer (what the data says about them)."""
    means: F64 = _posterior_weights(habits) @ GRID
    return means


def _inverse_cdf(cdf: F64, u: F64) -> F64:
    """Per row, where the row's CDF reaches ``u``: each grid point's mass spread evenly over its
    own cell (the point ± half a step), so the draws' mean is the posterior mean on the grid."""
    step = GRID[1] - GRID[0]
    idx = np.clip((cdf < u[:, None]).sum(axis=1), 0, GRID.size - 1)
    rows = np.arange(cdf.shape[0])
    lo = np.where(idx > 0, cdf[rows, np.maximum(idx - 1, 0)], 0.0)
    share = np.clip((u - lo) / np.maximum(cdf[rows, idx] - lo, 1e-300), 0.0, 1.0)
    out: F64 = GRID[idx] + (share - 0.5) * step
    return out


def lattice_generators(draws: int) -> tuple[int, int, int, int]:
    """Generators of the rank-1 lattice, one per trait, each coprime with ``draws`` so every
    trait visits each of the ``draws`` strata once (near ``draws`` × 0.38, × 0.62 and × 0.81 to
    keep the traits' strata apart)."""

    def coprime_near(target: float) -> int:
        for step in range(draws):
            for g in (round(target) + step, round(target) - step):
                if 1 < g < draws and math.gcd(g, draws) == 1:
                    return g
        return 1

    return (
        1,
        coprime_near(0.38 * draws),
        coprime_near(0.62 * draws),
        coprime_near(0.81 * draws),
    )


def _normal_quantile(u: F64) -> F64:
    from scipy.special import ndtri

    out: F64 = ndtri(np.clip(u, 1e-12, 1 - 1e-12))
    return out


def posterior_draws(pairs: pl.DataFrame, draws: int = 16, seed: int = 0) -> Iterator[HiddenTraits]:
    """``draws`` sets of hidden traits per row of ``pairs`` (which carry ``customer_id``,
    ``offer_id`` and the habit columns), whose average over the draws integrates the posterior
    given the habits. Deterministic for a ``seed``, whatever the rows' order."""
    if draws < 1:
        raise ValueError(f"draws must be at least 1, got {draws}")
    missing = [n for n in ("customer_id", "offer_id", *HABIT_COLUMNS) if n not in pairs.columns]
    if missing:
        raise ValueError(f"pairs lack the columns {missing} the posterior is computed from")
    customers = pairs.select("customer_id", *HABIT_COLUMNS).unique(
        "customer_id", keep="first", maintain_order=True
    )
    index = pairs.select("customer_id").join(
        customers.with_row_index("_c"), on="customer_id", how="left", maintain_order="left"
    )["_c"]
    rows = index.to_numpy().astype(np.int64)
    cdf = np.cumsum(_posterior_weights(customers), axis=1)
    # the lattice's shifts hash the customer (and offer), so a row's draws do not depend on
    # which other rows come with it nor on their order
    hashes = id_hashes(customers["customer_id"], seed)
    shift_latent = uniforms(hashes, "observable:latent")
    shift_persuade = uniforms(hashes, "observable:persuadability")
    # the answer rhythm: its odds are a function of recorded columns (household, plan,
    # tenure), the draw that picks it is hidden, so it is integrated over U(0, 1)
    shift_answer = uniforms(hashes, "observable:answer_rhythm")
    offers = pairs["offer_id"].cast(pl.String).fill_null("")
    shift_interest = offer_uniforms(hashes[rows], offers, "observable:interest:")
    generators = lattice_generators(draws)
    for k in range(draws):
        steps = [(g * k % draws) / draws for g in generators]
        latent = _inverse_cdf(cdf, (shift_latent + steps[0]) % 1.0)
        persuade = _normal_quantile((shift_persuade + steps[1]) % 1.0)
        interest = (shift_interest + steps[2]) % 1.0
        answer = (shift_answer + steps[3]) % 1.0
        yield HiddenTraits(latent[rows], persuade[rows], interest, answer[rows])
