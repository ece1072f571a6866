"""A campaign's outputs, written chunk by chunk as the decision core hands its rows out.

* ``decisions.parquet`` grows by row groups of :data:`ROW_GROUP` rows exactly, whatever the chunks
  the rows arrived in: the same decisions give the same bytes, whatever the chunk size or the
  engine (the rows arrive in customer order);
* the briefs of each chunk's calls are rendered from the profiles of the customers it calls
  (read again from the source) and appended to ``briefs.jsonl``;
* what the call list and the report need is kept small: the contacts (the call list's columns,
  :mod:`goodcall.campaign.calllist`, computed chunk by chunk), and the count of every decision
  and group.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path
from typing import IO, Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from goodcall.campaign.calllist import (
    CALL_LIST_COLUMNS,
    DECIDED_COLUMNS,
    DETAIL_SCHEMA,
    call_details,
)
from goodcall.campaign.source import ProfileSource
from goodcall.catalog.compile import CompiledCatalog
from goodcall.catalog.engine import evaluate_offers
from goodcall.catalog.model import Catalog
from goodcall.decide import DECISION_SCHEMA, CampaignConfig
from goodcall.policy.resolve import CompiledPolicies

c = pl.col
ROW_GROUP = 65_536
CONTACT_COLUMNS = (*CALL_LIST_COLUMNS, "ev", "explore")
"""What the call list and the report read of each contact."""


class RowGroupWriter:
    """A Parquet file written in row groups of exactly ``rows`` rows (the last one shorter)."""

    def __init__(self, path: Path, schema: pl.Schema, rows: int | None = None) -> None:
        self.schema = schema
        self.rows = rows or ROW_GROUP
        self.pending: list[pl.DataFrame] = []
        self.held = 0
        self.groups = 0
        arrow = pl.DataFrame(schema=schema).to_arrow().schema
        self.writer = pq.ParquetWriter(path, arrow, compression="zstd")

    def write(self, frame: pl.DataFrame) -> None:
        self.pending.append(frame)
        self.held += frame.height
        while self.held >= self.rows:
            self._flush(self.rows)

    def close(self) -> None:
        if self.held or not self.groups:  # the rest, or one empty group for an empty base
            self._flush(self.held)
        self.writer.close()

    def _flush(self, rows: int) -> None:
        whole = pl.concat(self.pending) if self.pending else pl.DataFrame(schema=self.schema)
        self.writer.write_table(_arrow(whole.head(rows)), row_group_size=max(rows, 1))
        self.groups += 1
        rest = whole.slice(rows)
        self.pending, self.held = ([rest] if rest.height else []), rest.height


def _arrow(frame: pl.DataFrame) -> pa.Table:
    return frame.to_arrow(compat_level=pl.CompatLevel.oldest())


class CampaignSink:
    """Receives each chunk's decision rows (in chunk order) and writes them (see the module)."""

    def __init__(
        self,
        out: Path,
        source: ProfileSource,
        catalog: Catalog,
        compiled: CompiledCatalog,
        at: dt.datetime,
        policies: CompiledPolicies,
        config: CampaignConfig,
    ) -> None:
        self.source, self.catalog, self.compiled, self.at = source, catalog, compiled, at
        self.policies, self.config = policies, config
        self.briefs_written = 0
        self.decisions = RowGroupWriter(out / "decisions.parquet", DECISION_SCHEMA)
        self.briefs: IO[str] = (out / "briefs.jsonl").open("w", encoding="utf-8")
        self.contacts: list[pl.DataFrame] = []
        self.counts: list[pl.DataFrame] = []
        self.chunk = 0

    def __call__(self, frame: pl.DataFrame) -> None:
        self.decisions.write(frame)
        self.counts.append(frame.group_by("decision", "group").len())
        contacts = frame.filter(c("decision") == "contact")
        if contacts.height:
            profiles = self.source.profiles_of(self.chunk, contacts["customer_id"])
            detailed = call_details(
                contacts.select(*DECIDED_COLUMNS, "ev", "explore"),
                profiles, self.policies, self.config, self.at, self.briefs_written + 1,
            )  # fmt: skip
            self.contacts.append(detailed.select(CONTACT_COLUMNS))
            self._briefs(contacts, profiles)
        self.chunk += 1

    def _briefs(self, contacts: pl.DataFrame, profiles: pl.DataFrame) -> None:
        from goodcall.brief.batch import render_briefs

        calls = contacts.filter(c("channel") == "phone").select(
            "customer_id", "offer_id", "line_id", "channel"
        )
        if calls.height == 0:
            return
        called = profiles.filter(c("customer_id").is_in(calls["customer_id"].implode()))
        on_line = called.join(
            calls.select("customer_id", c("line_id").alias("__call_line")), on="customer_id"
        )  # per-line offers judged on the called line: the brief's "do not" is about that line
        evaluated = evaluate_offers(
            on_line.lazy(), self.compiled, self.at, line_column="__call_line"
        ).collect()
        briefs = render_briefs(
            calls, called, evaluated, self.catalog, self.at, "text", as_frame=True
        )
        self.briefs.write(briefs.write_ndjson())
        self.briefs_written += briefs.height

    def close(self) -> None:
        self.decisions.close()
        self.briefs.close()

    def abort(self) -> None:
        """Close the files of a run that failed (the caller removes the folder)."""
        with contextlib.suppress(Exception):  # the run failed already: its error is the one shown
            self.close()

    def all_contacts(self) -> pl.DataFrame:
        if not self.contacts:
            empty = DECISION_SCHEMA.to_frame().select(*DECIDED_COLUMNS, "ev", "explore")
            return empty.with_columns(
                pl.lit(None, t).alias(n) for n, t in DETAIL_SCHEMA.items()
            ).select(CONTACT_COLUMNS)
        return pl.concat(self.contacts)

    def decision_counts(self) -> dict[str, Any]:
        """How many customers, and per decision and per group."""
        if not self.counts:
            return {"customers": 0, "decisions": {}, "groups": {}}
        counts = pl.concat(self.counts)
        per = {
            key: dict(
                counts.group_by(key).agg(c("len").sum()).drop_nulls(key).sort(key).iter_rows()
            )
            for key in ("decision", "group")
        }
        return {"customers": int(counts["len"].sum()), "decisions": per["decision"],
                "groups": per["group"]}  # fmt: skip
