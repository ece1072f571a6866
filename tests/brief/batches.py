"""Briefs for every eligible offer of every customer, a batch per round (one contact each).

The quality checks run on whole populations; building them a batch at a time is how campaigns
are briefed, and the tests hold the single-brief path equal to it separately.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from goodcall.brief.batch import facts_frame
from goodcall.brief.document import Document
from goodcall.brief.examples import AT
from goodcall.brief.model import Brief
from goodcall.brief.render import frame_documents, render_frame
from goodcall.brief.schema import briefs_of
from goodcall.catalog.model import Catalog


def rounds(evaluated: pl.DataFrame, catalog: Catalog, channel: str = "phone") -> list[pl.DataFrame]:
    """Contact frames covering every eligible (customer, offer) pair on the channel, the k-th
    eligible offer of every customer in the k-th frame."""
    offered = [o.id for o in catalog.offers if channel in o.channels]
    eligible = evaluated.filter(pl.col("eligible") & pl.col("offer_id").is_in(offered)).select(
        "customer_id",
        "offer_id",
        pl.lit(channel).alias("channel"),
        pl.int_range(pl.len()).over("customer_id").alias("_k"),
    )
    count = int(eligible["_k"].max() or 0) + 1 if eligible.height else 0
    return [eligible.filter(pl.col("_k") == k).drop("_k") for k in range(count)]


def batch(
    contacts: pl.DataFrame,
    profiles: pl.DataFrame,
    evaluated: pl.DataFrame,
    catalog: Catalog,
    at: dt.datetime = AT,
) -> list[tuple[Brief, Document, str]]:
    """Each contact's validated brief, its document and its text, from one batch."""
    frame = facts_frame(contacts, profiles, evaluated, catalog, at)
    return list(
        zip(briefs_of(frame), frame_documents(frame), render_frame(frame, "text"), strict=True)
    )
