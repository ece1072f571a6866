"""``fit_uplift``: train the candidate learners and keep the one that ranks held-out rows best.

Procedure:

1. split the rows, stratified by group × outcome, into a training part and a validation part
   (``validation_share``, default 30 %);
2. fit every candidate (``candidates``: X and class transformation with stump and 8-leaf
   effect models, the T- and the S-learner — only those of the requested method unless
   ``auto``; the S-learner with interactions only when asked for) on the training part, each
   booster early-stopping on the validation part; when the validation part of a binary outcome
   holds few positives (``rare_validation``), ``rare_min_trees`` / ``rare_cv_folds`` can put a
   floor on the trees or pool early stopping over folds (both off by default);
3. score each candidate's ranking of the validation rows with the Qini coefficient and choose
   with the standard-error rule of ``selection``; every score is recorded in the metadata;
4. final model (``refit=True``, the default): the chosen learner is fitted again on every row,
   each booster growing the number of trees its early-stopped version kept — the validation
   rows are not wasted, which matters on experiments of tens of thousands of rows.

Tables of more than ``search_rows`` rows (default 100,000): ``auto`` goes through the same
steps on a stratified sample of that size (the same share of each part, stratified like the
split), and its final model is the refit on every row of the sample. Why not the whole table:
the cost of early-stopped boosters grows with the rows times the trees, and on the table of a
million rows the fit on every row cost several times more without ranking held-out rows better
(docs/decisions.md, "Learning at a million rows and the S-learner candidate"); the metadata
records ``search_rows``. A learner asked for by name (``method="x"``…), or ``refit=False``, is
fitted on the whole training part instead, early-stopping on the whole validation part (the
candidates scored there too): every row, at that cost — what the response model, which chooses
on a sample of its own and then fits the chosen learner on every row, relies on.

The recorded validation scores are those of the chosen learner and settings trained on the
training part (``refit=False`` keeps that very model). ``validation_share=0`` trains the first
candidate of the requested method once on every row with ``n_estimators`` trees, unscored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import lightgbm as lgb
import numpy as np
import polars as pl
from numpy.typing import ArrayLike, NDArray

from goodcall.models.features import FeatureEncoder
from goodcall.models.uplift.candidates import (
    Candidate,
    FittedCandidates,
    Propensity,
    candidate_grid,
    fit_candidate_boosters,
)
from goodcall.models.uplift.data import (
    LearningData,
    UpliftInputError,
    stratified_split,
    validate_learning_data,
)
from goodcall.models.uplift.learners import (
    AUTO_METHODS,
    METHODS,
    FitContext,
    Method,
    Part,
    clip_propensity,
    predict,
    rare_validation,
    uplift_of,
)
from goodcall.models.uplift.metadata import CandidateScore, GroupSummary, TrainingMetadata
from goodcall.models.uplift.model import KIND, UpliftModel
from goodcall.models.uplift.params import LightGBMParams
from goodcall.models.uplift.selection import score_and_choose
from goodcall.models.uplift.storage import library_versions

SEARCH_ROWS = 100_000
VALIDATION_SHARE = 0.3


@dataclass(frozen=True)
class CandidateSearch:
    """Every candidate's final model (only the chosen one unless asked), scores and choice."""

    models: dict[Candidate, UpliftModel]
    scores: list[CandidateScore]
    chosen: Candidate


def fit_uplift(
    features: pl.DataFrame,
    treated: ArrayLike,
    outcome: ArrayLike,
    *,
    method: Literal["auto", "t", "x", "ct", "s", "si"] = "auto",
    seed: int = 0,
    params: LightGBMParams | None = None,
    validation_share: float = VALIDATION_SHARE,
    propensity: Propensity = "share",
    feature_columns: Sequence[str] | None = None,
    refit: bool = True,
    created_at: dt.datetime | None = None,
) -> UpliftModel:
    """Fit an uplift model of ``outcome`` on ``features`` for treated vs control rows.

    ``propensity``: ``"share"`` (default, randomised experiments: the observed treatment share),
    a float (a known randomisation share) or ``"model"`` (a LightGBM propensity model, for logs
    where targeting depended on the features). ``created_at`` is recorded in the metadata
    (the current UTC time if omitted).
    """
    if method not in ("auto", *METHODS):
        raise UpliftInputError(f"method must be one of auto, t, x, ct, s, si; got {method!r}")
    search = fit_candidates(
        features,
        treated,
        outcome,
        methods=AUTO_METHODS if method == "auto" else (method,),
        seed=seed,
        params=params,
        validation_share=validation_share,
        propensity=propensity,
        feature_columns=feature_columns,
        created_at=created_at,
        requested_method=method,
        refit=refit,
    )
    return search.models[search.chosen]


