"""Response models: the uplift of acceptance caused by a contact, learned from contact history.

**Training rows** — one per historical contact with an offer (treatment and control), with the
customer as they were before the contact's campaign.

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

**Model design** — when the history records which contacts reached the customer, the decisions
use the reach-decomposed model of :mod:`goodcall.models.reach` (fitted here too); otherwise one
*pooled* uplift model over every offer and channel, with the offer's facts
(kind, margin, target OS/maker/tier, promotion) and the contact's channel and hour as features,
plus a *specialised* model for each offer × channel that has enough treated and control rows
and whose held-out Qini coefficient beats the pooled model on that segment's held-out rows. Why:
acceptances are rare (a few percent) and control groups small (≈5 %), so most offer × channel
cells hold too few control conversions to learn an uplift alone; pooling lets the trees share
what "fits", "persuadable" and "evening call" mean across offers, and still lets a segment with
plenty of data have its own model when that measurably ranks better. Rows are split by customer
(stable hash) into training and held-out parts, so held-out scores never see a customer that was
trained on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Literal

import numpy as np
import numpy.typing as npt
import polars as pl
from pydantic import BaseModel

from goodcall.hashing import salted_uniform, stable_uniform
from goodcall.models.inputs import (
    FEATURE_COLUMNS,
    PROFILE_INPUTS,
    candidate_features,
    local_hour,
)
from goodcall.models.metrics import auuc, qini_coefficient, uplift_at_k
from goodcall.models.reach import ReachInputError, ReachModel, ReachReport, fit_reach
from goodcall.models.sampling import sample_negatives, undo_negative_sampling
from goodcall.models.uplift import LightGBMParams, UpliftModel, fit_uplift
from goodcall.profiles.build import build_profiles
from goodcall.zones import UTC_DATETIME

c = pl.col
ANNOY_OUTCOMES = ("complaint", "dnc_request")
ROW_ORDER = ["campaign_id", "customer_id", "at", "offer_id", "channel"]
HISTORY_COLUMNS = ("customer_id", "campaign_id", "at", "channel", "offer_id", "group", "outcome")


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
LARGE_ROWS = 300_000  # above: "auto" chooses the learner on a sample, T down-samples negatives
SELECTION_ROWS = 200_000
TRAINING_PARAMS = LightGBMParams(
    learning_rate=0.1,
    n_estimators=300,
    subsample=0.5,
    max_bin=63,
    early_stopping_rounds=20,
    min_child_samples=500,
)
"""LightGBM settings for contact histories: rare outcomes and up to millions of rows, so fewer,
larger-step trees on half the rows each (bagging) and coarser bins — faster than the library
defaults at a comparable held-out Qini (synthetic carrier, 204,292 contacts, T-learner: 0.306
with these settings, 0.301 with the defaults)."""


def holdout_mask(customer_ids: pl.Series, salt: str = "holdout") -> npt.NDArray[np.bool_]:
    """Rows whose customer falls in the held-out fifth (stable across runs and row order)."""
    return np.asarray(salted_uniform(customer_ids, salt + ":") < HOLDOUT_SHARE)


class UpliftScores(BaseModel):
    """Held-out ranking quality of an uplift model."""

    rows: int
    treated: int
    control: int
    qini: float | None
    auuc: float | None
    uplift_at_30: float | None


class ResponseReport(BaseModel):
    """What was trained and how well it ranks held-out customers."""

    pooled: UpliftScores
    pooled_method: str
    segments: dict[str, UpliftScores]  # "OFFER/channel" → the specialised model's scores
    segments_rejected: dict[str, str]  # why a segment kept the pooled model
    treated_negative_rate: float = 1.0  # share of treated non-converters kept (T-learner)
    method_chosen_on_rows: int | None = None  # rows of the sample "auto" chose the learner on
    structure: Literal["reach", "pooled"] = "pooled"  # which one the decisions use
    reach: ReachReport | None = None  # the reach-decomposed model's parts
    reach_scores: UpliftScores | None = None  # its held-out ranking, same rows as pooled
    reach_rejected: str | None = None  # why the decisions use the pooled model instead


def score_uplift(
    uplift: npt.NDArray[np.float64], treated: npt.NDArray[np.bool_], outcome: npt.NDArray[np.bool_]
) -> UpliftScores:
    """Qini coefficient, AUUC and uplift@30 % of a ranking (None when a group is empty)."""
    n_t, n_c = int(treated.sum()), int((~treated).sum())
    ok = n_t > 0 and n_c > 0 and outcome.any()
    return UpliftScores(
        rows=int(treated.size),
        treated=n_t,
        control=n_c,
        qini=float(qini_coefficient(outcome, uplift, treated)) if ok else None,
        auuc=float(auuc(outcome, uplift, treated)) if ok else None,
        uplift_at_30=float(uplift_at_k(outcome, uplift, treated, 0.3)) if ok else None,
    )


def segment_key(offer_id: str, channel: str) -> str:
    return f"{offer_id}/{channel}"


class ResponseModel:
    """The reach-decomposed model when the history records reach; else the pooled uplift model
    plus the specialised offer × channel models that beat it."""

    def __init__(
        self,
        pooled: UpliftModel,
        segments: dict[str, UpliftModel],
        report: ResponseReport,
        reach: ReachModel | None = None,
    ) -> None:
        self.pooled = pooled
        self.segments = segments
        self.report = report
        self.reach = reach

    def predict(
        self, features: pl.DataFrame
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """(uplift, P(accept | contacted), P(accept | not contacted)) per row."""
        if self.reach is not None:
            return self.reach.predict(features)
        return self.predict_pooled(features)

    def predict_pooled(
        self, features: pl.DataFrame
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """The pooled (and segment) meta-learners' prediction, whatever the structure."""
        p_c, p_t = self.pooled.predict_outcomes(features)
        p_c, p_t = np.array(p_c, dtype=np.float64), np.array(p_t, dtype=np.float64)
        if self.segments and features.height:
            keys = (features["offer_id"] + "/" + features["channel"]).to_numpy()
            for key, model in self.segments.items():
                rows = np.flatnonzero(keys == key)
                if rows.size:
                    seg_c, seg_t = model.predict_outcomes(features[rows])
                    p_c[rows], p_t[rows] = seg_c, seg_t
        p_c, p_t = np.clip(p_c, 0.0, 1.0), np.clip(p_t, 0.0, 1.0)
        q = self.report.treated_negative_rate
        p_t = undo_negative_sampling(p_t, q)  # the treated arm's negatives were down-sampled
        return p_t - p_c, p_t, p_c


