"""Score a policy against the truth.

A policy is a decisions frame, one row per customer: ``customer_id``, ``offer_id`` (null = no
contact), ``channel``, ``local_hour``, ``language_ok``, ``register_ok``. Its score is exact — sums
of probabilities, no sampling — so two policies can be compared without noise, and "value captured
vs oracle" is ``score.expected_incremental_value / oracle_score.expected_incremental_value`` (the
oracles are planned in :mod:`goodcall.evaluate.synthetic`).

The value of a contact is the decision core's own formula
(:class:`goodcall.decide.Economics`) at the synthetic carrier's economics, :data:`ECONOMICS` —
the defaults every campaign starts from —, with the truth's probabilities in place of the
models': "share of the oracle" then compares two policies on the objective the core maximises.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from goodcall.decide import Economics
from goodcall.truth.response import TRUTH_PROFILE_COLUMNS, ResponseTruth, TruthInputError

c = pl.col
ECONOMICS = Economics()
"""The synthetic carrier's economics: contact costs and the cost of an annoyance."""
DECISION_COLUMNS = (
    "customer_id",
    "offer_id",
    "channel",
    "local_hour",
    "language_ok",
    "register_ok",
)


@dataclass(frozen=True)
class PolicyScore:
    """Expected results of a policy, exact under the truth."""

    customers: int
    contacts: int
    calls: int
    expected_acceptances: float
    expected_incremental_acceptances: float
    expected_annoyances: float
    offer_value: float  # sum of uplift × offer value
    contact_cost: float
    annoyance_cost: float
    expected_incremental_value: float

    def captured(self, oracle: PolicyScore) -> float:
        """Share of the oracle's expected incremental value this policy captures."""
        if oracle.expected_incremental_value <= 0:
            raise ValueError("the oracle's value is not positive; nothing to compare with")
        return self.expected_incremental_value / oracle.expected_incremental_value


def _check_decisions(decisions: pl.DataFrame, profiles: pl.DataFrame) -> None:
    missing = [n for n in DECISION_COLUMNS if n not in decisions.columns]
    if missing:
        raise TruthInputError(
            f"decisions lack columns {missing}; expected {list(DECISION_COLUMNS)}"
        )
    dupes = decisions.filter(c("customer_id").is_duplicated())["customer_id"].unique().head(3)
    if dupes.len():
        raise TruthInputError(f"decisions have several rows for customers {dupes.to_list()}")
    unknown = decisions.join(profiles.select("customer_id"), on="customer_id", how="anti")
    if unknown.height:
        raise TruthInputError(
            f"decisions name customers absent from the profiles: "
            f"{unknown['customer_id'].head(3).to_list()}"
        )
    contacted = decisions.filter(c("offer_id").is_not_null())
    for column in DECISION_COLUMNS[2:]:
        bad = contacted.filter(c(column).is_null())
        if bad.height:
            raise TruthInputError(
                f"decision for customer {bad['customer_id'][0]!r} contacts with offer "
                f"{bad['offer_id'][0]!r} but {column!r} is empty"
            )


def score_decisions(
    decisions: pl.DataFrame, profiles: pl.DataFrame, truth: ResponseTruth
) -> pl.DataFrame:
    """The contacted rows of ``decisions`` with the truth's probabilities and expected values."""
    _check_decisions(decisions, profiles)
    contacted = decisions.select(DECISION_COLUMNS).filter(c("offer_id").is_not_null())
    wanted = [n for n in dict.fromkeys((*TRUTH_PROFILE_COLUMNS, "value")) if n in profiles.columns]
    pairs = contacted.join(profiles.select(wanted), on="customer_id", how="left")
    if "value" not in pairs.columns:
        raise TruthInputError("profiles lack the 'value' column the annoyance cost needs")
    scored = truth.probabilities(pairs.with_columns(c("local_hour").cast(pl.Int64)))
    return scored.with_columns(
        offer_value(truth).alias("offer_value"),
        ECONOMICS.contact_cost_of(c("channel")).alias("contact_cost"),
        (c("p_annoy_contacted") * ECONOMICS.annoyance_cost_of(c("value"))).alias("annoyance_cost"),
        expected_value(truth).alias("expected_value"),
    )


def offer_value(truth: ResponseTruth) -> pl.Expr:
    """What an acceptance of ``offer_id`` is worth: its margin net of what it gives away."""
    value = {o.offer_id: o.net_value for o in truth.offers.values()}
    return c("offer_id").replace_strict(value, return_dtype=pl.Float64)


def expected_value(truth: ResponseTruth) -> pl.Expr:
    """The expected incremental value of a contact, on a frame of the truth's probabilities
    (``uplift``, ``p_annoy_contacted``) with ``offer_id``, ``channel`` and ``value``."""
    return ECONOMICS.expected_value(c("uplift"), offer_value(truth), c("p_annoy_contacted"))


def score_policy(
    decisions: pl.DataFrame, profiles: pl.DataFrame, truth: ResponseTruth
) -> PolicyScore:
    """Expected incremental value, acceptances, calls and annoyances of a policy."""
    scored = score_decisions(decisions, profiles, truth)
    sums = scored.select(
        pl.len().alias("contacts"),
        (c("channel") == "phone").sum().alias("calls"),
        c("p_accept_contacted").sum().alias("acc"),
        c("uplift").sum().alias("inc"),
        c("p_annoy_contacted").sum().alias("annoy"),
        (c("uplift") * c("offer_value")).sum().alias("offer_value"),
        c("contact_cost").sum().alias("contact_cost"),
        c("annoyance_cost").sum().alias("annoyance_cost"),
        c("expected_value").sum().alias("ev"),
    ).row(0, named=True)
    return PolicyScore(
        customers=decisions.height,
        contacts=int(sums["contacts"]),
        calls=int(sums["calls"] or 0),
        expected_acceptances=float(sums["acc"] or 0.0),
        expected_incremental_acceptances=float(sums["inc"] or 0.0),
        expected_annoyances=float(sums["annoy"] or 0.0),
        offer_value=float(sums["offer_value"] or 0.0),
        contact_cost=float(sums["contact_cost"] or 0.0),
        annoyance_cost=float(sums["annoyance_cost"] or 0.0),
        expected_incremental_value=float(sums["ev"] or 0.0),
    )
