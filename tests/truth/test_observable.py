"""The observable oracle's posterior of the latent self-direction, held to a known truth.

Customers are drawn as the synthetic carrier draws them (latent ~ N(0, 1), habits from it through
:data:`~goodcall.truth.traits.HABITS` in :func:`goodcall.synth.people._self_service`), so each
one's true latent is known: the posterior must be calibrated against it, informative about it,
and leave unexplained exactly the variance the prior had. Then the lattice draws: every stratum
of every trait once per row, a customer's rows sharing the customer's traits, averages that
integrate the posterior, the same draws for the same seed.

Bad inputs tried: zero and negative draws, pairs without ``customer_id`` or a habit column, hidden
traits whose length is not the pairs' — each named in the error.
"""

from __future__ import annotations

import doctest
import math
from dataclasses import dataclass

import numpy as np
import polars as pl
import pytest
from scipy.special import expit, ndtr
from scipy.stats import norm, poisson

from goodcall.hashing import F64
from goodcall.synth.people import _self_service
from goodcall.truth import observable
from goodcall.truth.observable import (
    GRID,
    HABIT_COLUMNS,
    latent_log_posterior,
    latent_posterior_means,
    lattice_generators,
    posterior_draws,
)
from goodcall.truth.response import HiddenTraits, ResponseTruth, TruthInputError
from goodcall.truth.traits import HABITS, HabitLaw

from .conftest import SEED, contact

HALF_CELL = float(GRID[1] - GRID[0]) / 2


@dataclass(frozen=True)
class Population:
    """Customers drawn as the carrier draws them, with their true latent and its posterior."""

    latent: F64
    habits: pl.DataFrame
    means: F64
    variances: F64


def posterior_weights(habits: pl.DataFrame, law: HabitLaw = HABITS) -> F64:
    """The posterior on :data:`GRID` normalised per row, from the module's log posterior."""
    log_post = latent_log_posterior(habits, law)
    weights = np.exp(log_post - log_post.max(axis=1, keepdims=True))
    out: F64 = weights / weights.sum(axis=1, keepdims=True)
    return out


def draw_population(rng_seed: int, n: int) -> Population:
    rng = np.random.default_rng(rng_seed)
    latent = rng.standard_normal(n)
    ids = pl.Series("customer_id", [f"C-{rng_seed}-{i:06d}" for i in range(n)])
    _, habits = _self_service(rng, ids, latent)
    weights = posterior_weights(habits)
    means = latent_posterior_means(habits)
    variances: F64 = (weights * (GRID[None, :] - means[:, None]) ** 2).sum(axis=1)
    return Population(latent, habits, means, variances)


@pytest.fixture(scope="module", params=[1, 2, 3])
def population(request: pytest.FixtureRequest) -> Population:
    return draw_population(request.param, 20_000)


@pytest.fixture(scope="module")
def pairs() -> pl.DataFrame:
    """600 customers × 3 offers, shuffled so a customer's rows are scattered."""
    habits = draw_population(11, 600).habits
    offers = pl.DataFrame({"offer_id": ["A", "B", "C"]})
    return habits.join(offers, how="cross").sample(fraction=1.0, shuffle=True, seed=5)


def cell_levels(values: F64, weights: F64) -> F64:
    """The posterior CDF at ``values`` (rows × draws) when each grid point's mass is spread
    evenly over its cell, the point ± half a step."""
    step = GRID[1] - GRID[0]
    cell = np.clip(np.rint((values - GRID[0]) / step).astype(int), 0, GRID.size - 1)
    before = np.cumsum(weights, axis=1) - weights
    rows = np.arange(values.shape[0])[:, None]
    inside = np.clip((values - GRID[cell]) / step + 0.5, 0.0, 1.0)
    levels: F64 = before[rows, cell] + weights[rows, cell] * inside
    return levels


