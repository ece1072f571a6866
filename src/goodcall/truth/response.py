"""The ground-truth response model of the synthetic carrier.

For a customer, an offer, a channel and a local hour, it says what *really* happens — the thing the
decision code has to estimate from history and must never read. It is used three ways: the
synthetic carrier draws its contact history from it, evaluation scores a policy against it, and
the oracle policy (the best one could do knowing it) is computed from it.

A contact works in two steps. First it **reaches** the customer or not (``p_reach``: the phone is
answered — more often in the evening, which is exactly why evening calls tempt, and at each
customer's own hours (:mod:`goodcall.truth.answer_hours`) — the e-mail is
opened, the SMS read, the in-app message seen by someone who uses the app). A contact that does
not reach them changes nothing but may irritate a little (a missed call). Then, reached:

* ``p_accept_uncontacted`` — organic take-up with no contact: fit × a base rate per kind of offer,
  higher for self-directed customers and for customers who already saw the offer's promotion.
* acceptance when reached — the organic take-up, minus a *backlash* (self-directed customers told
  what to buy, a wrong language or register, a call outside their hours: some who would have bought
  now will not — the "sleeping dogs"), plus a *lift*: base lift of the channel (phone persuades
  most) × fit × persuadability (falls steeply with self-directedness) × hour (evenings and outside
  stated hours persuade less) × language and register respected × tenure × 0.35 when the
  promotion was already seen (they know; the call adds little).
* annoyance when reached — base of the channel (phone most) × misfit × wrong language × wrong
  register × evening / outside stated hours × self-directedness × "contact me only when I ask" ×
  do-not-call listings × an open complaint.

``p_accept_contacted = reach × accept_when_reached + (1 − reach) × p_accept_uncontacted`` and
``uplift = p_accept_contacted − p_accept_uncontacted``; ``p_annoy_contacted`` mixes reached and
missed the same way. Everything is per attempt, so costs per attempt and values per attempt line up
in :mod:`goodcall.truth.scoring`. Base rates are those of real outbound marketing: a phone offer
that fits is accepted by a few percent of the customers dialled.

The truth of a carrier generated with ``goodcall synth --seed S`` is ``ResponseTruth(S)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from goodcall.channels import CHANNELS
from goodcall.hashing import F64
from goodcall.truth.answer_hours import answer_multiplier, rhythm, rhythm_draws
from goodcall.truth.fit import offer_fit, offer_misfit, promotion_seen
from goodcall.truth.offers import OFFERS, OfferSpec
from goodcall.truth.traits import (
    customer_hashes,
    latent_self_direction,
    observed_self_service_index,
    offer_interest,
    persuadability,
    self_directedness,
)

c = pl.col

TRUTH_PROFILE_COLUMNS: tuple[str, ...] = (
    "customer_id",
    "country",
    "language",
    "register",
    "tenure_months",
    "lines_count",
    "device_make",
    "device_os",
    "device_age_months",
    "financing_months_left",
    "has_ios",
    "has_android",
    "plan_tier",
    "plan_is_top",
    "data_usage_ratio",
    "preferred_start",
    "preferred_end",
    "contact_only_on_request",
    "national_dnc",
    "internal_dnc",
    "app_logins_90d",
    "inbound_contacts_90d",
    "online_purchases_12m",
    "has_open_complaint",
    "redeemed_promotions",
    "seen_promotions",
)
"""Profile columns (``goodcall.profiles.fields``) the truth reads; pairs must carry them."""

PAIR_COLUMNS: tuple[str, ...] = ("offer_id", "channel", "local_hour", "language_ok", "register_ok")
"""Columns that describe the contact itself."""

OUTPUT_COLUMNS: tuple[str, ...] = (
    "p_reach",
    "p_accept_reached",
    "p_annoy_reached",
    "p_annoy_missed",
    "p_accept_contacted",
    "p_accept_uncontacted",
    "p_annoy_contacted",
    "uplift",
)

# Per channel: lift when reached, annoyance when reached, share of that annoyance a contact that
# did not reach still causes, and how strongly it provokes backlash in self-directed customers.
BASE_LIFT = {"phone": 0.10, "sms": 0.030, "email": 0.025, "app": 0.035}
BASE_ANNOY = {"phone": 0.015, "sms": 0.002, "email": 0.002, "app": 0.001}
MISSED_ANNOY_SHARE = {"phone": 0.15, "sms": 0.0, "email": 0.0, "app": 0.0}
BACKLASH = {"phone": 1.0, "sms": 0.5, "email": 0.2, "app": 0.1}
ORGANIC_BASE = {
    "handset": 0.014,
    "plan": 0.012,
    "addon": 0.006,
    "bundle": 0.004,
    "retention": 0.002,
}
# Share of phone calls answered by a person, by local hour (outbound consumer calling).
ANSWER_BY_HOUR: tuple[float, ...] = (
    (0.10,) * 8 + (0.18, 0.22, 0.22, 0.22, 0.20, 0.20, 0.21, 0.21, 0.21, 0.28)
    + (0.33, 0.33, 0.33, 0.25, 0.12, 0.10)
)  # fmt: skip
SMS_READ = 0.85
EMAIL_OPEN = 0.22


def _offers_frame(offers: Sequence[OfferSpec]) -> dict[str, dict[str, object]]:
    return {
        "o_kind": {o.offer_id: o.kind for o in offers},
        "o_target_os": {o.offer_id: o.target_os for o in offers},
        "o_target_make": {o.offer_id: o.target_make for o in offers},
        "o_plan_tier": {o.offer_id: o.plan_tier for o in offers},
        "o_promotion_id": {o.offer_id: o.promotion_id for o in offers},
        "o_appeal": {o.offer_id: o.appeal for o in offers},
    }


_OFFER_DTYPES: dict[str, pl.DataType] = {
    "o_kind": pl.String(),
    "o_target_os": pl.String(),
    "o_target_make": pl.String(),
    "o_plan_tier": pl.Int64(),
    "o_promotion_id": pl.String(),
    "o_appeal": pl.Float64(),
}


class TruthInputError(ValueError):
    """Pairs the truth cannot score: missing columns, unknown offers or channels, bad hours."""


@dataclass(frozen=True)
class HiddenTraits:
    """Hidden traits given per row of the pairs (see :mod:`goodcall.truth.traits`)."""

    latent_self_direction: F64
    persuadability: F64
    offer_interest: F64
    answer_draw: F64 | None = None
    """The draw that picks the customer's answer rhythm (:mod:`goodcall.truth.answer_hours`);
    ``None``: the customer's own."""

    def check(self, rows: int) -> None:
        """Refuse traits that do not line up with the pairs, before anything is computed."""
        for name in ("latent_self_direction", "persuadability", "offer_interest", "answer_draw"):
            if getattr(self, name) is None:
                continue
            size = len(getattr(self, name))
            if size != rows:
                raise TruthInputError(f"hidden trait {name} has {size} values for {rows} pairs")