def _arrays(rows: pl.DataFrame) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    return rows["treated"].to_numpy().astype(bool), rows["converted"].to_numpy().astype(bool)


def fit_response(
    rows: pl.DataFrame,
    *,
    seed: int = 0,
    params: LightGBMParams | None = None,
    method: str = "auto",
    segment_min_rows: int = 20_000,
    segment_min_control_conversions: int = 30,
    max_segments: int = 3,
    trained_at: dt.datetime | None = None,
) -> ResponseModel:
    """Fit the reach-decomposed model (:mod:`goodcall.models.reach`), the pooled model and, when
    the history does not record reach, the specialised segment models (see the module docstring).

    Segment models are tried for at most ``max_segments`` offer × channel cells, the largest
    first: each costs a full fit, and on rare outcomes a cell rarely beats the pooled model.

    Above ``LARGE_ROWS`` training rows: ``auto`` picks the learner by held-out Qini on a
    customer sample of ``SELECTION_ROWS`` rows, then fits it on every row; the T-learner keeps
    every conversion and control row but at most ``NEGATIVES_KEPT`` treated non-converters,
    and corrects P(accept | contacted) for it (negative down-sampling with prior correction:
    p = q·p′ / (1 − p′ + q·p′)), which is exact for the treated arm's model.
    """
    reach_params = params  # None: the reach model's own defaults, REACH_PARAMS
    params = params if params is not None else TRAINING_PARAMS
    held = holdout_mask(rows["customer_id"])
    train, test = rows.filter(~held), rows.filter(held)
    chosen_on = None
    if method == "auto" and train.height > LARGE_ROWS:  # choose on a sample, fit on all rows
        chosen_on = SELECTION_ROWS
        selector = _fit(_sample(train, SELECTION_ROWS, "select"), seed, params, "auto", None)
        method = selector.metadata.method
    q = 1.0
    if method == "t" and train.height > LARGE_ROWS:
        train, q = _downsample_treated_negatives(train)
    pooled = _fit(train, seed, params, method, trained_at)
    t_test, y_test = _arrays(test)
    report = ResponseReport(
        pooled=score_uplift(np.zeros(0), t_test[:0], y_test[:0]),
        pooled_method=pooled.metadata.method,
        segments={},
        segments_rejected={},
        treated_negative_rate=q,
        method_chosen_on_rows=chosen_on,
    )
    pooled_uplift = ResponseModel(pooled, {}, report).predict(test.select(FEATURE_COLUMNS))[0]
    report.pooled = score_uplift(pooled_uplift, t_test, y_test)
    try:
        reach = fit_reach(rows, held, seed=seed, params=reach_params)
    except ReachInputError as err:
        report.reach_rejected = str(err)
    else:
        report.structure, report.reach = "reach", reach.report
        reach_uplift = reach.predict(test.select(FEATURE_COLUMNS))[0]
        report.reach_scores = score_uplift(reach_uplift, t_test, y_test)
        return ResponseModel(pooled, {}, report, reach)
    segments: dict[str, UpliftModel] = {}
    test_keys = (test["offer_id"] + "/" + test["channel"]).to_numpy()
    stats = _segment_stats(train)
    tried = 0
    for row in stats.iter_rows(named=True):
        key = segment_key(row["offer_id"], row["channel"])
        why = _too_small(row, segment_min_rows, segment_min_control_conversions)
        if why is None and tried >= max_segments:
            why = f"only the {max_segments} largest segments are tried"
        if why:
            report.segments_rejected[key] = why
            continue
        tried += 1
        seg_train = train.filter(
            (c("offer_id") == row["offer_id"]) & (c("channel") == row["channel"])
        )
        model = _fit(seg_train, seed, params, method, trained_at)
        in_seg = test_keys == key
        seg_test = test.filter(pl.Series(in_seg))
        t_s, y_s = _arrays(seg_test)
        alone = ResponseModel(model, {}, report).predict(seg_test.select(FEATURE_COLUMNS))[0]
        own = score_uplift(alone, t_s, y_s)
        base = score_uplift(pooled_uplift[in_seg], t_s, y_s)
        if own.qini is not None and base.qini is not None and own.qini > base.qini:
            segments[key] = model
            report.segments[key] = own
        else:
            report.segments_rejected[key] = (
                f"held-out Qini {own.qini} not above the pooled model's {base.qini}"
            )
    return ResponseModel(pooled, segments, report)


