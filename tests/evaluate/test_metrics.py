"""Uplift metrics on hand-computed examples, and the two-group effect interval.

The six-row example (rows already in descending score order):

    row    0  1  2  3  4  5
    t      1  1  0  0  1  0
    y      1  0  1  0  1  0

Qini curve Q(n) = Y_T − Y_C·N_T/N_C: 1, 1, −1, 0, 0.5, 1 → area 2; random line to (6, 1): area
3; perfect ranking (score y·t − y·(1−t)) gives points (2, 2), (5, 2), (6, 1): area 9.5;
Qini coefficient (2 − 3) / (9.5 − 3) = −2/13.
Uplift curve U(n) = (Y_T/N_T − Y_C/N_C)·n: 1, 1, −1.5, 0, 5/6, 2 → area 7/3; random area 6;
perfect (score 2·[y = t] + t, control responders not outnumbering treated non-responders)
points (2, 2), (4, 4), (5, 10/3), (6, 2): area 43/3; AUUC (7/3 − 6) / (43/3 − 6) = −11/25.

Bad inputs tried: lengths that differ, a treatment other than 0/1, one group only, NaN scores,
k outside (0, 1), an unknown strategy, a non-binary outcome for AUUC, empty groups, alpha 0.
"""

from __future__ import annotations

import numpy as np
import pytest

from goodcall.models.metrics import (
    MetricInputError,
    auuc,
    effect_with_ci,
    qini_coefficient,
    qini_coefficients,
    qini_curve,
    uplift_at_k,
    uplift_curve,
)

T = np.array([1, 1, 0, 0, 1, 0])
Y = np.array([1, 0, 1, 0, 1, 0])
SCORE = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4])


def test_qini_curve_points() -> None:
    x, q = qini_curve(Y, SCORE, T)
    assert x.tolist() == [0, 1, 2, 3, 4, 5, 6]
    assert q.tolist() == pytest.approx([0, 1, 1, -1, 0, 0.5, 1])


def test_qini_coefficient_hand_computed() -> None:
    assert qini_coefficient(Y, SCORE, T) == pytest.approx(-2 / 13)


def test_several_rankings_at_once_equal_one_at_a_time() -> None:
    """The bootstrap of ``auto``'s selection scores candidates together: same figures."""
    rng = np.random.default_rng(5)
    y, t = rng.integers(2, size=500), rng.integers(2, size=500)
    scores = [rng.normal(size=500), np.round(rng.normal(size=500), 1), y * t - y * (1 - t)]
    together = qini_coefficients(y, scores, t)
    assert together == [qini_coefficient(y, s, t) for s in scores]  # exactly, not approximately
    assert together[2] == 1.0
    assert qini_coefficients(Y, [SCORE], T) == [pytest.approx(-2 / 13)]
    with pytest.raises(MetricInputError, match="differ in length"):
        qini_coefficients(Y, [SCORE, SCORE[:-1]], T)


def test_uplift_curve_points_and_auuc() -> None:
    x, u = uplift_curve(Y, SCORE, T)
    assert x.tolist() == [0, 1, 2, 3, 4, 5, 6]
    assert u.tolist() == pytest.approx([0, 1, 1, -1.5, 0, 5 / 6, 2])
    assert auuc(Y, SCORE, T) == pytest.approx(-11 / 25)


def test_perfect_ranking_scores_one_and_ties_score_zero() -> None:
    perfect = Y * T - Y * (1 - T)
    assert qini_coefficient(Y, perfect, T) == pytest.approx(1.0)
    assert qini_coefficient(Y, np.zeros(6), T) == pytest.approx(0.0)
    x, q = qini_curve(Y, np.zeros(6), T)  # all tied: one point at the end
    assert x.tolist() == [0, 6] and q.tolist() == pytest.approx([0, 1])


def test_ranking_reversed_is_worse_than_random() -> None:
    perfect = Y * T - Y * (1 - T)
    assert qini_coefficient(Y, -perfect, T) < 0