def stacked(pairs: pl.DataFrame, draws: int, seed: int = 0) -> dict[str, F64]:
    """Each trait's draws as a (rows, draws) matrix."""
    out: dict[str, list[F64]] = {"latent": [], "persuade": [], "interest": []}
    for hidden in posterior_draws(pairs, draws, seed):
        out["latent"].append(hidden.latent_self_direction)
        out["persuade"].append(hidden.persuadability)
        out["interest"].append(hidden.offer_interest)
    return {k: np.stack(v, axis=1) for k, v in out.items()}


# --- the posterior against the truth ---------------------------------------------------------


@pytest.mark.parametrize("law", [HABITS, HabitLaw(0.0, 2.0, (1.0, 1.2), (0.2, 0.5), (0.1, -1.0))])
def test_log_posterior_is_the_likelihood_of_the_habits(law: HabitLaw) -> None:
    """Up to a constant per row, the log posterior is N(0, 1) × P(app, log-ins) × two Poissons,
    written here independently; zero log-ins mix "no app" with "app, no log-ins"."""
    habits = pl.DataFrame(
        {
            "app_logins_90d": [0, 0, 1, 58, 7, 150, 0],
            "online_purchases_12m": [0, 2, 0, 4, 1, 20, 0],
            "inbound_contacts_90d": [0, 5, 0, 0, 2, 0, 12],
        }
    )
    got = posterior_weights(habits, law)
    for row, (logins, online, inbound) in enumerate(habits.iter_rows()):
        p_app = expit(law.app_intercept + law.app_slope * GRID)
        login_mean = np.exp(law.logins[0] + law.logins[1] * GRID)
        if logins == 0:
            log_app = np.logaddexp(np.log1p(-p_app), np.log(p_app) - login_mean)
        else:
            log_app = np.log(p_app) + poisson.logpmf(logins, login_mean)
        log_post = (
            norm.logpdf(GRID)
            + log_app
            + poisson.logpmf(online, np.exp(law.online[0] + law.online[1] * GRID))
            + poisson.logpmf(inbound, np.exp(law.inbound[0] + law.inbound[1] * GRID))
        )
        expected = np.exp(log_post - log_post.max())
        np.testing.assert_allclose(got[row], expected / expected.sum(), rtol=1e-9, atol=1e-15)
    means = latent_posterior_means(habits)
    if law == HABITS:
        np.testing.assert_allclose(means, got @ GRID, rtol=1e-12, atol=1e-12)


def test_posterior_means_are_calibrated(population: Population) -> None:
    """Customers whose data say "latent ≈ m" have, on average, latent ≈ m: in each decile of
    the posterior mean the true latents average within 0.1 of it (se ≈ 0.013 per decile), and
    overall the posterior means average to the prior's 0."""
    deciles = np.array_split(np.argsort(population.means, kind="stable"), 10)
    for i, rows in enumerate(deciles):
        gap = population.latent[rows].mean() - population.means[rows].mean()
        assert abs(gap) < 0.1, (i, gap)
    assert abs(population.means.mean()) < 0.03


def test_posterior_means_track_the_truth(population: Population) -> None:
    """The habits say a lot about the latent (corr ≈ 0.82 here); a posterior mean that ignored
    them, or read them backwards, would not come close."""
    corr = np.corrcoef(population.means, population.latent)[0, 1]
    assert corr > 0.75


def test_posterior_variance_adds_up_to_the_prior(population: Population) -> None:
    """Law of total variance: E[Var(latent | habits)] + Var(E[latent | habits]) = Var(latent) =
    1. Too narrow a posterior (overconfident) or too wide (habits underused) breaks the sum; a
    sample of 20,000 puts it within ~0.01 of 1."""
    total = population.variances.mean() + population.means.var()
    assert abs(total - 1.0) < 0.05
    assert (population.variances > 0).all() and (population.variances < 1).all()