def _sample(rows: pl.DataFrame, n: int, salt: str) -> pl.DataFrame:
    return rows.filter(pl.Series(salted_uniform(rows["customer_id"], salt + ":") < n / rows.height))


def _downsample_treated_negatives(rows: pl.DataFrame) -> tuple[pl.DataFrame, float]:
    """Keep every conversion and control row, and a stable random share of treated
    non-converters (at most ``NEGATIVES_KEPT``); ``ResponseModel.predict`` undoes the shift."""
    negative = rows.select(c("treated") & ~c("converted")).to_series().to_numpy()
    keys = rows.select(pl.concat_str(pl.lit("neg:"), c("customer_id"), c("campaign_id")))
    keep, q = sample_negatives(negative, lambda: stable_uniform(keys.to_series()))
    return (rows, q) if q >= 1.0 else (rows.filter(pl.Series(keep)), q)


def _fit(
    rows: pl.DataFrame,
    seed: int,
    params: LightGBMParams | None,
    method: str,
    trained_at: dt.datetime | None,
) -> UpliftModel:
    treated, converted = _arrays(rows)
    return fit_uplift(
        rows.select(FEATURE_COLUMNS),
        treated,
        converted,
        method=method,  # type: ignore[arg-type]
        seed=seed,
        params=params,
        feature_columns=list(FEATURE_COLUMNS),
        created_at=trained_at,
    )


def _segment_stats(rows: pl.DataFrame) -> pl.DataFrame:
    return (
        rows.group_by("offer_id", "channel")
        .agg(
            c("treated").sum().alias("treated"),
            (~c("treated")).sum().alias("control"),
            (c("converted") & ~c("treated")).sum().alias("control_conversions"),
        )
        .sort(["treated", "offer_id", "channel"], descending=[True, False, False])
    )


def _too_small(row: dict[str, object], min_rows: int, min_conversions: int) -> str | None:
    treated, control = int(row["treated"]), int(row["control"])  # type: ignore[call-overload]
    conversions = int(row["control_conversions"])  # type: ignore[call-overload]
    if treated < min_rows or control < min_rows // 10:
        return f"{treated} treated / {control} control rows (need {min_rows} / {min_rows // 10})"
    if conversions < min_conversions:
        return f"{conversions} control conversions (need {min_conversions})"
    return None
