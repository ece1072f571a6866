"""The benchmarks of ``bench.uplift_peers``: what each split draws, and its hidden truth.

Every benchmark is a function ``seed -> Draw``: the rows (as goodcall's feature frame and as
the numeric matrix the peers take), the group, the outcome, the true uplift where it is known,
and a random training / test split stratified by group × outcome.

* **Hillstrom** (``../shared/data/hillstrom/hillstrom.csv``): women's or men's e-mail vs no
  e-mail, outcome visit or conversion; the rows are fixed, the split changes with the seed.
  goodcall's features come from the same ``prepare_uplift_table`` as ``goodcall uplift fit``.
* **make_uplift_classification** (causalml's generator): ``size`` rows, half treated, drawn
  anew for each seed. Its ``treatment_effect`` column only says which treated rows the
  treatment flipped (0 on every control row), not each row's expected uplift: Qini only.
* **Telco** (``../shared/data/telco-churn/Telco-Customer-Churn.csv``): the 7,043 real
  customers' covariates, a synthetic retention call with a known heterogeneous effect — month-
  to-month, high-bill, fibre customers are kept by a call, long two-year-contract customers and
  electronic-cheque seniors are pushed to leave by it — randomised 50/50 and drawn per seed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import polars as pl
from numpy.typing import NDArray

from bench.shared_data import shared_data

TEST_SHARE = 0.3
HILLSTROM_OUTCOMES = ("visit", "conversion", "spend")


@dataclass(frozen=True)
class Draw:
    """One split of one benchmark."""

    features: pl.DataFrame  # goodcall's input (categorical columns as strings)
    matrix: NDArray[np.float64]  # the peers' input (one-hot categorical columns)
    treated: NDArray[np.bool_]
    outcome: NDArray[np.float64]
    truth: NDArray[np.float64] | None  # true uplift of every row, when known
    train: NDArray[np.intp]
    test: NDArray[np.intp]


def stratified_split(
    treated: NDArray[np.bool_], outcome: NDArray[np.float64], seed: int
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """``TEST_SHARE`` of each group × outcome cell held out, at random."""
    rng = np.random.default_rng(10_000 + seed)
    test: list[NDArray[np.intp]] = []
    cell = treated.astype(np.int64) * 2 + (outcome > 0).astype(np.int64)
    for value in np.unique(cell):
        rows = np.flatnonzero(cell == value)
        rng.shuffle(rows)
        test.append(rows[: round(rows.size * TEST_SHARE)])
    held = np.sort(np.concatenate(test))
    mask = np.ones(treated.size, dtype=bool)
    mask[held] = False
    return np.flatnonzero(mask), held


def _matrix(frame: pl.DataFrame) -> NDArray[np.float64]:
    """Numeric columns as they are (missing as NaN), text columns one-hot."""
    pandas = frame.to_pandas()
    text = [c for c in pandas.columns if pandas[c].dtype == object or str(pandas[c].dtype) == "str"]
    encoded = pd.get_dummies(pandas, columns=text, dtype=np.float64)
    return encoded.to_numpy(dtype=np.float64, na_value=np.nan)


def hillstrom(arm: str, outcome: str) -> Callable[[int], Draw]:
    """``arm`` (``Womens E-Mail`` / ``Mens E-Mail``) vs ``No E-Mail``, binary ``outcome``."""
    from goodcall.models.uplift.tabular import GroupValue, prepare_uplift_table, read_table

    path = shared_data("hillstrom", "hillstrom.csv")
    if not path.is_file():
        raise SystemExit(f"{path}: Hillstrom file not found (set GOODCALL_SHARED_DATA)")
    table = prepare_uplift_table(
        read_table(path),
        treatment=GroupValue("segment", arm),
        control=GroupValue("segment", "No E-Mail"),
        outcome=outcome,
        exclude=[o for o in HILLSTROM_OUTCOMES if o != outcome],
    )
    features, treated, y = table.features, table.treated, table.outcome
    matrix = _matrix(features)

    def draw(seed: int) -> Draw:
        train, test = stratified_split(treated, y, seed)
        return Draw(features, matrix, treated, y, None, train, test)

    return draw


def make_classification(size: int) -> Callable[[int], Draw]:
    """causalml's ``make_uplift_classification`` with ``size`` rows (two groups of size/2)."""
    from causalml.dataset import make_uplift_classification

    def draw(seed: int) -> Draw:
        frame, names = make_uplift_classification(
            n_samples=size // 2,
            treatment_name=["control", "treatment1"],
            random_seed=seed,
        )
        features = pl.from_pandas(frame[names].reset_index(drop=True))
        treated = (frame["treatment_group_key"] == "treatment1").to_numpy()
        y = frame["conversion"].to_numpy(dtype=np.float64)
        train, test = stratified_split(treated, y, seed)
        return Draw(features, features.to_numpy().astype(np.float64), treated, y, None, train, test)

    return draw


def _sigmoid(z: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.asarray(1.0 / (1.0 + np.exp(-z)), dtype=np.float64)


def telco_truth(frame: pl.DataFrame) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """P(stays | no call) and the call's true effect on it, for each customer."""

    def col(name: str) -> NDArray[np.float64]:
        return frame[name].cast(pl.Float64).fill_null(0.0).to_numpy()

    def flag(name: str, value: str) -> NDArray[np.float64]:
        return (frame[name] == value).cast(pl.Float64).to_numpy()

    tenure, bill = col("tenure"), col("MonthlyCharges")
    monthly = flag("Contract", "Month-to-month")
    two_year = flag("Contract", "Two year")
    fibre = flag("InternetService", "Fiber optic")
    cheque = flag("PaymentMethod", "Electronic check")
    senior = col("SeniorCitizen")
    no_security = flag("OnlineSecurity", "No")
    stay_logit = 0.3 + 0.045 * tenure - 1.1 * monthly - 0.7 * fibre - 0.5 * cheque + 0.8 * two_year
    p0 = _sigmoid(stay_logit)
    effect = (
        0.22 * monthly * _sigmoid((bill - 70.0) / 8.0) * (0.5 + 0.5 * fibre)
        + 0.08 * no_security * monthly
        - 0.12 * two_year * (tenure > 48)
        - 0.10 * cheque * senior
    )
    p1 = np.clip(p0 + effect, 0.005, 0.995)
    return p0, p1 - p0


def telco() -> Callable[[int], Draw]:
    """The semi-synthetic retention call on the IBM Telco covariates (see the module docstring)."""
    path = shared_data("telco-churn", "Telco-Customer-Churn.csv")
    if not path.is_file():
        raise SystemExit(f"{path}: Telco file not found (set GOODCALL_SHARED_DATA)")
    raw = pl.read_csv(path, infer_schema_length=10_000)
    frame = raw.drop("customerID", "Churn").with_columns(
        pl.col("TotalCharges").str.strip_chars().replace("", None).cast(pl.Float64)
    )
    p0, effect = telco_truth(frame)
    matrix = _matrix(frame)

    def draw(seed: int) -> Draw:
        rng = np.random.default_rng(seed)
        treated = rng.random(frame.height) < 0.5
        p = np.where(treated, p0 + effect, p0)
        y = (rng.random(frame.height) < p).astype(np.float64)
        train, test = stratified_split(treated, y, seed)
        return Draw(frame, matrix, treated, y, effect, train, test)

    return draw
