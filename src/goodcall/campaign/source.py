"""Where a campaign's customers come from, one chunk at a time.

A campaign decides its customers in contiguous ranges of ``customer_id`` (the decision core's
chunks, :mod:`goodcall.decide.passes`), then writes each range's briefs, which need the profiles
of the customers it calls — a handful per range, read again rather than kept:

* :class:`FrameSource` — profiles already in memory (read from the store);
* :class:`ParquetSource` — the carrier's import tables as Parquet files, each range's profiles
  built from its own rows (:class:`goodcall.store.chunks.ParquetCarrier`): memory holds one
  range of profiles at a time, whatever the size of the base.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import polars as pl

from goodcall.profiles.build import build_profiles
from goodcall.store.chunks import Bounds, ParquetCarrier

c = pl.col


class ProfileSource(Protocol):
    """Profiles in chunks of customers in ``customer_id`` order, and some of them again."""

    def chunks(self, size: int) -> Iterator[pl.DataFrame]:
        """The profiles of each range of ``size`` customers, in order (at least one chunk)."""
        ...

    def profiles_of(self, chunk: int, customer_ids: pl.Series) -> pl.DataFrame:
        """The profiles of ``customer_ids``, all from the chunk numbered ``chunk``."""
        ...


class FrameSource:
    """Profiles already in memory."""

    def __init__(self, profiles: pl.DataFrame) -> None:
        self.profiles = profiles.sort("customer_id")

    def chunks(self, size: int) -> Iterator[pl.DataFrame]:
        for start in range(0, max(self.profiles.height, 1), size):
            yield self.profiles.slice(start, size)

    def profiles_of(self, chunk: int, customer_ids: pl.Series) -> pl.DataFrame:
        return self.profiles.filter(c("customer_id").is_in(customer_ids.implode()))


class ParquetSource:
    """Profiles built range by range from Parquet import tables, as known at ``as_of``."""

    def __init__(self, folder: Path | str, as_of: dt.datetime) -> None:
        self.carrier = ParquetCarrier(folder)
        self.as_of = as_of
        self.bounds: list[Bounds] = []

    def chunks(self, size: int) -> Iterator[pl.DataFrame]:
        self.bounds = self.carrier.bounds(size)
        if not self.bounds:
            yield build_profiles(self.carrier.tables(("", "")), self.as_of).collect()
        for bounds in self.bounds:
            yield build_profiles(self.carrier.tables(bounds), self.as_of).collect()

    def profiles_of(self, chunk: int, customer_ids: pl.Series) -> pl.DataFrame:
        tables = self.carrier.tables(self.bounds[chunk] if self.bounds else ("", ""))
        wanted = {
            name: frame.filter(c("customer_id").is_in(customer_ids.implode()))
            if "customer_id" in frame.collect_schema()
            else frame
            for name, frame in tables.items()
        }
        return build_profiles(wanted, self.as_of).collect()
