"""Contact preferences and consent.

Assumptions:

* preferences: 72 % of customers never stated any (no row). Of those who did: 55 % accept every
  channel, 20 % everything but the phone, 10 % e-mail and app only, 10 % phone and e-mail, 5 % the
  app only; 60 % gave hours (09:00–17:00 most often, 10:00–20:00, 18:00–20:00 for people at work
  all day, mornings, afternoons, 09:00–19:00); 10 % want to be contacted only when they ask.
* consent: 12 % of phone numbers are on the national do-not-call list, matched against a
  snapshot taken 10 days before the as-of date; 2 % asked us not to call (internal list) at some
  point in the last three years, mostly by phone. Opt-ins: phone 80 % (50 % for numbers on the
  national list), SMS 55 %, e-mail 70 % of those who have an address. Do-not-call requests made
  during the contact history are added by :mod:`goodcall.synth.history`.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from goodcall.channels import CHANNELS
from goodcall.profiles.frames import table_schema
from goodcall.profiles.schema import CONSENT, PREFERENCES
from goodcall.synth.draws import choose, instants, last_event_day, local_to_utc, pick, uniform_days
from goodcall.synth.people import People

CHANNEL_SETS: tuple[tuple[str, ...], ...] = (
    CHANNELS,
    ("sms", "email", "app"),
    ("email", "app"),
    ("phone", "email"),
    ("app",),
)
CHANNEL_SET_WEIGHTS = (55, 20, 10, 10, 5)
HOURS: tuple[tuple[dt.time, dt.time], ...] = (
    (dt.time(9), dt.time(17)),
    (dt.time(10), dt.time(20)),
    (dt.time(18), dt.time(20)),
    (dt.time(8), dt.time(12)),
    (dt.time(12), dt.time(17)),
    (dt.time(9), dt.time(19)),
)
HOURS_WEIGHTS = (40, 15, 10, 10, 10, 15)
NATIONAL_DNC_SHARE = 0.12
INTERNAL_DNC_SHARE = 0.02
SNAPSHOT_DAYS_BEFORE = 10


def make_preferences(rng: np.random.Generator, people: People) -> pl.DataFrame:
    n = people.number.size
    rows = np.flatnonzero(rng.random(n) < 0.28)
    m = rows.size
    channel_set = choose(rng, CHANNEL_SET_WEIGHTS, m)
    channels = pl.Series("channels_accepted", list(CHANNEL_SETS), dtype=pl.List(pl.String))
    has_hours = rng.random(m) < 0.6
    hours = choose(rng, HOURS_WEIGHTS, m)
    start = pl.Series([h[0] for h in HOURS], dtype=pl.Time).gather(pl.Series(hours))
    end = pl.Series([h[1] for h in HOURS], dtype=pl.Time).gather(pl.Series(hours))
    keep = pl.lit(pl.Series(has_hours))
    frame = pl.DataFrame(
        [
            people.frame["customer_id"].gather(pl.Series(rows)),
            channels.gather(pl.Series(channel_set)),
            start.alias("preferred_start"),
            end.alias("preferred_end"),
            pl.Series("contact_only_on_request", rng.random(m) < 0.10),
        ]
    ).with_columns(
        pl.when(keep).then(pl.col("preferred_start")).otherwise(None),
        pl.when(keep).then(pl.col("preferred_end")).otherwise(None),
    )
    return frame.cast(dict(table_schema(PREFERENCES)))  # type: ignore[arg-type]


def make_consent(rng: np.random.Generator, people: People, as_of_day: int) -> pl.DataFrame:
    n = people.number.size
    national = rng.random(n) < NATIONAL_DNC_SHARE
    internal = rng.random(n) < INTERNAL_DNC_SHARE
    day = uniform_days(
        rng, np.maximum(people.since, as_of_day - 3 * 365), np.full(n, last_event_day(as_of_day))
    )
    at = local_to_utc(day, rng.integers(9 * 60, 21 * 60, n), people.zone)
    internal_at = instants("internal_dnc_at", at)
    channel = pick(("phone", "email", "sms"), choose(rng, (80, 10, 10), n), "internal_dnc_channel")
    has_email = people.frame["email"].is_not_null().to_numpy()
    snapshot = np.datetime64(as_of_day - SNAPSHOT_DAYS_BEFORE, "D").astype(dt.date)
    mask = pl.lit(pl.Series(internal))
    frame = pl.DataFrame(
        [
            people.frame["customer_id"],
            pl.Series("national_dnc", national),
            pl.Series("national_dnc_snapshot", [snapshot] * n, dtype=pl.Date),
            internal_at,
            channel,
            pl.Series("optin_phone", rng.random(n) < np.where(national, 0.5, 0.8)),
            pl.Series("optin_sms", rng.random(n) < 0.55),
            pl.Series("optin_email", has_email & (rng.random(n) < 0.70)),
        ]
    ).with_columns(
        pl.when(mask).then(pl.col("internal_dnc_at")).otherwise(None),
        pl.when(mask).then(pl.col("internal_dnc_channel")).otherwise(None),
    )
    return frame.cast(dict(table_schema(CONSENT)))  # type: ignore[arg-type]
