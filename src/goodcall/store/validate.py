"""Checks that span rows and tables: duplicate keys, keys already stored, references.

The tables are imported in dependency order (a table only references tables before it), so when
a table's rows are checked, every table it points at is complete. This module keeps, per table,
only the keys seen so far (with the row that first had each key) — never whole rows — so memory
grows with the number of keys, not with the size of the carrier. All checks are joins.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl

from goodcall.profiles.frames import table_schema
from goodcall.profiles.schema import TABLES, Table
from goodcall.store import problems as P
from goodcall.store.parse import ROW

StoreKeys = Callable[[Table, tuple[str, ...]], pl.DataFrame]


def referenced_tables() -> frozenset[str]:
    """Tables some column points at (their keys are kept for reference checks)."""
    return frozenset(c.references.split(".")[0] for t in TABLES for c in t.columns if c.references)


def _key_text(key: tuple[str, ...]) -> pl.Expr:
    return pl.concat_str([pl.col(k).cast(pl.String) for k in key], separator=",")


def _problems(
    rows: pl.DataFrame, file: str, column: str, value: pl.Expr, problem: str, expected: pl.Expr
) -> pl.DataFrame:
    return rows.select(
        pl.lit(file).alias("file"),
        pl.col(ROW).alias("row"),
        pl.lit(column).alias("column"),
        value.alias("value"),
        pl.lit(problem).alias("problem"),
        expected.alias("expected"),
    )


@dataclass
class TableKeys:
    """Keys of one table seen in this import: first row of each, and which were accepted."""

    file: str
    present: pl.DataFrame
    accepted: pl.DataFrame


@dataclass
class KeyChecks:
    """Duplicate, already-stored and reference checks across the batches of one import.

    ``store_keys`` reads key columns from the store (None with ``--replace``: the store's rows
    are about to go). ``reject_existing`` makes a key already stored an error instead of an
    update. ``quarantine`` also rejects rows that point at a rejected row.
    """

    store_keys: StoreKeys | None
    reject_existing: bool = False
    quarantine: bool = False
    missing_files: frozenset[str] = frozenset()
    seen: dict[str, TableKeys] = field(default_factory=dict)
    targets: dict[str, pl.DataFrame] = field(default_factory=dict)
    rejected: dict[str, pl.DataFrame] = field(default_factory=dict)
    _stored: dict[str, pl.DataFrame] = field(default_factory=dict)

    def _store(self, table: Table, columns: tuple[str, ...]) -> pl.DataFrame | None:
        if self.store_keys is None:
            return None
        if table.name not in self._stored:
            self._stored[table.name] = self.store_keys(table, columns)
        return self._stored[table.name]

    def start(self, table: Table, file: str, rows_schema: pl.Schema) -> None:
        empty = pl.DataFrame(schema={k: rows_schema[k] for k in table.key})
        present = empty.with_columns(pl.lit(None, pl.Int64).alias(ROW))
        self.seen[table.name] = TableKeys(file, present, empty)

    def check(self, table: Table, rows: pl.DataFrame) -> pl.DataFrame:
        """Problems of a typed batch (``_row`` + the table's columns) beyond single values."""
        keys = self.seen[table.name]
        found = [self._duplicates(table, rows, keys)]
        if self.reject_existing and (stored := self._store(table, table.key)) is not None:
            hit = rows.join(stored, on=list(table.key), how="semi")
            found.append(
                _problems(
                    hit,
                    keys.file,
                    ",".join(table.key),
                    _key_text(table.key),
                    P.ALREADY_STORED,
                    pl.lit(
                        "a key not already in the store (or import without --on-existing reject)"
                    ),
                )
            )
        for column in table.columns:
            if column.references:
                found.extend(self._references(rows, keys.file, column.name, column.references))
        return pl.concat(found)

    def _duplicates(self, table: Table, rows: pl.DataFrame, keys: TableKeys) -> pl.DataFrame:
        key = list(table.key)
        keyed = rows.select(ROW, *key).drop_nulls(key)
        keyed = keyed.with_columns(pl.col(ROW).min().over(key).alias("_first"))
        keyed = keyed.join(keys.present.rename({ROW: "_seen"}), on=key, how="left")
        first = pl.coalesce("_seen", "_first")
        dups = keyed.filter(first != pl.col(ROW))
        expected = pl.format("a key no other row has (first used at row {})", first)
        return _problems(
            dups, keys.file, ",".join(key), _key_text(table.key), P.DUPLICATE_KEY, expected
        )

    def _references(
        self, rows: pl.DataFrame, file: str, column: str, reference: str
    ) -> list[pl.DataFrame]:
        parent, parent_column = reference.split(".")
        if parent in self.missing_files or parent not in self.targets:
            return []
        values = rows.select(ROW, pl.col(column).alias(parent_column)).drop_nulls(parent_column)
        dangling = values.join(self.targets[parent], on=parent_column, how="anti")
        parent_file = self.seen[parent].file if parent in self.seen else f"{parent} file"
        found = [
            _problems(
                dangling,
                file,
                column,
                pl.col(parent_column),
                P.DANGLING_REFERENCE,
                pl.lit(f"a {reference} present in {parent_file} or already stored"),
            )
        ]
        if self.quarantine and parent in self.rejected:
            hit = values.join(self.rejected[parent].rename({ROW: "_parent_row"}), on=parent_column)
            expected = pl.format(
                "a {} row that was accepted ({} row {} was rejected)",
                pl.lit(parent),
                pl.lit(parent_file),
                pl.col("_parent_row"),
            )
            found.append(
                _problems(hit, file, column, pl.col(parent_column), P.REJECTED_REFERENCE, expected)
            )
        return found

    def record(self, table: Table, rows: pl.DataFrame, bad: pl.Series) -> None:
        """Remember the batch's keys (first occurrences) and which rows were accepted."""
        keys = self.seen[table.name]
        key = list(table.key)
        new = rows.select(ROW, *key).drop_nulls(key).unique(key, keep="first", maintain_order=True)
        new = new.join(keys.present, on=key, how="anti")
        keys.present = pl.concat([keys.present, new.select(*key, ROW)])
        if table.name in referenced_tables():
            good = rows.filter(~bad).select(key)
            keys.accepted = pl.concat([keys.accepted, good])

    def finish(self, table: Table) -> None:
        """Make the table's keys the targets of later references (file keys ∪ stored keys)."""
        if table.name not in referenced_tables() or len(table.key) != 1:
            return
        keys = self.seen.get(table.name)
        parts = [keys.present.select(table.key)] if keys is not None else []
        stored = self._store(table, table.key)
        if stored is not None:
            parts.append(stored.select(table.key))
        if not parts:
            parts = [pl.DataFrame(schema={k: table_schema(table)[k] for k in table.key})]
        self.targets[table.name] = pl.concat(parts).unique()
        if keys is not None:
            self.rejected[table.name] = keys.present.join(
                keys.accepted.unique(), on=list(table.key), how="anti"
            )