def _check_pairs(pairs: pl.DataFrame, offers: dict[str, OfferSpec]) -> None:
    missing = [n for n in (*TRUTH_PROFILE_COLUMNS, *PAIR_COLUMNS) if n not in pairs.columns]
    if missing:
        raise TruthInputError(
            f"pairs lack columns {missing}: the truth needs the profile columns "
            f"{list(TRUTH_PROFILE_COLUMNS)} and the contact columns {list(PAIR_COLUMNS)}"
        )
    checks = (
        ("offer_id", ~c("offer_id").is_in(list(offers)) | c("offer_id").is_null(), "a known offer"),
        ("channel", ~c("channel").is_in(list(CHANNELS)) | c("channel").is_null(), str(CHANNELS)),
        (
            "local_hour",
            ~c("local_hour").is_between(0, 23) | c("local_hour").is_null(),
            "an hour 0–23",
        ),
        ("language_ok", c("language_ok").is_null(), "true or false"),
        ("register_ok", c("register_ok").is_null(), "true or false"),
    )
    for column, bad, expected in checks:
        rows = pairs.with_row_index("_row").filter(bad).head(3)
        if rows.height:
            shown = ", ".join(f"row {r['_row']}: {r[column]!r}" for r in rows.iter_rows(named=True))
            raise TruthInputError(f"pairs column {column!r} expects {expected}; got {shown}")


