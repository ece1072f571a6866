"""The response model the decisions use: the uplift of acceptance caused by a contact.

One of two structures, chosen by what the history records:

* **reach-decomposed** (:mod:`goodcall.models.reach`) when the history records which contacts
  reached the customer: uplift = P(reach) × (P(accept | reached) − P(accept | not reached)).
  Only this model is trained then: the pooled model below would be fitted for nothing but a
  comparison figure, and no decision would read it.
* **pooled**, otherwise: one uplift meta-learner over every offer and channel, with the offer's
  facts (kind, margin, target OS/maker/tier, promotion) and the contact's channel and hour as
  features, plus a *specialised* model for each offer × channel that has enough treated and
  control rows and whose held-out Qini coefficient beats the pooled model on that segment's
  held-out rows. Why pooled: acceptances are rare and control groups small, so most offer ×
  channel cells hold too few control conversions to learn an uplift alone; pooling lets the trees
  share what "fits", "persuadable" and "evening call" mean across offers, and still lets a
  segment with plenty of data have its own model when that measurably ranks better.

Both are trained on :func:`goodcall.models.rows.training_rows` and scored on the held-out
customers of :func:`goodcall.models.rows.holdout_mask` (figures: ``docs/decisions.md``).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt
import polars as pl
from pydantic import BaseModel

from goodcall.hashing import salted_uniform, stable_uniform
from goodcall.models.inputs import FEATURE_COLUMNS
from goodcall.models.metrics import auuc, qini_coefficient, uplift_at_k
from goodcall.models.reach import ReachInputError, ReachModel, ReachReport, fit_reach
from goodcall.models.rows import holdout_mask
from goodcall.models.sampling import sample_negatives, undo_negative_sampling
from goodcall.models.uplift.params import LightGBMParams

if TYPE_CHECKING:
    from goodcall.models.uplift.model import UpliftModel

c = pl.col
Floats = npt.NDArray[np.float64]

LARGE_ROWS = 300_000  # above: "auto" chooses the learner on a sample, T down-samples negatives
RESPONSE_METHODS = ("t", "x", "ct")
"""The learners ``auto`` compares on a contact history. The S-learner, a candidate of the generic
``goodcall uplift fit``, is not among them until it is measured on the carrier's histories
(``goodcall evaluate synthetic``; docs/decisions.md)."""
SELECTION_ROWS = 200_000
TRAINING_PARAMS = LightGBMParams(
    learning_rate=0.1,
    n_estimators=300,
    subsample=0.5,
    max_bin=63,
    early_stopping_rounds=20,
    min_child_samples=500,
)
"""LightGBM settings of the pooled uplift model and the annoyance model on contact histories:
rare outcomes and up to millions of rows, so fewer, larger-step trees on half the rows each
(bagging) and coarser bins — faster than the library defaults at a comparable held-out Qini
(``docs/decisions.md``)."""


class UpliftScores(BaseModel):
    """Held-out ranking quality of an uplift model."""

    rows: int
    treated: int
    control: int
    qini: float | None
    auuc: float | None
    uplift_at_30: float | None


class ResponseReport(BaseModel):
    """What was trained and how well the model the decisions use ranks held-out customers.

    ``structure`` says which model that is. The pooled fields are empty (None) when it is the
    reach-decomposed one: the pooled model is then not trained."""

    structure: Literal["reach", "pooled"] = "pooled"  # which one the decisions use
    reach: ReachReport | None = None  # the reach-decomposed model's parts
    reach_scores: UpliftScores | None = None  # its held-out ranking
    reach_rejected: str | None = None  # why the decisions use the pooled model instead
    pooled: UpliftScores | None = None
    pooled_method: str | None = None
    segments: dict[str, UpliftScores] = {}  # "OFFER/channel" → the specialised model's scores
    segments_rejected: dict[str, str] = {}  # why a segment kept the pooled model
    treated_negative_rate: float = 1.0  # share of treated non-converters kept (T-learner)
    method_chosen_on_rows: int | None = None  # rows of the sample "auto" chose the learner on

    @property
    def scores(self) -> UpliftScores:
        """The held-out scores of the model the decisions use."""
        scores = self.reach_scores if self.structure == "reach" else self.pooled
        if scores is None:
            raise ValueError(f"the response report has no scores for its {self.structure} model")
        return scores

    @property
    def model_name(self) -> str:
        """The model the decisions use, in words."""
        if self.structure == "reach":
            return "reach-decomposed model"
        return f"pooled {self.pooled_method}-learner"


def score_uplift(
    uplift: Floats, treated: npt.NDArray[np.bool_], outcome: npt.NDArray[np.bool_]
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
    plus the specialised offer × channel models that beat it. Exactly one of ``reach`` and
    ``pooled`` is given."""

    def __init__(
        self,
        pooled: UpliftModel | None,
        segments: dict[str, UpliftModel],
        report: ResponseReport,
        reach: ReachModel | None = None,
    ) -> None:
        if (pooled is None) == (reach is None):
            raise ValueError("a response model is either reach-decomposed or pooled, not both")
        self.pooled = pooled
        self.segments = segments
        self.report = report
        self.reach = reach

    def predict(self, features: pl.DataFrame) -> tuple[Floats, Floats, Floats]:
        """(uplift, P(accept | contacted), P(accept | not contacted)) per row."""
        if self.reach is not None:
            return self.reach.predict(features)
        assert self.pooled is not None
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
    """Fit the reach-decomposed model (:mod:`goodcall.models.reach`) or, when the history does
    not record reach, the pooled model and its specialised segments (see the module).

    ``params`` (None: each model's own defaults) and ``method`` (the pooled model's learner)
    are passed on; the segment limits are those of :func:`fit_pooled`.
    """
    held = holdout_mask(rows["customer_id"])
    test = rows.filter(held)
    t_test, y_test = _arrays(test)
    try:
        reach = fit_reach(rows, held, seed=seed, params=params)
    except ReachInputError as err:
        rejected = str(err)
    else:
        reach_uplift = reach.predict(test.select(FEATURE_COLUMNS))[0]
        report = ResponseReport(
            structure="reach",
            reach=reach.report,
            reach_scores=score_uplift(reach_uplift, t_test, y_test),
        )
        return ResponseModel(None, {}, report, reach)
    model = fit_pooled(
        rows,
        held,
        seed=seed,
        params=params,
        method=method,
        segment_min_rows=segment_min_rows,
        segment_min_control_conversions=segment_min_control_conversions,
        max_segments=max_segments,
        trained_at=trained_at,
    )
    model.report.reach_rejected = rejected
    return model


