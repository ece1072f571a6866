"""Generate the synthetic carrier: in memory for tests, or streamed to files chunk by chunk.

Customers are generated in chunks (``CHUNK_SIZE``) with vectorised NumPy draws; each chunk's rows
of every table are written before the next chunk is drawn, so a million customers never sit in
memory at once. A carrier is a pure function of ``(customers, seed, as_of, chunk_size)``: the same
arguments give the same files, byte for byte. ``customers`` counts the story's customer
(``C-SEED-0001``, :mod:`goodcall.profiles.fixtures`), who is always included unless asked not to;
generated customers are ``C-00000001``, ``C-00000002``…

The ground truth that drew the contact history is ``goodcall.truth.response.ResponseTruth(seed)``;
``DIR/_truth/truth.json`` records the seed and as-of date next to the files (the importer reads
only the table files).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import polars as pl

from goodcall.profiles.fixtures import seed_customer_tables
from goodcall.profiles.frames import table_schema
from goodcall.profiles.schema import TABLES, TABLES_BY_NAME
from goodcall.synth.campaigns import campaign_calendar
from goodcall.synth.chunk import make_chunk
from goodcall.synth.writer import FORMATS, open_sink
from goodcall.truth.response import ResponseTruth
from goodcall.writing import write_text

DEFAULT_AS_OF = dt.date(2026, 11, 20)
CHUNK_SIZE = 50_000
REFERENCE_TABLES = ("plans", "promotions")
TRUTH_DIR = "_truth"

Tables = dict[str, pl.DataFrame]
Progress = Callable[[int, int], None]


class SynthError(ValueError):
    """Bad arguments for the generator (counts, format, output directory)."""


def _seed_rows() -> Tables:
    tables = seed_customer_tables()
    return {
        t.name: tables[t.name].collect().select(table_schema(t).names())
        for t in TABLES
        if t.name not in REFERENCE_TABLES
    }


def iter_chunks(
    customers: int,
    seed: int,
    as_of: dt.date = DEFAULT_AS_OF,
    *,
    include_seed_customer: bool = True,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[tuple[int, Tables]]:
    """Yield ``(customers in the chunk, tables)``: first the reference tables (0 customers) then
    each chunk's rows of every customer table."""
    if customers < 1:
        raise SynthError(f"customers must be at least 1, got {customers}")
    if chunk_size < 1:
        raise SynthError(f"chunk_size must be at least 1, got {chunk_size}")
    reference = seed_customer_tables()
    yield 0, {name: reference[name].collect() for name in REFERENCE_TABLES}
    generated = customers - 1 if include_seed_customer else customers
    truth = ResponseTruth(seed)
    calendar = campaign_calendar(as_of)
    if include_seed_customer:
        yield 1, _seed_rows()
    for index, start in enumerate(range(0, generated, chunk_size)):
        n = min(chunk_size, generated - start)
        tables = make_chunk(seed, index, start + 1, n, as_of, truth, calendar)
        yield n, {k: v for k, v in tables.items() if k not in REFERENCE_TABLES}


def carrier_tables(
    customers: int,
    seed: int,
    as_of: dt.date = DEFAULT_AS_OF,
    *,
    include_seed_customer: bool = True,
    chunk_size: int = CHUNK_SIZE,
) -> dict[str, pl.DataFrame]:
    """The whole carrier in memory, one frame per import table (for tests and small demos)."""
    parts: dict[str, list[pl.DataFrame]] = {t.name: [] for t in TABLES}
    for _, tables in iter_chunks(
        customers, seed, as_of, include_seed_customer=include_seed_customer, chunk_size=chunk_size
    ):
        for name, frame in tables.items():
            parts[name].append(frame)
    return {
        name: pl.concat(frames)
        if frames
        else pl.DataFrame(schema=table_schema(TABLES_BY_NAME[name]))
        for name, frames in parts.items()
    }


def check_out_dir(out_dir: Path, overwrite: bool) -> None:
    """Refuse a directory that already holds carrier files, unless ``overwrite``."""
    existing = [
        p.name
        for t in TABLES
        for p in (out_dir / f"{t.name}.parquet", out_dir / f"{t.name}.csv")
        if p.exists()
    ]
    if existing and not overwrite:
        raise SynthError(
            f"{out_dir} already holds carrier files ({', '.join(sorted(existing)[:3])}…); "
            "choose an empty directory or pass overwrite (--overwrite)"
        )


def _prepare(out_dir: Path, overwrite: bool) -> Path:
    check_out_dir(out_dir, overwrite)
    out_dir.mkdir(parents=True, exist_ok=True)
    partial = out_dir / f".synth-partial-{os.getpid()}"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    return partial


def _publish(partial: Path, out_dir: Path, meta: dict[str, object]) -> None:
    """Move the finished files in place; only now are older carrier files replaced, each in one
    step (``os.replace``), and the older files of the other format removed after."""
    written = {path.name for path in partial.iterdir()}
    for path in partial.iterdir():
        path.replace(out_dir / path.name)
    partial.rmdir()
    for t in TABLES:
        for ext in ("parquet", "csv"):
            if f"{t.name}.{ext}" not in written:
                (out_dir / f"{t.name}.{ext}").unlink(missing_ok=True)
    truth_dir = out_dir / TRUTH_DIR
    truth_dir.mkdir(exist_ok=True)
    write_text(truth_dir / "truth.json", json.dumps(meta, indent=2) + "\n")


def write_carrier(
    out_dir: str | Path,
    customers: int,
    seed: int,
    fmt: str = "parquet",
    as_of: dt.date = DEFAULT_AS_OF,
    *,
    include_seed_customer: bool = True,
    chunk_size: int = CHUNK_SIZE,
    overwrite: bool = False,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Stream the carrier to ``out_dir`` in the import format; returns row counts per table.

    Files are written in a hidden sub-directory and moved into ``out_dir`` only once complete, so
    a failure never leaves a half-written carrier behind.
    """
    if fmt not in FORMATS:
        raise SynthError(f"unknown format {fmt!r}; expected one of {FORMATS}")
    out = Path(out_dir)
    partial = _prepare(out, overwrite)
    counts = {t.name: 0 for t in TABLES}
    sink = open_sink(fmt, partial)
    done = 0
    try:
        for n, tables in iter_chunks(
            customers,
            seed,
            as_of,
            include_seed_customer=include_seed_customer,
            chunk_size=chunk_size,
        ):
            for t in TABLES:
                if t.name in tables:
                    sink.write(t.name, tables[t.name])
                    counts[t.name] += tables[t.name].height
            done += n
            if progress is not None:
                progress(done, customers)
        sink.close()
    except BaseException:
        sink.close()
        shutil.rmtree(partial, ignore_errors=True)
        raise
    meta = {
        "seed": seed,
        "as_of": as_of.isoformat(),
        "customers": customers,
        "seed_customer": include_seed_customer,
        "chunk_size": chunk_size,
        "truth": f"goodcall.truth.response.ResponseTruth({seed})",
        "rows": counts,
    }
    _publish(partial, out, meta)
    return counts
