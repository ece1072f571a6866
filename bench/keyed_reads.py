"""The keyed profile read's lines of ``bench_one``: the row fold (what ``ProfileReader.read``
takes for a few customers) and, back to back, the batch's frames (``read_frames``: each table
decoded by Polars, then ``build_profiles``, the read before the row fold), on SQLite and, when
asked, on a PostgreSQL database (the same carrier imported into a new schema, dropped after).
"""

from __future__ import annotations

import datetime as dt
import statistics
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from goodcall.store.importer import import_directory
from goodcall.store.keyed import ProfileReader

Times = Callable[[Callable[[int], object], int], tuple[list[float], list[float]]]
Row = Callable[[str, Sequence[float], Sequence[float], float | None], None]


@contextmanager
def postgres_store(base_url: str, carrier: Path) -> Iterator[str]:
    """A URL of the database at ``base_url`` whose search path is a new schema holding the
    carrier's import (the schema is dropped afterwards)."""
    schema = f"bench_one_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base_url)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = sa.engine.make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
    shown = url.render_as_string(hide_password=False)
    try:
        assert import_directory(carrier, shown).landed
        yield shown
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


def print_reads(
    url: str, ids: list[str], at: dt.datetime, calls: int, times: Times, row: Row,
    base: float | None, backend: str,
) -> None:  # fmt: skip
    """The keyed read of one customer per call, row fold then batch frames, and their ratio."""
    with ProfileReader(url) as reader:
        fold = times(lambda k: reader.read(ids[k % len(ids)], at), calls)
        frames = times(lambda k: reader.read_frames([ids[k % len(ids)]], at), calls)
    label = "keyed profile read" if backend == "SQLite" else f"keyed read, {backend}"
    row(label, *fold, base)
    row("  (batch frames, before)", *frames, base)
    cpu_fold, cpu_frames = statistics.median(fold[1]), statistics.median(frames[1])
    print(
        f"  {backend}: row fold {cpu_fold * 1000:.2f} ms CPU, batch frames "
        f"{cpu_frames * 1000:.2f} ms CPU: {cpu_frames / cpu_fold:.1f}× less, same run"
    )
