"""P(annoy | contacted): the chance that a contact ends in a complaint, a do-not-call request or
an abandoned call (a person said hello and heard silence: no agent came in time).

Trained on the *treated* historical contacts only (a control customer was not contacted, so
cannot have been annoyed by us). LightGBM on the same candidate features as the response model,
then calibrated on a separate split of customers — isotonic regression when the calibration part
has at least ``ISOTONIC_MIN_POSITIVES`` annoyed rows, Platt scaling otherwise — because the
arbitration multiplies this probability by what the relationship is worth: a score that merely
ranks is not enough, it must be a probability. Reported on a held-out split of customers: AUC,
expected calibration error (ECE, 10 equal-count bins), Brier score and the base rate.

**Features: everything the response model reads except the offer's identity** (its id and its
margin, which names it as surely): the offer enters only through what it *is* for this customer
— its kind, whether it fits their phone, their plan, a promotion they saw or redeemed. Why: a
carrier's history sends each offer through one channel, so a model that knows the offer's name
learns each channel's annoyance as the names of its offers and scores an e-mail about an offer
only ever phoned like a call. Without the name, a channel's level is learned from every offer
sent through it (figures: ``docs/decisions.md``).

The import format has no churn event, so "annoyed" is complaint, do-not-call request or abandoned
call; a data set with churn can add it to ``ANNOY_OUTCOMES`` of :mod:`goodcall.models.rows`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt
import polars as pl
from pydantic import BaseModel

from goodcall.hashing import salted_uniform
from goodcall.models.checksums import read_booster
from goodcall.models.features import FeatureEncoder
from goodcall.models.inputs import FEATURE_COLUMNS
from goodcall.models.sampling import sample_negatives
from goodcall.models.uplift.params import LightGBMParams

if TYPE_CHECKING:
    import lightgbm as lgb

ANNOYANCE_FEATURES: tuple[str, ...] = tuple(
    f for f in FEATURE_COLUMNS if f not in ("offer_id", "offer_value")
)
"""What the annoyance model reads: the candidate features without the offer's name (see above)."""
ISOTONIC_MIN_POSITIVES = 50
MIN_POSITIVES = 20
Floats = npt.NDArray[np.float64]


class Calibrator(BaseModel):
    """Raw score → probability: isotonic (piecewise linear) or Platt (logistic of the logit)."""

    kind: Literal["isotonic", "platt", "constant"]
    x: list[float] = []
    y: list[float] = []
    a: float = 0.0
    b: float = 0.0

    def apply(self, raw: Floats) -> Floats:
        if self.kind == "constant":
            return np.full(raw.shape, self.b)
        if self.kind == "isotonic":
            return np.asarray(np.interp(raw, self.x, self.y), dtype=np.float64)
        logit = np.log(np.clip(raw, 1e-9, 1 - 1e-9) / np.clip(1 - raw, 1e-9, 1.0))
        return np.asarray(1.0 / (1.0 + np.exp(-(self.a * logit + self.b))), dtype=np.float64)


class CalibrationReport(BaseModel):
    """Held-out quality of the calibrated probabilities."""

    rows: int
    positives: int
    base_rate: float
    auc: float | None
    ece: float
    brier: float
    calibration: str


def expected_calibration_error(p: Floats, y: npt.NDArray[np.bool_], bins: int = 10) -> float:
    """Σ share of rows × |mean predicted − observed rate| over equal-count bins of ``p``."""
    if p.size == 0:
        return 0.0
    order = np.argsort(p, kind="stable")
    total = 0.0
    for chunk in np.array_split(order, min(bins, p.size)):
        total += chunk.size * abs(float(p[chunk].mean()) - float(y[chunk].mean()))
    return total / p.size


def calibration_report(p: Floats, y: npt.NDArray[np.bool_], kind: str) -> CalibrationReport:
    from sklearn.metrics import roc_auc_score  # imported when used: see goodcall.cli

    auc = float(roc_auc_score(y, p)) if 0 < y.sum() < y.size else None
    return CalibrationReport(
        rows=int(y.size),
        positives=int(y.sum()),
        base_rate=float(y.mean()) if y.size else 0.0,
        auc=auc,
        ece=expected_calibration_error(p, y),
        brier=float(np.mean((p - y) ** 2)) if y.size else 0.0,
        calibration=kind,
    )


