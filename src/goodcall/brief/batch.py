"""Briefs for a whole campaign: one pass over decided contacts.

The facts of every brief are computed as columns in Polars (:func:`goodcall.brief.build.
brief_frame`), every sentence is worded once per distinct input (:mod:`goodcall.brief.words`),
and Python only lays out each finished document with the compiled layout template. A single
brief (:func:`goodcall.brief.build.build_brief`) reads the same facts on one row's values, held
equal to this batch by ``tests/brief/test_rows.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Literal, overload

import polars as pl

from goodcall.brief.build import brief_frame
from goodcall.brief.distinct import RowError
from goodcall.brief.facts import BriefError
from goodcall.brief.inputs import BRIEF_FIELDS, EVAL_COLUMNS, Inputs
from goodcall.brief.memo import ReasonText
from goodcall.brief.model import Brief
from goodcall.brief.render import FORMATS, Format, render_frame
from goodcall.brief.schema import briefs_of
from goodcall.catalog.model import Bilingual, Catalog

CONTACT_COLUMNS = ("customer_id", "offer_id", "channel")


def _require(frame: pl.DataFrame, columns: tuple[str, ...], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise BriefError(
            f"{what} is missing column(s) {', '.join(missing)}; expected {', '.join(columns)}"
        )


def _twice(frame: pl.DataFrame) -> str | None:
    """A customer id that appears twice in ``frame``, if any."""
    twice = frame.filter(pl.col("customer_id").is_duplicated())
    return None if twice.height == 0 else str(twice["customer_id"][0])


def facts_frame(
    contacts: pl.DataFrame,
    profiles: pl.DataFrame,
    offer_eval: pl.DataFrame,
    catalog: Catalog,
    at: dt.datetime,
    *,
    promotion_names: Mapping[str, Bilingual] | None = None,
    reason_text: ReasonText | None = None,
) -> pl.DataFrame:
    """The facts of every contact's brief, one row per contact (see ``briefs``)."""
    _require(contacts, CONTACT_COLUMNS, "the contacts frame")
    _require(profiles, BRIEF_FIELDS, "the profile frame")
    _require(offer_eval, EVAL_COLUMNS, "the offer evaluation frame")
    if _twice(contacts) is not None:
        raise BriefError("the contacts frame has the same customer twice: one contact per customer")
    called = profiles.join(contacts.select("customer_id"), on="customer_id", how="semi")
    twice = _twice(called)
    if twice is not None:
        raise BriefError(f"the profile frame has customer {twice!r} twice: one row per customer")
    inputs = Inputs(catalog, at, promotion_names, reason_text)
    try:
        return brief_frame(contacts, called, offer_eval, inputs)
    except RowError as error:
        raise BriefError(f"contact row {error.row}: {error}") from error.error


@overload
def render_briefs(
    contacts: pl.DataFrame,
    profiles: pl.DataFrame,
    offer_eval: pl.DataFrame,
    catalog: Catalog,
    at: dt.datetime,
    fmt: Format = ...,
    *,
    as_frame: Literal[False] = ...,
    promotion_names: Mapping[str, Bilingual] | None = ...,
    reason_text: ReasonText | None = ...,
) -> list[str]: ...


@overload
def render_briefs(
    contacts: pl.DataFrame,
    profiles: pl.DataFrame,
    offer_eval: pl.DataFrame,
    catalog: Catalog,
    at: dt.datetime,
    fmt: Format = ...,
    *,
    as_frame: Literal[True],
    promotion_names: Mapping[str, Bilingual] | None = ...,
    reason_text: ReasonText | None = ...,
) -> pl.DataFrame: ...


def render_briefs(
    contacts: pl.DataFrame,
    profiles: pl.DataFrame,
    offer_eval: pl.DataFrame,
    catalog: Catalog,
    at: dt.datetime,
    fmt: Format = "text",
    *,
    as_frame: bool = False,
    promotion_names: Mapping[str, Bilingual] | None = None,
    reason_text: ReasonText | None = None,
) -> list[str] | pl.DataFrame:
    """Briefs for decided contacts, in the order of ``contacts``.

    ``contacts`` has ``customer_id, offer_id, channel`` (one row per contact) and optionally
    ``line_id`` (the line a handset or plan offer is for: the brief names it, and its pitch and
    "do not" lines are about that line's device and plan — evaluate ``offer_eval`` on the same
    lines, see ``evaluate_offers(line_column=…)``); ``profiles`` the profile frame (at least
    those customers); ``offer_eval`` the output of ``evaluate_offers``.
    Returns the rendered briefs, or (``as_frame=True``) ``contacts`` with a ``brief`` column.
    A contact that must not be briefed (excluded offer, do-not-call, unknown customer) is an
    error naming its row: a campaign is not sent with a hole in it.
    """
    if fmt not in FORMATS:
        raise BriefError(f"unknown brief format {fmt!r}; expected one of {FORMATS}")
    frame = facts_frame(
        contacts,
        profiles,
        offer_eval,
        catalog,
        at,
        promotion_names=promotion_names,
        reason_text=reason_text,
    )
    texts = render_frame(frame, fmt)
    if as_frame:
        return contacts.with_columns(pl.Series("brief", texts, dtype=pl.String))
    return texts


def briefs(
    contacts: pl.DataFrame,
    profiles: pl.DataFrame,
    offer_eval: pl.DataFrame,
    catalog: Catalog,
    at: dt.datetime,
    *,
    promotion_names: Mapping[str, Bilingual] | None = None,
    reason_text: ReasonText | None = None,
) -> list[Brief]:
    """The validated :class:`Brief` of every contact, in order (what :func:`render_briefs`
    renders)."""
    frame = facts_frame(
        contacts,
        profiles,
        offer_eval,
        catalog,
        at,
        promotion_names=promotion_names,
        reason_text=reason_text,
    )
    return briefs_of(frame)