def _minutes(col: str) -> pl.Expr:
    return c(col).dt.hour().cast(pl.Int64) * 60 + c(col).dt.minute().cast(pl.Int64)


def _outside_preferred_hours() -> pl.Expr:
    slot = c("local_hour").cast(pl.Int64) * 60
    before = c("preferred_start").is_not_null() & (slot < _minutes("preferred_start"))
    after = c("preferred_end").is_not_null() & (slot >= _minutes("preferred_end"))
    return before | after


def _by_channel(values: dict[str, float]) -> pl.Expr:
    return c("channel").replace_strict(values, return_dtype=pl.Float64)


def _reach() -> pl.Expr:
    answer = c("local_hour").replace_strict(
        dict(enumerate(ANSWER_BY_HOUR)), return_dtype=pl.Float64
    ) * answer_multiplier(rhythm(c("_answer_draw")), c("local_hour"))
    app_seen = (0.03 + c("app_logins_90d").cast(pl.Float64) / 60.0).clip(0.0, 0.9)
    ch = c("channel")
    return (
        pl.when(ch == "phone")
        .then(answer)
        .when(ch == "sms")
        .then(SMS_READ)
        .when(ch == "email")
        .then(EMAIL_OPEN)
        .otherwise(app_seen)
    )


def _is_french() -> pl.Expr:
    return c("language").str.starts_with("fr")


def _hour_lift() -> pl.Expr:
    h = c("local_hour")
    phone = pl.when((h < 9) | (h >= 21)).then(0.4).when(h >= 18).then(0.75).otherwise(
        1.0
    ) * pl.when(_outside_preferred_hours()).then(0.55).otherwise(1.0)
    night = (h < 8) | (h >= 21)
    return (
        pl.when(c("channel") == "phone")
        .then(phone)
        .when(c("channel") == "sms")
        .then(pl.when(night).then(0.5).otherwise(1.0))
        .otherwise(1.0)
    )


def _hour_annoyance() -> pl.Expr:
    h = c("local_hour")
    outside = pl.when(_outside_preferred_hours()).then(2.5).otherwise(1.0)
    phone = (
        pl.when((h < 9) | (h >= 21))
        .then(4.0)
        .when(h >= 20)
        .then(3.0)
        .when(h >= 18)
        .then(2.0)
        .otherwise(1.0)
    )
    night = (h < 8) | (h >= 21)
    return (
        pl.when(c("channel") == "phone")
        .then(phone * outside)
        .when(c("channel") == "sms")
        .then(pl.when(night).then(3.0).otherwise(1.0) * outside)
        .otherwise(1.0)
    )


def _lift() -> pl.Expr:
    sd = c("truth_self_directedness")
    persuasion = (0.45 * c("_z_persuade")).exp() * 1.2 / (1.0 + (2.5 * (sd - 0.6)).exp())
    language = pl.when(c("language_ok")).then(1.0).otherwise(0.35)
    register = pl.when(c("register_ok")).then(1.0).when(_is_french()).then(0.65).otherwise(0.9)
    tenure = 0.85 + 0.3 * (c("tenure_months").cast(pl.Float64) / 120.0).clip(0.0, 1.0)
    seen = pl.when(promotion_seen()).then(0.35).otherwise(1.0)
    on_request = pl.when(c("contact_only_on_request")).then(0.3).otherwise(1.0)
    return (
        _by_channel(BASE_LIFT)
        * c("truth_fit")
        * persuasion
        * _hour_lift()
        * language
        * register
        * tenure
        * seen
        * on_request
    )


def _backlash() -> pl.Expr:
    sd = c("truth_self_directedness")
    share = (0.6 * (sd - 0.2)).clip(0.0, 0.9) * _by_channel(BACKLASH)
    share = share + pl.when(c("language_ok")).then(0.0).otherwise(0.25)
    share = share + pl.when(c("register_ok")).then(0.0).otherwise(0.15)
    outside = (c("channel") == "phone") & _outside_preferred_hours()
    share = share + pl.when(outside).then(0.2).otherwise(0.0)
    return share.clip(0.0, 0.95)