class AnnoyanceModel:
    """Calibrated P(annoy | contacted)."""

    def __init__(
        self,
        encoder: FeatureEncoder,
        booster: lgb.Booster | None,
        calibrator: Calibrator,
        report: CalibrationReport,
    ) -> None:
        self.encoder = encoder
        self.booster = booster
        self.calibrator = calibrator
        self.report = report

    def raw(self, features: pl.DataFrame) -> Floats:
        if self.booster is None:
            return np.zeros(features.height)
        x = self.encoder.transform(features)
        return np.asarray(self.booster.predict(x), dtype=np.float64)

    def predict(self, features: pl.DataFrame) -> Floats:
        """Calibrated probability that contacting this row annoys the customer."""
        return np.clip(self.calibrator.apply(self.raw(features)), 0.0, 1.0)

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        if self.booster is not None:
            (directory / "booster.txt").write_text(
                self.booster.model_to_string(num_iteration=self.booster.best_iteration)
            )
        payload = {
            "encoder": self.encoder.to_dict(),
            "calibrator": self.calibrator.model_dump(),
            "report": self.report.model_dump(),
            "has_booster": self.booster is not None,
        }
        (directory / "annoyance.json").write_text(json.dumps(payload, indent=2))

    @classmethod
    def load(cls, directory: Path) -> AnnoyanceModel:

        payload = json.loads((directory / "annoyance.json").read_text())
        booster = read_booster(directory / "booster.txt") if payload["has_booster"] else None
        return cls(
            FeatureEncoder.from_dict(payload["encoder"]),
            booster,
            Calibrator.model_validate(payload["calibrator"]),
            CalibrationReport.model_validate(payload["report"]),
        )


def _buckets(customer_ids: pl.Series) -> Floats:
    return salted_uniform(customer_ids, "annoy")


def _fit_calibrator(raw: Floats, y: npt.NDArray[np.bool_]) -> Calibrator:
    from sklearn.isotonic import IsotonicRegression
    from sklearn.linear_model import LogisticRegression

    if y.sum() >= ISOTONIC_MIN_POSITIVES:
        iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(raw, y)
        return Calibrator(
            kind="isotonic", x=iso.X_thresholds_.tolist(), y=iso.y_thresholds_.tolist()
        )
    logit = np.log(np.clip(raw, 1e-9, 1 - 1e-9) / np.clip(1 - raw, 1e-9, 1.0))
    lr = LogisticRegression(C=1e6).fit(logit.reshape(-1, 1), y)
    return Calibrator(kind="platt", a=float(lr.coef_[0, 0]), b=float(lr.intercept_[0]))


def fit_annoyance(
    rows: pl.DataFrame, *, seed: int = 0, params: LightGBMParams | None = None
) -> AnnoyanceModel:
    """Fit on treated rows (``annoyed`` label): 60 % train, 10 % early stopping, 10 %
    calibration, 20 % held out for the report — split by customer. Past ``NEGATIVES_KEPT``
    non-annoyed training rows, the rest are sampled out (every annoyed row is kept); the
    calibration split is not, so the calibrated probabilities stay unbiased."""
    import lightgbm as lgb  # imported when used: see goodcall.cli

    treated = rows.filter(pl.col("treated"))
    y_all = treated["annoyed"].to_numpy().astype(bool)
    u = _buckets(treated["customer_id"])
    test, calib, valid = u < 0.2, (u >= 0.2) & (u < 0.3), (u >= 0.3) & (u < 0.4)
    train = u >= 0.4
    keep, _ = sample_negatives(  # the calibration split, untouched, puts the probabilities right
        train & ~y_all, lambda: _buckets(treated["customer_id"] + "#neg")
    )
    train &= keep
    encoder = FeatureEncoder().fit(treated.select(ANNOYANCE_FEATURES), list(ANNOYANCE_FEATURES))
    if y_all[train].sum() < MIN_POSITIVES or y_all[calib].sum() == 0:
        rate = float((y_all.sum() + 1.0) / (y_all.size + 2.0))
        calibrator = Calibrator(kind="constant", b=rate)
        p = np.full(int(test.sum()), rate)
        return AnnoyanceModel(
            encoder, None, calibrator, calibration_report(p, y_all[test], "constant")
        )
    x = encoder.transform(treated.select(ANNOYANCE_FEATURES))
    settings = params if params is not None else LightGBMParams()
    cats = encoder.categorical_indices
    booster = lgb.train(
        settings.booster_params("binary", seed),
        lgb.Dataset(x[train], y_all[train], categorical_feature=cats, free_raw_data=True),
        num_boost_round=settings.n_estimators,
        valid_sets=[lgb.Dataset(x[valid], y_all[valid], categorical_feature=cats)],
        callbacks=[lgb.early_stopping(settings.early_stopping_rounds or 30, verbose=False)],
    )
    raw = np.asarray(booster.predict(x, num_iteration=booster.best_iteration), dtype=np.float64)
    calibrator = _fit_calibrator(raw[calib], y_all[calib])
    p_test = np.clip(calibrator.apply(raw[test]), 0.0, 1.0)
    report = calibration_report(p_test, y_all[test], calibrator.kind)
    return AnnoyanceModel(encoder, booster, calibrator, report)
