"""Funnel stage 5: turn scored items into the arbitration problem, solve it, read the plan back.

Items are the candidate contacts with a positive value (an item worth ≤ 0 can never beat "no
contact", so dropping it is exact). An offer × channel cell *known* to the response model gives
an exploit item worth its expected value; a cell it does not know (a new offer) gives none — its
catalog prior alone never takes a contact. Exploration items are the Thompson-sampled values of
the cells that are not mature (too little history in that very cell); they use one more
resource, ``explore``, whose capacity is the exploration share of the campaign's capacity, so
every contact of a cell the model does not know counts against that budget.

Resource names are readable and so are the dual prices reported for them, which a real-time
decision reuses. A campaign *day* is the 24 hours from the decision time (``day0``,
``day1``...); hours are UTC clock hours:

* ``calls:day0`` — the call centre's calls that day (``calls_per_day``);
* ``hour:2026-11-20T14`` — its calls in that hour (``calls_per_hour``);
* ``sms:day0``, ``email:day0``, ``app:day0`` — messages that day (``messages_per_day``);
* ``calls:fr:day0``, ``hour:fr:2026-11-20T14`` — the calls the French-speaking agents can make
  (``agent_pools``): a call uses the pool of the customer's language, so French and English calls
  are counted against their own capacity; a language no pool speaks has capacity 0;
* ``offer:HS_IPHONE17_FETES`` — the offer's volume limit; ``explore``; ``budget``.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import polars as pl

from goodcall.arbitrate.lagrangian import choose_with_prices, solve
from goodcall.arbitrate.problem import Problem
from goodcall.catalog.model import Catalog
from goodcall.decide.config import CampaignConfig, pool_of
from goodcall.profiles.schema import LANGUAGES

c = pl.col
FAMILIES = ("offer", "day", "hour", "pool_day", "pool_hour", "explore")
"""Resource families: an item uses at most one resource of each (see the module docstring)."""


@dataclass(frozen=True)
class PlanSummary:
    """What the optimisation found: value, bound, gap, prices and resource use."""

    items: int
    primal: float
    dual_bound: float
    sweeps: int
    prices: dict[str, float]
    capacity: dict[str, float]
    used: dict[str, float] = field(default_factory=dict)
    solved: bool = True  # False when decided at given prices (real time)

    @property
    def gap(self) -> float:
        return max(0.0, self.dual_bound - self.primal)

    @property
    def relative_gap(self) -> float:
        return self.gap / self.dual_bound if self.dual_bound > 0 else 0.0


def positive_items(
    scored: pl.DataFrame, config: CampaignConfig, at: dt.datetime, catalog: Catalog
) -> pl.DataFrame:
    """The items worth arbitrating, one row each, with the campaign ``day`` of each (0 is the
    24 hours from ``at``; calls per day count per such day).

    Exploit items of known cells with EV > 0 and explore items with sampled EV > 0 (rows with
    no ``known`` column — the oracles' true values — are all exploitable) — then, per
    customer, only the best item of each *resource signature* (the resources it would use and
    its cost): an item that uses exactly the same resources as a better one of the same
    customer can never be chosen, in the optimum or by the prices (exact pruning). Two e-mails
    about offers without a volume limit use nothing that binds, so only the better survives;
    calls keep one item per campaign day and hour slot (when those are limited) and per limited
    offer. Items need a ``language`` column when the campaign has agent pools.
    """
    day = ((c("planned_at") - at).dt.total_seconds() // 86_400).cast(pl.Int64).alias("day")
    exploitable = scored.filter(c("known")) if "known" in scored.columns else scored
    base = exploitable.with_columns(pl.lit(False).alias("explore"), c("ev").alias("value"), day)
    explore = scored.filter(c("explore_ev").is_not_null()).with_columns(
        pl.lit(True).alias("explore"), c("explore_ev").alias("value"), day
    )
    items = pl.concat([base, explore], how="vertical_relaxed").filter(c("value") > 0)
    names = _resource_names(items, config, catalog)
    signature = [c(f"_r_{f}").fill_null("") for f in FAMILIES if f != "explore"]
    budget = c("channel") if config.budget is not None else pl.lit("")
    items = items.hstack([names[f].alias(f"_r_{f}") for f in FAMILIES if f != "explore"])
    items = items.select(
        pl.exclude("^_r_.*$"), pl.concat_str(*signature, budget, separator="|").alias("_signature")
    )
    items = items.sort(
        ["customer_id", "value", "offer_id", "channel", "planned_at", "explore"],
        descending=[False, True, False, False, False, False],
    )
    return items.unique(
        ["customer_id", "_signature", "explore"], keep="first", maintain_order=True
    ).drop("_signature")


def _resource_names(items: pl.DataFrame, config: CampaignConfig, catalog: Catalog) -> pl.DataFrame:
    """One column per resource family: the name of the resource each item uses (or null)."""
    limits = {o.id for o in catalog.offers if o.volume_limit is not None}
    phone = c("channel") == "phone"
    none = pl.lit(None, pl.String)
    day = pl.lit(":day") + c("day").cast(pl.String)
    hour = c("planned_at").dt.strftime("%Y-%m-%dT%H")
    capped = [ch for ch in config.channels if config.daily_cap(ch) is not None]
    kind = pl.when(phone).then(pl.lit("calls")).otherwise(c("channel"))
    pools = config.agent_pools
    pool_day, pool_hour = none, none
    if pools is not None:
        pool = c("language").replace_strict(
            {tag: pool_of(tag, pools) for tag in LANGUAGES}, default="unknown"
        )
        hourly = [k for k, p in pools.items() if p.hourly]
        pool_day = pl.when(phone).then(pl.lit("calls:") + pool + day).otherwise(none)
        pool_hour = (
            pl.when(phone & pool.is_in(hourly)).then(pl.lit("hour:") + pool + ":" + hour)
        ).otherwise(none)
    return items.select(
        pl.when(c("offer_id").is_in(list(limits)))
        .then(pl.lit("offer:") + c("offer_id"))
        .otherwise(none)
        .alias("offer"),
        pl.when(c("channel").is_in(capped)).then(kind + day).otherwise(none).alias("day"),
        pl.when(phone & pl.lit(config.calls_per_hour is not None))
        .then(pl.lit("hour:") + hour)
        .otherwise(none)
        .alias("hour"),
        pool_day.alias("pool_day"),
        pool_hour.alias("pool_hour"),
        pl.when(c("explore")).then(pl.lit("explore")).otherwise(none).alias("explore"),
    )


def _capacity(name: str, config: CampaignConfig, catalog: Catalog, explore_cap: float) -> float:
    """The capacity of the resource called ``name`` (see the module docstring)."""
    kind, _, key = name.partition(":")
    if kind == "offer":
        limit = catalog.offer(key).volume_limit
        return float(limit) if limit is not None else math.inf
    if kind == "explore":
        return explore_cap
    pools = config.agent_pools or {}
    pool = key.rpartition(":")[0]
    if kind == "hour":
        per_hour = config.calls_per_hour
        if pool:
            hour = dt.datetime.strptime(key.rpartition(":")[2], "%Y-%m-%dT%H")
            per_hour = pools[pool].hour_cap(hour.replace(tzinfo=dt.UTC))
        return float(per_hour) if per_hour is not None else math.inf
    if kind == "calls" and pool:
        return float(pools[pool].calls_per_day) if pool in pools else 0.0
    cap = config.daily_cap("phone" if kind == "calls" else kind)
    return float(cap) if cap is not None else math.inf


def explore_capacity(config: CampaignConfig, customers: int) -> float:
    """The exploration slice: a share of the daily calls, or of the customers when uncapped."""
    base = config.calls_per_day if config.calls_per_day is not None else customers
    return float(math.floor(config.explore_share * base))


def build_problem(
    items: pl.DataFrame, config: CampaignConfig, catalog: Catalog, explore_cap: float
) -> tuple[Problem, list[str]]:
    """The arbitration problem of ``items`` (sorted by customer) and its resource names."""
    units, names = _unit_indices(items, config, catalog)
    capacity = np.array([_capacity(n, config, catalog, explore_cap) for n in names], dtype=float)
    cost = items["channel"].replace_strict(config.contact_cost, return_dtype=pl.Float64)
    weights = cost.to_numpy().reshape(-1, 1) if config.budget is not None else None
    wcap = [config.budget] if config.budget is not None else None
    problem = Problem(
        group=_customer_groups(items["customer_id"]),
        value=items["value"].to_numpy().astype(np.float64),
        units=units,
        unit_capacity=capacity,
        weights=weights if weights is not None else np.zeros((items.height, 0)),
        weight_capacity=np.asarray(wcap if wcap is not None else [], dtype=float),
        unit_names=tuple(names),
    )
    return problem, names


_RESOURCE_KEYS = ("offer_id", "channel", "day", "planned_at", "language", "explore")
"""What an item's resources depend on (:func:`_resource_names`); hours are clock hours."""


def _unit_indices(
    items: pl.DataFrame, config: CampaignConfig, catalog: Catalog
) -> tuple[npt.NDArray[np.int64], list[str]]:
    """Each item's unit resource per family (−1: none), and the sorted resource names.

    The names are built for each distinct combination of what they depend on — a few thousand
    at most — and joined back as integers, so a base of millions of items never holds one text
    column per family (docs/decisions.md, "Compact candidates at ten million")."""
    keys = [k for k in _RESOURCE_KEYS if k in items.columns]
    keyed = items.select(keys).with_columns(c("planned_at").dt.truncate("1h"))
    distinct = keyed.unique()
    names_frame = _resource_names(distinct, config, catalog)
    names = sorted({n for col in FAMILIES for n in names_frame[col].to_list() if n is not None})
    index = {n: i for i, n in enumerate(names)}
    distinct = distinct.hstack([names_frame[col].alias(f"_u{k}") for k, col in enumerate(FAMILIES)])
    distinct = distinct.with_columns(
        c(f"_u{k}").replace_strict(index, default=-1, return_dtype=pl.Int32)
        for k in range(len(FAMILIES))
    )
    joined = keyed.join(distinct, on=keys, how="left", nulls_equal=True, maintain_order="left")
    units = np.empty((items.height, len(FAMILIES)), dtype=np.int64)
    for k in range(len(FAMILIES)):
        units[:, k] = joined[f"_u{k}"].to_numpy()
    return units, names


def _customer_groups(customers: pl.Series) -> npt.NDArray[np.int64]:
    """0, 1, 2… per customer, in the order of ``customers`` sorted (its dense rank); a sorted
    column is counted by its changes instead of ranked (no sort of millions of texts)."""
    if customers.is_sorted():
        changed = customers.ne_missing(customers.shift(1))  # the first row starts group 0
        return changed.cast(pl.Int64).cum_sum().to_numpy() - 1
    return customers.rank("dense").cast(pl.Int64).to_numpy() - 1


def _price_arrays(
    problem: Problem, names: list[str], prices: dict[str, float]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    unit = np.array([prices.get(n, 0.0) for n in names], dtype=float)
    weight = np.array([prices.get("budget", 0.0)] * problem.n_weighted, dtype=float)
    return unit, weight


def arbitrate(
    items: pl.DataFrame,
    config: CampaignConfig,
    catalog: Catalog,
    explore_cap: float,
    prices: dict[str, float] | None = None,
) -> tuple[npt.NDArray[np.bool_], PlanSummary]:
    """Chosen flag per item, and the plan summary; at ``prices`` when given (no optimisation)."""
    problem, names = build_problem(items, config, catalog, explore_cap)
    capacity = dict(zip(names, problem.unit_capacity.tolist(), strict=True))
    if config.budget is not None:
        capacity["budget"] = config.budget
    if prices is not None:
        unit, weight = _price_arrays(problem, names, prices)
        chosen = choose_with_prices(problem, unit, weight)
        value = float(problem.value[chosen].sum())
        return chosen, PlanSummary(
            problem.n_items, value, value, 0, dict(prices), capacity, solved=False
        )
    plan = solve(problem)
    found = dict(zip(names, plan.unit_prices.tolist(), strict=True))
    if problem.n_weighted:
        found["budget"] = float(plan.weight_prices[0])
    used = dict(zip(names, problem.unit_usage(plan.chosen).tolist(), strict=True))
    if problem.n_weighted:
        used["budget"] = float(problem.weight_usage(plan.chosen)[0])
    summary = PlanSummary(
        problem.n_items, plan.primal, plan.dual_bound, plan.sweeps, found, capacity, used
    )
    return plan.chosen, summary


def shadow_choice(
    items: pl.DataFrame, config: CampaignConfig, catalog: Catalog, prices: dict[str, float]
) -> npt.NDArray[np.bool_]:
    """What control customers would have received at the plan's prices (no capacity used)."""
    if items.height == 0:
        return np.zeros(0, dtype=bool)
    problem, names = build_problem(items, config, catalog, math.inf)
    unit, weight = _price_arrays(problem, names, prices)
    return choose_with_prices(problem, unit, weight)
