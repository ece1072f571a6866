"""Reach-decomposed response model: what a contact changes, split into "did it reach them" and
"what it did once it had".

A contact can only change a customer it reaches: an unanswered call, an unopened e-mail, an
in-app message never seen changes nothing about whether they take the offer. The contact history
records which contacts reached the customer (outcomes ``accepted``, ``declined``, ``complaint``,
``dnc_request``) and which did not (``no_answer``, ``voicemail``, ``abandoned``: a person said
hello and no agent came, so no offer was made), so the uplift is estimated as

    uplift = P(reach | customer, channel, hour) × (P(accept | reached) − P(accept | not reached))

with two LightGBM models:

* **reach** — every treated contact, label "reached"; knows the channel and the hour (answer
  rates by hour, e-mail opens, app users) and the customer, **not the offer**: a call is
  answered, a message opened, before the offer is known. It is trained on every contact of
  every campaign, so its level per channel is estimated from far more rows than any offer has.
  Why not the offer: a carrier's history sends each offer through one channel, so trees that
  split on the offer learn that channel's reach and apply it to the offer's other channels
  (the SMS of offers only ever phoned came out read far less often than they are).
* **conversion** — one model of taking the offer, for every contact whose reach is known and
  every control contact, label "converted", with a feature ``reached_by``: ``none`` for control
  contacts and treated contacts that did not reach the customer (nothing was said to them),
  ``talk`` for a reached call, ``message`` for a read SMS, e-mail or in-app message (a message
  that was read is a message that was read). P(accept | not reached) is the model with
  ``reached_by = none``, P(accept | reached) the model with the contact's medium. Interaction
  constraints (:func:`_contact_apart`) split its trees in two families:

  - trees about **the offer** (its level, how it fits the customer, their taste) never test
    ``reached_by``: they are the same whether the customer was reached or not, so they are
    learned from every conversion — organic take-ups and persuaded ones alike;
  - trees about **being reached** (``reached_by`` with the customer: who a call persuades,
    who a message irritates) never test the offer: being reached multiplies the odds of taking
    *any* offer the same way for the same customer at the same moment.

  The contact's moment (hour, outside stated hours) is recorded for every row — a control
  customer's planned moment too — and may appear in either family. (Nulling it for the rows
  that reached no one, so that the organic take-up could not depend on it, did worse.)

  So the contact's effect is a *relative* one — the log-odds a call adds are the same for every
  offer (tested exactly) — and an offer's level comes from everything recorded about it. Why:
  a carrier's history sends most offers through one channel and each offer holds a few dozen
  conversions, so per-offer effects are mostly noise and an offer only ever messaged must get a
  call's effect from the offers that were called. Two separate models (organic take-up, and
  acceptance when reached fitted on top of it) would each learn an offer's fit from their own
  few conversions only, and under-predict the customers the catalog admits now (who fit better
  than past audiences).

  The assumption that an unreached contact changed nothing is checked on every fit: the report
  states the take-up rate of unreached treated contacts next to the control groups'
  (``organic_check``).

Why not the pooled meta-learner of :mod:`goodcall.models.response`: it sees the channel as one
feature among many, so it folds the channel into the offer and mis-scores every channel an offer
never used. The measured figures of every choice above are in ``docs/decisions.md``.

Rare conversions: past ``NEGATIVES_KEPT`` negative rows a model keeps every positive and a stable
random share ``q`` of the negatives, and its probabilities are corrected back
(``p = q·p′ / (1 − p′ + q·p′)``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import polars as pl
from pydantic import BaseModel

from goodcall.hashing import salted_uniform
from goodcall.models.checksums import read_booster
from goodcall.models.distinct import predict_distinct
from goodcall.models.features import FeatureEncoder
from goodcall.models.inputs import FEATURE_COLUMNS
from goodcall.models.sampling import sample_negatives, undo_negative_sampling
from goodcall.models.uplift.params import LightGBMParams

if TYPE_CHECKING:
    import lightgbm as lgb

c = pl.col
Floats = npt.NDArray[np.float64]

REACHED_OUTCOMES = ("accepted", "declined", "complaint", "dnc_request")
UNREACHED_OUTCOMES = ("no_answer", "voicemail", "abandoned")
MEDIUM = {"phone": "talk", "sms": "message", "email": "message", "app": "message"}
NOT_REACHED = "none"
MIN_ROWS = 200  # reached and unreached treated contacts, each, to fit at all
MIN_CONVERSIONS = 20  # conversions among reached contacts and among organic rows, each
PARTS = ("reach", "conversion")
OFFER_FEATURES: tuple[str, ...] = tuple(
    f for f in FEATURE_COLUMNS if f.startswith(("offer_", "promotion_"))
)
"""Features of the offer itself (id, kind, margin, fit, promotion seen or redeemed); the reach
model reads none of them (see the module)."""
REACH_FEATURES: tuple[str, ...] = tuple(f for f in FEATURE_COLUMNS if f not in OFFER_FEATURES)
CONVERSION_FEATURES: tuple[str, ...] = tuple(
    "reached_by" if f == "channel" else f for f in FEATURE_COLUMNS
)
_SEED_OFFSETS = {"reach": 11, "conversion": 14}

REACH_PARAMS = LightGBMParams(
    learning_rate=0.05,
    n_estimators=600,
    subsample=0.5,
    max_bin=63,
    early_stopping_rounds=40,
    min_child_samples=100,
)
"""The reach-decomposed model's settings when none are given: smaller leaves and more, smaller
steps than :data:`goodcall.models.response.TRAINING_PARAMS` (the same
bagging and bins). Why: each of its parts sees a slice of the history, and 500-row leaves
pulled every customer toward their campaign's mean — the offers' call uplift came out far below
the truth among the customers the catalog admits now (who fit better than past audiences). The
joint conversion model is not sensitive to the leaf size around it (``docs/decisions.md``)."""


class ReachInputError(ValueError):
    """A contact history that does not record reach well enough to fit this model."""


def with_medium(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with ``reached_by`` set to the medium (``talk`` / ``message``) of its channel:
    the rows as contacts that reach the customer."""
    return frame.with_columns(
        c("channel")
        .replace_strict(MEDIUM, default=None, return_dtype=pl.String)
        .alias("reached_by")
    )