def fit_pooled(
    rows: pl.DataFrame,
    held: npt.NDArray[np.bool_],
    *,
    seed: int = 0,
    params: LightGBMParams | None = None,
    method: str = "auto",
    segment_min_rows: int = 20_000,
    segment_min_control_conversions: int = 30,
    max_segments: int = 3,
    trained_at: dt.datetime | None = None,
) -> ResponseModel:
    """The pooled model and the specialised segment models that beat it (see the module).

    Segment models are tried for at most ``max_segments`` offer × channel cells, the largest
    first: each costs a full fit, and on rare outcomes a cell rarely beats the pooled model.

    Above ``LARGE_ROWS`` training rows: ``auto`` picks the learner by held-out Qini on a
    customer sample of ``SELECTION_ROWS`` rows, then fits it on every row; the T-learner keeps
    every conversion and control row but at most ``NEGATIVES_KEPT`` treated non-converters,
    and corrects P(accept | contacted) for it (negative down-sampling with prior correction:
    p = q·p′ / (1 − p′ + q·p′)), which is exact for the treated arm's model.
    """
    params = params if params is not None else TRAINING_PARAMS
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
        pooled_method=pooled.metadata.method,
        treated_negative_rate=q,
        method_chosen_on_rows=chosen_on,
    )
    pooled_uplift = ResponseModel(pooled, {}, report).predict(test.select(FEATURE_COLUMNS))[0]
    report.pooled = score_uplift(pooled_uplift, t_test, y_test)
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
    from goodcall.models.uplift.fit import fit_candidates  # LightGBM: imported when used

    treated, converted = _arrays(rows)
    search = fit_candidates(
        rows.select(FEATURE_COLUMNS),
        treated,
        converted,
        methods=RESPONSE_METHODS if method == "auto" else (method,),  # type: ignore[arg-type]
        seed=seed,
        params=params,
        feature_columns=list(FEATURE_COLUMNS),
        created_at=trained_at,
        requested_method=method,
        search_rows=LARGE_ROWS,
    )
    return search.models[search.chosen]


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
