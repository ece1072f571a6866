"""The Apache Spark engine: the decision core's two passes over Spark partitions of customers.

Not a second implementation: every partition runs :func:`goodcall.decide.first_pass` and
:func:`goodcall.decide.assign_chunk`, and the driver runs :func:`goodcall.decide.find_prices`,
exactly as the local driver (``decide_chunks``) does over its chunks. Every per-customer
computation is independent of how customers are grouped, so Spark's partitions (any grouping,
any order) give the local engine's bytes, once the compact candidates handed to the prices are
in customer order and the decisions are sorted by ``customer_id``.

1. **first pass** — the profiles as a Spark DataFrame (Parquet on any filesystem Spark reads:
   local, ``s3a://``, ``hdfs://``), ``mapInArrow`` per partition: the compact candidates of
   every chunk of the partition (its treatment customers' positive items) and one count row per
   chunk (the treated customers), collected to the driver as Arrow, sorted like the core sorts
   them, and the prices found there;
2. **second pass** — the chosen items and the prices broadcast; ``mapInArrow`` per partition
   re-runs the first pass (its *side*, the per-customer rows the decision needs, is not shipped
   back to the driver nor held between the passes: the cluster pays the first pass twice instead)
   and hands each chunk's side to ``assign_chunk``; the decision rows come back as Arrow and are
   sorted by ``customer_id``.

The executors get the driver's :class:`~goodcall.decide.Prepared` (compiled catalog and
policies, model set, settings, decision time) pickled once and broadcast; each Python worker
unpickles it once and keeps it (keyed by its digest) for every task it runs. PySpark is an
optional extra (``pip install 'goodcall[spark]'``); nothing in the core imports it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import polars as pl
import pyarrow as pa

from goodcall.campaign.engine import Chunks, Emit
from goodcall.campaign.run import CampaignError
from goodcall.decide import (
    CHUNK_CUSTOMERS,
    DECISION_SCHEMA,
    ITEM_COLUMNS,
    Decisions,
    PlanSummary,
    Prepared,
    assign_chunk,
    find_prices,
    first_pass,
)
from goodcall.profiles.fields import PROFILE_SCHEMA, check_profiles

if TYPE_CHECKING:
    from pyspark import Broadcast
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql.types import StructType


DEFAULT_MASTER = "local[2]"
WORKER_CHUNK = 100_000
"""Customers a Python worker decides at once (a partition larger than this goes in chunks)."""
STAGE_ROW_GROUP = 10_000
"""Rows per Parquet row group when the driver stages profiles for Spark: Spark splits a file
between tasks at row-group boundaries, so small groups let a small base use every core."""
TREATED = "__treated"
"""The first pass's count rows: every item column null, this one the chunk's treated count."""
SESSION_CONF: dict[str, str] = {
    "spark.sql.session.timeZone": "UTC",  # tz-aware datetimes cross Arrow in UTC
    "spark.sql.timeType.enabled": "true",  # the profiles' local clock times (TIME columns)
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.driver.maxResultSize": "0",  # the compact candidates and the decisions come back
}
LOCAL_CONF: dict[str, str] = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.driver.memory": "4g",  # local mode: the driver JVM is the executor too
}
T = TypeVar("T")


class SparkEngineError(CampaignError):
    """The Spark engine cannot run (PySpark or Java missing, or the cluster refused)."""


def _pyspark() -> Any:
    try:
        import pyspark
    except ImportError as err:
        raise SparkEngineError(
            "the spark engine needs PySpark: pip install 'goodcall[spark]' (and Java 17+)"
        ) from err
    return pyspark


def is_local(master: str) -> bool:
    return master == "local" or master.startswith("local[")


@contextmanager
def spark_session(
    master: str = DEFAULT_MASTER, conf: Mapping[str, str] | None = None
) -> Iterator[SparkSession]:
    """A Spark session for one decision run, stopped afterwards; the active one, left running,
    when there is one (a caller's, or spark-submit's). A local master's Python workers run this
    interpreter (``PYSPARK_PYTHON`` unless set) and bind to the loopback."""
    _pyspark()
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        yield active
        return

    settings = SESSION_CONF | (LOCAL_CONF if is_local(master) else {}) | dict(conf or {})
    if is_local(master):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.master(master).appName("goodcall")
    for key, value in settings.items():
        builder = builder.config(key, value)
    try:
        spark = builder.getOrCreate()
    except Exception as err:  # PySparkRuntimeError: no Java, or no cluster at that URL
        raise SparkEngineError(f"cannot start Spark at {master!r}: {err}") from err
    spark.sparkContext.setLogLevel("ERROR")
    try:
        yield spark
    finally:
        spark.stop()


def read_profiles(spark: SparkSession, source: str | Path | DataFrame) -> DataFrame:
    """The profiles as a Spark DataFrame: a Parquet path or URI (file, directory or glob), or a
    DataFrame already made; refused early, naming the columns, unless it has the profile
    schema's columns and types (:data:`goodcall.profiles.fields.PROFILE_SCHEMA`)."""
    frame = spark.read.parquet(str(source)) if isinstance(source, (str, Path)) else source
    check_profiles(_frame(frame.limit(0).toArrow()).schema)
    return frame


