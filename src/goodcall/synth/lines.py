"""Lines of each account: plan, device, financing and data usage.

Assumptions:

* 12 % of accounts are prepaid (plan PRE_2, one line, sometimes two). Postpaid accounts have 1–5
  lines (55 / 22 / 12 / 8 / 3 %), so about 60 % of all accounts have a single line; the holder's
  plan tier is ESS_5 20 %, PLUS_20 33 %, MAX_60 29 %, ULT_150 18 %; other lines share it (60 %)
  or sit one tier lower. Extra lines carry a ``user_label`` — a given name in the account's language
  and the relation: ``Léa (fille)``, ``Emma (daughter)``, ``Marc (conjoint)``.
* devices follow ``carrier.DEVICES`` shares (iPhone and Samsung dominate); prepaid lines lean to
  budget models; 70 % of extra lines share the holder's operating system. A device is bought
  between its release (September for Apple, February–March for Samsung, …) and 30 months later
  (never after the as-of date), so LG, Huawei and BlackBerry owners hold old purchases.
* 80 % of postpaid devices (10 % prepaid) are financed over 24 months.
* usage: the holder's average month is the allowance × a log-normal ratio whose median falls with
  the tier (0.75 of 2 GB, 0.70 of 5 GB, 0.55 of 20 GB, 0.40 of 60 GB, 0.25 of 150 GB, spread 0.5):
  most stay under, some run over, mostly on small plans; each month varies ±15 % around it.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from goodcall.profiles.frames import table_schema
from goodcall.profiles.nordet import DEVICES, PLANS, Device
from goodcall.profiles.schema import LINES
from goodcall.synth import names
from goodcall.synth.draws import I64, add_months, choose, choose_rows, dates, pick, uniform_days
from goodcall.synth.people import NAME_LIST, People, name_index

PREPAID_SHARE = 0.12
LINE_COUNT_WEIGHTS = (55, 22, 12, 8, 3)
POSTPAID_TIER_WEIGHTS = {2: 0.20, 3: 0.33, 4: 0.29, 5: 0.18}
USAGE_MEDIAN_BY_TIER = {1: 0.75, 2: 0.70, 3: 0.55, 4: 0.40, 5: 0.25}
PLAN_BY_TIER = {p.tier: p for p in PLANS}
RELEASE_MONTH = {"Apple": 9, "Samsung": 2, "Google": 8}
SALES_MONTHS = 30
BUDGET_MODELS = ("iPhone SE", "Galaxy A55", "Galaxy A35", "moto g 5G", "G400", "Pixel 8a")


def release_day(device: Device) -> int:
    month = RELEASE_MONTH.get(device.make, 6)
    if device.model.startswith("Galaxy A"):
        month = 3
    return int(np.datetime64(f"{device.released}-{month:02d}-15", "D").astype(np.int64))


def device_weights(as_of_day: int) -> tuple[np.ndarray, np.ndarray]:
    """Device shares for postpaid and prepaid lines, zero for devices not yet released."""
    released = np.array([release_day(d) <= as_of_day - 30 for d in DEVICES])
    base = np.array([d.share for d in DEVICES]) * released
    budget = np.array([2.5 if d.model in BUDGET_MODELS else 0.4 for d in DEVICES])
    return base, base * budget


def _line_counts(rng: np.random.Generator, prepaid: np.ndarray) -> I64:
    postpaid_counts = choose(rng, LINE_COUNT_WEIGHTS, prepaid.size) + 1
    prepaid_counts = np.where(rng.random(prepaid.size) < 0.95, 1, 2)
    out: I64 = np.where(prepaid, prepaid_counts, postpaid_counts).astype(np.int64)
    return out


def _devices(
    rng: np.random.Generator, account: I64, position: I64, prepaid: np.ndarray, as_of_day: int
) -> I64:
    postpaid_w, prepaid_w = device_weights(as_of_day)
    line_prepaid = prepaid[account]
    weights = np.where(line_prepaid[:, None], prepaid_w[None, :], postpaid_w[None, :])
    device = choose_rows(rng, weights)
    is_ios = np.array([d.os == "iOS" for d in DEVICES])
    primary_rows = np.flatnonzero(position == 1)
    primary_ios = np.zeros(account.max() + 1 if account.size else 0, dtype=bool)
    primary_ios[account[primary_rows]] = is_ios[device[primary_rows]]
    follow = (position > 1) & (rng.random(account.size) < 0.7)
    same_os = np.where(primary_ios[account][:, None] == is_ios[None, :], weights, 0.0)
    same_os[same_os.sum(axis=1) == 0] = weights[same_os.sum(axis=1) == 0]
    followers = np.flatnonzero(follow)
    device[followers] = choose_rows(rng, same_os[followers])
    return device


def _user_labels(
    rng: np.random.Generator, people: People, account: I64, position: I64
) -> pl.Series:
    holder_female = people.female[account]
    child = (position >= 3) | (rng.random(account.size) < 0.45)
    female = np.where(child, rng.random(account.size) < 0.5, ~holder_female)
    female = np.where(~child & (rng.random(account.size) < 0.15), holder_female, female)
    lang = people.frame["language"].to_numpy()[account]
    group = np.where(lang == "fr-CA", "fr-CA", np.where(lang == "fr-FR", "fr-FR", "en"))
    given = pick(NAME_LIST, name_index(rng, group, np.where(female, "F", "M")), "g")
    sex = np.where(female, "F", "M")
    role = np.where(child, "child_", "partner_")
    relation_key = np.char.add(role.astype(str), sex.astype(str))
    fr = np.char.startswith(lang.astype(str), "fr")
    words_fr = pl.Series(relation_key).replace_strict(names.RELATIONS_FR, return_dtype=pl.String)
    words_en = pl.Series(relation_key).replace_strict(names.RELATIONS_EN, return_dtype=pl.String)
    word = pl.select(pl.when(pl.lit(pl.Series(fr))).then(words_fr).otherwise(words_en)).to_series()
    label = given + " (" + word + ")"
    keep = (position > 1) & (rng.random(account.size) > 0.08)
    return pl.select(pl.when(pl.lit(pl.Series(keep))).then(label).otherwise(None)).to_series()


def make_lines(rng: np.random.Generator, people: People, as_of_day: int) -> pl.DataFrame:
    """The lines table for a chunk of account holders."""
    n = people.number.size
    prepaid = rng.random(n) < PREPAID_SHARE
    counts = _line_counts(rng, prepaid)
    tiers = list(POSTPAID_TIER_WEIGHTS)
    holder_tier = np.where(
        prepaid, 1, np.asarray(tiers)[choose(rng, list(POSTPAID_TIER_WEIGHTS.values()), n)]
    )
    account = np.repeat(np.arange(n, dtype=np.int64), counts)
    starts = np.cumsum(counts) - counts
    position = np.arange(account.size, dtype=np.int64) - starts[account] + 1
    tier = holder_tier[account]
    lower = (position > 1) & (tier > 2) & (rng.random(account.size) < 0.4)
    tier = np.where(lower, tier - 1, tier)
    device = _devices(rng, account, position, prepaid, as_of_day)
    release = np.array([release_day(d) for d in DEVICES], dtype=np.int64)[device]
    purchase = uniform_days(rng, release, np.minimum(release + SALES_MONTHS * 30, as_of_day - 1))
    financed = rng.random(account.size) < np.where(prepaid[account], 0.10, 0.80)
    financing_end = add_months(purchase, 24)
    allowance = np.array([PLAN_BY_TIER[t].data_gb for t in range(1, 6)])[tier - 1]
    median = np.array([USAGE_MEDIAN_BY_TIER[t] for t in range(1, 6)])[tier - 1]
    ratio = median * np.exp(0.5 * rng.standard_normal(account.size))
    ratio = np.where(tier == 1, np.minimum(ratio, 1.3), ratio)
    months = [
        np.round(allowance * ratio * np.exp(0.15 * rng.standard_normal(account.size)), 1)
        for _ in range(3)
    ]
    ids = people.frame["customer_id"].gather(pl.Series(account))
    line_id = "L-" + pl.Series(people.number[account]).cast(pl.String).str.zfill(8) + "-"
    line_id = line_id + pl.Series(position).cast(pl.String)
    frame = pl.DataFrame(
        [
            line_id.alias("line_id"),
            ids.alias("customer_id"),
            pl.Series("is_primary", position == 1),
            _user_labels(rng, people, account, position).alias("user_label"),
            pick([PLAN_BY_TIER[t].plan_id for t in range(1, 6)], tier - 1, "plan_id"),
            pick([d.make for d in DEVICES], device, "device_make"),
            pick([d.model for d in DEVICES], device, "device_model"),
            pick([d.os for d in DEVICES], device, "device_os"),
            dates("device_purchase_date", purchase),
            dates("financing_end_date", financing_end),
            pl.Series("data_usage_gb_m1", months[0]),
            pl.Series("data_usage_gb_m2", months[1]),
            pl.Series("data_usage_gb_m3", months[2]),
        ]
    ).with_columns(
        pl.when(pl.lit(pl.Series(financed))).then(pl.col("financing_end_date")).otherwise(None)
    )
    return frame.cast(dict(table_schema(LINES)))  # type: ignore[arg-type]
