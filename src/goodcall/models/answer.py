"""When does this customer answer the phone: a hierarchical Beta-binomial by local time slot.

A *slot* is a band of ``BAND_HOURS`` local hours (09–11, 12–14, 15–17, 18–20…) on a weekday or
a weekend day. Each phone attempt of the contact history is a trial of the customer's slot, a
success when it reached the customer (outcomes :data:`ANSWERED`), a failure when it did not
(:data:`MISSED`; an ``abandoned`` call is one: a person said hello, no agent came, nobody was
reached — and the next attempt goes to another slot, as after a no-answer). Three levels:

* **carrier** — every attempt in the slot, smoothed by ``CARRIER_PRIOR_ROWS`` toward the overall
  answer rate;
* **segment** (:func:`segment`: a household of several lines, a prepaid plan, a relationship of
  seven years or more — 8 segments) — the segment's rate in the slot, shrunk toward the carrier's
  by ``segment_strength`` attempts, fitted by the same method of moments one level up (how much
  segments differ from each other in a slot): the prior mean ``m`` of a customer of that segment;
* **customer** — Beta(κ·m + answered, κ·(1 − m) + missed): the prior's concentration κ is
  fitted by the method of moments on the customers' own counts (how much more customers differ
  from each other than binomial noise would say), pooled over every segment and slot, clipped to
  [``MIN_CONCENTRATION``, ``MAX_CONCENTRATION``]; when the history cannot tell (every customer
  tried at most once in a slot) it is ``DEFAULT_CONCENTRATION``. One κ for the carrier, not one
  per segment: only customers called at least twice in the same slot inform it, and at about
  half a call per customer they are too few to split eight ways (per segment, the estimates
  scattered from the lower clip to over 100 on the same carrier; ``docs/decisions.md``).

The posterior mean is the customer's answer probability in the slot, the ``CREDIBLE`` quantile a
credible lower bound. A customer's counts come from their own contact history at the time of
the decision (:func:`history_attempts`: the profile's ``contact_history``), so a call missed this
morning lowers the morning slot the next decision sees; the model set stores only the segment
priors (128 rows), not one row per customer.

How the decision uses it: :func:`goodcall.decide.timing` multiplies a call's reach in a slot by the
customer's *personal lift* there, posterior mean ÷ prior mean — the reach model already reads the
hour and the customer's features, what it cannot know is this customer's own answered and missed
calls. Figures in ``docs/decisions.md`` ("When to call").
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
from pydantic import BaseModel
from scipy.special import betaincinv

from goodcall.zones import to_local

c = pl.col

ANSWERED = ("accepted", "declined", "complaint", "dnc_request")
MISSED = ("no_answer", "voicemail", "abandoned")
BAND_HOURS = 3
BANDS = 24 // BAND_HOURS
SEGMENTS = 8
CARRIER_PRIOR_ROWS = 10.0
DEFAULT_CONCENTRATION = 10.0
MIN_CONCENTRATION = 2.0
MAX_CONCENTRATION = 500.0
CREDIBLE = 0.10
PRIOR_SCHEMA = pl.Schema(
    {
        "segment": pl.Int64(),
        "weekend": pl.Boolean(),
        "band": pl.Int64(),
        "prior_mean": pl.Float64(),
        "concentration": pl.Float64(),
        "attempts": pl.Int64(),
        "answered": pl.Int64(),
    }
)
COUNT_SCHEMA = pl.Schema(
    {
        "customer_id": pl.String(),
        "weekend": pl.Boolean(),
        "band": pl.Int64(),
        "attempts": pl.Int64(),
        "answered": pl.Int64(),
    }
)


def segment() -> pl.Expr:
    """The customer's segment (0–7) from ``lines_count``, ``plan_tier`` and ``tenure_months``."""
    household = (c("lines_count").fill_null(1) >= 2).cast(pl.Int64)
    prepaid = (c("plan_tier").fill_null(2) == 1).cast(pl.Int64)
    long_tenure = (c("tenure_months").fill_null(0) >= 84).cast(pl.Int64)
    return (household * 4 + prepaid * 2 + long_tenure).alias("segment")


