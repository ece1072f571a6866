"""The dialler-ready call list: what a dialler needs to place each call without a join.

Per contact of the campaign (one row of ``call_list.csv`` / ``call_list.parquet``):

* who and what — ``customer_id``, ``offer_id``, ``line_id`` (the line a handset or plan offer is
  for), ``channel``, ``language``, ``register`` (the columns ``goodcall audit`` reads);
* ``phone_number`` — the customer's main number (E.164, from the store's customers table);
* ``language_pool`` — the agents who take the call: the campaign's agent pool of the customer's
  language (:func:`goodcall.decide.config.pool_of`), else the language itself;
* ``time_zone``; the policy's window the call was planned in — ``window_start`` and
  ``window_end`` in UTC and ``window_start_local`` / ``window_end_local`` on the customer's wall
  clock (the legal calling hours ∩ their stated hours: the dialler must not dial outside it);
* ``planned_at`` (UTC) and ``planned_local``: the slot the decision chose;
* ``attempt`` — 1, or 1 + the calls missed in a row (no answer, voicemail) in the last 30 days
  (:func:`goodcall.models.answer.retries`);
* ``brief_ref`` — ``briefs.jsonl#N``: the line of the call's brief in ``briefs.jsonl``;
* ``dialling_mode`` — the campaign's setting ``dialling_mode``, else the policy file's
  ``dialling.default_mode`` (``preview`` as shipped: offer calls are previewed).

Messages (SMS, e-mail, in-app) have the who-and-what, the number and the planned moment; the
window, the attempt, the brief and the dialling mode are for calls. Every value is computed per
row from the profile, the policies and the decision time, so the file is the same bytes whatever
the chunk size or the engine. In the CSV, text cells that a spreadsheet would read as a formula
(``=``, ``+``, ``-``, ``@`` — an E.164 number starts with ``+``) get a leading ``'``
(:func:`goodcall.writing.escape_cells`); the Parquet file holds the values as they are.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from goodcall.decide import CampaignConfig, pool_of
from goodcall.models.answer import history_attempts, retries
from goodcall.policy.engine import evaluate_channels_matrix
from goodcall.policy.resolve import CompiledPolicies
from goodcall.profiles.schema import LANGUAGES
from goodcall.zones import UTC_DATETIME, to_local

c = pl.col
LOCAL = pl.Datetime("us")
DETAIL_SCHEMA = pl.Schema(
    {
        "phone_number": pl.String(),
        "language_pool": pl.String(),
        "time_zone": pl.String(),
        "window_start": UTC_DATETIME,
        "window_end": UTC_DATETIME,
        "window_start_local": LOCAL,
        "window_end_local": LOCAL,
        "planned_local": LOCAL,
        "attempt": pl.Int64(),
        "brief_ref": pl.String(),
        "dialling_mode": pl.String(),
    }
)
DECIDED_COLUMNS = (
    "customer_id",
    "offer_id",
    "line_id",
    "channel",
    "planned_at",
    "language",
    "register",
)
CALL_LIST_COLUMNS = (*DECIDED_COLUMNS, *DETAIL_SCHEMA.names())
TIMES = ("planned_at", "window_start", "window_end")
LOCAL_TIMES = ("planned_local", "window_start_local", "window_end_local")


def _pool(config: CampaignConfig) -> pl.Expr:
    pools = config.agent_pools
    if pools is None:
        return c("language")
    return c("language").replace_strict(
        {tag: pool_of(tag, pools) for tag in LANGUAGES}, default=c("language")
    )


def call_details(
    contacts: pl.DataFrame,
    profiles: pl.DataFrame,
    policies: CompiledPolicies,
    config: CampaignConfig,
    at: dt.datetime,
    first_brief: int,
) -> pl.DataFrame:
    """``contacts`` (decision rows of one chunk, in customer order) with the columns of
    :data:`DETAIL_SCHEMA`; ``first_brief``: the ``briefs.jsonl`` line of the chunk's first call
    (its calls' briefs follow in order)."""
    windows = (
        evaluate_channels_matrix(profiles.lazy(), policies, at, config.national_list_snapshot)
        .select(
            "customer_id",
            "channel",
            c("next_window_start").alias("window_start"),
            c("next_window_end").alias("window_end"),
        )
        .collect()
    )
    missed = retries(history_attempts(profiles.lazy()), at)
    attempts = missed.select("customer_id", "attempt").collect()
    mode = config.dialling_mode or policies.policies.dialling.default_mode
    phone = c("channel") == "phone"
    calls_before = phone.cast(pl.Int64).cum_sum() - phone.cast(pl.Int64)
    joined = (
        contacts.join(
            profiles.select("customer_id", c("phone").alias("phone_number"), "time_zone"),
            on="customer_id",
            how="left",
            maintain_order="left",
        )
        .join(windows, on=["customer_id", "channel"], how="left", maintain_order="left")
        .join(attempts, on="customer_id", how="left", maintain_order="left")
    )
    return (
        joined.with_columns(
            pl.when(phone).then(_pool(config)).otherwise(None).alias("language_pool"),
            pl.when(phone).then(c("window_start")).otherwise(None).alias("window_start"),
            pl.when(phone).then(c("window_end")).otherwise(None).alias("window_end"),
            pl.when(phone).then(c("attempt").fill_null(1)).otherwise(None).alias("attempt"),
            pl.when(phone)
            .then(pl.format("briefs.jsonl#{}", calls_before + first_brief))
            .otherwise(None)
            .alias("brief_ref"),
            pl.when(phone).then(pl.lit(mode)).otherwise(None).alias("dialling_mode"),
        )
        .with_columns(
            *[
                pl.when(phone | (name == "planned_at"))
                .then(to_local(c(name), c("time_zone")))
                .otherwise(None)
                .alias(local)
                for name, local in zip(TIMES, LOCAL_TIMES, strict=True)
            ]
        )
        .select(*contacts.columns, *[c(n).cast(t) for n, t in DETAIL_SCHEMA.items()])
    )


def renumber_briefs(calls: pl.DataFrame) -> pl.DataFrame:
    """``calls`` with ``brief_ref`` pointing at the lines of a ``briefs.jsonl`` that holds the
    briefs of exactly these calls: one brief per call, in customer order (as the campaign writes
    them) — after calls were taken out (:mod:`goodcall.campaign.withdraw`)."""
    phone = c("channel") == "phone"
    line = c("customer_id").rank("ordinal").over(phone).cast(pl.Int64)
    return calls.with_columns(
        pl.when(phone).then(pl.format("briefs.jsonl#{}", line)).otherwise(None).alias("brief_ref")
    )


def call_list_text(calls: pl.DataFrame) -> pl.DataFrame:
    """The call list as the CSV writes it: instants as ISO 8601 UTC (``…Z``), wall-clock times
    without an offset (the row's ``time_zone`` places them)."""
    return calls.with_columns(
        *[c(n).dt.strftime("%Y-%m-%dT%H:%M:%SZ") for n in TIMES if n in calls.columns],
        *[c(n).dt.strftime("%Y-%m-%dT%H:%M:%S") for n in LOCAL_TIMES if n in calls.columns],
    )