def decide_on_spark(
    spark: SparkSession,
    profiles: str | Path | DataFrame,
    prepared: Prepared,
    *,
    partitions: int | None = None,
    timings: dict[str, float] | None = None,
    between: Callable[[PlanSummary], None] | None = None,
) -> Decisions:
    """Decide every customer of ``profiles`` (see :func:`read_profiles`) on ``spark``: the
    same decisions, to the byte, as :func:`goodcall.decide.decide` (see the module docstring).
    ``partitions``: deal the customers round-robin into that many partitions first (a shuffle;
    by default Spark's own split of the files). ``timings``, when given, receives the wall
    seconds of each pass and of the arbitration; ``between`` hears the plan between the passes
    (a campaign's national-list gate rules there, as with the local engine)."""
    from time import perf_counter

    frame = read_profiles(spark, profiles)
    if partitions is not None:
        frame = frame.repartition(partitions)
    tick = perf_counter()
    shared = _Shared.of(spark, prepared)
    items, treated = _candidates(frame, shared)
    lap = perf_counter()
    picks, plan = find_prices(items, treated, prepared)
    del items
    done = perf_counter()
    if between is not None:
        between(plan)
    decided = _decisions(frame, shared.with_picks(spark, picks, plan.prices))
    if timings is not None:
        timings["first pass"] = lap - tick
        timings["arbitration"] = done - lap
        timings["second pass"] = perf_counter() - done
    return Decisions(decided, plan)


@dataclass(frozen=True)
class SparkEngine:
    """The engine of ``goodcall campaign run --engine spark`` (a campaign
    :class:`~goodcall.campaign.engine.Engine`): the campaign's source is read chunk by chunk on
    the driver (``seen`` hears each chunk, as with the local engine) and staged as Parquet,
    Spark decides it with :func:`decide_on_spark`, and the decision rows go to ``emit`` chunk by
    chunk, the source's own chunks. ``staging``: a directory every executor reads
    (``hdfs://…``, ``s3a://…``), written by Spark; by default the campaign's ``spill`` folder or
    a temporary local one, written by Polars (enough for a local master)."""

    master: str = DEFAULT_MASTER
    staging: str | None = None
    conf: Mapping[str, str] = field(default_factory=dict)

    def __call__(
        self,
        source: Chunks,
        prepared: Prepared,
        emit: Emit,
        *,
        chunk_size: int = CHUNK_CUSTOMERS,
        spill: Path | None = None,
        seen: Callable[[pl.DataFrame], None] | None = None,
        between: Callable[[PlanSummary], None] | None = None,
    ) -> PlanSummary:
        with spark_session(self.master, self.conf) as spark, self._staged(spill) as folder:
            sizes = []
            for index, chunk in enumerate(source.chunks(chunk_size)):
                if seen is not None:
                    seen(chunk)
                _stage(spark, chunk, folder, index, remote=self.staging is not None)
                sizes.append(chunk.height)
            decided = decide_on_spark(spark, folder, prepared, between=between)
        start = 0
        for size in sizes:  # the decisions are in customer order, the chunks ranges of it
            emit(decided.frame.slice(start, size))
            start += size
        return decided.plan

    @contextmanager
    def _staged(self, spill: Path | None) -> Iterator[str]:
        if self.staging is not None:
            yield f"{self.staging.rstrip('/')}/profiles.parquet"
        elif spill is not None:
            yield str(spill / "profiles.parquet")
        else:
            with tempfile.TemporaryDirectory(prefix="goodcall-spark-") as tmp:
                yield str(Path(tmp) / "profiles.parquet")


