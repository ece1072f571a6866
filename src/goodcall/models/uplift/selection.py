"""How ``auto`` picks a candidate from held-out Qini coefficients without chasing noise.

Uplift is a small difference of two rates, so two candidates' Qini coefficients on a
validation part often differ by less than their sampling error; picking the raw maximum then
changes the learner from one random split to the next and, on average, loses (on ten Hillstrom
splits it picked a worse learner on most of them). The rule here:

1. candidates are ordered simplest first (``candidate_grid``): stump effect models before
   deeper ones, the X-learner before class transformation;
2. another candidate replaces the first only if its validation Qini coefficient exceeds the
   first's by more than 1.5 standard errors of the paired difference, estimated by a bootstrap
   of the validation rows (200 resamples, seeded);
3. among the candidates that clear that bar, the highest Qini coefficient wins;
4. the T-learner is scored and recorded (its two outcome models are the X-learner's first
   stage, so it costs nothing) but is not eligible when other learners are: the X-learner
   refines it, and on Hillstrom its validation score beat X's by chance on 2 of 10 splits
   while it lost clearly on the held-out halves of all ten. Ask for ``method="t"`` to get it.

The factor 1.5 and the eligibility were settled on ten Hillstrom splits and on simulated
campaigns with interactions (``simulate``), where the 8-leaf effect models are much better
and must be able to win. Every score and standard error is recorded in the model metadata.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import NDArray

from goodcall.models.metrics import MetricInputError, auuc, qini_coefficient, qini_coefficients
from goodcall.models.uplift.candidates import Candidate
from goodcall.models.uplift.data import OutcomeKind
from goodcall.models.uplift.learners import Part
from goodcall.models.uplift.metadata import CandidateScore

STANDARD_ERRORS = 1.5
BOOTSTRAP_SAMPLES = 200
BOOTSTRAP_MAX_ROWS = 20_000


def _bootstrap_gain_ses(
    challengers: Sequence[NDArray[np.float64]],
    reference: NDArray[np.float64],
    part: Part,
    seed: int,
) -> list[float]:
    """Standard error of ``qini(challenger) − qini(reference)`` for each challenger.

    Every resample serves all challengers (the differences are paired). On more than
    ``BOOTSTRAP_MAX_ROWS`` validation rows the resamples are drawn from a random subset of that
    size and the standard errors scaled by ``sqrt(subset / rows)``: a Qini coefficient's
    sampling error shrinks as one over the square root of the rows it is computed on.
    """
    rng = np.random.default_rng(seed)
    n = part.outcome.size
    size = min(n, BOOTSTRAP_MAX_ROWS)
    pool = rng.choice(n, size=size, replace=False) if n > size else np.arange(n)
    treated = part.treated.astype(np.float64)
    gains: list[list[float]] = []
    for _ in range(BOOTSTRAP_SAMPLES):
        rows = pool[rng.integers(size, size=size)]
        y, t = part.outcome[rows], treated[rows]
        try:
            base, *others = qini_coefficients(
                y, [reference[rows], *(c[rows] for c in challengers)], t
            )
            gains.append([other - base for other in others])
        except MetricInputError:
            continue  # a resample with one group only, or without any responder: skip it
    if len(gains) < 2:
        return [float("inf")] * len(challengers)
    scale = np.sqrt(size / n)
    return [float(v) * scale for v in np.std(np.asarray(gains), axis=0, ddof=1)]


def score_and_choose(
    uplifts: Mapping[Candidate, NDArray[np.float64]],
    part: Part,
    kind: OutcomeKind,
    seconds: Mapping[Candidate, float],
    seed: int,
) -> tuple[list[CandidateScore], Candidate]:
    """Validation scores of every candidate (simplest first) and the chosen one."""
    candidates = list(uplifts)
    treated = part.treated.astype(np.float64)
    qini = {c: qini_coefficient(part.outcome, uplifts[c], treated) for c in candidates}
    eligible = [c for c in candidates if c.method != "t"] or candidates
    first, challengers = eligible[0], eligible[1:]
    ses = _bootstrap_gain_ses([uplifts[c] for c in challengers], uplifts[first], part, seed)
    se = dict(zip(challengers, ses, strict=True))
    clears_bar = [c for c in challengers if qini[c] - qini[first] > STANDARD_ERRORS * se[c]]
    chosen = max(clears_bar, key=lambda c: qini[c]) if clears_bar else first
    scores = [
        CandidateScore(
            method=c.method,
            effect_leaves=c.effect_leaves,
            label=c.label,
            qini_coefficient=qini[c],
            auuc=auuc(part.outcome, uplifts[c], treated) if kind == "binary" else None,
            qini_gain_se=se[c] if c in se and np.isfinite(se[c]) else None,
            fit_seconds=round(seconds[c], 3),
            chosen=c == chosen,
        )
        for c in candidates
    ]
    return scores, chosen