def _annoy_reached() -> pl.Expr:
    sd = c("truth_self_directedness")
    phone = c("channel") == "phone"
    factors = (
        pl.when(c("truth_misfit")).then(3.0).otherwise(1.0),
        pl.when(c("language_ok")).then(1.0).otherwise(3.0),
        pl.when(c("register_ok")).then(1.0).when(_is_french()).then(2.2).otherwise(1.3),
        _hour_annoyance(),
        (0.45 * sd).exp(),
        pl.when(c("contact_only_on_request")).then(4.0).otherwise(1.0),
        pl.when(phone & c("national_dnc")).then(3.0).otherwise(1.0),
        pl.when(c("internal_dnc")).then(8.0).otherwise(1.0),
        pl.when(c("has_open_complaint")).then(2.0).otherwise(1.0),
    )
    out = _by_channel(BASE_ANNOY)
    for f in factors:
        out = out * f
    return out.clip(0.0, 0.6)


def _organic() -> pl.Expr:
    sd = c("truth_self_directedness")
    aware = pl.when(promotion_seen()).then(2.5).otherwise(1.0)
    base = c("o_kind").replace_strict(ORGANIC_BASE, return_dtype=pl.Float64)
    return (base * c("truth_fit") * (0.8 * sd).exp() * aware).clip(0.0, 0.6)


class ResponseTruth:
    """What customers of the synthetic carrier generated with ``seed`` really do."""

    def __init__(self, seed: int, offers: Sequence[OfferSpec] = OFFERS) -> None:
        self.seed = seed
        self.offers = {o.offer_id: o for o in offers}
        self._offer_maps = _offers_frame(offers)

    def _with_traits(self, pairs: pl.DataFrame, hidden: HiddenTraits | None) -> pl.DataFrame:
        hashes = customer_hashes(pairs["customer_id"], self.seed)
        if hidden is None:
            hidden = HiddenTraits(
                latent_self_direction(hashes),
                persuadability(hashes),
                offer_interest(hashes, pairs["offer_id"]),
            )
        frame = pairs.with_columns(
            pl.Series("_latent_sd", hidden.latent_self_direction),
            pl.Series("_z_persuade", hidden.persuadability),
            pl.Series("_interest", hidden.offer_interest),
            pl.Series(
                "_answer_draw",
                rhythm_draws(hashes) if hidden.answer_draw is None else hidden.answer_draw,
            ),
            *[
                c("offer_id").replace_strict(m, return_dtype=_OFFER_DTYPES[name]).alias(name)
                for name, m in self._offer_maps.items()
            ],
        )
        observed = observed_self_service_index(
            c("app_logins_90d"), c("online_purchases_12m"), c("inbound_contacts_90d")
        )
        return frame.with_columns(
            self_directedness(c("_latent_sd"), observed).alias("truth_self_directedness")
        )

    def probabilities(
        self, pairs: pl.DataFrame, hidden: HiddenTraits | None = None
    ) -> pl.DataFrame:
        """The same rows plus the probabilities of :data:`OUTPUT_COLUMNS` and the truth's own
        view of the customer (``truth_fit``, ``truth_self_directedness``, ``truth_misfit``).

        ``pairs``: the profile columns of :data:`TRUTH_PROFILE_COLUMNS` (any other profile columns
        may ride along) plus ``offer_id``, ``channel``, ``local_hour`` (0–23, the customer's local
        clock), ``language_ok`` and ``register_ok``.

        ``hidden``: the hidden traits to use per row instead of the customers' own (what-if
        worlds, e.g. :mod:`goodcall.truth.observable` averaging over what the data cannot tell).
        """
        _check_pairs(pairs, self.offers)
        if hidden is not None:
            hidden.check(pairs.height)
        if pairs.height == 0:
            return pairs.with_columns(
                pl.lit(None, pl.Float64).alias(n)
                for n in ("truth_fit", "truth_self_directedness", *OUTPUT_COLUMNS)
            ).with_columns(pl.lit(None, pl.Boolean).alias("truth_misfit"))
        frame = self._with_traits(pairs, hidden).with_columns(
            offer_fit().alias("truth_fit"), offer_misfit().alias("truth_misfit")
        )
        frame = frame.with_columns(
            _reach().alias("p_reach"),
            _organic().alias("p_accept_uncontacted"),
            _lift().alias("_lift"),
            _backlash().alias("_backlash"),
            _annoy_reached().alias("p_annoy_reached"),
            _hour_annoyance().alias("_hour_annoy"),
        )
        frame = frame.with_columns(
            (c("p_accept_uncontacted") * (1.0 - c("_backlash")) + c("_lift"))
            .clip(0.0, 0.95)
            .alias("p_accept_reached"),
            (_by_channel(BASE_ANNOY) * _by_channel(MISSED_ANNOY_SHARE) * c("_hour_annoy"))
            .clip(0.0, 0.6)
            .alias("p_annoy_missed"),
        )
        reach = c("p_reach")
        frame = frame.with_columns(
            (reach * c("p_accept_reached") + (1.0 - reach) * c("p_accept_uncontacted")).alias(
                "p_accept_contacted"
            ),
            (reach * c("p_annoy_reached") + (1.0 - reach) * c("p_annoy_missed")).alias(
                "p_annoy_contacted"
            ),
        ).with_columns((c("p_accept_contacted") - c("p_accept_uncontacted")).alias("uplift"))
        helpers = [n for n in frame.columns if n.startswith(("_", "o_")) and n not in pairs.columns]
        return frame.drop(helpers)