def _stage(spark: SparkSession, chunk: pl.DataFrame, folder: str, index: int, remote: bool) -> None:
    """Add one chunk of profiles to the Parquet ``folder``: through Spark when remote (any
    filesystem it writes), else one file per chunk by Polars (row groups Spark can split)."""
    if remote:
        table = chunk.to_arrow(compat_level=pl.CompatLevel.oldest())
        mode = "overwrite" if index == 0 else "append"
        spark.createDataFrame(table).write.mode(mode).parquet(folder)
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    chunk.write_parquet(Path(folder) / f"part-{index:06d}.parquet", row_group_size=STAGE_ROW_GROUP)


# --- the driver's side of the passes -------------------------------------------------------


@dataclass(frozen=True)
class _Shared:
    """What every task reads: the pickled Prepared (broadcast, with its digest: each worker
    unpickles it once), the output schemas and, for the second pass, the picks and prices."""

    prepared: Broadcast[bytes]
    key: str
    items_schema: pa.Schema
    decisions_schema: pa.Schema
    items_types: pl.Schema
    picks: Broadcast[bytes] | None = None
    picks_key: str = ""

    @classmethod
    def of(cls, spark: SparkSession, prepared: Prepared) -> _Shared:
        payload = pickle.dumps(prepared, protocol=pickle.HIGHEST_PROTOCOL)
        empty = first_pass(PROFILE_SCHEMA.to_frame().lazy(), prepared).items
        items = empty.select(ITEM_COLUMNS).with_columns(pl.lit(None, pl.Int64).alias(TREATED))
        return cls(
            prepared=spark.sparkContext.broadcast(payload),
            key=hashlib.sha256(payload).hexdigest(),
            items_schema=_spark_arrow(items.schema),
            decisions_schema=_spark_arrow(DECISION_SCHEMA),
            items_types=empty.select(ITEM_COLUMNS).schema,
        )

    def with_picks(
        self, spark: SparkSession, picks: pl.DataFrame, prices: dict[str, float]
    ) -> _Shared:
        payload = pickle.dumps((picks, prices), protocol=pickle.HIGHEST_PROTOCOL)
        return _Shared(
            self.prepared, self.key, self.items_schema, self.decisions_schema, self.items_types,
            spark.sparkContext.broadcast(payload), hashlib.sha256(payload).hexdigest(),
        )  # fmt: skip


def _spark_arrow(schema: pl.Schema) -> pa.Schema:
    """The Arrow schema Spark exchanges for a frame of ``schema`` (its string and list types,
    timestamps in the session's UTC)."""
    from pyspark.sql.pandas.types import from_arrow_schema, to_arrow_schema

    arrow = schema.to_frame().to_arrow(compat_level=pl.CompatLevel.oldest()).schema
    return to_arrow_schema(from_arrow_schema(arrow), timezone="UTC")  # type: ignore[no-any-return, unused-ignore]


def _struct(schema: pa.Schema) -> StructType:
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(schema)


