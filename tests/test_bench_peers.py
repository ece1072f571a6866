"""The pieces of ``bench.uplift_peers`` that decide its figures: the oracle share, the split, the
semi-synthetic Telco truth, and where the public data sets are found.

The peers themselves (causalml, scikit-uplift) are not installed here: they are imported only
inside the learners, which these tests do not run.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from bench.peers_data import TEST_SHARE, stratified_split, telco_truth
from bench.shared_data import REPOSITORY, shared_data
from bench.uplift_peers import mean_se, oracle_share


def test_oracle_share_exact_values() -> None:
    truth = np.array([0.3, -0.2, 0.1, 0.0, 0.2])
    # top 40 % = 2 rows; the truly best two hold 0.3 + 0.2 = 0.5
    assert oracle_share(truth, truth, 0.4) == pytest.approx(1.0)
    assert oracle_share(truth, np.array([5.0, 4.0, 3.0, 2.0, 1.0]), 0.4) == pytest.approx(0.2)
    assert oracle_share(truth, -truth, 0.4) == pytest.approx(-0.4)  # calls the harmed first


def test_mean_and_standard_error() -> None:
    mean, se = mean_se(np.array([1.0, 2.0, 3.0, 4.0]))
    assert mean == 2.5
    assert se == pytest.approx(np.std([1, 2, 3, 4], ddof=1) / 2)
    assert np.isnan(mean_se(np.array([1.0]))[1])


def test_split_holds_out_the_share_of_every_group_and_outcome() -> None:
    rng = np.random.default_rng(0)
    treated = rng.random(10_000) < 0.5
    outcome = (rng.random(10_000) < 0.1).astype(np.float64)
    train, test = stratified_split(treated, outcome, seed=3)
    assert np.intersect1d(train, test).size == 0
    assert train.size + test.size == 10_000
    for t in (False, True):
        for y in (0.0, 1.0):
            cell = np.flatnonzero((treated == t) & (outcome == y))
            assert np.isin(cell, test).sum() == round(cell.size * TEST_SHARE)
    again, _ = stratified_split(treated, outcome, seed=3)
    other, _ = stratified_split(treated, outcome, seed=4)
    assert np.array_equal(train, again) and not np.array_equal(train, other)


def test_telco_truth_helps_some_and_harms_others() -> None:
    frame = pl.DataFrame(
        {
            "tenure": [2, 60, 10, 30],
            "MonthlyCharges": [95.0, 80.0, 20.0, 70.0],
            "Contract": ["Month-to-month", "Two year", "One year", "Month-to-month"],
            "InternetService": ["Fiber optic", "DSL", "No", "DSL"],
            "PaymentMethod": ["Mailed check", "Mailed check", "Electronic check", "Bank"],
            "SeniorCitizen": [0, 0, 1, 0],
            "OnlineSecurity": ["No", "Yes", "No internet service", "No"],
        }
    )
    p0, effect = telco_truth(frame)
    monthly_fibre = 0.22 / (1 + np.exp(-25 / 8)) + 0.08
    assert effect[0] == pytest.approx(monthly_fibre)
    assert effect[1] == pytest.approx(-0.12)  # a long two-year customer: the call harms
    assert effect[2] == pytest.approx(-0.10)  # a senior paying by electronic cheque
    assert effect[3] == pytest.approx(0.22 * 0.5 * 0.5 + 0.08)
    assert np.all((p0 > 0) & (p0 < 1))


def test_shared_data_is_found_beside_the_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOODCALL_SHARED_DATA", raising=False)
    found = shared_data("hillstrom", "hillstrom.csv")
    assert found.parts[-4:] == ("shared", "data", "hillstrom", "hillstrom.csv")
    assert REPOSITORY.is_relative_to(found.parents[3])  # ../shared, or further up
    monkeypatch.setenv("GOODCALL_SHARED_DATA", "/elsewhere")
    assert shared_data("telco-churn") == Path("/elsewhere/telco-churn")


def test_the_real_telco_covariates_include_harmed_customers() -> None:
    path = shared_data("telco-churn", "Telco-Customer-Churn.csv")
    if not path.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Telco data missing at {path} (required in CI)")
        pytest.skip(f"Telco data not found at {path} (set GOODCALL_SHARED_DATA)")
    from bench.peers_data import telco

    draw = telco()(0)
    assert draw.truth is not None and draw.features.height == 7043
    harmed = float((draw.truth < 0).mean())
    helped = float((draw.truth > 0.05).mean())
    assert 0.1 < harmed < 0.4 and 0.2 < helped < 0.7, (harmed, helped)
