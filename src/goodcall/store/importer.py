"""``goodcall import DIR``: validate a directory of import files and load it in one transaction.

Every file is read in batches; each batch is parsed and checked with Polars expressions
(:mod:`goodcall.store.parse`) and joins (:mod:`goodcall.store.validate`), and its good rows are
bulk-written inside the one transaction that the whole import is. At the end the transaction is
committed only if nothing was wrong — or, with a quarantine, if no *file* was wrong (rejected
rows then go to the quarantine file). Otherwise it is rolled back and the store is exactly as
it was.

Modes: ``replace`` empties every table first (the store becomes the directory's content);
otherwise rows whose key is already stored are updated (``on_existing="update"``) or reported
as problems (``"reject"``), and new keys are added. Tables whose file is absent are untouched.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

import polars as pl
import sqlalchemy as sa

from goodcall.profiles.frames import table_schema
from goodcall.profiles.schema import TABLES, TABLES_BY_NAME, Table
from goodcall.store import problems as P
from goodcall.store.codec import decode
from goodcall.store.config import WRITER_OPTION, StoreConfig, engine_for, store_errors
from goodcall.store.fetch import fetch_wire
from goodcall.store.files import FORMATS, TableFile
from goodcall.store.migrate import upgrade
from goodcall.store.parse import ROW, parse_batch
from goodcall.store.quarantine import Quarantine
from goodcall.store.sniff import csv_hint
from goodcall.store.tables import store_meta
from goodcall.store.validate import KeyChecks, StoreKeys
from goodcall.store.writer import BulkWriter, bulk_writer
from goodcall.writing import check_outputs

OnExisting = Literal["update", "reject"]


class ImportProgress(Protocol):
    """Receives progress: a file starts (with its row count), rows are done."""

    def start(self, name: str, total: int) -> None: ...

    def advance(self, rows: int) -> None: ...


class _Silent:
    def start(self, name: str, total: int) -> None:
        pass

    def advance(self, rows: int) -> None:
        pass


@dataclass(frozen=True)
class ImportOptions:
    replace: bool = False
    on_existing: OnExisting = "update"
    quarantine: Path | None = None
    report: Path | None = None
    batch_rows: int = 200_000
    keep_problems: int = 1000
    brands: tuple[str, ...] = ()
    """Brands a customer may belong to (``customers.brand``); empty: none may have a brand."""


@dataclass
class ImportResult:
    """What happened: whether the import landed, rows written and rejected, every problem."""

    landed: bool
    problems: P.ProblemLog
    written: dict[str, int] = field(default_factory=dict)
    rejected: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def discover(directory: Path) -> tuple[dict[str, TableFile], pl.DataFrame]:
    """The import files of ``directory`` by table, and problems with the set of files."""
    if not directory.is_dir():
        problem = P.file_problem(str(directory), P.MISSING_FILE, "a directory of import files")
        return {}, problem
    found: dict[str, TableFile] = {}
    problems = [P.empty_problems()]
    for path in sorted(directory.iterdir()):
        fmt = path.suffix.lstrip(".")
        if fmt not in FORMATS or not path.is_file():
            continue
        table = TABLES_BY_NAME.get(path.stem)
        if table is None:
            known = ", ".join(t.name for t in TABLES)
            expected = f"a file named after a table ({known})"
            problems.append(P.file_problem(path.name, P.UNKNOWN_FILE, expected))
        elif table.name in found:
            other = found[table.name].name
            problems.append(P.file_problem(path.name, P.AMBIGUOUS_FILE, f"one file, not {other}"))
        else:
            found[table.name] = TableFile(table, path, "csv" if fmt == "csv" else "parquet")
    for table in TABLES:
        if table.required and table.name not in found:
            expected = f"{table.name}.csv or {table.name}.parquet (the table is required)"
            problems.append(P.file_problem(f"{table.name}.*", P.MISSING_FILE, expected))
    return found, pl.concat(problems)


def _has_rows(connection: sa.Connection, table: Table) -> bool:
    name = connection.dialect.identifier_preparer.quote(table.name)
    return connection.exec_driver_sql(f"SELECT 1 FROM {name} LIMIT 1").first() is not None


@dataclass
class _Run:
    """One import in progress, inside its transaction."""

    connection: sa.Connection
    writer: BulkWriter
    options: ImportOptions
    checks: KeyChecks
    log: P.ProblemLog
    progress: ImportProgress
    quarantine: Quarantine | None
    written: dict[str, int] = field(default_factory=dict)

    @property
    def writing(self) -> bool:
        """Rows are written while the import can still land."""
        if self.log.fatal:
            return False
        return self.quarantine is not None or self.log.errors == 0

    def load(self, file: TableFile) -> None:
        table = file.table
        header = file.header_problems()
        self.log.add(header)
        keyed = all(k in file.columns() for k in table.key)
        upsert = not self.options.replace and _has_rows(self.connection, table)
        self.progress.start(file.name, file.count_rows())
        if keyed:
            self.checks.start(table, file.name, table_schema(table))
        for raw in file.batches(self.options.batch_rows):
            raw = raw.select(ROW, *[n for n in raw.columns if n in table.column_names])
            parsed = parse_batch(raw, table, file.name)
            more = self.checks.check(table, parsed.rows) if keyed else P.empty_problems()
            if table.name == "customers":
                more = pl.concat(
                    [more, brand_problems(parsed.rows, file.name, self.options.brands)]
                )
            bad = parsed.bad | parsed.rows.get_column(ROW).is_in(more.get_column("row").implode())
            if keyed:
                self.checks.record(table, parsed.rows, bad)
            problems = P.readable(pl.concat([parsed.problems, more]))
            self.log.add(problems)
            if self.quarantine is not None and problems.height:
                self.quarantine.add(table.name, file.name, raw, problems)
            if self.writing:
                good = parsed.rows.filter(~bad).drop(ROW)
                self.writer.write(table, good, upsert=upsert)
                self.written[table.name] = self.written.get(table.name, 0) + good.height
            self.progress.advance(raw.height)


def brand_problems(rows: pl.DataFrame, file: str, brands: tuple[str, ...]) -> pl.DataFrame:
    """Customers whose ``brand`` is not one of the configured ``brands`` (an empty one is fine:
    it means the default brand)."""
    brand = pl.col("brand")
    unknown = rows.filter(brand.is_not_null() & ~brand.is_in(list(brands)))
    expected = (
        f"one of the brands {', '.join(brands)}, or empty for the default brand"
        if brands
        else "empty: no brand is declared (pass the brands file with --brands)"
    )
    return unknown.select(
        pl.lit(file).alias("file"),
        pl.col(ROW).cast(pl.Int64).alias("row"),
        pl.lit("brand").alias("column"),
        brand.alias("value"),
        pl.lit(P.UNKNOWN_VALUE).alias("problem"),
        pl.lit(expected).alias("expected"),
    )


def _store_keys(connection: sa.Connection) -> StoreKeys:
    def read(table: Table, columns: tuple[str, ...]) -> pl.DataFrame:
        return decode(fetch_wire(connection, table, columns), table).collect()

    return read


def _record_meta(
    connection: sa.Connection, directory: Path, result: ImportResult, mode: str
) -> None:
    values = {
        "last_import_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "last_import_source": str(directory.resolve()),
        "last_import_mode": mode,
        "last_import_rows": json.dumps(result.written, sort_keys=True),
        "last_import_rejected": json.dumps(result.rejected, sort_keys=True),
    }
    connection.execute(sa.delete(store_meta).where(store_meta.c.key.in_(list(values))))
    connection.execute(sa.insert(store_meta), [{"key": k, "value": v} for k, v in values.items()])


def _finish_outputs(log: P.ProblemLog, quarantine: Quarantine | None, finished: bool) -> None:
    """Put the report and the quarantine in place when the import ran to its end, else remove
    their temporary files (an older report stays as it was)."""
    outputs = [o for o in (log, quarantine) if o is not None]
    try:
        if finished:
            for output in outputs:
                output.close()
    finally:
        for output in outputs:
            output.discard()  # a no-op for a file already in place


def _store_file(config: StoreConfig) -> Path | None:
    """The SQLite database file of the store (an input no output may overwrite)."""
    database = sa.engine.make_url(config.url).database
    if config.type != "sqlite" or database in (None, "", ":memory:"):
        return None
    return Path(str(database))


def import_directory(
    directory: Path | str,
    url: str | None = None,
    options: ImportOptions | None = None,
    progress: ImportProgress | None = None,
) -> ImportResult:
    """Import ``directory`` into the store at ``url`` (or ``GOODCALL_DB_URL``): all or nothing.

    The report and quarantine paths are checked, and their files begun under temporary names,
    before the transaction (a path that overlaps the input or cannot be written is an
    :class:`~goodcall.writing.OutputError` and the store is not touched); they are put in place
    after it. A store that cannot be opened or locked is a ``StoreUnavailableError``."""
    opts = options or ImportOptions()
    source = Path(directory)
    config = StoreConfig.from_url(url)
    outputs = {"--report": opts.report, "--quarantine": opts.quarantine}
    check_outputs(outputs, [source, _store_file(config)])
    with store_errors(config.display_url):
        return _import(source, url, opts, progress)


def _import(
    source: Path, url: str | None, opts: ImportOptions, progress: ImportProgress | None
) -> ImportResult:
    started = time.perf_counter()
    _, engine = engine_for(url)
    upgrade(engine)
    files, file_problems = discover(source)
    log = P.ProblemLog(keep=opts.keep_problems, report_path=opts.report)
    try:
        quarantine = Quarantine(opts.quarantine) if opts.quarantine is not None else None
    except BaseException:
        log.discard()
        raise
    log.add(file_problems)
    result = ImportResult(landed=False, problems=log)
    finished = False
    try:
        with engine.connect() as connection:
            connection.execution_options(**{WRITER_OPTION: True})
            transaction = connection.begin()
            writer = bulk_writer(connection)
            if opts.replace:
                writer.clear()
            checks = KeyChecks(
                store_keys=None if opts.replace else _store_keys(connection),
                reject_existing=opts.on_existing == "reject",
                quarantine=quarantine is not None,
                missing_files=frozenset(t.name for t in TABLES if t.name not in files),
            )
            run = _Run(connection, writer, opts, checks, log, progress or _Silent(), quarantine)
            for table in TABLES:
                if table.name in files:
                    try:
                        run.load(files[table.name])
                    except pl.exceptions.PolarsError as error:
                        file = files[table.name]
                        hint = csv_hint(file.path) if file.fmt == "csv" else None
                        log.add(
                            P.file_problem(
                                file.name,
                                P.UNREADABLE_FILE,
                                hint or "a readable file",
                                value=str(error),
                            )
                        )
                checks.finish(table)
            result.written = run.written
            result.rejected = dict(quarantine.rows) if quarantine is not None else {}
            result.landed = run.writing
            if result.landed:
                writer.finish()
                mode = "replace" if opts.replace else f"merge ({opts.on_existing})"
                _record_meta(connection, source, result, mode)
                transaction.commit()
            else:
                transaction.rollback()
                result.written = {}
        finished = True
    finally:
        engine.dispose()
        _finish_outputs(log, quarantine, finished)
    result.seconds = time.perf_counter() - started
    return result
