"""Training rows of the response models: one per historical contact with an offer (treatment
and control), with the customer as they were before the contact's campaign, and the held-out split.

Leakage rule: a contact of campaign K is described by the profile built *as of one second before
K's first contact* (``build_profiles`` drops every event after that instant). Nothing the
campaign caused — an accepted upgrade's promotion event, a complaint, a refusal — can leak into
its own features; and only contacts before the training cut-off are read at all. Building one
profile per campaign rather than per contact costs one ``build_profiles`` per campaign, not per
row.

What the import format cannot rewind: ``lines`` holds each line's device and plan as they are
now, so a customer who *took* a handset (or plan) offer would appear with the new handset (plan)
in the features of every contact up to that acceptance — including the accepting contact itself.
A model would learn "new phone, financing just started ⇒ accepts a phone" and then predict almost
nothing for the customers with old phones it should call. With ``line_changes`` (the earlier
states of each line), ``build_profiles`` rebuilds the line as it was and these rows are kept as
they are (``monthly_revenue`` and ``value`` stay the account's current ones). Without it — or
when no change of the customer after the row's instant is recorded — the rows are detected (the
customer later converted on an offer that replaces the device or moves the plan) and their device
(plan) columns replaced by those of a random *unchanged* customer of the same campaign and offer:
a hot-deck imputation from the same targeted audience, which carries no information about the
outcome, at the price of learning less from the device or plan facts of the accepting customers
themselves (see ``docs/decisions.md``).

Held-out split: rows are split by customer (stable hash), so held-out scores never see a customer
that was trained on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Literal

import numpy as np
import numpy.typing as npt
import polars as pl

from goodcall.hashing import salted_uniform, stable_uniform
from goodcall.models.inputs import PROFILE_INPUTS, candidate_features, local_hour
from goodcall.profiles.build import build_profiles
from goodcall.zones import UTC_DATETIME

c = pl.col
ANNOY_OUTCOMES = ("complaint", "dnc_request", "abandoned")
ROW_ORDER = ["campaign_id", "customer_id", "at", "offer_id", "channel"]


class HistoryError(ValueError):
    """A contact history that cannot be learned from."""


def _lazy(tables: Mapping[str, pl.LazyFrame | pl.DataFrame]) -> dict[str, pl.LazyFrame]:
    return {name: t.lazy() for name, t in tables.items()}


def history_contacts(
    tables: Mapping[str, pl.LazyFrame | pl.DataFrame],
    cutoff: dt.datetime,
    as_of: Literal["campaign", "cutoff"] = "campaign",
) -> pl.DataFrame:
    """Contacts with an offer strictly before ``cutoff``, with the instant their features are
    taken at (``_as_of``: just before their campaign began, or the cut-off itself)."""
    if cutoff.tzinfo is None:
        raise HistoryError("the training cut-off must be timezone-aware")
    if "contacts" not in tables:
        raise HistoryError("the tables have no 'contacts' table: there is no history to learn")
    contacts = (
        tables["contacts"]
        .lazy()
        .filter((c("at") < cutoff) & c("offer_id").is_not_null())
        .with_columns(
            (c("at").min().over("campaign_id") - dt.timedelta(seconds=1)).alias("_as_of")
            if as_of == "campaign"
            else pl.lit(cutoff).alias("_as_of")
        )
        .collect()
    )
    return contacts


def training_rows(
    tables: Mapping[str, pl.LazyFrame | pl.DataFrame],
    cutoff: dt.datetime,
    offers: pl.DataFrame,
    as_of: Literal["campaign", "cutoff"] = "campaign",
) -> pl.DataFrame:
    """One row per historical contact: features as of its campaign, treated, converted, annoyed.

    ``offers`` is :func:`goodcall.models.inputs.offer_table` of the catalog.
    """
    contacts = history_contacts(tables, cutoff, as_of)
    if contacts.height == 0:
        raise HistoryError(f"no contact with an offer before {cutoff.isoformat()}")
    lazy = _lazy(tables)
    per_customer = {n for n, t in lazy.items() if "customer_id" in t.collect_schema().names()}
    parts: list[pl.DataFrame] = []
    for (as_of,), batch in contacts.group_by("_as_of", maintain_order=True):
        assert isinstance(as_of, dt.datetime)
        ids = batch.select("customer_id").unique()
        scoped = {
            name: table.join(ids.lazy(), on="customer_id", how="semi")
            if name in per_customer
            else table
            for name, table in lazy.items()
        }
        profiles = build_profiles(scoped, as_of).select(*PROFILE_INPUTS, "time_zone")
        parts.append(batch.join(profiles.collect(), on="customer_id", how="inner"))
    # a fixed order: the hot-deck's donors, then the learners, depend on it (replayable training)
    rows = pl.concat(parts, how="vertical_relaxed").sort(ROW_ORDER)
    zones = rows["time_zone"].unique().drop_nulls().to_list()
    rows = rows.with_columns(local_hour(c("at"), zones).alias("local_hour"))
    rows = _impute_changed_state(rows, contacts, offers, recorded_changes(tables))
    features = candidate_features(rows.lazy(), offers).collect()
    return features.sort(ROW_ORDER).with_columns(
        (c("group") == "treatment").alias("treated"),
        c("converted").fill_null(False).alias("converted"),
        c("outcome").is_in(list(ANNOY_OUTCOMES)).alias("annoyed"),
    )


DEVICE_COLUMNS = (
    "device_make",
    "device_os",
    "device_age_months",
    "financing_months_left",
    "has_ios",
    "has_android",
)
PLAN_COLUMNS = ("plan_tier", "plan_data_gb", "plan_is_top", "data_usage_ratio", "monthly_revenue")


def _changed_at(contacts: pl.DataFrame, offers: pl.DataFrame, changes: pl.Expr) -> pl.DataFrame:
    """Per customer: the last conversion on an offer that changes their device (or plan)."""
    return (
        contacts.filter(c("converted").fill_null(False))
        .join(offers, on="offer_id", how="inner")
        .filter(changes)
        .group_by("customer_id")
        .agg(c("at").max().alias("_changed_at"))
    )


def recorded_changes(tables: Mapping[str, pl.LazyFrame | pl.DataFrame]) -> pl.DataFrame:
    """Per customer: the last instant ``line_changes`` records a change of one of their lines
    (``_recorded_until``); no rows when the export has no ``line_changes``."""
    if "line_changes" not in tables:
        return pl.DataFrame(schema={"customer_id": pl.String(), "_recorded_until": UTC_DATETIME})
    return (
        tables["line_changes"]
        .lazy()
        .group_by("customer_id")
        .agg(c("changed_at").max().alias("_recorded_until"))
        .collect()
    )


def _dirty(rows: pl.DataFrame, changed: pl.DataFrame, recorded: pl.DataFrame | None) -> pl.Series:
    """Rows taken before the customer's change (``_changed_at``) whose profile could not be
    rebuilt: no change of theirs is recorded after the row's instant."""
    flags = rows.select("customer_id", "_as_of").join(
        changed, on="customer_id", how="left", maintain_order="left"
    )
    before = c("_changed_at").is_not_null() & (c("_as_of") < c("_changed_at"))
    if recorded is not None:
        flags = flags.join(recorded, on="customer_id", how="left", maintain_order="left")
        rebuilt = c("_recorded_until").is_not_null() & (c("_as_of") < c("_recorded_until"))
        before = before & ~rebuilt
    return flags.select(before.alias("_dirty")).to_series()


