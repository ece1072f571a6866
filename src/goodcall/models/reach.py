"""Reach-decomposed response model: what a contact changes, split into "did it reach them" and
"what it did once it had".

A contact can only change a customer it reaches: an unanswered call, an unopened e-mail, an
in-app message never seen changes nothing about whether they take the offer. The contact history
records which contacts reached the customer (outcomes ``accepted``, ``declined``, ``complaint``,
``dnc_request``) and which did not (``no_answer``, ``voicemail``), so the uplift is estimated as

    uplift = P(reach | customer, channel, hour) × (P(accept | reached) − P(accept | not reached))

with three LightGBM models:

* **reach** — every treated contact, label "reached"; knows the channel and the hour (answer
  rates by hour, e-mail opens, app users) and the customer, **not the offer**: a call is
  answered, a message opened, before the offer is known. It is trained on every contact of
  every campaign, so its level per channel is estimated from far more rows than any offer has.
  Why not the offer: a carrier's history sends each offer through one channel, so trees that
  split on the offer learn that channel's reach and apply it to the offer's other channels (on
  the synthetic carrier the SMS of offers only ever phoned came out read by 53 % instead of
  85 %, in-app messages seen twice as often as they are).
* **accept when reached** — reached treated contacts, label "converted"; knows the offer and the
  *medium* — ``talk`` (a call) or ``message`` (SMS, e-mail, in-app) — not the channel: a message
  that was read is a message that was read. Why: a carrier's history sends most offers through
  one channel, so a model that knew the channel would fold the channel into the offer and score
  an e-mail of an offer only ever sent by SMS at the SMS level; here the channel's difference
  goes through the reach model, where it is learned from every campaign. Two constraints make
  it learn the *effect* of being reached rather than a second take-up rate:

  - it is fitted **on top of the organic part** (LightGBM ``init_score`` = the organic log-odds
    of each row): its trees hold only what being reached adds, so the uplift is one model's
    output, not the difference of two independently noisy ones;
  - **the medium never meets the offer in a tree** (interaction constraints, ``_medium_apart``):
    the medium's effect may depend on the customer and the moment but is the same for every
    offer, so an offer only ever messaged gets a call's effect from the offers that were called
    (before, trees that split on the offer first gave it its message level on the phone).
* **organic take-up** — control contacts *and* treated contacts that did not reach the customer
  (the contact changed nothing for them), label "converted"; knows the customer and the offer,
  not the channel nor the hour (no contact has none). This multiplies the rows of the rare
  "accepted without us" outcome by ~15 over the 5 % control groups alone. The assumption that
  an unreached contact changed nothing is checked on every fit: the report states the take-up
  rate of unreached treated contacts next to the control groups' (``organic_check``).

Measured on the synthetic carrier (``docs/decisions.md``): the pooled meta-learner, which sees
the channel as one feature among many, scored e-mail and in-app uplift at 3–9× the truth; this
decomposition, with the two constraints above and its own settings
(:data:`REACH_PARAMS`), captures about twice its share of the oracle.

Rare conversions: past ``NEGATIVES_KEPT`` negative rows a model keeps every positive and a stable
random share ``q`` of the negatives, and its probabilities are corrected back
(``p = q·p′ / (1 − p′ + q·p′)``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import lightgbm as lgb
import numpy as np
import numpy.typing as npt
import polars as pl
from pydantic import BaseModel
from sklearn.metrics import roc_auc_score

from goodcall.decide.features import FEATURE_COLUMNS
from goodcall.decide.hashing import salted_uniform, undo_negative_sampling
from goodcall.models.features import FeatureEncoder
from goodcall.models.uplift import LightGBMParams

c = pl.col
Floats = npt.NDArray[np.float64]

REACHED_OUTCOMES = ("accepted", "declined", "complaint", "dnc_request")
UNREACHED_OUTCOMES = ("no_answer", "voicemail")
CONTACT_FEATURES = ("channel", "local_hour", "outside_preferred")
MEDIUM = {"phone": "talk", "sms": "message", "email": "message", "app": "message"}
MIN_ROWS = 200  # reached and unreached treated contacts, each, to fit at all
MIN_CONVERSIONS = 20  # conversions among reached contacts and among organic rows, each
NEGATIVES_KEPT = 300_000
PARTS = ("reach", "accept", "organic")
OFFER_FEATURES: tuple[str, ...] = tuple(
    f for f in FEATURE_COLUMNS if f.startswith(("offer_", "promotion_"))
)
"""Features of the offer itself (id, kind, margin, fit, promotion seen or redeemed); the reach
model reads none of them (see the module)."""
REACH_FEATURES: tuple[str, ...] = tuple(f for f in FEATURE_COLUMNS if f not in OFFER_FEATURES)
ACCEPT_FEATURES: tuple[str, ...] = tuple("medium" if f == "channel" else f for f in FEATURE_COLUMNS)
ORGANIC_FEATURES: tuple[str, ...] = tuple(f for f in FEATURE_COLUMNS if f not in CONTACT_FEATURES)
_SEED_OFFSETS = {"reach": 11, "accept": 12, "organic": 13}

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
bagging and bins). Why: each of its parts sees a slice of the history (the reached
contacts of a 40,000-customer carrier are ~20,000 rows), and 500-row leaves pulled every
customer toward their campaign's mean — the offers' call uplift came out at about half the
truth among the customers the catalog admits now (who fit better than past audiences). On the
synthetic carrier (40,000 customers, seeds 0–2) the plan's share of the oracle went
to 54.0 % on average with these settings and the two constraints of
this module (47.3 % before)."""


