"""Engines: what runs the decision core's two passes over a campaign's customers.

An engine takes a source of profile chunks (:mod:`goodcall.campaign.source`), the prepared
decision (:class:`goodcall.decide.Prepared`) and a sink for the decision rows, and returns the
plan. Every engine calls the same passes (:func:`goodcall.decide.first_pass`,
:func:`~goodcall.decide.find_prices`, :func:`~goodcall.decide.assign_chunk`); they differ in where
the chunks are decided and where a chunk's side waits between the passes.

* :func:`local_engine` — this process, chunk after chunk; each chunk's side is spilled to disk
  (Arrow IPC files in ``spill``) so memory holds the compact candidates and one chunk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol

import polars as pl

from goodcall.decide import (
    CHUNK_CUSTOMERS,
    MemorySides,
    PlanSummary,
    Prepared,
    Side,
    SideKeeper,
    decide_chunks,
)


class Chunks(Protocol):
    def chunks(self, size: int) -> Iterator[pl.DataFrame]: ...


Emit = Callable[[pl.DataFrame], None]


class Engine(Protocol):
    def __call__(
        self,
        source: Chunks,
        prepared: Prepared,
        emit: Emit,
        *,
        chunk_size: int = ...,
        spill: Path | None = ...,
        seen: Callable[[pl.DataFrame], None] | None = ...,
        between: Callable[[PlanSummary], None] | None = ...,
    ) -> PlanSummary: ...


def local_engine(
    source: Chunks,
    prepared: Prepared,
    emit: Emit,
    *,
    chunk_size: int = CHUNK_CUSTOMERS,
    spill: Path | None = None,
    seen: Callable[[pl.DataFrame], None] | None = None,
    between: Callable[[PlanSummary], None] | None = None,
) -> PlanSummary:
    """The two passes in this process (see the module). ``seen`` hears each chunk's profiles
    before they are decided (a campaign checks their national-list copies)."""

    def frames() -> Iterator[pl.LazyFrame]:
        for frame in source.chunks(chunk_size):
            if seen is not None:
                seen(frame)
            yield frame.lazy()

    keep: SideKeeper = DiskSides(spill) if spill is not None else MemorySides()
    return decide_chunks(frames(), prepared, emit, keep=keep, between=between)


class DiskSides:
    """Keeps each chunk's side in Arrow IPC files under ``folder`` until the second pass."""

    PARTS = ("summary", "top", "controls", "lines")

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def __call__(self, index: int, side: Side | None) -> Side | None:
        if side is not None:
            for part in self.PARTS:
                getattr(side, part).write_ipc(self._path(index, part))
            return None
        frames = {part: pl.read_ipc(self._path(index, part))
                  for part in self.PARTS}  # fmt: skip
        for part in self.PARTS:
            self._path(index, part).unlink()
        return Side(**frames)

    def _path(self, index: int, part: str) -> Path:
        return self.folder / f"{index:06d}.{part}.arrow"
