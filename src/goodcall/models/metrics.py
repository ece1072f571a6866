"""Uplift metrics, defined exactly as scikit-uplift defines them, and a two-group effect with CI.

Why copy a reference definition rather than invent one: published uplift figures (Hillstrom's
uplift@30 % = 0.066, Qini coefficients in papers) are only comparable when computed the same
way. Every curve below sorts rows by predicted uplift, descending, and evaluates one point per
distinct score (tied rows enter together), starting at (0, 0):

* **Qini curve** (Radcliffe 2007): ``Q(n) = Y_T(n) − Y_C(n) · N_T(n) / N_C(n)`` — incremental
  responders among the first ``n`` rows, the control responders scaled to the treated count.
* **Uplift curve**: ``U(n) = (Y_T(n)/N_T(n) − Y_C(n)/N_C(n)) · n`` (a ratio with an empty group
  counts as 0).
* **Qini coefficient** = scikit-uplift ``qini_auc_score`` (``negative_effect=True``):
  ``(A_model − A_random) / (A_perfect − A_random)`` where ``A`` is the trapezoid area under a
  curve, the random curve is the straight line from (0, 0) to the curve's end point, and the
  perfect curve ranks treated responders first and control responders last (score
  ``y·t − y·(1−t)``). 1 is perfect, 0 is random, negative is worse than random.
* **AUUC** = scikit-uplift ``uplift_auc_score``: the same normalisation on the uplift curve,
  whose perfect curve ranks by ``2·[y = t] + (y if control responders outnumber treated
  non-responders, else t)``.
* **uplift@k** = scikit-uplift ``uplift_at_k``: ``by_group`` takes the top ``k`` share of each
  group separately (``int(k · group size)`` rows), ``overall`` the top ``int(k · n)`` rows of both.

Continuous outcomes (spend) are accepted by the curves, the Qini coefficient (sums of outcome
values instead of responder counts) and uplift@k; AUUC's perfect curve is defined for binary
outcomes only, so ``auuc`` refuses other outcomes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]


class MetricInputError(ValueError):
    """Inputs an uplift metric cannot be computed from."""


def _arrays(
    y_true: ArrayLike, uplift: ArrayLike, treatment: ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray]:
    y = np.asarray(y_true, dtype=np.float64).ravel()
    u = np.asarray(uplift, dtype=np.float64).ravel()
    t = np.asarray(treatment, dtype=np.float64).ravel()
    if not (y.size == u.size == t.size):
        raise MetricInputError(
            f"y_true, uplift and treatment differ in length: {y.size}, {u.size}, {t.size}"
        )
    if not np.isin(t, (0.0, 1.0)).all():
        raise MetricInputError("treatment must contain only 0 (control) and 1 (treated)")
    if t.sum() == 0 or t.sum() == t.size:
        raise MetricInputError("both a treated and a control row are needed")
    if np.isnan(u).any() or np.isnan(y).any():
        raise MetricInputError("y_true and uplift must not contain NaN")
    return y, u, t


def _cumulative_counts(
    y: FloatArray, u: FloatArray, t: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """Cumulative n, N_T, Y_T, N_C, Y_C at each distinct score, best scores first."""
    order = np.argsort(u, kind="mergesort")[::-1]
    y, u, t = y[order], u[order], t[order]
    thresholds = np.r_[np.flatnonzero(np.diff(u)), u.size - 1]
    n_treated = np.cumsum(t)[thresholds]
    y_treated = np.cumsum(y * t)[thresholds]
    n_all = (thresholds + 1).astype(np.float64)
    y_control = np.cumsum(y * (1.0 - t))[thresholds]
    return n_all, n_treated, y_treated, n_all - n_treated, y_control


def _from_origin(x: FloatArray, values: FloatArray) -> tuple[FloatArray, FloatArray]:
    return np.r_[0.0, x], np.r_[0.0, values]


def qini_curve(
    y_true: ArrayLike, uplift: ArrayLike, treatment: ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """Points (rows targeted, incremental responders) of the Qini curve."""
    n_all, n_t, y_t, n_c, y_c = _cumulative_counts(*_arrays(y_true, uplift, treatment))
    scale = np.divide(n_t, n_c, out=np.zeros_like(n_t), where=n_c != 0)
    return _from_origin(n_all, y_t - y_c * scale)


def uplift_curve(
    y_true: ArrayLike, uplift: ArrayLike, treatment: ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """Points (rows targeted, rate difference × rows) of the uplift curve."""
    n_all, n_t, y_t, n_c, y_c = _cumulative_counts(*_arrays(y_true, uplift, treatment))
    rate_t = np.divide(y_t, n_t, out=np.zeros_like(y_t), where=n_t != 0)
    rate_c = np.divide(y_c, n_c, out=np.zeros_like(y_c), where=n_c != 0)
    return _from_origin(n_all, (rate_t - rate_c) * n_all)


def _normalised_area(
    actual: tuple[FloatArray, FloatArray], perfect: tuple[FloatArray, FloatArray]
) -> float:
    x_perfect, y_perfect = perfect
    baseline = float(np.trapezoid([0.0, y_perfect[-1]], [0.0, x_perfect[-1]]))
    perfect_area = float(np.trapezoid(y_perfect, x_perfect)) - baseline
    actual_area = float(np.trapezoid(actual[1], actual[0])) - baseline
    if perfect_area == 0:
        raise MetricInputError("the perfect curve equals the random one: the score is undefined")
    return actual_area / perfect_area


def qini_coefficient(y_true: ArrayLike, uplift: ArrayLike, treatment: ArrayLike) -> float:
    """Normalised area between the Qini curve and random (scikit-uplift ``qini_auc_score``)."""
    return qini_coefficients(y_true, [uplift], treatment)[0]


def qini_coefficients(
    y_true: ArrayLike, uplifts: Sequence[ArrayLike], treatment: ArrayLike
) -> list[float]:
    """``qini_coefficient`` of several rankings of the same rows, the perfect curve (which
    depends on the rows only) computed once: a bootstrap that compares candidates on each
    resample spends half its time on that curve otherwise."""
    y, _, t = _arrays(y_true, np.zeros(np.size(y_true)), treatment)
    perfect = qini_curve(y, y * t - y * (1.0 - t), t)
    return [_normalised_area(qini_curve(*_arrays(y, uplift, t)), perfect) for uplift in uplifts]


def auuc(y_true: ArrayLike, uplift: ArrayLike, treatment: ArrayLike) -> float:
    """Normalised area under the uplift curve (scikit-uplift ``uplift_auc_score``)."""
    y, u, t = _arrays(y_true, uplift, treatment)
    if not np.isin(y, (0.0, 1.0)).all():
        raise MetricInputError("AUUC is defined for binary outcomes (0/1) only")
    control_responders = np.sum((y == 1) & (t == 0))
    treated_non_responders = np.sum((y == 0) & (t == 1))
    summand = y if control_responders > treated_non_responders else t
    perfect_score = 2.0 * (y == t) + summand
    return _normalised_area(uplift_curve(y, u, t), uplift_curve(y, perfect_score, t))


def uplift_at_k(
    y_true: ArrayLike,
    uplift: ArrayLike,
    treatment: ArrayLike,
    k: float = 0.3,
    strategy: Literal["by_group", "overall"] = "by_group",
) -> float:
    """Treated minus control outcome rate among the top ``k`` share by predicted uplift."""
    if not 0 < k < 1:
        raise MetricInputError(f"k must be a share in (0, 1), got {k}")
    y, u, t = _arrays(y_true, uplift, treatment)
    order = np.argsort(u, kind="mergesort")[::-1]
    y_sorted, t_sorted = y[order], t[order]
    if strategy == "overall":
        top = int(y.size * k)
        y_top, t_top = y_sorted[:top], t_sorted[:top]
        treated, control = y_top[t_top == 1], y_top[t_top == 0]
    elif strategy == "by_group":
        treated = y_sorted[t_sorted == 1][: int((t == 1).sum() * k)]
        control = y_sorted[t_sorted == 0][: int((t == 0).sum() * k)]
    else:
        raise MetricInputError(f"strategy must be 'by_group' or 'overall', got {strategy!r}")
    if treated.size == 0 or control.size == 0:
        raise MetricInputError(f"the top {k:.0%} holds no treated or no control row")
    return float(treated.mean() - control.mean())


@dataclass(frozen=True)
class EffectEstimate:
    """Difference between a treated and a control group, with its confidence interval."""

    effect: float
    lower: float
    upper: float
    rate_treated: float
    rate_control: float
    n_treated: int
    n_control: int
    p_value: float
    method: str


def _wilson(successes: float, n: int, z: float) -> tuple[float, float]:
    p = successes / n
    centre = p + z * z / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    denominator = 1 + z * z / n
    return (centre - spread) / denominator, (centre + spread) / denominator


def effect_with_ci(
    outcome_t: ArrayLike, outcome_c: ArrayLike, alpha: float = 0.05
) -> EffectEstimate:
    """Treated minus control mean with a ``1 − alpha`` interval and a two-sided p-value.

    Binary outcomes use Newcombe's hybrid score interval (method 10 of Newcombe 1998: Wilson
    intervals of each rate combined), which keeps its coverage for rare outcomes and small
    groups where the plain normal interval does not; the p-value is the pooled two-proportion
    z-test. Other outcomes use the normal approximation with unpooled (Welch) variances.
    """
    if not 0 < alpha < 1:
        raise MetricInputError(f"alpha must be in (0, 1), got {alpha}")
    yt = np.asarray(outcome_t, dtype=np.float64).ravel()
    yc = np.asarray(outcome_c, dtype=np.float64).ravel()
    if yt.size == 0 or yc.size == 0:
        raise MetricInputError("both groups need at least one row")
    from scipy.stats import norm  # SciPy: imported when used (see goodcall.cli)

    z = float(norm.ppf(1 - alpha / 2))
    rate_t, rate_c = float(yt.mean()), float(yc.mean())
    effect = rate_t - rate_c
    if np.isin(yt, (0.0, 1.0)).all() and np.isin(yc, (0.0, 1.0)).all():
        low_t, high_t = _wilson(yt.sum(), yt.size, z)
        low_c, high_c = _wilson(yc.sum(), yc.size, z)
        lower = effect - math.sqrt((rate_t - low_t) ** 2 + (high_c - rate_c) ** 2)
        upper = effect + math.sqrt((high_t - rate_t) ** 2 + (rate_c - low_c) ** 2)
        pooled = (yt.sum() + yc.sum()) / (yt.size + yc.size)
        se0 = math.sqrt(pooled * (1 - pooled) * (1 / yt.size + 1 / yc.size))
        method = "newcombe"
    else:
        if yt.size < 2 or yc.size < 2:
            raise MetricInputError("a continuous outcome needs at least two rows per group")
        se0 = math.sqrt(yt.var(ddof=1) / yt.size + yc.var(ddof=1) / yc.size)
        lower, upper = effect - z * se0, effect + z * se0
        method = "normal"
    p_value = float(2 * norm.sf(abs(effect) / se0)) if se0 > 0 else (0.0 if effect else 1.0)
    return EffectEstimate(
        effect, lower, upper, rate_t, rate_c, int(yt.size), int(yc.size), p_value, method
    )
