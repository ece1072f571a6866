"""Logged decisions and evaluation policies for off-policy evaluation: reading and checking.

Logs (one row per logged decision): the chosen ``action``, an optional ``position`` (slot of a
list, or any key the policies depend on), the observed ``reward`` and the logging policy's
``propensity`` — the probability with which the logged action was chosen. Column names are
configurable; the defaults are those of the Open Bandit Dataset (``item_id``, ``position``,
``click``, ``propensity_score``).

An evaluation policy is a table ``π_e(action | keys)``: one row per key combination and action,
a ``probability`` column, and key columns (``position`` and/or context columns) that also exist
in the logs. Within each key combination the probabilities must sum to 1.

Files are read like experiment tables (``goodcall.models.uplift.reading``): CSV with ``,``,
``;``, tab or ``|`` separators detected from the header, or Parquet. A boolean reward (or one
written true/false, yes/no) counts as 0/1. Actions and keys are matched as text, with whole
numbers written alike (``3`` in the logs matches ``3.0`` in a policy file).

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


LOG_SUFFIXES = ("*.csv", "*.parquet", "*.pq")


def read_table_file(path: Path) -> pl.DataFrame:
    """A CSV or Parquet file (see the module docstring); errors name the file."""
    from goodcall.models.uplift.reading import read_table

    try:
        return read_table(path)
    except ValueError as error:
        raise OpeInputError(str(error)) from error


def read_logs(path: Path, columns: LogColumns) -> tuple[pl.DataFrame, list[Path]]:
    """Logs from a CSV file, or from every CSV of a directory that has the log columns."""
    source = Path(path)
    if source.is_file():
        frame = reward_as_number(read_table_file(source), columns.reward)
        check_log_columns(frame, columns, str(source))
        return frame, [source]
    if not source.is_dir():
        raise OpeInputError(f"{source}: no such file or directory")
    used: list[Path] = []
    frames: list[pl.DataFrame] = []
    for candidate in sorted(p for pattern in LOG_SUFFIXES for p in source.glob(pattern)):
        frame = read_table_file(candidate)
        if all(name in frame.columns for name in columns.required):
            frame = reward_as_number(frame, columns.reward)
            frames.append(frame)
            used.append(candidate)
    if not frames:
        raise OpeInputError(
            f"{source}: no CSV file with the log columns {', '.join(columns.required)} "
            "(nor any Parquet file)"
        )
    return pl.concat(frames, how="diagonal_relaxed"), used


def reward_as_number(frame: pl.DataFrame, reward: str) -> pl.DataFrame:
    """A boolean reward, or one written true/false or yes/no (any case), as 0/1."""
    from goodcall.models.uplift.reading import FALSE_WORDS, TRUE_WORDS

    column = frame.get_column(reward)
    if column.dtype == pl.Boolean:
        return frame.with_columns(column.cast(pl.Int64))
    if column.dtype != pl.String:
        return frame
    text = column.str.strip_chars().str.to_lowercase()
    if not text.drop_nulls().is_in([*TRUE_WORDS, *FALSE_WORDS]).all():
        return frame
    return frame.with_columns(
        pl.when(text.is_null())
        .then(None)
        .otherwise(text.is_in(TRUE_WORDS).cast(pl.Int64))
        .alias(reward)
    )


def check_log_columns(frame: pl.DataFrame, columns: LogColumns, source: str) -> None:
    """Presence and values of the log columns: numeric reward, propensity in (0, 1]."""
    missing = [name for name in columns.required if name not in frame.columns]
    if missing:
        hint = ""
        if columns.position in missing and columns.position == LogColumns.position:
            hint = "; logs without positions need --position-col ''"
        raise OpeInputError(
            f"{source}: missing column(s) {', '.join(missing)} "
            f"(columns present: {', '.join(frame.columns)}){hint}; name the log columns with "
            "--action-col, --reward-col, --propensity-col and --position-col"
        )
    if frame.height == 0:
        raise OpeInputError(f"{source}: no logged rows")
    for name in (columns.reward, columns.propensity):
        if not frame.schema[name].is_numeric():
            found = frame.get_column(name).drop_nulls().cast(pl.String).unique().sort().head(3)
            expected = "a number or true/false" if name == columns.reward else "a number"
            raise OpeInputError(
                f"{source}: column {name!r} must hold {expected}, got {frame.schema[name]} "
                f"values such as {', '.join(repr(v) for v in found.to_list())}"
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
    table = policy.with_columns(key_text(policy, [*keys, action])).filter(pl.col(PROBABILITY) > 0)
    indexed = logs.with_row_index(ROW).with_columns(key_text(logs, [*keys, action]))
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


def key_text(frame: pl.DataFrame, names: Sequence[str]) -> list[pl.Expr]:
    """Key columns as text, whole floats without their ``.0`` (``3.0`` → ``"3"``).

    Why: actions and keys are joined as text, and one file may store an action id as ``3``
    while another stores ``3.0``; compared naively no logged row would match its policy row.
    """
    exprs = []
    for name in names:
        column = pl.col(name)
        if frame.schema[name].is_float():
            whole = column.is_finite() & (column.round(0) == column)
            text = column.cast(pl.String)
            exprs.append(
                pl.when(whole)
                .then(column.cast(pl.Int64).cast(pl.String))
                .otherwise(text)
                .alias(name)
            )
        else:
            exprs.append(column.cast(pl.String))
    return exprs


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