def _candidates(frame: DataFrame, shared: _Shared) -> tuple[pl.DataFrame, int]:
    """Pass one: every partition's compact candidates in customer order, and the treated
    customers' count."""
    rows = frame.mapInArrow(partial(_first_pass_task, shared), _struct(shared.items_schema))
    found = _frame(rows.toArrow())
    counts = found.filter(pl.col(TREATED).is_not_null())
    items = found.filter(pl.col(TREATED).is_null()).select(ITEM_COLUMNS).cast(shared.items_types)
    # each customer's items come from one chunk, in the arbitration's order: a stable sort
    return items.sort("customer_id", maintain_order=True), int(counts[TREATED].sum())


def _decisions(frame: DataFrame, shared: _Shared) -> pl.DataFrame:
    """Pass two: every partition's decision rows, in customer order."""
    rows = frame.mapInArrow(partial(_second_pass_task, shared), _struct(shared.decisions_schema))
    decided = _frame(rows.toArrow())
    return decided.cast(DECISION_SCHEMA).sort("customer_id")


# --- the executors' side: one call per partition ------------------------------------------

_KEPT: dict[str, Any] = {}


def _kept(key: str, load: Callable[[], T]) -> T:
    """What this Python worker already unpickled under ``key`` (a worker runs many tasks)."""
    if key not in _KEPT:
        if len(_KEPT) > 8:  # another run's leftovers
            _KEPT.clear()
        _KEPT[key] = load()
    return _KEPT[key]  # type: ignore[no-any-return]


def _prepared(shared: _Shared) -> Prepared:
    return _kept(shared.key, lambda: pickle.loads(shared.prepared.value))  # type: ignore[no-any-return]


def _frame(table: pa.Table) -> pl.DataFrame:
    """Spark's Arrow as Polars. The profile schema's types come through as they are (strings,
    lists of structs, UTC datetimes, dates, local clock times): nothing is cast, so a profile
    column of another type is refused by the core's schema check, not converted."""
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    return frame


def _chunks(batches: Iterator[pa.RecordBatch]) -> Iterator[pl.LazyFrame]:
    """The partition's profiles, about :data:`WORKER_CHUNK` customers at a time."""
    kept: list[pa.RecordBatch] = []
    rows = 0
    for batch in batches:
        if batch.num_rows:
            kept.append(batch)
            rows += batch.num_rows
        if rows >= WORKER_CHUNK:
            yield _frame(pa.Table.from_batches(kept)).lazy()
            kept, rows = [], 0
    if kept:
        yield _frame(pa.Table.from_batches(kept)).lazy()


def _to_spark(frame: pl.DataFrame, schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    table = frame.to_arrow(compat_level=pl.CompatLevel.oldest()).cast(schema)
    yield from table.to_batches()


def _first_pass_task(
    shared: _Shared, batches: Iterator[pa.RecordBatch]
) -> Iterator[pa.RecordBatch]:
    prepared = _prepared(shared)
    for chunk in _chunks(batches):
        found = first_pass(chunk, prepared)
        count = pl.DataFrame({TREATED: [found.treated]}, schema={TREATED: pl.Int64})
        rows = pl.concat(
            [
                found.items.select(ITEM_COLUMNS).with_columns(
                    pl.lit(None, pl.Int64).alias(TREATED)
                ),
                count,
            ],
            how="diagonal",
        )
        yield from _to_spark(rows, shared.items_schema)


def _second_pass_task(
    shared: _Shared, batches: Iterator[pa.RecordBatch]
) -> Iterator[pa.RecordBatch]:
    prepared = _prepared(shared)
    assert shared.picks is not None
    broadcast = shared.picks
    picks, prices = _kept(shared.picks_key, lambda: pickle.loads(broadcast.value))
    for chunk in _chunks(batches):
        side = first_pass(chunk, prepared).side
        yield from _to_spark(assign_chunk(side, picks, prices, prepared), shared.decisions_schema)
