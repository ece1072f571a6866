"""The quarantine file: rows an import rejected, as they were read, with every reason.

One CSV for all tables: ``table, file, row, reasons, record`` where ``record`` is the rejected
row as a JSON object of its original values (as text), so it can be fixed and imported again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import polars as pl

from goodcall.store.parse import ROW, as_text

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
    """Writes rejected rows to ``path`` as they are found, batch by batch."""

    path: Path
    rows: dict[str, int] = field(default_factory=dict)
    _out: IO[bytes] | None = None

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
        if self._out is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._out = self.path.open("wb")
            out.write_csv(self._out)
        else:
            out.write_csv(self._out, include_header=False)

    def close(self) -> None:
        if self._out is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._out = self.path.open("wb")
            pl.DataFrame(schema=dict.fromkeys(QUARANTINE_COLUMNS, pl.String())).write_csv(self._out)
        self._out.close()
