"""Problems found in import files: one row each, naming file, row, column, value and what was
expected.

Problems are Polars frames (checks are vectorised and produce whole batches of them). The log
keeps counts per kind, the first problems for the terminal, and streams every problem to the
``--report`` CSV when one is asked for, so a file with millions of bad rows does not fill memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from goodcall.output import cut, cut_expr
from goodcall.writing import AtomicFile, write_csv

# Kinds of problem. Every kind is an error (the row, or the file, is rejected) except UNKNOWN_FILE.
MISSING_FILE = "missing_file"
UNKNOWN_FILE = "unknown_file"
AMBIGUOUS_FILE = "ambiguous_file"
UNREADABLE_FILE = "unreadable_file"
MISSING_COLUMN = "missing_column"
UNKNOWN_COLUMN = "unknown_column"
BAD_VALUE = "bad_value"
NO_OFFSET = "timestamp_without_offset"
UNKNOWN_VALUE = "unknown_value"
BAD_TIME_ZONE = "bad_time_zone"
OUT_OF_RANGE = "out_of_range"
NULL_VALUE = "null_value"
DUPLICATE_KEY = "duplicate_key"
ALREADY_STORED = "already_stored"
DANGLING_REFERENCE = "dangling_reference"
REJECTED_REFERENCE = "rejected_reference"
TOO_LONG = "too_long"

PROBLEM_KINDS: dict[str, str] = {
    MISSING_FILE: "a required table has no file (or the directory does not exist)",
    UNKNOWN_FILE: "a .csv/.parquet file whose name is no table (warning: the file is ignored)",
    AMBIGUOUS_FILE: "a table has both a .csv and a .parquet file",
    UNREADABLE_FILE: "the file cannot be parsed (e.g. a CSV row with too many fields)",
    MISSING_COLUMN: "a required column is absent from the file",
    UNKNOWN_COLUMN: "the file has a column the table does not have",
    BAD_VALUE: "a value of the wrong type: not a number, not a date, not true/false…",
    NO_OFFSET: "a timestamp without a UTC offset (its instant is unknown)",
    UNKNOWN_VALUE: "a value outside the column's allowed values",
    BAD_TIME_ZONE: "not an IANA time zone name",
    OUT_OF_RANGE: "a number below the column's minimum (or above its maximum)",
    TOO_LONG: "a value longer than the limit on one field (MAX_FIELD_CHARS)",
    NULL_VALUE: "an empty value in a column that requires one",
    DUPLICATE_KEY: "the row's key was already used by an earlier row of the file",
    ALREADY_STORED: "the row's key is already in the store (only with --on-existing reject)",
    DANGLING_REFERENCE: "the row points at a key found neither in the import nor in the store",
    REJECTED_REFERENCE: "the row points at a row that was rejected (with --quarantine)",
}

WARNINGS = frozenset({UNKNOWN_FILE})
# File-level problems: no row can be trusted, so they fail the import even with --quarantine.
FILE_LEVEL = frozenset(
    {MISSING_FILE, AMBIGUOUS_FILE, UNREADABLE_FILE, MISSING_COLUMN, UNKNOWN_COLUMN}
)

PROBLEM_SCHEMA = pl.Schema(
    {
        "file": pl.String(),
        "row": pl.Int64(),
        "column": pl.String(),
        "value": pl.String(),
        "problem": pl.String(),
        "expected": pl.String(),
    }
)


def file_problem(
    file: str, problem: str, expected: str, column: str | None = None, value: str | None = None
) -> pl.DataFrame:
    """One problem that concerns a whole file (or one of its columns), not a row."""
    return pl.DataFrame(
        [
            {
                "file": file,
                "row": None,
                "column": column,
                "value": None if value is None else cut(value),
                "problem": problem,
                "expected": expected,
            }
        ],
        schema=PROBLEM_SCHEMA,
    )


def empty_problems() -> pl.DataFrame:
    return pl.DataFrame(schema=PROBLEM_SCHEMA)


def readable(problems: pl.DataFrame) -> pl.DataFrame:
    """``problems`` with each value cut to a readable length (:func:`goodcall.output.cut`): an
    unterminated quote can make one "value" of the rest of a file."""
    return problems.with_columns(cut_expr(pl.col("value")).alias("value"))


@dataclass
class ProblemLog:
    """Every problem of one import: counts, the first few, and the full list on disk if asked.

    The report is written under a temporary name from the start (so an unwritable path fails
    before the import's transaction) and put in place by :meth:`close`, escaped like every CSV
    report (:func:`goodcall.writing.write_csv`)."""

    keep: int = 1000
    report_path: Path | None = None
    first: pl.DataFrame = field(default_factory=empty_problems)
    counts: dict[tuple[str, str], int] = field(default_factory=dict)
    _report: AtomicFile | None = None
    _header: bool = False

    def __post_init__(self) -> None:
        if self.report_path is not None:
            self._report = AtomicFile(self.report_path, "--report")

    def _write(self, problems: pl.DataFrame) -> None:
        if self._report is not None:
            write_csv(problems, self._report.handle, include_header=not self._header)
            self._header = True

    def add(self, problems: pl.DataFrame) -> None:
        if problems.height == 0:
            return
        problems = problems.select(PROBLEM_SCHEMA.names()).cast(PROBLEM_SCHEMA)
        if self.first.height < self.keep:
            self.first = pl.concat([self.first, problems.head(self.keep - self.first.height)])
        for file, problem, count in problems.group_by("file", "problem").len().iter_rows():
            self.counts[(file, problem)] = self.counts.get((file, problem), 0) + count
        self._write(problems)

    def close(self) -> None:
        """Put the report file in place (with a header even when there was no problem)."""
        if self._report is not None:
            if not self._header:
                self._write(empty_problems())
            self._report.commit()

    def discard(self) -> None:
        """Remove the unfinished report (the import crashed): an older report stays."""
        if self._report is not None:
            self._report.discard()

    @property
    def errors(self) -> int:
        return sum(n for (_, kind), n in self.counts.items() if kind not in WARNINGS)

    @property
    def warnings(self) -> int:
        return sum(n for (_, kind), n in self.counts.items() if kind in WARNINGS)

    @property
    def fatal(self) -> bool:
        """A file-level error: the import cannot land, even with a quarantine."""
        return any(kind in FILE_LEVEL for (_, kind) in self.counts)

    def counts_frame(self) -> pl.DataFrame:
        rows = [{"file": f, "problem": k, "count": n} for (f, k), n in self.counts.items()]
        schema = {"file": pl.String(), "problem": pl.String(), "count": pl.Int64()}
        return pl.DataFrame(rows, schema=schema).sort("file", "problem")
