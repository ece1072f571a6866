"""Logged decisions and evaluation policies for off-policy evaluation: reading and checking.

Logs (one row per logged decision): the chosen ``action``, an optional ``position`` (slot of a
list, or any key the policies depend on), the observed ``reward`` and the logging policy's
``propensity`` — the probability with which the logged action was chosen. Column names are
configurable; the defaults are those of the Open Bandit Dataset (``item_id``, ``position``,
``click``, ``propensity_score``).

An evaluation policy is a table ``π_e(action | keys)``: one row per key combination and action,
a ``probability`` column, and key columns (``position`` and/or context columns) that also exist
in the logs. Within each key combination the probabilities must sum to 1.

``policy_from_logs`` estimates a policy's action distribution per position from its own logs
(the Open Bandit procedure): either the mean logged propensity of each (position, action),
normalised to sum to 1 per position (``"propensity"``), or the empirical frequency of each
action per position (``"frequency"``). Actions never logged at a position get probability 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import polars as pl
from numpy.typing import NDArray

PROBABILITY = "probability"
SUM_TOLERANCE = 1e-6
ROW = "_ope_row"
PolicyEstimate = Literal["propensity", "frequency"]


class OpeInputError(ValueError):
    """Logs or a policy that off-policy evaluation cannot use (names file, column, row)."""


@dataclass(frozen=True)
class LogColumns:
    """Names of the log columns (defaults: the Open Bandit Dataset's)."""

    action: str = "item_id"
    reward: str = "click"
    propensity: str = "propensity_score"
    position: str | None = "position"

    @property
    def required(self) -> list[str]:
        names = [self.action, self.reward, self.propensity]
        return [*names, self.position] if self.position else names


def _read_csv(path: Path) -> pl.DataFrame:
    try:
        return pl.read_csv(path, infer_schema_length=None)
    except (pl.exceptions.PolarsError, OSError) as error:
        raise OpeInputError(f"{path}: cannot read as CSV ({error})") from error


def read_logs(path: Path, columns: LogColumns) -> tuple[pl.DataFrame, list[Path]]:
    """Logs from a CSV file, or from every CSV of a directory that has the log columns."""
    source = Path(path)
    if source.is_file():
        frame = _read_csv(source)
        check_log_columns(frame, columns, str(source))
        return frame, [source]
    if not source.is_dir():
        raise OpeInputError(f"{source}: no such file or directory")
    used: list[Path] = []
    frames: list[pl.DataFrame] = []
    for candidate in sorted(source.glob("*.csv")):
        frame = _read_csv(candidate)
        if all(name in frame.columns for name in columns.required):
            frames.append(frame)
            used.append(candidate)
    if not frames:
        raise OpeInputError(
            f"{source}: no CSV file with the log columns {', '.join(columns.required)}"
        )
    return pl.concat(frames, how="diagonal_relaxed"), used


def check_log_columns(frame: pl.DataFrame, columns: LogColumns, source: str) -> None:
    """Presence and values of the log columns: numeric reward, propensity in (0, 1]."""
    missing = [name for name in columns.required if name not in frame.columns]
    if missing:
        raise OpeInputError(
            f"{source}: missing column(s) {', '.join(missing)} "
            f"(columns present: {', '.join(frame.columns)})"
        )
    if frame.height == 0:
        raise OpeInputError(f"{source}: no logged rows")
    for name in (columns.reward, columns.propensity):
        if not frame.schema[name].is_numeric():
            raise OpeInputError(
                f"{source}: column {name!r} must be numeric, got {frame.schema[name]}"
            )
        _first_bad(frame, pl.col(name).is_null() | pl.col(name).is_nan(), name, "is empty", source)
    bad = (pl.col(columns.propensity) <= 0) | (pl.col(columns.propensity) > 1)
    _first_bad(frame, bad, columns.propensity, "is not in (0, 1]", source)
    for key in (columns.action, columns.position):
        if key is not None:
            _first_bad(frame, pl.col(key).is_null(), key, "is empty", source)


def _first_bad(frame: pl.DataFrame, bad: pl.Expr, name: str, problem: str, source: str) -> None:
    rows = frame.with_row_index(ROW).filter(bad)
    if rows.height:
        first = rows.row(0, named=True)
        raise OpeInputError(
            f"{source}: {name} {problem} in {rows.height} row(s); first at data row "
            f"{first[ROW] + 1} (value {first[name]!r})"
        )


def check_policy(policy: pl.DataFrame, action: str, source: str = "policy") -> list[str]:
    """Validate ``π_e`` and return its key columns (every column but action and probability)."""
    for name in (action, PROBABILITY):
        if name not in policy.columns:
            raise OpeInputError(
                f"{source}: missing column {name!r} (has {', '.join(policy.columns)})"
            )
    keys = [c for c in policy.columns if c not in (action, PROBABILITY)]
    if not policy.schema[PROBABILITY].is_numeric():
        raise OpeInputError(f"{source}: {PROBABILITY!r} must be numeric")
    probability = pl.col(PROBABILITY)
    bad = probability.is_null() | probability.is_nan() | (probability < 0) | (probability > 1)
    _first_bad(policy, bad, PROBABILITY, "is not a probability in [0, 1]", source)
    duplicated = policy.filter(pl.struct([*keys, action]).is_duplicated())
    if duplicated.height:
        raise OpeInputError(f"{source}: repeated rows for {duplicated.row(0, named=True)}")
    totals = (
        policy.group_by(keys).agg(probability.sum().alias("total"))
        if keys
        else policy.select(probability.sum().alias("total"))
    )
    off = totals.filter((pl.col("total") - 1).abs() > SUM_TOLERANCE)
    if off.height:
        where = off.row(0, named=True)
        raise OpeInputError(
            f"{source}: probabilities must sum to 1 for each {', '.join(keys) or 'policy'}; "
            f"{where} sums to {where['total']:.6f}"
        )
    return keys


@dataclass(frozen=True)
class PolicyOnLogs:
    """An evaluation policy laid over the logs.

    ``logged``: ``π_e(a_i | x_i)`` for each logged row; ``expanded``: one row per (logged row,
    action with ``π_e > 0``) with columns ``_ope_row``, the action and ``probability`` — what
    the doubly robust estimator averages the reward model over.
    """

    logged: NDArray[np.float64]
    expanded: pl.DataFrame


def lay_policy_on_logs(
    logs: pl.DataFrame, policy: pl.DataFrame, action: str, source: str = "policy"
) -> PolicyOnLogs:
    """Join ``π_e`` to every logged row by its key columns (actions compared as text)."""
    keys = check_policy(policy, action, source)
    absent = [k for k in keys if k not in logs.columns]
    if absent:
        raise OpeInputError(f"{source}: key column(s) {', '.join(absent)} are not in the logs")
    as_text = [pl.col(c).cast(pl.String) for c in (*keys, action)]
    table = policy.with_columns(as_text).filter(pl.col(PROBABILITY) > 0)
    indexed = logs.with_row_index(ROW).with_columns(as_text)
    expanded = indexed.select(ROW, *keys).join(table, on=keys, how="inner") if keys else (
        indexed.select(ROW).join(table, how="cross")
    )  # fmt: skip
    covered = expanded.get_column(ROW).n_unique() if expanded.height else 0
    if covered < logs.height:
        uncovered = indexed.join(expanded.select(ROW).unique(), on=ROW, how="anti")
        raise OpeInputError(
            f"{source}: no action distribution for {logs.height - covered} logged row(s); "
            f"first: data row {uncovered.item(0, ROW) + 1} with "
            f"{ {k: uncovered.item(0, k) for k in keys} }"
        )
    logged = (
        indexed.select(ROW, *keys, action)
        .join(table, on=[*keys, action], how="left")
        .sort(ROW)
        .get_column(PROBABILITY)
        .fill_null(0.0)
        .to_numpy()
        .astype(np.float64)
    )
    return PolicyOnLogs(logged, expanded.select(ROW, action, PROBABILITY).sort(ROW))


def policy_from_logs(
    logs: pl.DataFrame, columns: LogColumns, estimate: PolicyEstimate = "propensity"
) -> pl.DataFrame:
    """``π(action | position)`` of the policy that produced ``logs`` (module docstring)."""
    keys = [columns.position] if columns.position else []
    if estimate == "propensity":
        weight = pl.col(columns.propensity).mean()
    elif estimate == "frequency":
        weight = pl.len().cast(pl.Float64)
    else:
        raise OpeInputError(
            f"policy estimate must be 'propensity' or 'frequency', got {estimate!r}"
        )
    grouped = logs.group_by([*keys, columns.action]).agg(weight.alias(PROBABILITY))
    total = pl.col(PROBABILITY).sum().over(keys) if keys else pl.col(PROBABILITY).sum()
    return grouped.with_columns(pl.col(PROBABILITY) / total).sort([*keys, columns.action])


def open_bandit_logs(root: Path, policy: str, campaign: str) -> Path:
    """``<root>/<policy>/<campaign>/<campaign>.csv`` of the Open Bandit Dataset layout."""
    path = Path(root) / policy / campaign / f"{campaign}.csv"
    if not path.is_file():
        raise OpeInputError(
            f"{path} not found: --open-bandit expects <dir>/{{random,bts}}/<campaign>/"
            "<campaign>.csv (campaigns all, men, women)"
        )
    return path


def context_columns(frame: pl.DataFrame, names: Sequence[str], source: str) -> list[str]:
    missing = [name for name in names if name not in frame.columns]
    if missing:
        raise OpeInputError(f"{source}: context column(s) {', '.join(missing)} not in the logs")
    return list(names)
