"""Predicting once per distinct row gives what predicting every row gives, on generated frames
with repeats, nulls and NaNs; the model is asked about each distinct row only once."""

from __future__ import annotations

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from goodcall.models.distinct import predict_distinct


def _model(frame: pl.DataFrame) -> np.ndarray:
    """A deterministic function of each row's values (nulls and NaNs included)."""
    a = frame["a"].fill_null(-7.0).fill_nan(-3.0).to_numpy()
    b = frame["b"].fill_null("∅").str.len_chars().to_numpy()
    return a * 10.0 + b


values = st.lists(
    st.tuples(
        st.one_of(st.none(), st.sampled_from([0.0, 1.5, float("nan")])),
        st.one_of(st.none(), st.sampled_from(["", "sms", "email"])),
    ),
    min_size=0,
    max_size=60,
)


@given(rows=values)
@settings(max_examples=200, deadline=None)
def test_the_same_predictions_as_row_by_row(rows: list[tuple[float | None, str | None]]) -> None:
    frame = pl.DataFrame(rows, schema={"a": pl.Float64, "b": pl.String}, orient="row")
    np.testing.assert_array_equal(predict_distinct(frame, _model), _model(frame))


def test_each_distinct_row_is_predicted_once() -> None:
    seen: list[int] = []

    def counting(frame: pl.DataFrame) -> np.ndarray:
        seen.append(frame.height)
        return _model(frame)

    frame = pl.DataFrame(
        {"a": [1.0, 1.0, None, 2.0, None, 1.0], "b": ["x", "x", "y", "x", "y", "z"]}
    )
    assert predict_distinct(frame, counting).tolist() == [11.0, 11.0, -69.0, 21.0, -69.0, 11.0]
    assert seen == [4]