class ReachInputError(ValueError):
    """A contact history that does not record reach well enough to fit this model."""


def with_medium(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with ``medium`` (``talk`` / ``message``) derived from ``channel``."""
    return frame.with_columns(
        c("channel").replace_strict(MEDIUM, default=None, return_dtype=pl.String).alias("medium")
    )


class PartReport(BaseModel):
    """One of the three models: rows, positives, trees, held-out AUC."""

    rows: int
    positives: int
    negative_rate: float  # share of negative training rows kept
    trees: int
    auc: float | None


class ReachReport(BaseModel):
    """What the reach-decomposed model was fitted on and how its parts do on held-out rows."""

    parts: dict[str, PartReport]
    organic_check: dict[str, float | int]  # unreached treated vs control take-up


def logit(p: Floats) -> Floats:
    """Log-odds of probabilities, kept finite (a probability of exactly 0 or 1 is clipped)."""
    q = np.clip(p, 1e-7, 1.0 - 1e-7)
    return np.asarray(np.log(q / (1.0 - q)), dtype=np.float64)


@dataclass
class _Part:
    """One booster with its encoder and the negative-sampling rate to undo.

    ``offset``: the booster was trained on top of another part's log-odds (``init_score``) and
    predicts only the difference; :meth:`predict` then needs that part's probabilities.
    """

    encoder: FeatureEncoder
    booster: lgb.Booster
    negative_rate: float
    offset: str | None = None

    def _raw(self, frame: pl.DataFrame, raw_score: bool) -> Floats:
        out = self.booster.predict(
            self.encoder.transform(frame),
            num_iteration=self.booster.best_iteration,
            raw_score=raw_score,
        )
        return np.asarray(out, dtype=np.float64)

    def predict(self, frame: pl.DataFrame, base: Floats | None = None) -> Floats:
        """Probabilities; ``base``: the offset part's probabilities on the same rows."""
        if self.offset is None:
            p = np.clip(self._raw(frame, raw_score=False), 0.0, 1.0)
            return undo_negative_sampling(p, self.negative_rate)
        if base is None:
            raise ValueError(f"this part is fitted on top of {self.offset!r}; pass its scores")
        # the sampling correction is inside the training offset, see _offset_scores
        return np.asarray(1.0 / (1.0 + np.exp(-(logit(base) + self._raw(frame, True)))))


class ReachModel:
    """uplift = P(reach) × (P(accept | reached) − P(accept | not reached)); see the module."""

    def __init__(self, parts: dict[str, _Part], report: ReachReport) -> None:
        self.parts = parts
        self.report = report

    def predict(self, features: pl.DataFrame) -> tuple[Floats, Floats, Floats]:
        """(uplift, P(accept | contacted), P(accept | not contacted)) per row of
        :data:`goodcall.decide.features.FEATURE_COLUMNS`."""
        frame = with_medium(features)
        reach = self.parts["reach"].predict(frame)
        organic = self.parts["organic"].predict(frame)
        accept = self.parts["accept"].predict(frame, organic)
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
                "offset": part.offset,
            }
        (directory / "reach.json").write_text(json.dumps(payload, indent=2))

    @classmethod
    def load(cls, directory: Path) -> ReachModel:
        payload = json.loads((directory / "reach.json").read_text())
        parts = {}
        for name in PARTS:
            spec = payload["parts"][name]
            booster = lgb.Booster(model_str=(directory / f"{name}.txt").read_text())
            booster.best_iteration = booster.current_iteration()
            parts[name] = _Part(
                FeatureEncoder.from_dict(spec["encoder"]),
                booster,
                float(spec["negative_rate"]),
                spec.get("offset"),
            )
        return cls(parts, ReachReport.model_validate(payload["report"]))


def _medium_apart(encoder: FeatureEncoder) -> list[list[int]]:
    """LightGBM interaction constraints that keep the medium away from the offer's features.

    A branch may test the medium together with the customer and the moment, or the offer
    together with the customer and the moment, never the medium and the offer together: the
    medium's effect (talk persuades more than a message) is then the same for every offer, and
    an offer only ever messaged gets a call's effect from the offers that were called. Without
    it, trees that split on the offer first gave such an offer its message level on the phone.
    """
    names = encoder.feature_names
    with_medium = [i for i, n in enumerate(names) if n not in OFFER_FEATURES]
    with_offer = [i for i, n in enumerate(names) if n != "medium"]
    return [with_medium, with_offer]


