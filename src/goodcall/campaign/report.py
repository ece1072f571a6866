"""Campaign reports: what was planned, and — once outcomes are known — what it measurably did.

The plan report (at run time) counts contacts per offer and channel, sums expected value, and
states the optimisation's optimality gap and the control group's size.

The measurement (``measure``) compares acceptance among *contacted* treatment customers with
acceptance among control customers the plan *would have contacted* (their shadow decision, made
by the same prices without using capacity): the same selection on both sides, randomised by the
hold-out, so the difference is an unbiased estimate of the uplift of the contacts made. The
intention-to-treat comparison (every treatment customer vs every control customer, contacted or
not) is reported too: it measures the whole campaign's effect on its eligible population. Both
come with a ``1 − alpha`` confidence interval (``goodcall.models.metrics.effect_with_ci``:
Newcombe's interval for binary outcomes).
"""

from __future__ import annotations

import math
from typing import Any

import polars as pl
from pydantic import BaseModel

from goodcall.decide import PlanSummary
from goodcall.models.metrics import MetricInputError, effect_with_ci

c = pl.col


class MeasuredUplift(BaseModel):
    """Treated minus control acceptance rate with its interval."""

    scope: str
    effect: float | None
    lower: float | None
    upper: float | None
    rate_treated: float | None
    rate_control: float | None
    n_treated: int
    n_control: int
    p_value: float | None


def _exact_sum(values: pl.Series) -> float:
    """The correctly rounded sum: the same bits whatever order or chunks the values came in."""
    return math.fsum(values.drop_nulls().to_list())


class OutcomeError(ValueError):
    """Outcomes that cannot be matched to the decisions."""


def plan_report(
    contacts: pl.DataFrame, counts: dict[str, Any], plan: PlanSummary
) -> dict[str, Any]:
    """What the run decided (for report.json): from its contacts (``offer_id``, ``channel``,
    ``ev``, ``explore``), the count of customers per decision and group, and the plan."""
    per_offer = (
        contacts.group_by("offer_id", "channel")
        .agg(pl.len().alias("contacts"), c("ev").alias("expected_value"))
        .with_columns(c("expected_value").map_elements(_exact_sum, return_dtype=pl.Float64))
        .sort(["contacts", "offer_id", "channel"], descending=[True, False, False])
    )
    groups = counts["groups"]
    return {
        "customers": counts["customers"],
        "decisions": counts["decisions"],
        "contacts": contacts.height,
        "calls": int((contacts["channel"] == "phone").sum()),
        "explore_contacts": int(contacts["explore"].sum()),
        "control_group": int(groups.get("control", 0)),
        "treatment_group": int(groups.get("treatment", 0)),
        "expected_value": _exact_sum(contacts["ev"]),
        "per_offer_channel": per_offer.to_dicts(),
        "optimisation": {
            "solved": plan.solved,
            "items": plan.items,
            "plan_value": plan.primal,
            "dual_bound": plan.dual_bound,
            "gap": plan.gap,
            "relative_gap": plan.relative_gap,
            "sweeps": plan.sweeps,
            "prices": plan.prices,
            "capacity": plan.capacity,
            "used": plan.used,
        },
    }


def _estimate(scope: str, treated: pl.Series, control: pl.Series, alpha: float) -> MeasuredUplift:
    if treated.len() == 0 or control.len() == 0:
        return MeasuredUplift(
            scope=scope,
            effect=None,
            lower=None,
            upper=None,
            rate_treated=None,
            rate_control=None,
            n_treated=treated.len(),
            n_control=control.len(),
            p_value=None,
        )
    try:
        est = effect_with_ci(
            treated.cast(pl.Float64).to_numpy(), control.cast(pl.Float64).to_numpy(), alpha
        )
    except MetricInputError as err:
        raise OutcomeError(f"{scope}: {err}") from err
    return MeasuredUplift(
        scope=scope,
        effect=est.effect,
        lower=est.lower,
        upper=est.upper,
        rate_treated=est.rate_treated,
        rate_control=est.rate_control,
        n_treated=est.n_treated,
        n_control=est.n_control,
        p_value=est.p_value,
    )


def check_outcomes(outcomes: pl.DataFrame) -> None:
    """A table of outcomes has ``customer_id`` and ``converted``, one row per customer, no gap."""
    for column in ("customer_id", "converted"):
        if column not in outcomes.columns:
            raise OutcomeError(f"outcomes lack the column {column!r}")
    dupes = outcomes.filter(c("customer_id").is_duplicated())["customer_id"].unique().head(3)
    if dupes.len():
        raise OutcomeError(f"outcomes list customers more than once: {dupes.to_list()}")
    if outcomes["converted"].null_count():
        raise OutcomeError("outcomes have empty 'converted' values (expected true or false)")


def join_outcomes(decisions: pl.DataFrame, outcomes: pl.DataFrame) -> pl.DataFrame:
    """Decisions of the treatment and control groups with their ``converted`` outcome.

    ``outcomes`` needs ``customer_id`` and ``converted`` (true when the customer took the offer
    they were — or would have been — given, within the attribution window). Customers of either
    group without an outcome row count as not converted; duplicate outcome rows are refused.
    """
    check_outcomes(outcomes)
    return (
        decisions.filter(c("group").is_not_null())
        .join(
            outcomes.select("customer_id", c("converted").cast(pl.Boolean)),
            on="customer_id",
            how="left",
        )
        .with_columns(c("converted").fill_null(False))
    )


def measure(
    decisions: pl.DataFrame, outcomes: pl.DataFrame, alpha: float = 0.05
) -> list[MeasuredUplift]:
    """Measured uplift: contacted vs would-have-been-contacted, intention to treat, per offer."""
    rows = join_outcomes(decisions, outcomes)
    contacted = rows.filter(c("decision") == "contact")
    shadow = rows.filter((c("group") == "control") & c("shadow_offer_id").is_not_null())
    out = [
        _estimate(
            "contacted vs would-have-been-contacted",
            contacted["converted"],
            shadow["converted"],
            alpha,
        ),
        _estimate(
            "intention to treat (whole groups)",
            rows.filter(c("group") == "treatment")["converted"],
            rows.filter(c("group") == "control")["converted"],
            alpha,
        ),
    ]
    for offer in sorted(
        set(contacted["offer_id"].to_list()) | set(shadow["shadow_offer_id"].to_list())
    ):
        out.append(
            _estimate(
                f"offer {offer}",
                contacted.filter(c("offer_id") == offer)["converted"],
                shadow.filter(c("shadow_offer_id") == offer)["converted"],
                alpha,
            )
        )
    return out