def fit_candidates(
    features: pl.DataFrame,
    treated: ArrayLike,
    outcome: ArrayLike,
    *,
    methods: Sequence[Method] = AUTO_METHODS,
    seed: int = 0,
    params: LightGBMParams | None = None,
    validation_share: float = VALIDATION_SHARE,
    propensity: Propensity = "share",
    feature_columns: Sequence[str] | None = None,
    created_at: dt.datetime | None = None,
    requested_method: str = "auto",
    refit: bool = True,
    final: Literal["chosen", "all"] = "chosen",
    search_rows: int = SEARCH_ROWS,
) -> CandidateSearch:
    """Compare candidates on one split and build final models; see the module docstring.

    ``final="all"`` builds a final model for every candidate (``goodcall uplift evaluate``
    scores them all on its own held-out rows), ``"chosen"`` only for the chosen one.
    """
    settings = params if params is not None else LightGBMParams()
    data = validate_learning_data(features, treated, outcome)
    _check_settings(methods, validation_share, propensity, requested_method, search_rows)
    candidates = candidate_grid(methods, settings.effect_num_leaves)
    encoder = FeatureEncoder().fit(features, feature_columns)
    x = encoder.transform(features)
    share = float(data.treated.mean())
    run = _Run(
        encoder, data, settings, seed, propensity, requested_method,
        created_at if created_at is not None else dt.datetime.now(dt.UTC),
    )  # fmt: skip
    if validation_share == 0:
        every_row = np.arange(data.treated.size)
        ctx = _context(x, run, every_row, None)
        fitted = fit_candidate_boosters(ctx, candidates[:1], propensity, share)
        scores = [_unscored(candidates[0], fitted)]
        return run.result(
            fitted, fitted.boosters, scores, candidates[0], (every_row, every_row[:0])
        )
    train_rows, valid_rows = stratified_split(
        data.treated, data.outcome, data.kind, validation_share, seed
    )
    subsampled = data.treated.size > search_rows
    search_train, search_valid = (
        _subsample(train_rows, valid_rows, data, search_rows, seed)
        if subsampled
        else (train_rows, valid_rows)
    )
    search_ctx = _context(x, run, search_train, search_valid)
    fitted = fit_candidate_boosters(search_ctx, candidates, propensity, share)
    whole_table = subsampled and (not refit or requested_method != "auto")
    whole_ctx = _context(x, run, train_rows, valid_rows) if whole_table else None
    scores, chosen = _score(candidates, fitted, whole_ctx or search_ctx)
    finals = [chosen] if final == "chosen" else candidates
    boosters = dict(fitted.boosters)
    refitted: list[Candidate] = []
    if whole_ctx is not None:
        boosters.update(fit_candidate_boosters(whole_ctx, finals, propensity, share).boosters)
    elif refit:
        for candidate in finals:
            ctx = _refit_context(search_ctx, boosters[candidate])
            boosters.update(fit_candidate_boosters(ctx, [candidate], propensity, share).boosters)
            if not subsampled:
                refitted.append(candidate)
    return run.result(
        fitted,
        {c: boosters[c] for c in finals},
        scores,
        chosen,
        (train_rows, valid_rows),
        search_rows=int(search_train.size + search_valid.size) if subsampled else None,
        refitted=refitted,
    )


@dataclass(frozen=True)
class _Run:
    """What every model built by one ``fit_candidates`` call records."""

    encoder: FeatureEncoder
    data: LearningData
    settings: LightGBMParams
    seed: int
    propensity: Propensity
    requested_method: str
    created_at: dt.datetime

    def result(
        self,
        fitted: FittedCandidates,
        boosters: dict[Candidate, dict[str, lgb.Booster]],
        scores: list[CandidateScore],
        chosen: Candidate,
        split: tuple[NDArray[np.intp], NDArray[np.intp]],
        *,
        search_rows: int | None = None,
        refitted: Sequence[Candidate] = (),
    ) -> CandidateSearch:
        summary = _summary(self.data, *split)
        propensity = self.propensity
        models = {
            candidate: UpliftModel(
                self.encoder,
                candidate_boosters,
                TrainingMetadata(
                    kind=KIND,
                    method=candidate.method,
                    effect_leaves=candidate.effect_leaves,
                    requested_method=self.requested_method,
                    outcome_kind=self.data.kind,
                    params=self.settings.model_dump(mode="json"),
                    seed=self.seed,
                    data=summary,
                    search_rows=search_rows,
                    refitted_on_all_rows=candidate in refitted,
                    propensity="fixed" if isinstance(propensity, float) else propensity,
                    propensity_value=fitted.constant_propensity,
                    candidates=scores,
                    features=self.encoder.to_dict(),
                    versions=library_versions(),
                    created_at=self.created_at,
                ),
            )
            for candidate, candidate_boosters in boosters.items()
        }
        return CandidateSearch(models, scores, chosen)


