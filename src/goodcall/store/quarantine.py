"""The quarantine file: rows an import rejected, as they were read, with every reason.

One CSV for all tables: ``table, file, row, reasons, record`` where ``record`` is the rejected
row as a JSON object of its original values (as text), so it can be fixed and imported again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from goodcall.store.parse import ROW, as_text
from goodcall.writing import AtomicFile, write_csv

QUARANTINE_COLUMNS = ("table", "file", "row", "reasons", "record")


def reasons_by_row(problems: pl.DataFrame) -> pl.DataFrame:
    """One line per rejected row: ``column: problem 'value' (expected …)`` joined by ``; ``."""
    reason = pl.format(
        "{}: {} '{}' (expected {})",
        pl.col("column").fill_null("-"),
        pl.col("problem"),
        pl.col("value").fill_null(""),
        pl.col("expected"),
    )
    return (
        problems.filter(pl.col("row").is_not_null())
        .group_by("row", maintain_order=True)
        .agg(reason.str.join("; ").alias("reasons"))
        .rename({"row": ROW})
    )


@dataclass
class Quarantine:
    """Writes rejected rows to ``path`` as they are found, batch by batch, under a temporary
    name created at once (an unwritable path fails before the import) and put in place by
    :meth:`close`; cells are escaped like every CSV report."""

    path: Path
    rows: dict[str, int] = field(default_factory=dict)
    _out: AtomicFile | None = None
    _header: bool = False

    def __post_init__(self) -> None:
        self._out = AtomicFile(self.path, "--quarantine")

    def _write(self, frame: pl.DataFrame) -> None:
        assert self._out is not None
        write_csv(frame, self._out.handle, include_header=not self._header)
        self._header = True

    def add(self, table: str, file: str, raw: pl.DataFrame, problems: pl.DataFrame) -> None:
        reasons = reasons_by_row(problems)
        if reasons.height == 0:
            return
        values = [as_text(pl.col(n), raw.schema[n]).alias(n) for n in raw.columns if n != ROW]
        records = raw.select(ROW, pl.struct(values).struct.json_encode().alias("record"))
        out = reasons.join(records, on=ROW, how="left").select(
            pl.lit(table).alias("table"),
            pl.lit(file).alias("file"),
            pl.col(ROW).alias("row"),
            "reasons",
            "record",
        )
        self.rows[table] = self.rows.get(table, 0) + out.height
        self._write(out)

    def close(self) -> None:
        """Put the quarantine file in place (with a header even when no row was rejected)."""
        if not self._header:
            self._write(pl.DataFrame(schema=dict.fromkeys(QUARANTINE_COLUMNS, pl.String())))
        assert self._out is not None
        self._out.commit()

    def discard(self) -> None:
        """Remove the unfinished file (the import crashed): an older quarantine file stays."""
        assert self._out is not None
        self._out.discard()
