"""Saved model sets: everything the decision core needs to score candidates, with its metadata.

A model set is a directory::

    model_set.json        trained_at, cut-off, rows, per-model metrics, feature list, format
    response/reach/       the reach-decomposed model, when the history records reach; else
    response/pooled/      the pooled uplift model (goodcall.models.uplift format) and
    response/segments/    one directory per specialised offer × channel model
    annoyance/            calibrated P(annoy | contacted)
    answer/               when customers answer the phone: segment priors by local slot
    posteriors.parquet    Beta posteriors per offer × channel (cold start, exploration)
    reference.json        training distributions of features and scores (drift checks)

It is written into a temporary sibling directory and renamed into place, so a crash never leaves
a half-written set where a campaign would load it. A set with no response model (``priors_only``)
is valid: every offer is then cold and decided from the catalog's priors.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from pydantic import BaseModel

from goodcall.catalog.model import Offer
from goodcall.models.annoyance import AnnoyanceModel, CalibrationReport, fit_annoyance
from goodcall.models.answer import AnswerModel, AnswerReport, fit_from_rows
from goodcall.models.checksums import META_FILE, ModelFileError, file_sums, verify
from goodcall.models.explore import MATURE_ROWS, beta_posteriors, prior_posteriors
from goodcall.models.health import training_reference
from goodcall.models.inputs import FEATURE_COLUMNS
from goodcall.models.reach import ReachModel
from goodcall.models.response import (
    TRAINING_PARAMS,
    ResponseModel,
    ResponseReport,
    fit_response,
)
from goodcall.models.uplift.data import UpliftInputError
from goodcall.models.uplift.params import LightGBMParams
from goodcall.progress import Progress, Steps
from goodcall.writing import new_folder, place_folder

# 2: a set with a reach model no longer holds the pooled model (response/pooled/), so a reader
# of format 1 must refuse it by its number rather than fail on a missing directory.
# 3: model_set.json records the SHA-256 of every other file (``files``), checked before loading.
FORMAT = 3
READABLE_FORMATS = (1, 2, 3)


class ModelSetError(ValueError):
    """A model-set directory that cannot be read or written."""


class TrainingRows(BaseModel):
    total: int
    treated: int
    control: int
    conversions_treated: int
    conversions_control: int
    annoyed: int
    campaigns: int
    first_contact: dt.datetime | None
    last_contact: dt.datetime | None


class ModelSetMetadata(BaseModel):
    format: int = FORMAT
    trained_at: dt.datetime
    cutoff: dt.datetime
    seed: int
    rows: TrainingRows
    response: ResponseReport | None
    annoyance: CalibrationReport | None
    answer: AnswerReport | None = None
    segments: list[str]
    features: list[str]
    training_seconds: float = 0.0
    notes: list[str] = []
    files: dict[str, str] = {}  # relative path → SHA-256 (format 3; see models.checksums)


@dataclass
class ModelSet:
    """The response and annoyance models, the posteriors, and what they were trained on."""

    metadata: ModelSetMetadata
    posteriors: pl.DataFrame
    response: ResponseModel | None = None
    annoyance: AnnoyanceModel | None = None
    reference: dict[str, Any] | None = None
    answer: AnswerModel | None = None

    @classmethod
    def priors_only(cls, offers: list[Offer], at: dt.datetime) -> ModelSet:
        """A set with no history: every cell on its catalog prior, unknown to any model, so a
        campaign decided with it only explores (cold start)."""
        rows = TrainingRows(
            total=0,
            treated=0,
            control=0,
            conversions_treated=0,
            conversions_control=0,
            annoyed=0,
            campaigns=0,
            first_contact=None,
            last_contact=None,
        )
        meta = ModelSetMetadata(
            trained_at=at,
            cutoff=at,
            seed=0,
            rows=rows,
            response=None,
            annoyance=None,
            segments=[],
            features=[],
        )
        return cls(meta, prior_posteriors(offers))

    def save(self, directory: Path | str, *, overwrite: bool = False) -> Path:
        """Write the set atomically (refuses an existing non-empty directory unless overwrite)."""
        target = Path(directory)
        if target.exists() and any(target.iterdir()) and not overwrite:
            raise ModelSetError(f"{target} exists and is not empty (use overwrite)")
        tmp = new_folder(target)
        try:
            self._write(tmp)
            place_folder(tmp, target)  # the old set stays until the new one is complete
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return target

    def _write(self, root: Path) -> None:
        if self.response is not None:
            if self.response.pooled is not None:
                self.response.pooled.save(root / "response" / "pooled")
            if self.response.reach is not None:
                self.response.reach.save(root / "response" / "reach")
            for key, model in self.response.segments.items():
                model.save(root / "response" / "segments" / key.replace("/", "__"))
        if self.annoyance is not None:
            self.annoyance.save(root / "annoyance")
        if self.answer is not None:
            self.answer.save(root / "answer")
        self.posteriors.write_parquet(root / "posteriors.parquet")
        (root / "reference.json").write_text(json.dumps(self.reference or {}, indent=1))
        self.metadata = self.metadata.model_copy(
            update={"format": FORMAT, "files": file_sums(root)}
        )
        (root / META_FILE).write_text(self.metadata.model_dump_json(indent=2))

    @classmethod
    def load(cls, directory: Path | str) -> ModelSet:
        """Read a set written by :meth:`save`, naming the file that is missing or wrong: every
        file is checked against its SHA-256 (format 3) before any model is built."""
        root = Path(directory)
        meta = cls._metadata(root)
        try:
            if meta.format >= 3:
                verify(root, meta.files)
            return cls._read(root, meta)
        except ModelFileError as err:
            raise ModelSetError(str(err)) from err
        except (OSError, ValueError, KeyError, TypeError, pl.exceptions.PolarsError) as err:
            raise ModelSetError(f"{root}: a file of the model set cannot be read: {err}") from err

    @staticmethod
    def _metadata(root: Path) -> ModelSetMetadata:
        meta_path = root / META_FILE
        if not meta_path.is_file():
            raise ModelSetError(f"{root} is not a model set: {meta_path.name} is missing")
        try:
            meta = ModelSetMetadata.model_validate_json(meta_path.read_text())
        except ValueError as err:
            raise ModelSetError(f"{meta_path}: {err}") from err
        if meta.format not in READABLE_FORMATS:
            raise ModelSetError(
                f"{meta_path}: format {meta.format}, this version reads formats "
                f"{', '.join(map(str, READABLE_FORMATS))}"
            )
        return meta

    @classmethod
    def _read(cls, root: Path, meta: ModelSetMetadata) -> ModelSet:
        response = None
        if meta.response is not None:
            if meta.response.structure == "reach":
                reach = ReachModel.load(root / "response" / "reach")
                response = ResponseModel(None, {}, meta.response, reach)
            else:
                from goodcall.models.uplift.model import UpliftModel  # LightGBM: when used

                pooled = UpliftModel.load(root / "response" / "pooled")
                segments = {
                    key: UpliftModel.load(root / "response" / "segments" / key.replace("/", "__"))
                    for key in meta.segments
                }
                response = ResponseModel(pooled, segments, meta.response)
        annoyance = AnnoyanceModel.load(root / "annoyance") if meta.annoyance else None
        reference_path = root / "reference.json"
        reference = json.loads(reference_path.read_text()) if reference_path.is_file() else None
        posteriors = pl.read_parquet(root / "posteriors.parquet")
        answer = AnswerModel.load(root / "answer") if meta.answer is not None else None
        return cls(meta, posteriors, response, annoyance, reference, answer)


def _training_rows_summary(rows: pl.DataFrame) -> TrainingRows:
    treated = rows["treated"]
    converted = rows["converted"]
    return TrainingRows(
        total=rows.height,
        treated=int(treated.sum()),
        control=int((~treated).sum()),
        conversions_treated=int((treated & converted).sum()),
        conversions_control=int((~treated & converted).sum()),
        annoyed=int(rows["annoyed"].sum()),
        campaigns=int(rows["campaign_id"].n_unique()),
        first_contact=rows["at"].min(),  # type: ignore[arg-type, unused-ignore]
        last_contact=rows["at"].max(),  # type: ignore[arg-type, unused-ignore]
    )


TRAINING_STEPS = (
    "response (uplift) model",
    "annoyance model",
    "offer priors",
    "answer hours",
    "drift reference",
)


def train_model_set(
    rows: pl.DataFrame,
    offers: list[Offer],
    *,
    cutoff: dt.datetime,
    trained_at: dt.datetime,
    seed: int = 0,
    method: str = "auto",
    params: LightGBMParams | None = None,
    mature_rows: int = MATURE_ROWS,
    progress: Progress | None = None,
    population: pl.DataFrame | None = None,
) -> ModelSet:
    """Fit every model of a set from :func:`goodcall.models.rows.training_rows`.

    ``progress`` hears each of the five fits begin (see :mod:`goodcall.progress`).
    ``population``: the customers' profiles at ``cutoff``, the reference the set's drift checks
    compare current profiles with (:func:`goodcall.models.health.training_reference`)."""
    started = time.perf_counter()
    steps = Steps(progress, TRAINING_STEPS)
    response: ResponseModel | None = None
    notes: list[str] = []
    steps.start(TRAINING_STEPS[0])
    try:
        response = fit_response(
            rows, seed=seed, params=params, method=method, trained_at=trained_at
        )
    except UpliftInputError as err:  # too little history: every offer stays on its prior
        notes.append(f"no uplift model: {err}")
    steps.start(TRAINING_STEPS[1])
    annoyance = fit_annoyance(
        rows, seed=seed, params=params if params is not None else TRAINING_PARAMS
    )
    steps.start(TRAINING_STEPS[2])
    posteriors = beta_posteriors(rows, offers, mature_rows=mature_rows)
    steps.start(TRAINING_STEPS[3])
    answer = fit_from_rows(rows)
    steps.start(TRAINING_STEPS[4])
    reference = training_reference(rows, response, annoyance, population, cutoff)
    steps.finish()
    meta = ModelSetMetadata(
        trained_at=trained_at,
        cutoff=cutoff,
        seed=seed,
        rows=_training_rows_summary(rows),
        response=response.report if response is not None else None,
        annoyance=annoyance.report,
        answer=answer.report,
        segments=sorted(response.segments) if response is not None else [],
        notes=notes,
        features=list(FEATURE_COLUMNS),
        training_seconds=time.perf_counter() - started,
    )
    return ModelSet(meta, posteriors, response, annoyance, reference, answer)
