"""Promotion history: promotions redeemed (which put the line on their plan) and merely seen.

Assumptions:

* a plan promotion (``carrier.PROMOTION_PLANS``) can only have been redeemed by a customer whose
  main line is on that plan today and who was a customer during the promotion; 30 % of those did
  (one promotion each), on a day inside the promotion, on the web, in a store, by phone or in the
  app.
* each past promotion was seen by 30 % of the customers of the time; the current one
  (``carrier.CURRENT_PROMOTION``) by 15 % plus 25 % of app users so far. App users mostly see
  promotions in the app; others by e-mail, on the bill, on the web, by SMS.
* the redemptions of offers tied to a promotion during the contact history are added by
  :mod:`goodcall.synth.history`.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from goodcall.profiles.frames import table_schema
from goodcall.profiles.nordet import CURRENT_PROMOTION, PROMOTION_PLANS, PROMOTIONS
from goodcall.profiles.schema import PROMOTION_HISTORY
from goodcall.synth.draws import (
    choose,
    choose_rows,
    day_number,
    instants,
    last_event_day,
    local_to_utc,
    pick,
    uniform_days,
)
from goodcall.synth.people import People

REDEEM_SHARE = 0.30
SEEN_SHARE = 0.30
REDEEM_PLACES = ("web", "store", "call", "app")
REDEEM_PLACE_WEIGHTS = (30, 35, 25, 10)
SEEN_PLACES = ("app", "email", "bill", "web", "sms")
SEEN_WEIGHTS_APP = (55, 20, 10, 10, 5)
SEEN_WEIGHTS_NO_APP = (0, 45, 30, 15, 10)


def _events(
    people: People,
    rows: np.ndarray,
    promotion_id: str,
    event: str,
    days: np.ndarray,
    places: pl.Series,
    line_ids: pl.Series | None,
    rng: np.random.Generator,
) -> pl.DataFrame:
    minutes = rng.integers(8 * 60, 22 * 60, rows.size)
    at = local_to_utc(days, minutes, people.zone[rows])
    return pl.DataFrame(
        [
            people.frame["customer_id"].gather(pl.Series(rows)),
            pl.Series("promotion_id", [promotion_id] * rows.size, dtype=pl.String),
            pl.Series("event", [event] * rows.size, dtype=pl.String),
            instants("at", at),
            places.alias("place"),
            (
                line_ids if line_ids is not None else pl.Series([None] * rows.size, dtype=pl.String)
            ).alias("line_id"),
        ]
    )


def _redemptions(
    rng: np.random.Generator, people: People, lines: pl.DataFrame, as_of_day: int
) -> list[pl.DataFrame]:
    primary = lines.filter(pl.col("is_primary"))
    plan = primary["plan_id"].to_numpy()
    promos = [p for p in PROMOTIONS if p.promotion_id in PROMOTION_PLANS]
    promos = [p for p in promos if day_number(p.start_date) < as_of_day]
    if not promos:
        return []
    n = people.number.size
    eligible = np.zeros((n, len(promos)))
    for j, promo in enumerate(promos):
        end = day_number(promo.end_date) if promo.end_date else last_event_day(as_of_day)
        eligible[:, j] = (plan == PROMOTION_PLANS[promo.promotion_id]) & (people.since <= end)
    any_eligible = eligible.sum(axis=1) > 0
    redeem = any_eligible & (rng.random(n) < REDEEM_SHARE)
    rows = np.flatnonzero(redeem)
    which = choose_rows(rng, eligible[rows]) if rows.size else np.zeros(0, np.int64)
    out = []
    for j, promo in enumerate(promos):
        sel = rows[which == j]
        end = day_number(promo.end_date) if promo.end_date else last_event_day(as_of_day)
        start = np.maximum(day_number(promo.start_date), people.since[sel])
        days = uniform_days(rng, start, np.full(sel.size, min(end, last_event_day(as_of_day))))
        places = pick(REDEEM_PLACES, choose(rng, REDEEM_PLACE_WEIGHTS, sel.size), "place")
        line_ids = primary["line_id"].gather(pl.Series(sel))
        out.append(
            _events(people, sel, promo.promotion_id, "redeemed", days, places, line_ids, rng)
        )
    return out


def _seen(rng: np.random.Generator, people: People, as_of_day: int) -> list[pl.DataFrame]:
    n = people.number.size
    out = []
    for promo in PROMOTIONS:
        start = day_number(promo.start_date)
        end = min(
            day_number(promo.end_date) if promo.end_date else as_of_day, last_event_day(as_of_day)
        )
        if start > end:
            continue
        share = (
            0.15 + 0.25 * people.has_app
            if promo.promotion_id == CURRENT_PROMOTION.promotion_id
            else np.full(n, SEEN_SHARE)
        )
        seen = (rng.random(n) < share) & (people.since <= end)
        rows = np.flatnonzero(seen)
        days = uniform_days(rng, np.maximum(start, people.since[rows]), np.full(rows.size, end))
        app_place = choose(rng, SEEN_WEIGHTS_APP, rows.size)
        other_place = choose(rng, SEEN_WEIGHTS_NO_APP, rows.size)
        place = np.where(people.has_app[rows], app_place, other_place)
        places = pick(SEEN_PLACES, place, "place")
        out.append(_events(people, rows, promo.promotion_id, "seen", days, places, None, rng))
    return out


def make_promotion_events(
    rng: np.random.Generator, people: People, lines: pl.DataFrame, as_of_day: int
) -> pl.DataFrame:
    """Redeemed and seen promotion events of a chunk (before the contact history)."""
    parts = _redemptions(rng, people, lines, as_of_day) + _seen(rng, people, as_of_day)
    schema = table_schema(PROMOTION_HISTORY)
    if not parts:
        return pl.DataFrame(schema=schema)
    return pl.concat(parts).cast(dict(schema))  # type: ignore[arg-type]