def test_posterior_means_move_with_the_habits() -> None:
    """Each Poisson count has a monotone likelihood ratio in the latent, so the posterior mean
    rises with log-ins (once there is an app) and online purchases, and falls with contacts."""
    counts = list(range(1, 61))

    def means_along(column: str, others: dict[str, int]) -> F64:
        frame = pl.DataFrame({column: counts, **{k: [v] * len(counts) for k, v in others.items()}})
        return latent_posterior_means(frame)

    logins = means_along("app_logins_90d", {"online_purchases_12m": 1, "inbound_contacts_90d": 1})
    online = means_along("online_purchases_12m", {"app_logins_90d": 0, "inbound_contacts_90d": 1})
    inbound = means_along("inbound_contacts_90d", {"app_logins_90d": 10, "online_purchases_12m": 1})
    assert (np.diff(logins) > 0).all()
    assert (np.diff(online) > 0).all()
    assert (np.diff(inbound) < 0).all()


def test_module_docstring_example_runs() -> None:
    """The project's pytest config does not collect doctests, so run the module's here."""
    result = doctest.testmod(observable, raise_on_error=False, verbose=False)
    assert result.attempted > 0
    assert result.failed == 0


# --- the lattice draws --------------------------------------------------------------------


def test_lattice_generators_are_coprime_with_the_draws() -> None:
    """A generator sharing a factor with ``draws`` would visit some strata twice, others never."""
    for draws in range(1, 41):
        generators = lattice_generators(draws)
        assert len(generators) == 4 and generators[0] == 1, draws
        for g in generators:
            assert math.gcd(g, draws) == 1, (draws, g)
            assert 1 <= g < max(draws, 2), (draws, g)


@pytest.mark.parametrize("draws", [1, 2, 5, 16, 32])
def test_each_trait_visits_every_stratum_once(pairs: pl.DataFrame, draws: int) -> None:
    """Per row, the draws' probability levels (the posterior CDF for the latent, Φ for
    persuadability, the value itself for the uniform offer interest) fall one in each of the
    ``draws`` equal strata of (0, 1)."""
    traits = stacked(pairs, draws)
    weights = posterior_weights(pairs)
    latent_levels = cell_levels(traits["latent"], weights)
    every = np.arange(draws)
    for name, levels in (
        ("latent", latent_levels),
        ("persuade", ndtr(traits["persuade"])),
        ("interest", traits["interest"]),
    ):
        assert ((levels >= 0) & (levels <= 1)).all(), name
        strata = np.sort(np.minimum(np.floor(levels * draws), draws - 1), axis=1)
        assert (strata == every[None, :]).all(), name


def test_latent_draws_average_to_the_posterior_means(pairs: pl.DataFrame) -> None:
    """With 32 stratified draws each row's average latent is within 0.2 of its posterior mean
    (the tail strata dominate the error; the typical row is much closer)."""
    average = stacked(pairs, 32)["latent"].mean(axis=1)
    gap = average - latent_posterior_means(pairs)
    assert np.abs(gap).max() < 0.2
    assert np.abs(gap).mean() < 0.05


def test_latent_draws_are_unbiased(pairs: pl.DataFrame) -> None:
    """Averaged over 1,800 rows the stratification noise is gone (< 0.002): what is left is bias,
    and the draws must integrate the same posterior ``latent_posterior_means`` reports."""
    average = stacked(pairs, 32)["latent"].mean(axis=1)
    bias = float((average - latent_posterior_means(pairs)).mean())
    assert abs(bias) < 0.005, f"mean of draws − posterior mean = {bias:.4f} (half cell {HALF_CELL})"


def test_rows_of_a_customer_share_latent_and_persuadability(pairs: pl.DataFrame) -> None:
    """The latent and persuadability are the customer's, so all their rows agree in each draw;
    offer interest is per (customer, offer), so their three rows differ."""
    for k, hidden in enumerate(posterior_draws(pairs, 8, seed=3)):
        per_customer = (
            pairs.select("customer_id")
            .with_columns(
                pl.Series("latent", hidden.latent_self_direction),
                pl.Series("persuade", hidden.persuadability),
                pl.Series("interest", hidden.offer_interest),
            )
            .group_by("customer_id")
            .agg(pl.col("latent", "persuade", "interest").n_unique())
        )
        assert per_customer.height == 600
        assert (per_customer["latent"] == 1).all(), k
        assert (per_customer["persuade"] == 1).all(), k
        assert (per_customer["interest"] == 3).all(), k


