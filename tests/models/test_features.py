"""Feature encoding: exact codes, round trip, and clear errors on tables that do not match.

Bad inputs tried: a column missing at scoring, a numeric column that became text, a
categorical column that became a float, a date column, an unfitted encoder, an unknown
encoding format, an empty feature list.
"""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import polars as pl
import pytest

from goodcall.models.features import FeatureEncoder, FeatureSchemaError


@pytest.fixture
def table() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "plan": ["b", "a", "b", None, "c", "b"],
            "tenure": [1, 2, None, 4, 5, 6],
            "usage": [0.5, float("nan"), 1.5, 2.0, 2.5, 3.0],
            "ios": [True, False, True, True, None, False],
        }
    )


def test_kinds_vocabularies_and_codes(table: pl.DataFrame) -> None:
    encoder = FeatureEncoder().fit(table)
    kinds = {spec.name: spec.kind for spec in encoder.specs}
    assert kinds == {
        "plan": "categorical",
        "tenure": "numeric",
        "usage": "numeric",
        "ios": "categorical",
    }
    plan = encoder.specs[0]
    assert plan.categories == ("b", "a", "c")  # most frequent first, then alphabetical
    assert (plan.null_code, plan.unknown_code) == (3, 4)
    assert encoder.specs[3].categories == ("true", "false")
    x = encoder.transform(table)
    assert x.dtype == np.float32 and x.shape == (6, 4)
    assert x[:, 0].tolist() == [0, 1, 0, 3, 2, 0]
    assert np.isnan(x[2, 1]) and np.isnan(x[1, 2])  # null and NaN numerics → NaN
    assert x[:, 3].tolist() == [0, 1, 0, 0, 2, 1]  # None → the null code 2
    assert encoder.categorical_indices == [0, 3]


def test_unseen_category_and_extra_columns(table: pl.DataFrame) -> None:
    encoder = FeatureEncoder().fit(table)
    new = table.with_columns(pl.Series("plan", ["z", "a", "b", "b", "b", "b"]), extra=pl.lit(1))
    assert encoder.transform(new)[:, 0].tolist() == [4, 1, 0, 0, 0, 0]


def test_round_trip_through_json(table: pl.DataFrame) -> None:
    encoder = FeatureEncoder(max_categories=2).fit(table, ["plan", "usage"])
    again = FeatureEncoder.from_dict(json.loads(json.dumps(encoder.to_dict())))
    np.testing.assert_array_equal(encoder.transform(table), again.transform(table))
    assert again.specs[0].categories == ("b", "a")  # "c" pooled with unseen values
    assert again.transform(table)[4, 0] == again.specs[0].unknown_code


def test_identifier_columns_are_skipped_unless_asked() -> None:
    frame = pl.DataFrame({"customer_id": [f"C{i}" for i in range(30)], "x": range(30)})
    encoder = FeatureEncoder().fit(frame)
    assert encoder.feature_names == ["x"]
    assert "customer_id" in encoder.skipped
    assert FeatureEncoder().fit(frame, ["customer_id", "x"]).feature_names == ["customer_id", "x"]


def test_missing_column_names_it(table: pl.DataFrame) -> None:
    encoder = FeatureEncoder().fit(table)
    with pytest.raises(FeatureSchemaError, match="lacks column\\(s\\) 'usage'"):
        encoder.transform(table.drop("usage"))


def test_numeric_column_turned_text(table: pl.DataFrame) -> None:
    encoder = FeatureEncoder().fit(table)
    bad = table.with_columns(pl.col("tenure").cast(pl.String))
    with pytest.raises(FeatureSchemaError, match="'tenure' must be numeric \\(trained as Int64\\)"):
        encoder.transform(bad)


def test_categorical_column_turned_float(table: pl.DataFrame) -> None:
    encoder = FeatureEncoder().fit(table)
    bad = table.with_columns(pl.lit(1.5).alias("plan"))
    with pytest.raises(FeatureSchemaError, match="'plan' must be categorical"):
        encoder.transform(bad)


def test_refused_types_and_states() -> None:
    dates = pl.DataFrame({"d": [dt.date(2026, 1, 1)]})
    with pytest.raises(FeatureSchemaError, match="column 'd' has type Date"):
        FeatureEncoder().fit(dates)
    with pytest.raises(FeatureSchemaError, match="not been fitted"):
        FeatureEncoder().transform(dates)
    with pytest.raises(FeatureSchemaError, match="format"):
        FeatureEncoder.from_dict({"format": 99})
    with pytest.raises(FeatureSchemaError, match="no usable feature"):
        FeatureEncoder().fit(pl.DataFrame({"id": [f"x{i}" for i in range(25)]}))
    with pytest.raises(FeatureSchemaError, match="lacks column"):
        FeatureEncoder().fit(dates, ["nope"])
