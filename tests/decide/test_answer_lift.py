"""The answer lift of a chunk's calls is computed once per distinct slot: the same numbers as
the posterior of every row."""

from __future__ import annotations

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from goodcall.decide.score import MAX_ANSWER_LIFT, answer_lift
from goodcall.models.answer import AnswerModel, AnswerReport, segment

PRIORS = pl.DataFrame(
    {
        "segment": [0, 0, 4, 6],
        "weekend": [False, False, True, False],
        "band": [3, 6, 3, 4],
        "prior_mean": [0.41, 0.27, 0.6, 0.05],
        "concentration": [12.0, 3.5, 40.0, 2.0],
        "attempts": [100, 50, 80, 9],
        "answered": [41, 13, 48, 1],
    }
)
MODEL = AnswerModel(
    PRIORS,
    AnswerReport(attempts=239, answered=103, customers=9, segment_strength=5.0, concentration={}),
)
ROW = st.tuples(
    st.sampled_from(["phone", "sms", "email"]),
    st.sampled_from([1, 2, 3]),  # lines_count
    st.sampled_from([1, 2, 3]),  # plan_tier
    st.sampled_from([10, 100]),  # tenure_months
    st.booleans(),
    st.sampled_from([3, 4, 6, 7]),
    st.one_of(st.none(), st.integers(0, 6)),
    st.integers(0, 6),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(ROW, min_size=1, max_size=40))
def test_the_lift_per_distinct_slot_is_the_lift_per_row(rows: list[tuple]) -> None:  # type: ignore[type-arg]
    frame = pl.DataFrame(
        [(*r[:6], r[6], None if r[6] is None else min(r[7], r[6])) for r in rows],
        schema={
            "channel": pl.String,
            "lines_count": pl.Int64,
            "plan_tier": pl.Int64,
            "tenure_months": pl.Int64,
            "weekend": pl.Boolean,
            "band": pl.Int64,
            "slot_attempts": pl.Int64,
            "slot_answered": pl.Int64,
        },
        orient="row",
    )
    slots = frame.select(
        segment(),
        "weekend",
        "band",
        pl.col("slot_attempts").alias("attempts"),
        pl.col("slot_answered").alias("answered"),
    )
    every_row = MODEL.posterior(slots)["answer_lift"].to_numpy()
    phone = (frame["channel"] == "phone").to_numpy() & frame[
        "slot_attempts"
    ].is_not_null().to_numpy()
    expected = np.where(phone, np.minimum(every_row, MAX_ANSWER_LIFT), 1.0)
    assert answer_lift(frame, MODEL).tolist() == expected.tolist()
