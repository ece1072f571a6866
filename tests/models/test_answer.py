"""The answer model: a hierarchical Beta-binomial by local slot, with exact values."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from goodcall.models.answer import (
    DEFAULT_CONCENTRATION,
    AnswerModel,
    fit_answer,
    history_attempts,
    phone_attempts,
    retries,
    slot_counts,
)

UTC = dt.UTC
TORONTO = "America/Toronto"


def _calls(rows: list[tuple[str, dt.datetime, str]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "customer_id": [r[0] for r in rows],
            "at": [r[1] for r in rows],
            "channel": ["phone"] * len(rows),
            "group": ["treatment"] * len(rows),
            "outcome": [r[2] for r in rows],
            "time_zone": [TORONTO] * len(rows),
        }
    )


# 15:00 UTC is 10:00 in Toronto in November (band 3, 09–11); 23:00 UTC is 18:00 (band 6)
TINY = _calls(
    [
        ("a", dt.datetime(2026, 11, 2, 15, tzinfo=UTC), "declined"),
        ("a", dt.datetime(2026, 11, 3, 15, 30, tzinfo=UTC), "accepted"),
        ("a", dt.datetime(2026, 11, 4, 23, tzinfo=UTC), "no_answer"),
        ("b", dt.datetime(2026, 11, 2, 15, tzinfo=UTC), "no_answer"),
        ("b", dt.datetime(2026, 11, 3, 15, tzinfo=UTC), "voicemail"),
        ("c", dt.datetime(2026, 11, 2, 15, tzinfo=UTC), "declined"),
    ]
)
SEGMENTS = pl.DataFrame({"customer_id": ["a", "b", "c"], "segment": [0, 0, 0]})


def test_slot_counts_in_local_time() -> None:
    counts = slot_counts(phone_attempts(TINY.lazy())).collect().sort("customer_id", "band")
    assert counts.rows() == [
        ("a", False, 3, 2, 2),
        ("a", False, 6, 1, 0),
        ("b", False, 3, 2, 0),
        ("c", False, 3, 1, 1),
    ]


def test_control_rows_and_messages_are_not_calls() -> None:
    other = TINY.with_columns(
        pl.Series("channel", ["sms", "phone", "phone", "phone", "phone", "phone"]),
        pl.Series("group", ["treatment", "control", *["treatment"] * 4]),
    )
    counts = slot_counts(phone_attempts(other.lazy())).collect()
    assert counts.filter(pl.col("customer_id") == "a")["attempts"].sum() == 1


def test_shrinkage_exact_values() -> None:
    """Overall (3 + 1) / (6 + 2) = 0.5; carrier weekday band 3: (3 + 10·0.5) / (5 + 10) = 8/15.
    One segment shows no spread between segments: strength 500 (the cap), so the segment's
    prior is m = (3 + 500·8/15) / (5 + 500). Customers, by the method of moments: band 3 has
    p = 0.6, S = 0.8²/2 + 1.2²/2 + 0.4² = 1.2, so ρ = (1.2 − 0.24·2) / (0.24·(5 − 3)) = 1.5,
    clipped to 1/3: κ = 2. Customer a: Beta(2·m + 2, 2·(1 − m) + 0)."""
    model = fit_answer(slot_counts(phone_attempts(TINY.lazy())).collect(), SEGMENTS)
    assert model.report.concentration["0"] == pytest.approx(2.0)
    assert model.report.attempts == 6 and model.report.answered == 3
    assert model.report.segment_strength == 500.0
    m = (3 + 500 * 8 / 15) / 505
    prior = model.priors.filter(
        (pl.col("segment") == 0) & ~pl.col("weekend") & (pl.col("band") == 3)
    ).row(0, named=True)
    assert prior["prior_mean"] == pytest.approx(m)
    assert (prior["attempts"], prior["answered"]) == (5, 3)
    counts = slot_counts(phone_attempts(TINY.lazy())).collect().join(SEGMENTS, on="customer_id")
    post = model.posterior(counts.sort("customer_id", "band")).rows_by_key("customer_id")
    alpha, beta = 2 * m + 2, 2 * (1 - m)
    mean_a = post["a"][0][-3]  # answer_mean of a's band 3
    assert mean_a == pytest.approx(alpha / (alpha + beta))
    assert post["a"][0][-1] == pytest.approx((alpha / (alpha + beta)) / m)  # the lift
    assert post["b"][0][-3] == pytest.approx((2 * m) / 4)  # two misses
    low = post["a"][0][-2]
    assert 0.0 < low < mean_a  # the credible lower bound


# segment 1: d answers both calls at 10:00, e neither, f, g, h and i one of two (band 3)
TWO_SEGMENTS = pl.concat(
    [
        TINY,
        _calls(
            [
                (who, dt.datetime(2026, 11, day, 15, tzinfo=UTC), outcome)
                for who, outcomes in (
                    ("d", ("declined", "accepted")),
                    ("e", ("no_answer", "voicemail")),
                    *((x, ("declined", "no_answer")) for x in "fghi"),
                )
                for day, outcome in zip((2, 3), outcomes, strict=True)
            ]
        ),
    ]
)


def test_customer_concentration_is_pooled_over_segments() -> None:
    """Segment 0 (TINY, band 3): p = 0.6, S = 1.2, so S − p(1 − p)(k − 1) = 1.2 − 0.24·2 = 0.72
    and p(1 − p)(N − k) = 0.24·(5 − 3) = 0.48 (band 6 has p = 0: nothing). Segment 1 (band 3):
    p = 0.5, S = 1²/2 + 1²/2 = 1, so 1 − 0.25·5 = −0.25 and 0.25·(12 − 6) = 1.5. Alone, segment 0
    would clip to κ = 2 and segment 1 to κ = 500; pooled, ρ = (0.72 − 0.25) / (0.48 + 1.5) =
    0.47 / 1.98, κ = (1 − ρ) / ρ = 151/47 for every segment, and a customer's posterior is
    Beta(κ·m + answered, κ·(1 − m) + missed) with that κ."""
    segments = pl.DataFrame(
        {"customer_id": list("abcdefghi"), "segment": [0, 0, 0, 1, 1, 1, 1, 1, 1]}
    )
    model = fit_answer(slot_counts(phone_attempts(TWO_SEGMENTS.lazy())).collect(), segments)
    kappa = 151 / 47
    assert model.report.concentration == {str(s): pytest.approx(kappa, abs=1e-4) for s in range(8)}
    assert model.priors["concentration"].to_list() == pytest.approx([kappa] * model.priors.height)
    m0, m1 = (
        model.priors.filter((pl.col("segment") == s) & ~pl.col("weekend") & (pl.col("band") == 3))[
            "prior_mean"
        ][0]
        for s in (0, 1)
    )
    frame = pl.DataFrame(
        {"segment": [0, 1, 1], "weekend": [False] * 3, "band": [3] * 3,
         "attempts": [2, 2, 2], "answered": [2, 0, 1]},
        schema_overrides={"segment": pl.Int64, "band": pl.Int64},
    )  # fmt: skip
    post = model.posterior(frame)["answer_mean"].to_list()
    assert post == pytest.approx(
        [(kappa * m0 + 2) / (kappa + 2), (kappa * m1) / (kappa + 2), (kappa * m1 + 1) / (kappa + 2)]
    )


def test_no_overdispersion_measurable_gives_the_default_concentration() -> None:
    once = TINY.unique("customer_id", keep="first")
    model = fit_answer(slot_counts(phone_attempts(once.lazy())).collect(), SEGMENTS)
    assert model.report.concentration["0"] == DEFAULT_CONCENTRATION


def test_customer_without_history_gets_the_segment_prior() -> None:
    model = fit_answer(slot_counts(phone_attempts(TINY.lazy())).collect(), SEGMENTS)
    frame = pl.DataFrame(
        {"segment": [0, 5], "weekend": [False, True], "band": [3, 6]},
        schema_overrides={"segment": pl.Int64, "band": pl.Int64},
    ).with_columns(
        pl.lit(None, pl.Int64).alias("attempts"), pl.lit(None, pl.Int64).alias("answered")
    )
    post = model.posterior(frame)
    assert post["answer_mean"].to_list() == pytest.approx(post["prior_mean"].to_list())
    assert post["answer_lift"].to_list() == pytest.approx([1.0, 1.0])


def test_save_and_load(tmp_path: Path) -> None:
    model = fit_answer(slot_counts(phone_attempts(TINY.lazy())).collect(), SEGMENTS)
    model.save(tmp_path / "answer")
    back = AnswerModel.load(tmp_path / "answer")
    assert back.priors.equals(model.priors)
    assert back.report == model.report


def _profile_history(rows: list[tuple[dt.datetime, str]]) -> pl.LazyFrame:
    history = [
        {"at": at, "channel": "phone", "group": "treatment", "outcome": outcome}
        for at, outcome in rows
    ]
    return pl.DataFrame(
        {"customer_id": ["x"], "time_zone": [TORONTO], "contact_history": [history]}
    ).lazy()


def test_retry_after_missed_calls_names_the_slot_and_the_attempt() -> None:
    at = dt.datetime(2026, 11, 10, 12, tzinfo=UTC)
    profiles = _profile_history(
        [
            (dt.datetime(2026, 11, 2, 15, tzinfo=UTC), "declined"),
            (dt.datetime(2026, 11, 3, 20, tzinfo=UTC), "no_answer"),  # 15:00 local
            (dt.datetime(2026, 11, 4, 23, tzinfo=UTC), "voicemail"),  # 18:00 local
        ]
    )
    out = retries(history_attempts(profiles), at).collect()
    assert out.rows() == [("x", False, 6, 3)]


def test_no_retry_after_an_answered_call_or_an_old_miss() -> None:
    at = dt.datetime(2026, 11, 10, 12, tzinfo=UTC)
    answered = _profile_history([(dt.datetime(2026, 11, 4, 23, tzinfo=UTC), "declined")])
    old = _profile_history([(dt.datetime(2026, 9, 4, 23, tzinfo=UTC), "no_answer")])
    assert retries(history_attempts(answered), at).collect().height == 0
    assert retries(history_attempts(old), at).collect().height == 0
