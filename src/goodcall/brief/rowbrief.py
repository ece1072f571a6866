"""One decided contact's brief on Python values: what :func:`goodcall.brief.build.build_brief`
takes for one customer, the batch of one computed without the batch's hundred small queries.

The facts are read as :func:`goodcall.brief.build.brief_frame` defines them (see
:mod:`goodcall.brief.rowfacts` and :mod:`goodcall.brief.rowavoid`); the result is validated as a
:class:`~goodcall.brief.model.Brief` as the batch's rows are. A contact whose "do not" list is
judged line by line (an account-level offer on a multi-line account, see
:mod:`goodcall.brief.donotline`) has no row path: :func:`row_brief` returns None and the caller
takes the batch of one.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

import polars as pl

from goodcall.brief import donot
from goodcall.brief.donot import other_brand_reason
from goodcall.brief.facts import BriefError
from goodcall.brief.inputs import BRIEF_FIELDS, EVAL_COLUMNS, Inputs
from goodcall.brief.memo import ReasonMemo
from goodcall.brief.model import Brief
from goodcall.brief.rowavoid import Excluded, do_not_offers, fit_codes, spoken_texts, topics
from goodcall.brief.rowfacts import (
    CLOSING,
    address,
    check_seen,
    first_failure,
    knowledge,
    promotion_seen,
    spoken_name,
)
from goodcall.catalog.model import PER_LINE_KINDS, Offer
from goodcall.catalog.wording import CALLED_LINE
from goodcall.memo import PerObject
from goodcall.profiles.lines import profile_on_line

KEPT_WORDINGS = 20_000
"""A kept reason memo is renewed after this many calls of the wording (its tables grow with the
distinct values it has read)."""
_MEMOS: PerObject[dict[Any, tuple[ReasonMemo, threading.Lock]]] = PerObject()


def _kept_memo(inputs: Inputs, columns: frozenset[str]) -> tuple[ReasonMemo, threading.Lock]:
    """The reason memo kept for the catalog, the wording and the profile's columns, and the lock
    that guards it.

    The batch shares one memo among its rows (a sentence is worded once per distinct set of the
    values it reads); one-customer briefs share one the same way, so a service words each
    distinct reason once, not twice per brief (observed, then plain). A memo assumes that every
    profile it sees has the same keys, as the rows of one frame do (a key that is absent is not
    observed when read): profiles with other keys get their own.
    """
    kept = _MEMOS.get(inputs.catalog, dict)
    key = (inputs.reason_text, columns)
    held = kept.get(key)
    if held is None or held[0].calls > KEPT_WORDINGS:
        if len(kept) >= 8:
            kept.clear()
        held = (donot.memo_for(inputs.catalog, inputs.reason_text), threading.Lock())
        kept[key] = held
    return held


def _engine_rows(rows: Any) -> list[Mapping[str, Any]]:
    """The engine's rows as dicts (a frame's columns read as they are, or the given dicts)."""
    if isinstance(rows, pl.DataFrame):
        columns = [rows.get_column(name).to_list() for name in EVAL_COLUMNS]
        return [
            dict(zip(EVAL_COLUMNS, values, strict=True)) for values in zip(*columns, strict=True)
        ]
    return [{name: r.get(name) for name in EVAL_COLUMNS} for r in rows]


def _by_line(profile: Mapping[str, Any], offer: Offer | None, line_id: str | None) -> bool:
    """:func:`goodcall.brief.donotline.account_calls` of one row."""
    many = len(profile.get("lines") or []) >= 2
    return line_id is None and many and (offer is None or offer.kind not in PER_LINE_KINDS)


def _brand(inputs: Inputs, offer: Offer) -> Any:
    return inputs.catalog.brand_info(inputs.catalog.offer_brand(offer))


def row_brief(
    profile: Mapping[str, Any],
    offer_id: str,
    channel: str,
    offer_rows: Any,
    inputs: Inputs,
    line_id: str | None = None,
) -> Brief | None:
    """The brief of one contact, as the batch of one gives it; None when it has no row path.

    Raises :class:`~goodcall.brief.facts.BriefError` where the batch would, with its message.
    """
    offer = inputs.index.offers.get(offer_id) if offer_id is not None else None
    if _by_line(profile, offer, line_id):
        return None
    row = {name: profile.get(name) for name in BRIEF_FIELDS} | dict(profile)
    cid = row.get("customer_id")
    engine = _engine_rows(offer_rows)
    own = next((r for r in engine if r["offer_id"] == offer_id), None) if cid is not None else None
    contact = {"customer_id": cid, "offer_id": offer_id, "_channel": channel, "_offer_obj": offer}
    failure = first_failure(contact, row, own)
    if failure is not None:
        raise BriefError(failure)
    assert offer is not None and own is not None
    excluded: Excluded = [
        (r["offer_id"], r["reasons"] or [])
        for r in engine
        if r["eligible"] is not True and not other_brand_reason(r["reasons"])
    ]
    return _facts(row, offer, channel, own, excluded, inputs, line_id)


def _facts(
    row: dict[str, Any],
    offer: Offer,
    channel: str,
    own: Mapping[str, Any],
    excluded: Excluded,
    inputs: Inputs,
    line_id: str | None,
) -> Brief:
    lang = row["lang"]
    hidden = {offer_id for offer_id, _ in excluded}
    k = knowledge(row, lang, hidden, inputs)
    spoken = address(row, spoken_name(row))
    seen = promotion_seen(k, offer.promotion_id)
    check_seen(row["customer_id"], offer, seen, own.get("notices"))
    kinds = [c["kind"] for c in k["open_cases"]]
    complaint = "complaint" in kinds or k["recent_complaint_at"] is not None
    repair = "repair" in kinds
    on_line = None
    if line_id is not None and "lines" in row:
        as_of = inputs.at.date()
        on_line = profile_on_line(row, line_id, as_of) | {CALLED_LINE: line_id}
    account = row | ({CALLED_LINE: None} if on_line is not None else {})
    texts = spoken_texts(offer, on_line if on_line is not None else row, k, inputs)
    memo, lock = _kept_memo(inputs, frozenset(account))
    line = (
        None if line_id is None else next((x for x in k["lines"] if x["line_id"] == line_id), None)
    )
    age = on_line["device_age_months"] if on_line is not None else None
    left = on_line["financing_months_left"] if on_line is not None else None
    with lock:
        offers = do_not_offers(excluded, offer, account, on_line, memo, inputs)
    variant = "fr" if lang == "fr" else "en"
    brand = _brand(inputs, offer)
    objection = offer.objection.objection if offer.objection else None
    return Brief.model_validate(
        {
            "customer_id": row["customer_id"],
            "offer_id": offer.id,
            "channel": channel,
            "currency": brand.currency,
            "at": inputs.at,
            "address": spoken,
            "opening": {
                "agent_name": inputs.agent_name,
                "company": brand.company.fr if variant == "fr" else brand.company.en,
                "why": texts["why"],
                "acknowledge": [
                    x for x, on in (("complaint", complaint), ("repair", repair)) if on
                ],
            },
            "knowledge": k,
            "offer": {
                "offer_id": offer.id,
                "name": offer.name.fr if variant == "fr" else offer.name.en,
                "kind": offer.kind,
                "fit": fit_codes(offer, k, line, age, left),
                "talking_points": texts["points"],
                "objection": (objection.fr if variant == "fr" else objection.en)
                if objection
                else None,
                "answer": texts["answer"],
                "promotion_id": offer.promotion_id,
                "promotion_seen": seen,
                "line_id": line_id,
                "line": line,
                "line_age_months": age,
            },
            "avoid": {
                "offers": offers,
                "topics": topics(k, complaint, repair),
                "excluded_total": len(excluded),
            },
            "closing": CLOSING,
        }
    )