def test_same_seed_same_draws(pairs: pl.DataFrame) -> None:
    """The observable oracle of ``goodcall evaluate synthetic`` must be reproducible."""
    first, again = stacked(pairs, 4, seed=9), stacked(pairs, 4, seed=9)
    for name in first:
        np.testing.assert_array_equal(first[name], again[name], err_msg=name)


def test_a_rows_draws_do_not_depend_on_the_other_rows_nor_their_order(pairs: pl.DataFrame) -> None:
    """The lattice's shifts hash the customer and the offer: reversing the rows, or keeping
    only one offer's, gives every remaining row the same draws."""
    keyed = pairs.with_row_index("_row")
    full = stacked(pairs, 4, seed=9)
    for subset in (keyed.reverse(), keyed.filter(pl.col("offer_id") == "B")):
        part = stacked(subset.drop("_row"), 4, seed=9)
        order = subset["_row"].to_numpy()
        for name in full:
            np.testing.assert_array_equal(full[name][order], part[name], err_msg=name)


def test_other_seed_other_draws(pairs: pl.DataFrame) -> None:
    first, other = stacked(pairs, 4, seed=9), stacked(pairs, 4, seed=10)
    for name in first:
        assert not np.array_equal(first[name], other[name]), name


def test_empty_pairs_give_empty_draws(pairs: pl.DataFrame) -> None:
    drawn = list(posterior_draws(pairs.head(0), 4))
    assert len(drawn) == 4
    assert all(len(h.latent_self_direction) == len(h.offer_interest) == 0 for h in drawn)


def test_draws_feed_the_truth(seed_profile: pl.DataFrame) -> None:
    """A draw lines up with its pairs, so the truth scores it (the observable oracle's loop)."""
    good = contact(seed_profile, "AO_CLOUD_200", "phone", 11)
    for hidden in posterior_draws(good, 4, seed=SEED):
        scored = ResponseTruth(SEED).probabilities(good, hidden)
        assert scored["p_accept_contacted"].is_between(0.0, 1.0).all()


# --- bad inputs -----------------------------------------------------------------------------


@pytest.mark.parametrize("draws", [0, -3])
def test_draws_must_be_positive(pairs: pl.DataFrame, draws: int) -> None:
    with pytest.raises(ValueError, match=f"draws must be at least 1, got {draws}"):
        list(posterior_draws(pairs, draws))


@pytest.mark.parametrize("column", ["customer_id", *HABIT_COLUMNS])
def test_missing_column_is_named(pairs: pl.DataFrame, column: str) -> None:
    with pytest.raises(ValueError, match=rf"pairs lack the columns \['{column}'\]"):
        list(posterior_draws(pairs.drop(column), 4))


@pytest.mark.parametrize(
    ("name", "sizes"),
    [
        ("latent_self_direction", (2, 1, 1)),
        ("persuadability", (1, 3, 1)),
        ("offer_interest", (1, 1, 0)),
    ],
)
def test_hidden_traits_of_the_wrong_length(
    seed_profile: pl.DataFrame, name: str, sizes: tuple[int, int, int]
) -> None:
    """Traits that do not line up with the pairs are refused, naming the trait and both sizes."""
    good = contact(seed_profile, "AO_CLOUD_200", "phone", 11)
    assert good.height == 1
    hidden = HiddenTraits(*(np.zeros(n) for n in sizes))
    bad = sizes[("latent_self_direction", "persuadability", "offer_interest").index(name)]
    with pytest.raises(TruthInputError, match=f"hidden trait {name} has {bad} values for 1 pairs"):
        ResponseTruth(SEED).probabilities(good, hidden)