def not_reached(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` as contacts that did not reach the customer (``reached_by = none``)."""
    return frame.with_columns(pl.lit(NOT_REACHED).alias("reached_by"))


class PartReport(BaseModel):
    """One of the models: rows, positives, trees, held-out AUC."""

    rows: int
    positives: int
    negative_rate: float  # share of negative training rows kept
    trees: int
    auc: float | None


class ReachReport(BaseModel):
    """What the reach-decomposed model was fitted on and how its parts do on held-out rows."""

    parts: dict[str, PartReport]
    organic_check: dict[str, float | int]  # unreached treated vs control take-up


@dataclass
class _Part:
    """One booster with its encoder and the negative-sampling rate to undo."""

    encoder: FeatureEncoder
    booster: lgb.Booster
    negative_rate: float

    def log_odds(self, frame: pl.DataFrame) -> Floats:
        """The booster's raw score (log-odds of the negatively sampled training rows), once
        per distinct row of the features this part reads."""
        return predict_distinct(frame.select(self.encoder.feature_names), self._raw)

    def _raw(self, frame: pl.DataFrame) -> Floats:
        out = self.booster.predict(
            self.encoder.transform(frame),
            num_iteration=self.booster.best_iteration,
            raw_score=True,
        )
        return np.asarray(out, dtype=np.float64)

    def predict(self, frame: pl.DataFrame) -> Floats:
        """Probabilities, corrected for the negative sampling."""
        p = 1.0 / (1.0 + np.exp(-self.log_odds(frame)))
        return undo_negative_sampling(p, self.negative_rate)


class ReachModel:
    """uplift = P(reach) × (P(accept | reached) − P(accept | not reached)); see the module."""

    def __init__(self, parts: dict[str, _Part], report: ReachReport) -> None:
        self.parts = parts
        self.report = report

    def take_up(self, features: pl.DataFrame) -> tuple[Floats, Floats]:
        """(P(accept | reached), P(accept | not reached)) per row of
        :data:`goodcall.models.inputs.FEATURE_COLUMNS`."""
        reached = with_medium(features)
        conversion = self.parts["conversion"]
        return conversion.predict(reached), conversion.predict(not_reached(reached))

    def predict(self, features: pl.DataFrame) -> tuple[Floats, Floats, Floats]:
        """(uplift, P(accept | contacted), P(accept | not contacted)) per row of
        :data:`goodcall.models.inputs.FEATURE_COLUMNS`."""
        reach = self.parts["reach"].predict(with_medium(features))
        accept, organic = self.take_up(features)
        contacted = reach * accept + (1.0 - reach) * organic
        return contacted - organic, contacted, organic

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        payload: dict[str, object] = {"report": self.report.model_dump(), "parts": {}}
        for name, part in self.parts.items():
            (directory / f"{name}.txt").write_text(
                part.booster.model_to_string(num_iteration=part.booster.best_iteration)
            )
            payload["parts"][name] = {  # type: ignore[index]
                "encoder": part.encoder.to_dict(),
                "negative_rate": part.negative_rate,
            }
        (directory / "reach.json").write_text(json.dumps(payload, indent=2))

    @classmethod
    def load(cls, directory: Path) -> ReachModel:

        payload = json.loads((directory / "reach.json").read_text())
        missing = [name for name in PARTS if name not in payload["parts"]]
        if missing:
            raise ValueError(
                f"{directory} holds a reach model without its {', '.join(missing)} part "
                f"(it has {', '.join(sorted(payload['parts']))}): it was saved by an older "
                "goodcall; train the models again (goodcall models train)"
            )
        parts = {}
        for name in PARTS:
            spec = payload["parts"][name]
            booster = read_booster(directory / f"{name}.txt")
            booster.best_iteration = booster.current_iteration()
            parts[name] = _Part(
                FeatureEncoder.from_dict(spec["encoder"]), booster, float(spec["negative_rate"])
            )
        return cls(parts, ReachReport.model_validate(payload["report"]))


def _contact_apart(encoder: FeatureEncoder) -> list[list[int]]:
    """LightGBM interaction constraints of the conversion model (see the module).

    A branch tests either ``reached_by`` with the customer and the moment, or the offer with the
    customer and the moment, never ``reached_by`` and the offer together: what being reached
    adds to the log-odds is then the same for every offer (for a customer at a moment), and what
    an offer's fit does is the same whether the customer was reached or not.
    """
    names = encoder.feature_names
    with_contact = [i for i, n in enumerate(names) if n not in OFFER_FEATURES]
    with_offer = [i for i, n in enumerate(names) if n != "reached_by"]
    return [with_contact, with_offer]


def _fit_part(
    name: str,
    frame: pl.DataFrame,
    label: str,
    columns: tuple[str, ...],
    held: npt.NDArray[np.bool_],
    params: LightGBMParams,
    seed: int,
) -> tuple[_Part, PartReport]:
    """Train on the non-held rows (negatives sampled past ``NEGATIVES_KEPT``), early-stop and
    report on the held-out ones."""
    import lightgbm as lgb  # imported when used: see goodcall.cli
    from sklearn.metrics import roc_auc_score

    y = frame[label].to_numpy().astype(bool)
    train = ~held
    keep, q = sample_negatives(
        train & ~y,
        lambda: salted_uniform(frame["customer_id"] + frame["campaign_id"], name + ":neg"),
    )
    train &= keep
    encoder = FeatureEncoder().fit(frame.select(columns), list(columns))
    x = encoder.transform(frame.select(columns))
    settings = params.booster_params("binary", seed + _SEED_OFFSETS[name], rows=int(train.sum()))
    if "reached_by" in columns:
        settings["interaction_constraints"] = _contact_apart(encoder)
    cats = encoder.categorical_indices
    valid_sets: list[lgb.Dataset] = []
    callbacks: list[Callable[..., Any]] = []
    if held.any() and params.early_stopping_rounds > 0:
        valid_sets.append(lgb.Dataset(x[held], y[held], categorical_feature=cats))
        callbacks.append(lgb.early_stopping(params.early_stopping_rounds, verbose=False))
    booster = lgb.train(
        settings,
        lgb.Dataset(x[train], y[train], categorical_feature=cats, free_raw_data=True),
        num_boost_round=params.n_estimators,
        valid_sets=valid_sets,
        callbacks=callbacks,
    )
    if booster.best_iteration <= 0:
        booster.best_iteration = booster.current_iteration()
    part = _Part(encoder, booster, q)
    auc = None
    if held.any() and 0 < y[held].sum() < held.sum():
        scores = part.predict(frame.filter(pl.Series(held)))
        auc = float(roc_auc_score(y[held], scores))
    report = PartReport(
        rows=int(y.size),
        positives=int(y.sum()),
        negative_rate=q,
        trees=booster.best_iteration,
        auc=auc,
    )
    return part, report


def _organic_check(rows: pl.DataFrame) -> dict[str, float | int]:
    """Take-up of unreached treated contacts vs control contacts (should agree)."""
    unreached = rows.filter(c("treated") & c("outcome").is_in(list(UNREACHED_OUTCOMES)))
    control = rows.filter(~c("treated"))
    return {
        "unreached_rows": unreached.height,
        "unreached_rate": float(unreached["converted"].mean() or 0.0),  # type: ignore[arg-type]
        "control_rows": control.height,
        "control_rate": float(control["converted"].mean() or 0.0),  # type: ignore[arg-type]
    }


def _conversion_rows(frame: pl.DataFrame, reached: pl.Series) -> pl.DataFrame:
    """The rows of the conversion model: reached contacts as they were, the others (control,
    unreached) as contacts that reached no one."""
    return pl.concat(
        [with_medium(frame.filter(reached)), not_reached(frame.filter(~reached))],
        how="vertical_relaxed",
    )


def fit_reach(
    rows: pl.DataFrame,
    held: npt.NDArray[np.bool_],
    *,
    seed: int = 0,
    params: LightGBMParams | None = None,
) -> ReachModel:
    """Fit the reach and conversion models on the training rows of
    :func:`goodcall.models.rows.training_rows` (``held``: the held-out customers' rows).

    Raises :class:`ReachInputError` when the history does not record reach (too few reached or
    unreached contacts) or holds too few conversions to learn from.
    """
    params = params if params is not None else REACH_PARAMS
    frame = rows.with_columns(pl.Series("_held", held))
    treated = frame["treated"].to_numpy().astype(bool)
    reached = treated & frame["outcome"].is_in(list(REACHED_OUTCOMES)).to_numpy()
    unreached = treated & frame["outcome"].is_in(list(UNREACHED_OUTCOMES)).to_numpy()
    converted = frame["converted"].to_numpy().astype(bool)
    organic = ~treated | unreached
    for what, count, needed in (
        ("reached treated contacts", int(reached.sum()), MIN_ROWS),
        (
            "unreached treated contacts (no_answer, voicemail, abandoned)",
            int(unreached.sum()),
            MIN_ROWS,
        ),
        ("conversions among reached contacts", int((reached & converted).sum()), MIN_CONVERSIONS),
        ("conversions without a contact", int((organic & converted).sum()), MIN_CONVERSIONS),
    ):
        if count < needed:
            raise ReachInputError(f"the history holds {count} {what}; need {needed}")
    scoped = reached | unreached
    reach_rows = with_medium(frame.filter(pl.Series(scoped))).with_columns(
        pl.Series("_reached", reached[scoped])
    )
    known = reached | organic
    conversion_rows = _conversion_rows(frame.filter(pl.Series(known)), pl.Series(reached[known]))
    specs = (
        ("reach", reach_rows, "_reached", REACH_FEATURES),
        ("conversion", conversion_rows, "converted", CONVERSION_FEATURES),
    )
    parts: dict[str, _Part] = {}
    reports: dict[str, PartReport] = {}
    for name, subset, label, columns in specs:
        parts[name], reports[name] = _fit_part(
            name, subset, label, columns, subset["_held"].to_numpy(), params, seed
        )
    return ReachModel(parts, ReachReport(parts=reports, organic_check=_organic_check(frame)))
