"""Model health: is a saved set still fit to decide? AUC, calibration, drift.

* **AUC** of the annoyance model on held-out customers: healthy between 0.55 and 0.80 (the band
  Pega uses for adaptive models — below, the model barely ranks; above, suspect a leak).
* **Calibration**: expected calibration error of P(annoy) on held-out customers; warning when it
  exceeds half the base rate (the probability is then off by more than the thing it measures).
* **Uplift ranking**: held-out Qini coefficient of the response model; warning when ≤ 0 (the
  ranking is no better than random).
* **Drift**: population stability index (PSI) of every profile feature and of the models'
  scores between the customer base the set was trained for and the current profiles; < 0.10
  stable, 0.10–0.25 watch, > 0.25 drifted. Like is compared with like: the reference is the
  store's profiles *at the training cut-off* (``models train`` passes them), not the training
  rows — those are the customers a past campaign chose, each as they were at their contact (a
  phone is younger, its financing longer, the day it was pitched), so a set checked against the
  very base it was trained on would read as drifted (``docs/decisions.md``). Scores
  are computed the same way on both sides — a fixed sample of customers, each given one of the
  training contacts' offer × channel × hour —, so only the customers change. A set trained
  without the base (``evaluate``) falls back on the training rows.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt
import polars as pl
from pydantic import BaseModel

from goodcall.models.inputs import (
    FEATURE_COLUMNS,
    OFFER_SCHEMA,
    PROFILE_FEATURES,
    candidate_features,
)

if TYPE_CHECKING:
    from goodcall.models.annoyance import AnnoyanceModel
    from goodcall.models.registry import ModelSet
    from goodcall.models.response import ResponseModel

AUC_BAND = (0.55, 0.80)
PSI_WATCH, PSI_DRIFT = 0.10, 0.25
SAMPLE_ROWS = 20_000
MIX_ROWS = 2_000
Status = Literal["healthy", "warning", "drifted"]


def psi(expected: npt.NDArray[np.float64], actual: npt.NDArray[np.float64]) -> float:
    """Population stability index between two share vectors (floored at 1e-4 per bin)."""
    e = np.maximum(np.asarray(expected, dtype=float), 1e-4)
    a = np.maximum(np.asarray(actual, dtype=float), 1e-4)
    e, a = e / e.sum(), a / a.sum()
    return float(np.sum((a - e) * np.log(a / e)))


def _numeric_bins(values: pl.Series) -> dict[str, Any]:
    clean = values.drop_nulls().cast(pl.Float64)
    edges = sorted(set(np.quantile(clean.to_numpy(), np.linspace(0.1, 0.9, 9)).tolist()))
    return {"kind": "numeric", "edges": edges, "shares": _numeric_shares(values, edges)}


def _numeric_shares(values: pl.Series, edges: list[float]) -> list[float]:
    arr = values.cast(pl.Float64).to_numpy()
    null = np.isnan(arr) | values.is_null().to_numpy()
    idx = np.searchsorted(np.asarray(edges), arr[~null], side="right")
    counts = np.bincount(idx, minlength=len(edges) + 1).astype(float)
    shares = np.concatenate([counts, [float(null.sum())]])
    return [float(v) for v in shares / max(shares.sum(), 1.0)]


def _categorical_bins(values: pl.Series) -> dict[str, Any]:
    top = values.cast(pl.String).drop_nulls().value_counts(sort=True).head(30)
    categories = top[top.columns[0]].to_list()
    return {
        "kind": "categorical",
        "categories": categories,
        "shares": _categorical_shares(values, categories),
    }


def _categorical_shares(values: pl.Series, categories: list[str]) -> list[float]:
    text = values.cast(pl.String)
    counts = [float((text == cat).sum()) for cat in categories]
    other = float(text.is_not_null().sum()) - sum(counts)
    shares = np.array([*counts, other, float(text.is_null().sum())])
    return [float(v) for v in shares / max(shares.sum(), 1.0)]


def distribution(values: pl.Series) -> dict[str, Any]:
    """Bins and shares of a column (numeric: training deciles; categorical: top 30 + other)."""
    if values.dtype.is_numeric():
        return _numeric_bins(values)
    return _categorical_bins(values)


def shares_like(reference: dict[str, Any], values: pl.Series) -> list[float]:
    """Shares of ``values`` in the reference's bins."""
    if reference["kind"] == "numeric":
        return _numeric_shares(values, reference["edges"])
    return _categorical_shares(values, reference["categories"])


def _scores(
    features: pl.DataFrame, response: ResponseModel | None, annoyance: AnnoyanceModel | None
) -> dict[str, pl.Series]:
    out: dict[str, pl.Series] = {}
    if response is not None:
        out["uplift"] = pl.Series(response.predict(features)[0])
    if annoyance is not None:
        out["p_annoy"] = pl.Series(annoyance.predict(features))
    return out


