"""One chunk of the synthetic carrier: a block of customers and every row that belongs to them.

Order of generation: account holders, lines, promotions, preferences, consent and cases describe
the carrier *before* the contact history; their profile (``build_profiles``) is what the ground
truth sees when the history's outcomes are drawn; then the history's consequences are applied
(plans and devices taken, each recorded in ``line_changes`` with the state the line had until
then; promotions redeemed, do-not-call requests, complaint cases) and revenue and value are
computed last.

Money: ``monthly_revenue`` is the account's plan prices × 0.90–1.08 (discounts, extras);
``value`` (expected remaining margin) is monthly revenue × (14 + 0.12 × tenure in months) × a
log-normal factor (spread 0.2) — long-standing customers are worth more, as they stay longer.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from goodcall.profiles.fixtures import reference_tables
from goodcall.profiles.frames import table_schema
from goodcall.profiles.nordet import PLANS
from goodcall.profiles.schema import CONSENT, CUSTOMERS, LINE_CHANGES, PROMOTION_HISTORY, TABLES
from goodcall.synth.campaigns import Campaign
from goodcall.synth.cases import complaint_cases, make_cases
from goodcall.synth.consent import make_consent, make_preferences
from goodcall.synth.draws import day_number
from goodcall.synth.history import History, consequences, make_history
from goodcall.synth.lines import make_lines
from goodcall.synth.people import People, make_people
from goodcall.synth.promotions import make_promotion_events
from goodcall.synth.state import truth_state
from goodcall.truth.offers import OFFER_DEVICES, OFFERS_BY_ID
from goodcall.truth.response import ResponseTruth

c = pl.col
Tables = dict[str, pl.DataFrame]
PLACE_BY_CHANNEL = {"phone": "call", "sms": "sms", "email": "email", "app": "app"}


def _money(
    people: People, lines: pl.DataFrame, factors: np.ndarray, as_of: dt.date
) -> pl.DataFrame:
    prices = {p.plan_id: p.monthly_price for p in PLANS}
    revenue = lines.group_by("customer_id").agg(
        c("plan_id").replace_strict(prices, return_dtype=pl.Float64).sum().alias("_plans")
    )
    tenure = (day_number(as_of) - people.since) / 30.44
    frame = people.frame.with_columns(
        pl.Series("_rev_f", factors[0]), pl.Series("_val_f", factors[1]), pl.Series("_ten", tenure)
    ).join(revenue, on="customer_id", how="left", maintain_order="left")
    monthly = (c("_plans").fill_null(0.0) * c("_rev_f")).round(2)
    return (
        frame.with_columns(monthly.alias("monthly_revenue"))
        .with_columns(
            (c("monthly_revenue") * (14.0 + 0.12 * c("_ten")) * c("_val_f"))
            .round(0)
            .alias("value"),
            pl.lit(None, pl.String).alias("brand"),  # one brand: the default
        )
        .select(table_schema(CUSTOMERS).names())
    )


def _moves(conversions: pl.DataFrame) -> pl.DataFrame:
    """Per customer: the last plan taken (``_new_plan`` at ``_plan_at``) and the last handset
    bought (``_hs`` at ``_hs_at``); ``conversions`` sorted by take-up instant."""
    tier_plan = {p.tier: p.plan_id for p in PLANS if p.kind == "postpaid"}
    plan_of_offer = {
        o.offer_id: tier_plan[o.plan_tier]
        for o in OFFERS_BY_ID.values()
        if o.plan_tier is not None and o.plan_tier in tier_plan
    }
    plan_moves = (
        conversions.filter(c("offer_id").is_in(list(plan_of_offer)))
        .group_by("customer_id")
        .agg(
            c("offer_id").last().replace_strict(plan_of_offer).alias("_new_plan"),
            c("at").last().alias("_plan_at"),
        )
    )
    handset = (
        conversions.filter(c("offer_id").is_in(list(OFFER_DEVICES)))
        .group_by("customer_id")
        .agg(c("offer_id").last().alias("_hs"), c("at").last().alias("_hs_at"))
    )
    return plan_moves.join(handset, on="customer_id", how="full", coalesce=True)


def _with_state(lines: pl.DataFrame, plan_taken: pl.Expr, device_taken: pl.Expr) -> pl.DataFrame:
    """Lines (joined with their customer's ``_moves``) with the taken plan where ``plan_taken``
    and the bought handset (financed 24 months from the day it was bought) where
    ``device_taken``; the other lines keep their columns."""
    bought = c("_hs_at").dt.date()
    return lines.with_columns(
        pl.when(plan_taken).then(c("_new_plan")).otherwise(c("plan_id")).alias("plan_id"),
        *[
            pl.when(device_taken)
            .then(
                c("_hs").replace_strict({o: d[i] for o, d in OFFER_DEVICES.items()}, default=None)
            )
            .otherwise(c(name))
            .alias(name)
            for i, name in enumerate(("device_make", "device_model", "device_os"))
        ],
        pl.when(device_taken)
        .then(bought)
        .otherwise(c("device_purchase_date"))
        .alias("device_purchase_date"),
        pl.when(device_taken)
        .then(bought.dt.offset_by("24mo"))
        .otherwise(c("financing_end_date"))
        .alias("financing_end_date"),
    )


def _line_changes(primary: pl.DataFrame) -> pl.DataFrame:
    """The ``line_changes`` rows of the main lines (``primary``, as drawn, joined with their
    ``_moves``): one per applied change, holding the state the line had until it.

    A customer who took a plan and bought a handset gets two rows in time order: the state
    before the first change, then the state between the two (the first change made). When
    both were taken up at the same instant, one row (the state before both). A plan taken on
    the plan the line already had is still recorded: the order was placed.
    """
    instants = pl.concat(
        [
            primary.filter(c(at).is_not_null()).with_columns(c(at).alias("changed_at"))
            for at in ("_plan_at", "_hs_at")
        ]
    ).unique(["line_id", "changed_at"], keep="first", maintain_order=True)
    before = _with_state(instants, c("_plan_at") < c("changed_at"), c("_hs_at") < c("changed_at"))
    return before.select(table_schema(LINE_CHANGES).names()).sort("line_id", "changed_at")


def _apply_conversions(
    history: History, lines: pl.DataFrame, events: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Lines and promotion events after the history's conversions, and the ``line_changes``
    that record what the lines were before them."""
    conv = history.conversions.sort("at")
    primary = c("is_primary")
    moved = lines.join(_moves(conv), on="customer_id", how="left", maintain_order="left")
    taken = c("_plan_at").is_not_null() | c("_hs_at").is_not_null()
    changes = _line_changes(moved.filter(primary & taken))
    lines = _with_state(
        moved, primary & c("_new_plan").is_not_null(), primary & c("_hs").is_not_null()
    ).drop("_new_plan", "_plan_at", "_hs", "_hs_at")
    promo_of_offer = {o.offer_id: o.promotion_id for o in OFFERS_BY_ID.values() if o.promotion_id}
    primary_line = lines.filter(primary).select("customer_id", "line_id")
    redeemed = (
        conv.filter(c("offer_id").is_in(list(promo_of_offer)))
        .join(primary_line, on="customer_id", how="left", maintain_order="left")
        .select(
            "customer_id",
            c("offer_id").replace_strict(promo_of_offer).alias("promotion_id"),
            pl.lit("redeemed").alias("event"),
            "at",
            pl.when(c("group") == "control")
            .then(pl.lit("web"))
            .otherwise(c("channel").replace_strict(PLACE_BY_CHANNEL))
            .alias("place"),
            "line_id",
        )
        .unique(["customer_id", "promotion_id"], keep="first", maintain_order=True)
    )
    schema = dict(table_schema(PROMOTION_HISTORY))
    events = pl.concat([events, redeemed.cast(schema)])  # type: ignore[arg-type]
    return lines, events, changes


def _apply_dnc(history: History, consent: pl.DataFrame) -> pl.DataFrame:
    first = history.dnc_requests.sort("at").unique("customer_id", keep="first")
    out = consent.join(
        first.select("customer_id", c("at").alias("_at"), c("channel").alias("_ch")),
        on="customer_id",
        how="left",
        maintain_order="left",
    )
    earlier = c("_at").is_not_null() & (
        c("internal_dnc_at").is_null() | (c("_at") < c("internal_dnc_at"))
    )
    out = out.with_columns(
        pl.when(earlier).then(c("_at")).otherwise(c("internal_dnc_at")).alias("internal_dnc_at"),
        pl.when(earlier)
        .then(c("_ch"))
        .otherwise(c("internal_dnc_channel"))
        .alias("internal_dnc_channel"),
    )
    return out.select(table_schema(CONSENT).names())


def make_chunk(
    seed: int,
    chunk_index: int,
    first_number: int,
    n: int,
    as_of: dt.date,
    truth: ResponseTruth,
    calendar: tuple[Campaign, ...],
) -> Tables:
    """Every table's rows for customers ``first_number … first_number + n − 1``."""
    rng = np.random.default_rng([seed, chunk_index])
    as_of_day = day_number(as_of)
    people = make_people(rng, seed, first_number, n, as_of)
    lines = make_lines(rng, people, as_of_day)
    factors = np.stack([rng.uniform(0.90, 1.08, n), rng.lognormal(0.0, 0.2, n)])
    tables: Tables = {name: lf.collect() for name, lf in reference_tables().items()}
    tables |= {
        "customers": _money(people, lines, factors, as_of),
        "lines": lines,
        "promotion_events": make_promotion_events(rng, people, lines, as_of_day),
        "preferences": make_preferences(rng, people),
        "consent": make_consent(rng, people, as_of_day),
        "self_service": people.self_service,
        "cases": make_cases(rng, people, as_of_day),
    }
    state = truth_state(tables, as_of)
    history = make_history(rng, truth, state, people, calendar, as_of_day)
    lines, events, changes = _apply_conversions(
        history, tables["lines"], tables["promotion_events"]
    )
    cases = pl.concat(
        [tables["cases"], complaint_cases(rng, history.complaints, people, as_of_day)]
    )
    tables |= {
        "customers": _money(people, lines, factors, as_of),
        "lines": lines,
        "line_changes": changes,
        "promotion_events": events,
        "consent": _apply_dnc(history, tables["consent"]),
        "contacts": history.contacts,
        "cases": cases,
    }
    return {t.name: tables[t.name].select(table_schema(t).names()) for t in TABLES}


def apply_contacts(tables: Tables, contacts: pl.DataFrame, as_of: dt.date) -> Tables:
    """``tables`` (a generated carrier) after more ``contacts`` (rows of the contacts table):
    the contacts added, with what they caused, exactly as for the generator's own history —
    plans and devices taken (the lines changed, each change recorded in ``line_changes``),
    promotions redeemed, do-not-call requests. Used to play a campaign decided by goodcall
    (``goodcall.evaluate.pilot``) into the carrier's records before the next decision.

    Take-ups are dated a day after the contact, at the latest an hour before ``as_of``'s
    midnight (the carrier's last event). Complaints open no case here (the generator draws
    those with the customer's own draws) and revenue is not recomputed."""
    history = consequences(contacts.sort("customer_id", "at"), day_number(as_of))
    lines, events, changes = _apply_conversions(
        history, tables["lines"], tables["promotion_events"]
    )
    added = pl.concat([tables["contacts"], history.contacts], how="vertical_relaxed")
    recorded = pl.concat([tables["line_changes"], changes], how="vertical_relaxed")
    return tables | {
        "contacts": added.sort("customer_id", "at"),
        "lines": lines,
        "line_changes": recorded.sort("line_id", "changed_at"),
        "promotion_events": events,
        "consent": _apply_dnc(history, tables["consent"]),
    }