def band(local_hour: pl.Expr) -> pl.Expr:
    """The slot's band of a local hour (0–23)."""
    return (local_hour.cast(pl.Int64) // BAND_HOURS).alias("band")


def weekend(local: pl.Expr) -> pl.Expr:
    """Whether a naive local datetime falls on a Saturday or a Sunday."""
    return (local.dt.weekday() >= 6).alias("weekend")


def phone_attempts(contacts: pl.LazyFrame) -> pl.LazyFrame:
    """The phone attempts that say whether the customer answered: ``customer_id``,
    ``time_zone``, ``at`` (UTC) and ``outcome`` of the treated calls that reached them or not.

    ``contacts``: ``customer_id``, ``at``, ``channel``, ``group``, ``outcome``, ``time_zone``
    (the contacts table with the customer's zone, or :func:`history_attempts`'s rows); control
    rows, other channels and outcomes that say nothing about answering are left out."""
    return contacts.filter(
        (c("channel") == "phone")
        & (c("group") == "treatment")
        & c("outcome").is_in([*ANSWERED, *MISSED])
        & c("at").is_not_null()
    ).select("customer_id", "time_zone", "at", "outcome")


def history_attempts(profiles: pl.LazyFrame) -> pl.LazyFrame:
    """:func:`phone_attempts` of the profiles' ``contact_history`` (the decision's own view)."""
    fields = ("at", "channel", "group", "outcome")
    return phone_attempts(
        profiles.select("customer_id", "time_zone", "contact_history")
        .explode("contact_history")
        .drop_nulls("contact_history")
        .with_columns(c("contact_history").struct.field(f).alias(f) for f in fields)
    )


def slot_counts(attempts: pl.LazyFrame) -> pl.LazyFrame:
    """Per customer × slot: phone attempts and how many reached the customer
    (``attempts``: rows of :func:`phone_attempts`)."""
    return (
        attempts.with_columns(to_local(c("at"), c("time_zone")).alias("_local"))
        .filter(c("_local").is_not_null())
        .group_by("customer_id", weekend(c("_local")), band(c("_local").dt.hour()))
        .agg(
            pl.len().cast(pl.Int64).alias("attempts"),
            c("outcome").is_in(list(ANSWERED)).sum().cast(pl.Int64).alias("answered"),
        )
        .select(list(COUNT_SCHEMA))
        .cast(COUNT_SCHEMA)  # type: ignore[arg-type, unused-ignore]
    )


class AnswerReport(BaseModel):
    """What the answer model was fitted on."""

    attempts: int
    answered: int
    customers: int
    segment_strength: float  # attempts' worth of the carrier's rate in a segment's prior
    concentration: dict[str, float]  # per segment: the customers' prior (one pooled value)


def _concentration(counts: pl.DataFrame, cell: list[str], pool: list[str]) -> pl.DataFrame:
    """κ per ``pool`` by the method of moments over the units (rows of ``counts``: ``attempts``
    and ``answered`` of one unit — a customer, a segment — in one ``cell``; see the module).

    For a cell with pooled rate p, ``S = Σ (y − n·p)² / n`` has expectation
    ``p(1 − p)·((k − 1) + ρ·(N − k))`` under a Beta-binomial of intra-unit correlation ρ
    (k units, N attempts); pooling the cells gives ρ, and κ = (1 − ρ) / ρ."""
    per_cell = counts.group_by(cell).agg(
        (c("answered").sum() / c("attempts").sum()).alias("p"),
        c("attempts").sum().alias("n_sum"),
        pl.len().alias("k"),
    )
    spread = (
        counts.join(per_cell, on=cell)
        .group_by(cell)
        .agg(
            ((c("answered") - c("attempts") * c("p")) ** 2 / c("attempts")).sum().alias("s"),
            c("p").first(),
            c("n_sum").first(),
            c("k").first(),
        )
        .with_columns(pl.lit(0).alias("_all"))
    )
    var = c("p") * (1.0 - c("p"))
    moments = spread.group_by(pool or ["_all"]).agg(
        (c("s") - var * (c("k") - 1)).sum().alias("num"),
        (var * (c("n_sum") - c("k"))).sum().alias("den"),
    )
    rho = (c("num") / c("den")).clip(
        1.0 / (1.0 + MAX_CONCENTRATION), 1.0 / (1.0 + MIN_CONCENTRATION)
    )
    return moments.select(
        *(pool or ["_all"]),
        pl.when(c("den") > 0)
        .then((1.0 - rho) / rho)
        .otherwise(DEFAULT_CONCENTRATION)
        .alias("concentration"),
    )


def fit_answer(counts: pl.DataFrame, segments: pl.DataFrame) -> AnswerModel:
    """The segment priors from per customer × slot counts (:func:`slot_counts`) and each
    customer's ``segment`` (customers without one are left out)."""
    rows = counts.join(segments.select("customer_id", "segment"), on="customer_id")
    grid = pl.DataFrame(
        [(s, w, b) for s in range(SEGMENTS) for w in (False, True) for b in range(BANDS)],
        schema={"segment": pl.Int64, "weekend": pl.Boolean, "band": pl.Int64},
        orient="row",
    )
    total_n = int(rows["attempts"].sum())
    total_y = int(rows["answered"].sum())
    overall = (total_y + 1.0) / (total_n + 2.0)
    carrier = rows.group_by("weekend", "band").agg(
        c("attempts").sum().alias("_cn"), c("answered").sum().alias("_cy")
    )
    seg = rows.group_by("segment", "weekend", "band").agg(
        c("attempts").sum().alias("attempts"), c("answered").sum().alias("answered")
    )
    carrier_mean = (c("_cy").fill_null(0) + CARRIER_PRIOR_ROWS * overall) / (
        c("_cn").fill_null(0) + CARRIER_PRIOR_ROWS
    )
    kappa = (
        float(_concentration(rows, ["segment", "weekend", "band"], [])["concentration"][0])
        if rows.height
        else DEFAULT_CONCENTRATION
    )
    strength = (
        float(_concentration(seg, ["weekend", "band"], [])["concentration"][0])
        if seg.height
        else DEFAULT_CONCENTRATION
    )
    priors = (
        grid.join(carrier, on=["weekend", "band"], how="left")
        .join(seg, on=["segment", "weekend", "band"], how="left")
        .with_columns(
            c("attempts").fill_null(0),
            c("answered").fill_null(0),
            pl.lit(kappa, pl.Float64).alias("concentration"),
            carrier_mean.alias("_carrier"),
        )
        .with_columns(
            ((c("answered") + strength * c("_carrier")) / (c("attempts") + strength)).alias(
                "prior_mean"
            )
        )
        .select(list(PRIOR_SCHEMA))
        .cast(PRIOR_SCHEMA)  # type: ignore[arg-type, unused-ignore]
        .sort("segment", "weekend", "band")
    )
    report = AnswerReport(
        attempts=total_n,
        answered=total_y,
        customers=rows["customer_id"].n_unique(),
        segment_strength=round(strength, 4),
        concentration={
            str(s): round(k, 4)
            for s, k in priors.unique("segment", keep="first", maintain_order=True)
            .select("segment", "concentration")
            .iter_rows()
        },
    )
    return AnswerModel(priors, report)


@dataclass(frozen=True)
class AnswerModel:
    """The segment priors of every slot (:data:`PRIOR_SCHEMA`) and the fit's report."""

    priors: pl.DataFrame
    report: AnswerReport

    def posterior(self, frame: pl.DataFrame) -> pl.DataFrame:
        """``frame`` (``segment``, ``weekend``, ``band``, ``attempts``, ``answered``; counts null
        for a customer without history there) plus ``prior_mean``, ``answer_mean`` (posterior
        mean), ``answer_low`` (the :data:`CREDIBLE` quantile) and ``answer_lift`` (posterior
        mean ÷ prior mean)."""
        joined = frame.join(
            self.priors.select("segment", "weekend", "band", "prior_mean", "concentration"),
            on=["segment", "weekend", "band"],
            how="left",
            maintain_order="left",
        )
        kappa = c("concentration").fill_null(DEFAULT_CONCENTRATION)
        prior = c("prior_mean").fill_null(0.5)
        alpha = kappa * prior + c("answered").fill_null(0)
        beta = kappa * (1.0 - prior) + c("attempts").fill_null(0) - c("answered").fill_null(0)
        out = joined.with_columns(alpha.alias("_a"), beta.alias("_b"), prior.alias("prior_mean"))
        low = betaincinv(out["_a"].to_numpy(), out["_b"].to_numpy(), np.full(out.height, CREDIBLE))
        return (
            out.with_columns(
                (c("_a") / (c("_a") + c("_b"))).alias("answer_mean"),
                pl.Series("answer_low", np.asarray(low, dtype=np.float64)),
            )
            .with_columns((c("answer_mean") / c("prior_mean")).alias("answer_lift"))
            .drop("_a", "_b", "concentration")
        )

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.priors.write_parquet(directory / "priors.parquet")
        (directory / "answer.json").write_text(self.report.model_dump_json(indent=2))

    @classmethod
    def load(cls, directory: Path) -> AnswerModel:
        priors = pl.read_parquet(directory / "priors.parquet").cast(PRIOR_SCHEMA)  # type: ignore[arg-type, unused-ignore]
        report = AnswerReport.model_validate(json.loads((directory / "answer.json").read_text()))
        return cls(priors, report)


def fit_from_rows(rows: pl.DataFrame) -> AnswerModel:
    """The answer model of :func:`goodcall.models.rows.training_rows` (each contact's profile as
    of its campaign gives the customer's segment)."""
    needed = ("customer_id", "at", "channel", "group", "outcome", "time_zone")
    attempts = rows.select(*needed, segment())
    counts = slot_counts(attempts.lazy()).collect()
    segments = (
        attempts.sort("at").unique("customer_id", keep="last").select("customer_id", "segment")
    )
    return fit_answer(counts, segments)


RETRY_DAYS = 30
"""A run of missed calls counts toward the next attempt's number for this long."""
RETRY_SCHEMA = pl.Schema(
    {
        "customer_id": pl.String(),
        "retry_weekend": pl.Boolean(),
        "retry_band": pl.Int64(),
        "attempt": pl.Int64(),
    }
)


def retries(attempts: pl.LazyFrame, at: dt.datetime) -> pl.LazyFrame:
    """Customers whose last phone attempt (within :data:`RETRY_DAYS` before ``at``) went
    unanswered: the slot it was made in (``retry_weekend``, ``retry_band``) — the next attempt
    goes to another one — and ``attempt``, the number of the next attempt (1 + the calls missed
    in a row since the last answered one). ``attempts``: rows of :func:`phone_attempts`."""
    calls = attempts.filter((c("at") <= at) & (c("at") > at - dt.timedelta(days=RETRY_DAYS))).sort(
        "customer_id", "at"
    )
    answered_since = c("outcome").is_in(list(ANSWERED)).reverse().cum_sum().reverse()
    return (
        calls.with_columns(answered_since.over("customer_id").alias("_later_answers"))
        .group_by("customer_id")
        .agg(
            c("outcome").last().alias("_last"),
            c("at").last(),
            c("time_zone").last(),
            (c("_later_answers") == 0).sum().cast(pl.Int64).alias("_missed"),
        )
        .filter(c("_last").is_in(list(MISSED)))
        .with_columns(to_local(c("at"), c("time_zone")).alias("_local"))
        .select(
            "customer_id",
            weekend(c("_local")).alias("retry_weekend"),
            band(c("_local").dt.hour()).alias("retry_band"),
            (c("_missed") + 1).alias("attempt"),
        )
        .cast(RETRY_SCHEMA)  # type: ignore[arg-type, unused-ignore]
    )
