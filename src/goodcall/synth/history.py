"""Contact history drawn from the ground truth.

For every campaign of :mod:`goodcall.synth.campaigns`, the audience is drawn, the contact's day
and local hour too, and then **what happened is drawn from** :class:`ResponseTruth`: whether the
contact reached the customer, whether they took the offer (``converted``; control customers take
it organically at the truth's uncontacted rate) and whether it annoyed them (a complaint or a
do-not-call request). A learner fitting treatment vs control on this history therefore recovers
the truth's uplift, up to sampling noise and what the import format does not record.

Simplification: outcomes are drawn with the customer's profile as of the as-of date *before* the
effect of the history itself (device age, tenure and promotions seen are taken at the as-of date);
the history then changes the state: an accepted plan moves the main line to that plan, an
accepted handset replaces the main line's device (financed 24 months) and ``line_changes`` keeps
the state each such change replaced, dated at the take-up; an accepted offer tied to a promotion
records its redemption, a do-not-call request puts the customer on the internal list (and ends
their campaign history), and half of the complaints open a complaint case. Add-ons and
bundles leave no other trace than the contact row.

Phone details: ``silence_seconds`` (answer to a live agent) is under 2 s for 96 % of answered calls
and 3–15 s of dead air for the rest (predictive dialling); ``agent_id`` is one of 240 agents.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from goodcall.profiles.frames import table_schema
from goodcall.profiles.schema import CONTACTS
from goodcall.synth.campaigns import CONTROL_SHARE, RULES, Campaign, eligible
from goodcall.synth.draws import I64, MICROS_PER_DAY, instants, local_to_utc
from goodcall.synth.people import People
from goodcall.truth.response import TRUTH_PROFILE_COLUMNS, ResponseTruth, simulate

c = pl.col
AGENTS = 240
DEAD_AIR_SHARE = 0.04
LANGUAGE_OK = 0.96
REGISTER_OK_FRENCH = 0.85
REGISTER_OK_ENGLISH = 0.95
REACHED_OUTCOMES = ("accepted", "declined", "complaint", "dnc_request")


@dataclass
class History:
    contacts: pl.DataFrame  # the contacts table
    conversions: pl.DataFrame  # customer_id, offer_id, channel, group, at (of the take-up)
    dnc_requests: pl.DataFrame  # customer_id, at, channel (first request)
    complaints: pl.DataFrame  # contact_id, customer_id, at, offer_id


def _audience(
    rng: np.random.Generator, state: pl.DataFrame, calendar: tuple[Campaign, ...]
) -> tuple[I64, I64, I64, I64]:
    """(customer row, campaign index, day, local minutes) of every audience member."""
    rows, camps, days, minutes = [], [], [], []
    n = state.height
    for k, campaign in enumerate(calendar):
        t = campaign.template
        first = np.datetime64(campaign.days[0], "D").astype(dt.date)
        allowed = state.select(eligible(t.channel, first).fill_null(False)).to_series().to_numpy()
        matches = state.select(RULES[t.rule].fill_null(False)).to_series().to_numpy()
        p = t.explore + t.target * matches
        chosen = np.flatnonzero(allowed & (rng.random(n) < p))
        rows.append(chosen)
        camps.append(np.full(chosen.size, k, dtype=np.int64))
        days.append(
            np.asarray(campaign.days, dtype=np.int64)[
                rng.integers(0, len(campaign.days), chosen.size)
            ]
        )
        low = 9 * 60 if t.channel == "phone" else 8 * 60
        minutes.append(rng.integers(low, 21 * 60, chosen.size))
    cat = np.concatenate
    return cat(rows), cat(camps), cat(days), cat(minutes).astype(np.int64)


def _phone_details(
    rng: np.random.Generator, phone_reached: np.ndarray
) -> tuple[pl.Series, pl.Series]:
    m = phone_reached.size
    quick = np.minimum(rng.exponential(0.6, m), 2.0)
    dead = rng.uniform(3.0, 15.0, m)
    silence = np.round(np.where(rng.random(m) < DEAD_AIR_SHARE, dead, quick), 1)
    agent = "A-" + pl.Series(rng.integers(1, AGENTS + 1, m)).cast(pl.String).str.zfill(4)
    keep = pl.lit(pl.Series(phone_reached))
    return (
        pl.select(pl.when(keep).then(pl.lit(pl.Series(silence))).otherwise(None)).to_series(),
        pl.select(pl.when(keep).then(pl.lit(agent)).otherwise(None)).to_series(),
    )


def make_history(
    rng: np.random.Generator,
    truth: ResponseTruth,
    state: pl.DataFrame,
    people: People,
    calendar: tuple[Campaign, ...],
    as_of_day: int,
) -> History:
    """Contacts of a chunk of customers; ``state`` is their profile, in ``people`` order."""
    rows, camp, day, minutes = _audience(rng, state, calendar)
    m = rows.size
    control = rng.random(m) < CONTROL_SHARE
    templates = [k.template for k in calendar]
    channel = pl.Series([t.channel for t in templates]).gather(pl.Series(camp))
    offer = pl.Series([t.offer_id for t in templates]).gather(pl.Series(camp))
    french = people.french[rows]
    pairs = (
        state.select(TRUTH_PROFILE_COLUMNS)
        .gather(pl.Series(rows))
        .with_columns(
            offer.alias("offer_id"),
            channel.alias("channel"),
            pl.Series("local_hour", minutes // 60),
            pl.Series("language_ok", rng.random(m) < LANGUAGE_OK),
            pl.Series(
                "register_ok",
                rng.random(m) < np.where(french, REGISTER_OK_FRENCH, REGISTER_OK_ENGLISH),
            ),
            pl.Series("contacted", ~control),
        )
    )
    drawn = simulate(truth.probabilities(pairs), int(rng.integers(2**63)))
    at = local_to_utc(day, minutes, people.zone[rows])
    outcome = drawn["outcome"]
    phone_reached = (channel == "phone").to_numpy() & outcome.is_in(REACHED_OUTCOMES).to_numpy()
    silence, agent = _phone_details(rng, phone_reached)
    number = pl.Series(people.number[rows]).cast(pl.String).str.zfill(8)
    contacts = pl.DataFrame(
        [
            ("K-" + number + "-" + pl.Series(camp).cast(pl.String).str.zfill(2)).alias(
                "contact_id"
            ),
            drawn["customer_id"],
            instants("at", at),
            channel.alias("channel"),
            pl.Series([k.campaign_id for k in calendar])
            .gather(pl.Series(camp))
            .alias("campaign_id"),
            offer.alias("offer_id"),
            pl.Series("group", np.where(control, "control", "treatment")),
            outcome.alias("outcome"),
            drawn["accepted"].alias("converted"),
            silence.alias("silence_seconds"),
            agent.alias("agent_id"),
        ]
    ).cast(dict(table_schema(CONTACTS)))  # type: ignore[arg-type]
    return consequences(contacts.sort("customer_id", "at"), as_of_day)


def consequences(contacts: pl.DataFrame, as_of_day: int) -> History:
    """Cut each customer's history at their first do-not-call request and list what changed."""
    first_dnc = (
        contacts.filter(c("outcome") == "dnc_request")
        .group_by("customer_id")
        .agg(c("at").min().alias("_dnc_at"))
    )
    kept = (
        contacts.join(first_dnc, on="customer_id", how="left", maintain_order="left")
        .filter(c("_dnc_at").is_null() | (c("at") <= c("_dnc_at")))
        .drop("_dnc_at")
    )
    last_instant = as_of_day * MICROS_PER_DAY - 3_600_000_000
    take_up_at = pl.min_horizontal(
        c("at") + pl.duration(days=1), pl.lit(last_instant).cast(pl.Datetime("us", "UTC"))
    )
    conversions = kept.filter(c("converted")).select(
        "customer_id", "offer_id", "channel", "group", take_up_at.alias("at")
    )
    dnc = kept.filter(c("outcome") == "dnc_request").select("customer_id", "at", "channel")
    complaints = kept.filter(c("outcome") == "complaint").select(
        "contact_id", "customer_id", "at", "offer_id"
    )
    return History(kept, conversions, dnc, complaints)