def simulate(pairs: pl.DataFrame, rng_seed: int) -> pl.DataFrame:
    """Draw what happened from probabilities computed by :meth:`ResponseTruth.probabilities`.

    Adds ``reached``, ``accepted``, ``annoyed`` and ``outcome`` (a contact outcome of the import
    format). An optional boolean ``contacted`` column (default: all contacted) marks customers held
    out: they get ``outcome = not_contacted``, accept with ``p_accept_uncontacted`` and are never
    annoyed. Marginally, ``accepted`` has probability ``p_accept_contacted`` (or
    ``p_accept_uncontacted``) and ``annoyed`` ``p_annoy_contacted`` (or 0).

    Outcomes: unreached phone calls end as ``no_answer`` or ``voicemail`` (half each), unreached
    messages as ``no_answer``; a reached customer who accepts → ``accepted``; annoyed without
    accepting → ``dnc_request`` (40 %) or ``complaint``; otherwise ``declined``.
    """
    needed = ("channel", *OUTPUT_COLUMNS)
    missing = [n for n in needed if n not in pairs.columns]
    if missing:
        raise TruthInputError(f"simulate needs the probabilities' columns; missing {missing}")
    n = pairs.height
    rng = np.random.default_rng(rng_seed)
    draws = rng.random((5, n))
    contacted = (
        pairs["contacted"].fill_null(True).to_numpy()
        if "contacted" in pairs.columns
        else np.ones(n, dtype=bool)
    )
    p = {k: pairs[k].to_numpy() for k in OUTPUT_COLUMNS}
    reached = contacted & (draws[0] < p["p_reach"])
    p_accept = np.where(
        reached, p["p_accept_reached"], p["p_accept_uncontacted"]
    )  # unreached and held out: organic take-up
    accepted = draws[1] < p_accept
    p_annoy = np.where(reached, p["p_annoy_reached"], p["p_annoy_missed"])
    annoyed = contacted & (draws[2] < p_annoy)
    phone = (pairs["channel"] == "phone").to_numpy()
    unreached = np.where(phone & (draws[3] < 0.5), "voicemail", "no_answer")
    upset = np.where(draws[4] < 0.4, "dnc_request", "complaint")
    outcome = np.select(
        [~contacted, ~reached, accepted, annoyed],
        ["not_contacted", unreached, "accepted", upset],
        default="declined",
    )
    return pairs.with_columns(
        pl.Series("reached", reached),
        pl.Series("accepted", accepted),
        pl.Series("annoyed", annoyed),
        pl.Series("outcome", outcome, dtype=pl.String),
    )