def training_reference(
    rows: pl.DataFrame,
    response: ResponseModel | None,
    annoyance: AnnoyanceModel | None,
    population: pl.DataFrame | None = None,
    at: dt.datetime | None = None,
) -> dict[str, Any]:
    """What drift is measured against: feature and score distributions, and the contact mix.

    ``population``: the customer base's profiles at ``at`` (the training cut-off) — the
    reference then is what :func:`drift_checks` would measure on that base, so a set checked
    against the base it was trained on shows no drift. Without it, the training rows."""
    sample = rows.sample(min(rows.height, SAMPLE_ROWS), seed=0) if rows.height else rows
    mix = sample.select("offer_id", "channel", "local_hour").head(MIX_ROWS)
    offers = rows.select(list(OFFER_SCHEMA)).unique("offer_id").sort("offer_id")
    if population is not None and at is not None:
        base, base_scores = (
            population,
            _mix_scores(population, mix.to_dicts(), offers, at, response, annoyance),
        )
    else:
        base = sample
        base_scores = _scores(sample.select(FEATURE_COLUMNS), response, annoyance)
    return {
        "features": {
            name: distribution(base[name]) for name in PROFILE_FEATURES if name in base.columns
        },
        "scores": {name: distribution(values) for name, values in base_scores.items()},
        "mix": mix.to_dicts(),
        "offers": offers.to_dicts(),
    }


def _mix_scores(
    profiles: pl.DataFrame,
    mix: list[dict[str, Any]],
    offers: pl.DataFrame,
    at: dt.datetime,
    response: ResponseModel | None,
    annoyance: AnnoyanceModel | None,
) -> dict[str, pl.Series]:
    """The models' scores of a fixed sample of ``profiles``, each customer given one of the
    training contacts' offer × channel × hour (``mix``), as of ``at``. The sample is drawn from
    the customers in id order: the store returns them in no fixed order."""
    if not mix or profiles.height == 0:
        return {}
    ordered = profiles.sort("customer_id") if "customer_id" in profiles.columns else profiles
    sample = ordered.sample(min(profiles.height, len(mix)), seed=0)
    pairs = sample.with_columns(
        pl.DataFrame(mix).head(sample.height).to_struct("m").struct.unnest()
    ).with_columns(pl.lit(at).alias("_as_of"))
    features = candidate_features(pairs.lazy(), offers).collect().select(FEATURE_COLUMNS)
    return _scores(features, response, annoyance)


class Check(BaseModel):
    name: str
    value: float | None
    status: Status
    detail: str


class HealthReport(BaseModel):
    trained_at: dt.datetime
    cutoff: dt.datetime
    checks: list[Check]
    drift: list[Check]

    @property
    def status(self) -> Status:
        statuses = {c.status for c in (*self.checks, *self.drift)}
        if "drifted" in statuses:
            return "drifted"
        return "warning" if "warning" in statuses else "healthy"


def _psi_status(value: float) -> Status:
    if value > PSI_DRIFT:
        return "drifted"
    return "warning" if value > PSI_WATCH else "healthy"


def quality_checks(models: ModelSet) -> list[Check]:
    """AUC, calibration and uplift-ranking checks from the set's held-out metrics."""
    checks: list[Check] = []
    ann = models.metadata.annoyance
    if ann is not None:
        auc = ann.auc
        ok = auc is not None and AUC_BAND[0] <= auc <= AUC_BAND[1]
        checks.append(
            Check(
                name="annoyance AUC",
                value=auc,
                status="healthy" if ok else "warning",
                detail=f"held-out, {ann.positives} annoyed of {ann.rows}; band {AUC_BAND}",
            )
        )
        limit = 0.5 * ann.base_rate
        checks.append(
            Check(
                name="annoyance calibration error",
                value=ann.ece,
                status="healthy" if ann.ece <= limit else "warning",
                detail=f"ECE vs limit {limit:.4f} (half the base rate {ann.base_rate:.4f}); "
                f"{ann.calibration}",
            )
        )
    resp = models.metadata.response
    if resp is not None:
        scores, model = resp.scores, resp.model_name
        qini = scores.qini
        checks.append(
            Check(
                name="uplift Qini coefficient",
                value=qini,
                status="healthy" if qini is not None and qini > 0 else "warning",
                detail=f"held-out {model}, "
                f"{scores.treated} treated / {scores.control} control rows",
            )
        )
    return checks


def drift_checks(models: ModelSet, current: pl.DataFrame, at: dt.datetime) -> list[Check]:
    """PSI of profile features and of scores, training rows vs ``current`` profiles."""
    reference = models.reference or {}
    checks: list[Check] = []
    for name, ref in reference.get("features", {}).items():
        if name in current.columns:
            value = psi(np.array(ref["shares"]), np.array(shares_like(ref, current[name])))
            checks.append(Check(name=name, value=value, status=_psi_status(value), detail="PSI"))
    mix = reference.get("mix") or []
    if mix and reference.get("scores") and current.height:
        offers = pl.DataFrame(reference.get("offers", []), schema=OFFER_SCHEMA)
        scores = _mix_scores(current, mix, offers, at, models.response, models.annoyance)
        for name, values in scores.items():
            ref = reference["scores"][name]
            value = psi(np.array(ref["shares"]), np.array(shares_like(ref, values)))
            checks.append(
                Check(name=f"score {name}", value=value, status=_psi_status(value), detail="PSI")
            )
    return checks


def health_report(
    models: ModelSet, current: pl.DataFrame | None = None, at: dt.datetime | None = None
) -> HealthReport:
    """Quality checks always; drift checks when current profiles are given."""
    drift = (
        drift_checks(models, current, at or models.metadata.cutoff) if current is not None else []
    )
    return HealthReport(
        trained_at=models.metadata.trained_at,
        cutoff=models.metadata.cutoff,
        checks=quality_checks(models),
        drift=drift,
    )