def _offset_scores(base: Floats | None, q: float) -> Floats | None:
    """Training ``init_score`` of a part fitted on top of ``base``: its log-odds, shifted by the
    negative sampling (a share ``q`` of negatives multiplies the odds by 1/q)."""
    if base is None:
        return None
    return logit(base) - float(np.log(q))


def _fit_part(
    name: str,
    frame: pl.DataFrame,
    label: str,
    columns: tuple[str, ...],
    held: npt.NDArray[np.bool_],
    params: LightGBMParams,
    seed: int,
    base: Floats | None = None,
) -> tuple[_Part, PartReport]:
    """Train on the non-held rows (negatives sampled past ``NEGATIVES_KEPT``), early-stop and
    report on the held-out ones. ``base``: the organic probabilities of ``frame``'s rows, for
    the accept part, which learns what being reached adds to them."""
    y = frame[label].to_numpy().astype(bool)
    train = ~held
    negatives = train & ~y
    q = min(1.0, NEGATIVES_KEPT / max(int(negatives.sum()), 1))
    if q < 1.0:
        train &= y | (
            salted_uniform(frame["customer_id"] + frame["campaign_id"], name + ":neg") < q
        )
    encoder = FeatureEncoder().fit(frame.select(columns), list(columns))
    x = encoder.transform(frame.select(columns))
    settings = params.booster_params("binary", seed + _SEED_OFFSETS[name], rows=int(train.sum()))
    if "medium" in columns:
        settings["interaction_constraints"] = _medium_apart(encoder)
    init = _offset_scores(base, q)
    cats = encoder.categorical_indices
    valid_sets: list[lgb.Dataset] = []
    callbacks: list[Callable[..., Any]] = []
    if held.any() and params.early_stopping_rounds > 0:
        held_init = None if base is None else logit(base[held])
        valid_sets.append(
            lgb.Dataset(x[held], y[held], categorical_feature=cats, init_score=held_init)
        )
        callbacks.append(lgb.early_stopping(params.early_stopping_rounds, verbose=False))
    booster = lgb.train(
        settings,
        lgb.Dataset(
            x[train],
            y[train],
            categorical_feature=cats,
            init_score=None if init is None else init[train],
            free_raw_data=True,
        ),
        num_boost_round=params.n_estimators,
        valid_sets=valid_sets,
        callbacks=callbacks,
    )
    if booster.best_iteration <= 0:
        booster.best_iteration = booster.current_iteration()
    part = _Part(encoder, booster, q, None if base is None else "organic")
    auc = None
    if held.any() and 0 < y[held].sum() < held.sum():
        held_rows = frame.filter(pl.Series(held))
        scores = part.predict(held_rows, None if base is None else base[held])
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


def fit_reach(
    rows: pl.DataFrame,
    held: npt.NDArray[np.bool_],
    *,
    seed: int = 0,
    params: LightGBMParams | None = None,
) -> ReachModel:
    """Fit the three models on the training rows of
    :func:`goodcall.models.response.training_rows` (``held``: the held-out customers' rows).

    Raises :class:`ReachInputError` when the history does not record reach (too few reached or
    unreached contacts) or holds too few conversions to learn from.
    """
    params = params if params is not None else REACH_PARAMS
    frame = with_medium(rows).with_columns(
        c("outcome").is_in(list(REACHED_OUTCOMES)).alias("_reached"),
        c("outcome").is_in(list(UNREACHED_OUTCOMES)).alias("_unreached"),
    )
    treated = frame["treated"].to_numpy().astype(bool)
    reached = treated & frame["_reached"].to_numpy()
    unreached = treated & frame["_unreached"].to_numpy()
    converted = frame["converted"].to_numpy().astype(bool)
    organic = ~treated | unreached
    for what, count, needed in (
        ("reached treated contacts", int(reached.sum()), MIN_ROWS),
        ("unreached treated contacts (no_answer, voicemail)", int(unreached.sum()), MIN_ROWS),
        ("conversions among reached contacts", int((reached & converted).sum()), MIN_CONVERSIONS),
        ("conversions without a contact", int((organic & converted).sum()), MIN_CONVERSIONS),
    ):
        if count < needed:
            raise ReachInputError(f"the history holds {count} {what}; need {needed}")
    scoped = treated & (reached | unreached)
    specs = (
        ("organic", organic, "converted", ORGANIC_FEATURES),
        ("reach", scoped, "_reached", REACH_FEATURES),
        ("accept", reached, "converted", ACCEPT_FEATURES),
    )
    parts: dict[str, _Part] = {}
    reports: dict[str, PartReport] = {}
    for name, mask, label, columns in specs:
        subset = frame.filter(pl.Series(mask))
        base = parts["organic"].predict(subset) if name == "accept" else None
        parts[name], reports[name] = _fit_part(
            name, subset, label, columns, held[mask], params, seed, base
        )
    return ReachModel(parts, ReachReport(parts=reports, organic_check=_organic_check(frame)))