def _hot_deck(
    rows: pl.DataFrame,
    changed: pl.DataFrame,
    columns: tuple[str, ...],
    salt: str,
    recorded: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Replace ``columns`` of rows taken before the customer's change by a random clean donor's
    (same campaign and offer); null when the group has no clean row. Rows rebuilt from a
    recorded change (``recorded``: :func:`recorded_changes`) are kept, and may be donors."""
    flagged = rows.with_columns(_dirty(rows, changed, recorded)).with_row_index("_row")
    if not flagged["_dirty"].any():
        return flagged.drop("_dirty", "_row")
    key = ["campaign_id", "offer_id"]
    clean = (
        flagged.filter(~c("_dirty"))
        .select(*key, *columns)
        .with_columns((pl.int_range(pl.len()).over(key)).alias("_slot"))
    )
    sizes = clean.group_by(key).agg(pl.len().alias("_n"))
    dirty = flagged.filter(c("_dirty")).join(sizes, on=key, how="left")
    keys = dirty.select(
        pl.concat_str(
            pl.lit(salt), c("customer_id"), c("campaign_id"), c("offer_id"), separator=":"
        )
    )
    draw = stable_uniform(keys.to_series())
    dirty = dirty.with_columns(
        (pl.Series(draw) * c("_n")).floor().cast(pl.Int64).alias("_slot")
    ).drop(*columns)
    donated = dirty.join(clean, on=[*key, "_slot"], how="left").drop("_slot", "_n")
    kept = flagged.filter(~c("_dirty"))
    return pl.concat([kept, donated.select(kept.columns)]).sort("_row").drop("_dirty", "_row")


def _impute_changed_state(
    rows: pl.DataFrame, contacts: pl.DataFrame, offers: pl.DataFrame, recorded: pl.DataFrame
) -> pl.DataFrame:
    """See the module docstring: device and plan columns of rows before an unrecorded change."""
    device = _changed_at(
        contacts, offers, (c("offer_kind") == "handset") & c("offer_target_os").is_not_null()
    )
    plan = _changed_at(contacts, offers, c("offer_plan_tier").is_not_null())
    rows = _hot_deck(rows, device, DEVICE_COLUMNS, "device", recorded)
    return _hot_deck(rows, plan, PLAN_COLUMNS, "plan", recorded)


HOLDOUT_SHARE = 0.2


def holdout_mask(customer_ids: pl.Series, salt: str = "holdout") -> npt.NDArray[np.bool_]:
    """Rows whose customer falls in the held-out fifth (stable across runs and row order)."""
    return np.asarray(salted_uniform(customer_ids, salt + ":") < HOLDOUT_SHARE)
