"""Score a policy against the truth, and the oracle: the best policy one could run knowing it.

A policy is a decisions frame, one row per customer: ``customer_id``, ``offer_id`` (null = no
contact), ``channel``, ``local_hour``, ``language_ok``, ``register_ok``. Its score is exact — sums
of probabilities, no sampling — so two policies can be compared without noise, and "value captured
vs oracle" is ``score.expected_incremental_value / oracle_score.expected_incremental_value``.
Costs come from :mod:`goodcall.truth.economics`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from goodcall.channels import CHANNELS
from goodcall.truth.economics import annoyance_cost, contact_cost
from goodcall.truth.response import TRUTH_PROFILE_COLUMNS, ResponseTruth, TruthInputError

c = pl.col
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
    offer_value = {o.offer_id: o.net_value for o in truth.offers.values()}
    return scored.with_columns(
        c("offer_id").replace_strict(offer_value, return_dtype=pl.Float64).alias("offer_value"),
        contact_cost(c("channel")).alias("contact_cost"),
        (c("p_annoy_contacted") * annoyance_cost(c("value"))).alias("annoyance_cost"),
    ).with_columns(
        (c("uplift") * c("offer_value") - c("contact_cost") - c("annoyance_cost")).alias(
            "expected_value"
        )
    )


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


def _allowed_by_consent() -> pl.Expr:
    ch = c("channel")
    by_channel = (
        pl.when(ch == "phone")
        .then(c("optin_phone") & ~c("national_dnc") & ~c("internal_dnc"))
        .when(ch == "sms")
        .then(c("optin_sms"))
        .when(ch == "email")
        .then(c("optin_email"))
        .otherwise(c("app_logins_90d") > 0)
    )
    return ~c("contact_only_on_request") & c("channels_accepted").list.contains(ch) & by_channel


def _candidates(
    offers: Sequence[str], channels: Sequence[str], hours: Sequence[int], message_hour: int
) -> pl.DataFrame:
    rows = [
        (o, ch, h)
        for o in offers
        for ch in channels
        for h in (hours if ch == "phone" else (message_hour,))
    ]
    return pl.DataFrame(
        rows, schema={"offer_id": pl.String, "channel": pl.String, "local_hour": pl.Int64},
        orient="row",
    )  # fmt: skip


def _best(frame: pl.DataFrame, prefix: str) -> pl.DataFrame:
    return (
        frame.sort(["customer_id", "expected_value"], descending=[False, True])
        .group_by("customer_id", maintain_order=True)
        .first()
        .select(
            "customer_id",
            *[c(n).alias(prefix + n) for n in ("offer_id", "channel", "local_hour")],
            c("expected_value").alias(prefix + "ev"),
        )
    )


def _best_options(
    profiles: pl.DataFrame, truth: ResponseTruth, candidates: pl.DataFrame, respect_consent: bool
) -> pl.DataFrame:
    """Per customer: best phone option and best other option with their expected values."""
    pairs = profiles.join(candidates, how="cross").with_columns(
        pl.lit(True).alias("language_ok"), pl.lit(True).alias("register_ok")
    )
    if respect_consent:
        pairs = pairs.filter(_allowed_by_consent())
    scored = _expected_values(pairs, truth)
    phone = _best(scored.filter(c("channel") == "phone"), "phone_")
    other = _best(scored.filter(c("channel") != "phone"), "other_")
    return (
        profiles.select("customer_id")
        .join(phone, on="customer_id", how="left", maintain_order="left")
        .join(other, on="customer_id", how="left", maintain_order="left")
    )


def _expected_values(pairs: pl.DataFrame, truth: ResponseTruth) -> pl.DataFrame:
    scored = truth.probabilities(pairs)
    offer_value = {o.offer_id: o.net_value for o in truth.offers.values()}
    ev = (
        c("uplift") * c("offer_id").replace_strict(offer_value, return_dtype=pl.Float64)
        - contact_cost(c("channel"))
        - c("p_annoy_contacted") * annoyance_cost(c("value"))
    )
    return scored.select(
        "customer_id", "offer_id", "channel", "local_hour", ev.alias("expected_value")
    )


def oracle_policy(
    profiles: pl.DataFrame,
    truth: ResponseTruth,
    candidate_offers: Sequence[str] | None = None,
    channels: Sequence[str] = CHANNELS,
    *,
    hours: Sequence[int] = (10, 14, 19),
    message_hour: int = 11,
    max_calls: int | None = None,
    respect_consent: bool = True,
    chunk_size: int = 5_000,
) -> pl.DataFrame:
    """The best (offer, channel, hour) or no contact per customer, knowing the truth.

    Phone calls are tried at each of ``hours`` (local; the caller picks legal ones), messages at
    ``message_hour``. With ``respect_consent`` (default) the oracle obeys the same consent a real
    policy must: opt-ins, do-not-call lists, accepted channels, "contact me only when I ask", and
    in-app messages only to app users. With ``max_calls``, phone calls go to the customers whose
    call adds the most over their best other option — optimal, since each customer takes at most
    one contact. Returns one row per customer with the decision columns and ``expected_value``.
    """
    unknown_channels = sorted(set(channels) - set(CHANNELS))
    if unknown_channels:
        raise TruthInputError(f"unknown channels {unknown_channels}; expected some of {CHANNELS}")
    offers = list(candidate_offers) if candidate_offers is not None else list(truth.offers)
    unknown = sorted(set(offers) - set(truth.offers))
    if unknown:
        raise TruthInputError(f"unknown candidate offers {unknown}")
    candidates = _candidates(offers, channels, hours, message_hour)
    needed = [
        n
        for n in dict.fromkeys(
            (
                *TRUTH_PROFILE_COLUMNS,
                "value",
                "channels_accepted",
                "optin_phone",
                "optin_sms",
                "optin_email",
            )
        )
    ]
    missing = [n for n in needed if n not in profiles.columns]
    if missing:
        raise TruthInputError(f"profiles lack columns {missing}")
    slim = profiles.select(needed)
    parts = [
        _best_options(slim.slice(start, chunk_size), truth, candidates, respect_consent)
        for start in range(0, slim.height, chunk_size)
    ]
    best = pl.concat(parts) if parts else _best_options(slim, truth, candidates, respect_consent)
    return _choose(best, max_calls)


def _choose(best: pl.DataFrame, max_calls: int | None) -> pl.DataFrame:
    phone_ev = c("phone_ev").fill_null(float("-inf"))
    other_ev = c("other_ev").fill_null(float("-inf"))
    gain = phone_ev - pl.max_horizontal(other_ev, pl.lit(0.0))
    best = best.with_columns(gain.alias("_gain"))
    if max_calls is None:
        best = best.with_columns((c("_gain") > 0).alias("_call"))
    else:
        rank = c("_gain").rank("ordinal", descending=True)
        best = best.with_columns(((c("_gain") > 0) & (rank <= max_calls)).alias("_call"))
    use_other = ~c("_call") & (other_ev > 0)

    def pick(name: str) -> pl.Expr:
        return (
            pl.when(c("_call"))
            .then(c("phone_" + name))
            .when(use_other)
            .then(c("other_" + name))
            .otherwise(None)
            .alias(name)
        )

    contacted = c("_call") | use_other
    return best.select(
        "customer_id",
        pick("offer_id"),
        pick("channel"),
        pick("local_hour"),
        pl.when(contacted).then(True).otherwise(None).alias("language_ok"),
        pl.when(contacted).then(True).otherwise(None).alias("register_ok"),
        pl.when(c("_call"))
        .then(c("phone_ev"))
        .when(use_other)
        .then(c("other_ev"))
        .otherwise(0.0)
        .alias("expected_value"),
    )