def test_uplift_at_k_by_group_and_overall() -> None:
    # by_group, k=0.7: top int(3·0.7)=2 treated (rows 0, 1: y 1, 0) and 2 control (rows 2, 3).
    assert uplift_at_k(Y, SCORE, T, k=0.7) == pytest.approx(0.5 - 0.5)
    # by_group, k=0.4: 1 treated (row 0: 1) and 1 control (row 2: 1).
    assert uplift_at_k(Y, SCORE, T, k=0.4) == pytest.approx(0.0)
    # overall, k=0.5: top 3 rows 0, 1, 2 → treated mean 0.5, control mean 1.
    assert uplift_at_k(Y, SCORE, T, k=0.5, strategy="overall") == pytest.approx(-0.5)


def test_continuous_outcome_qini_uses_sums() -> None:
    spend = np.array([10.0, 0.0, 4.0, 0.0, 6.0, 0.0])
    _, q = qini_curve(spend, SCORE, T)
    # n=5: 16 − 4·3/2 = 10; n=6: 16 − 4·3/3 = 12
    assert q.tolist() == pytest.approx([0, 10, 10, 2, 6, 10, 12])
    with pytest.raises(MetricInputError, match="binary"):
        auuc(spend, SCORE, T)


@pytest.mark.parametrize(
    ("y", "score", "t", "message"),
    [
        (Y[:5], SCORE, T, "differ in length"),
        (Y, SCORE, np.array([1, 2, 0, 0, 1, 0]), "only 0"),
        (Y, SCORE, np.ones(6), "both a treated and a control"),
        (Y, np.array([0.1, np.nan, 0, 0, 0, 0]), T, "NaN"),
    ],
)
def test_bad_metric_inputs(y: np.ndarray, score: np.ndarray, t: np.ndarray, message: str) -> None:
    with pytest.raises(MetricInputError, match=message):
        qini_coefficient(y, score, t)


def test_bad_uplift_at_k_options() -> None:
    with pytest.raises(MetricInputError, match="share"):
        uplift_at_k(Y, SCORE, T, k=1.0)
    with pytest.raises(MetricInputError, match="strategy"):
        uplift_at_k(Y, SCORE, T, k=0.5, strategy="top")  # type: ignore[arg-type]
    with pytest.raises(MetricInputError, match="no treated or no control"):
        uplift_at_k(Y, SCORE, T, k=0.2, strategy="overall")


def test_newcombe_interval_matches_the_published_examples() -> None:
    """Newcombe (1998), method 10: 56/70 − 48/80 → [0.0524, 0.3339]; 9/10 − 3/10 → [0.1705,
    0.8090]."""
    first = effect_with_ci(np.r_[np.ones(56), np.zeros(14)], np.r_[np.ones(48), np.zeros(32)])
    assert first.method == "newcombe"
    assert first.effect == pytest.approx(0.2)
    assert (first.lower, first.upper) == pytest.approx((0.0524, 0.3339), abs=5e-5)
    second = effect_with_ci(np.r_[np.ones(9), np.zeros(1)], np.r_[np.ones(3), np.zeros(7)])
    assert (second.lower, second.upper) == pytest.approx((0.1705, 0.8090), abs=5e-5)
    assert second.p_value < 0.01


def test_effect_of_a_continuous_outcome_uses_welch() -> None:
    treated, control = np.array([1.0, 2.0, 3.0, 4.0]), np.array([0.0, 1.0, 2.0])
    estimate = effect_with_ci(treated, control, alpha=0.05)
    se = np.sqrt(treated.var(ddof=1) / 4 + control.var(ddof=1) / 3)
    assert estimate.method == "normal"
    assert estimate.effect == pytest.approx(1.5)
    assert estimate.upper - estimate.effect == pytest.approx(1.959964 * se, rel=1e-5)


def test_effect_bad_inputs() -> None:
    with pytest.raises(MetricInputError, match="alpha"):
        effect_with_ci([1, 0], [0, 1], alpha=0)
    with pytest.raises(MetricInputError, match="at least one row"):
        effect_with_ci([], [0, 1])