def _check_settings(
    methods: Sequence[Method],
    share: float,
    propensity: Propensity,
    requested: str,
    search_rows: int,
) -> None:
    if not methods or any(m not in METHODS for m in methods):
        raise UpliftInputError(f"methods must be among t, x, ct, s, si; got {list(methods)}")
    if not 0 <= share <= 0.9:
        raise UpliftInputError(f"validation_share must be in [0, 0.9], got {share}")
    if requested == "auto" and share == 0:
        raise UpliftInputError(
            "method 'auto' compares learners on held-out rows: needs a share > 0"
        )
    if isinstance(propensity, float):
        if not 0 < propensity < 1:
            raise UpliftInputError(f"a fixed propensity must be in (0, 1), got {propensity}")
    elif propensity not in ("share", "model"):
        raise UpliftInputError(
            f"propensity must be 'share', 'model' or a float, got {propensity!r}"
        )
    if search_rows < 1_000:
        raise UpliftInputError(f"search_rows must be at least 1000, got {search_rows}")


def _context(
    x: NDArray[np.float32],
    run: _Run,
    train_rows: NDArray[np.intp],
    valid_rows: NDArray[np.intp] | None,
) -> FitContext:
    data = run.data

    def part(rows: NDArray[np.intp]) -> Part:
        return Part(x[rows], data.treated[rows], data.outcome[rows])

    valid = part(valid_rows) if valid_rows is not None and valid_rows.size else None
    categorical = run.encoder.categorical_indices
    settings = run.settings
    rare = rare_validation(settings, data.kind, valid)
    return FitContext(
        settings, run.seed, categorical, data.kind, part(train_rows), valid,
        min_rounds=settings.rare_min_trees if rare else 0,
        pooled_folds=settings.rare_cv_folds if rare else 0,
    )  # fmt: skip


def _subsample(
    train_rows: NDArray[np.intp],
    valid_rows: NDArray[np.intp],
    data: LearningData,
    size: int,
    seed: int,
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """The same share of each part, stratified like the split itself."""
    keep = size / data.treated.size

    def sample(rows: NDArray[np.intp]) -> NDArray[np.intp]:
        _, kept = stratified_split(data.treated[rows], data.outcome[rows], data.kind, keep, seed)
        return rows[kept]

    return sample(train_rows), sample(valid_rows)


def _refit_context(ctx: FitContext, boosters: dict[str, lgb.Booster]) -> FitContext:
    """Every row of ``ctx`` for training, each booster with the trees its early-stopped
    version kept."""
    assert ctx.valid is not None
    train, valid = ctx.train, ctx.valid
    every_row = Part(
        np.concatenate([train.x, valid.x]),
        np.concatenate([train.treated, valid.treated]),
        np.concatenate([train.outcome, valid.outcome]),
    )
    rounds = {name: int(booster.best_iteration) for name, booster in boosters.items()}
    return FitContext(ctx.params, ctx.seed, ctx.categorical, ctx.kind, every_row, None, rounds)


def _score(
    candidates: Sequence[Candidate], fitted: FittedCandidates, ctx: FitContext
) -> tuple[list[CandidateScore], Candidate]:
    """Validation scores on every validation row (also when the search used a subsample)."""
    assert ctx.valid is not None
    valid = ctx.valid
    share = fitted.constant_propensity
    uplifts = {}
    for candidate in candidates:
        boosters = fitted.boosters[candidate]
        if share is None:
            e = clip_propensity(predict(boosters["propensity"], valid.x))
        else:
            e = np.full(valid.x.shape[0], share)
        uplifts[candidate] = uplift_of(
            candidate.method, boosters, valid.x, ctx.kind, e, categorical=ctx.categorical
        )
    return score_and_choose(uplifts, valid, ctx.kind, fitted.seconds, ctx.seed)


def _unscored(candidate: Candidate, fitted: FittedCandidates) -> CandidateScore:
    return CandidateScore(
        method=candidate.method,
        effect_leaves=candidate.effect_leaves,
        label=candidate.label,
        qini_coefficient=None,
        auuc=None,
        fit_seconds=round(fitted.seconds[candidate], 3),
        chosen=True,
    )


def _summary(
    data: LearningData, train_rows: NDArray[np.intp], valid_rows: NDArray[np.intp]
) -> GroupSummary:
    treated = int(data.treated.sum())
    return GroupSummary(
        rows=int(data.treated.size),
        rows_train=int(train_rows.size),
        rows_validation=int(valid_rows.size),
        treated_rows=treated,
        control_rows=int(data.treated.size - treated),
        treatment_share=treated / data.treated.size,
        outcome_mean_treated=float(data.outcome[data.treated].mean()),
        outcome_mean_control=float(data.outcome[~data.treated].mean()),
    )
