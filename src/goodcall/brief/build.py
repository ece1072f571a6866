"""``build_brief``: one decided contact in, one :class:`~goodcall.brief.model.Brief` out.

Pure: the profile row, the catalog, the engine's rows for this customer and the decision time come
in as arguments; nothing is read from a store or the clock. It refuses to brief what must not
happen — an offer the rules excluded, a phone call to someone on the internal do-not-call list — so
a bug upstream cannot become a blunder on the phone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from goodcall.brief import donot, facts, pitch
from goodcall.brief.facts import BriefError
from goodcall.brief.formats import FormatError, Formats, formats_for
from goodcall.brief.model import (
    OUTCOMES,
    Acknowledge,
    Address,
    Avoid,
    Brief,
    Closing,
    Knowledge,
    Lang,
    Opening,
    PromotionEvent,
)
from goodcall.catalog.model import Bilingual, Catalog, Offer

PROMOTION_SEEN_NOTICE = "catalog.notice.promotion_seen"
CHANNELS = ("phone", "sms", "email", "app")

OfferRows = pl.DataFrame | Sequence[Mapping[str, Any]]


class _Index:
    """Offers by id and their names per language, for one catalog (built once per catalog)."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.offers: dict[str, Offer] = {o.id: o for o in catalog.offers}


_INDEXES: dict[int, _Index] = {}


def _index(catalog: Catalog) -> _Index:
    found = _INDEXES.get(id(catalog))
    if found is None or found.catalog is not catalog:
        if len(_INDEXES) > 16:
            _INDEXES.clear()
        found = _INDEXES[id(catalog)] = _Index(catalog)
    return found


def _rows(offer_rows: OfferRows) -> Sequence[Mapping[str, Any]]:
    return offer_rows.to_dicts() if isinstance(offer_rows, pl.DataFrame) else offer_rows


def _check_contact(
    profile: Mapping[str, Any],
    offer_id: str,
    channel: str,
    index: _Index,
    row: Mapping[str, Any] | None,
) -> Offer:
    """The offer of the contact, or a clear refusal to brief it."""
    cid = profile.get("customer_id")
    if channel not in CHANNELS:
        raise BriefError(f"customer {cid!r}: channel {channel!r} is not one of {CHANNELS}")
    if channel == "phone" and profile.get("internal_dnc"):
        raise BriefError(
            f"customer {cid!r} asked not to be called (internal do-not-call list): no phone brief"
        )
    offer = index.offers.get(offer_id)
    if offer is None:
        raise BriefError(f"customer {cid!r}: offer {offer_id!r} is not in the catalog")
    if channel not in offer.channels:
        raise BriefError(
            f"customer {cid!r}: offer {offer_id!r} is not offered by {channel!r} "
            f"(catalog channels: {', '.join(offer.channels)})"
        )
    if row is None:
        raise BriefError(
            f"customer {cid!r}: no evaluation row for offer {offer_id!r} "
            "(pass this customer's rows of evaluate_offers)"
        )
    if not row["eligible"]:
        failed = donot.failed_reason(row)
        why = f"{failed['code']} ({failed.get('evidence')})" if failed else "no reason given"
        raise BriefError(f"customer {cid!r}: offer {offer_id!r} was excluded by the rules: {why}")
    return offer


def _promotion_seen(
    offer: Offer, row: Mapping[str, Any], knowledge: Knowledge
) -> PromotionEvent | None:
    """The latest time the customer saw the promotion behind the offer, if they did."""
    if offer.promotion_id is None:
        return None
    seen = [e for e in knowledge.seen if e.promotion_id == offer.promotion_id]
    # A notice, like a reason, is ``ok`` when nothing needs saying: not ok means "seen".
    flagged = any(
        n.get("code") == PROMOTION_SEEN_NOTICE and not n.get("ok") for n in row.get("notices") or ()
    )
    if not seen and flagged:
        cid = row.get("customer_id")
        raise BriefError(
            f"customer {cid!r}: the engine says promotion {offer.promotion_id!r} was seen, "
            "but the profile has no such event"
        )
    return seen[-1] if seen else None


def _acknowledge(knowledge: Knowledge) -> list[Acknowledge]:
    kinds = {case.kind for case in knowledge.open_cases}
    out: list[Acknowledge] = []
    if "complaint" in kinds or knowledge.recent_complaint_at is not None:
        out.append("complaint")
    if "repair" in kinds:
        out.append("repair")
    return out


def _formats(profile: Mapping[str, Any], address: Address, catalog: Catalog) -> Formats:
    try:
        return formats_for(address.language, address.lang, address.time_zone, catalog.currency)
    except FormatError as exc:
        raise BriefError(f"customer {profile.get('customer_id')!r}: {exc}") from exc


class Inputs:
    """What one brief needs besides the profile, shared by the single and batch paths."""

    __slots__ = ("at", "catalog", "index", "promotion_names", "reason_text")

    def __init__(
        self,
        catalog: Catalog,
        at: dt.datetime,
        promotion_names: Mapping[str, Bilingual] | None,
        reason_text: donot.ReasonText | None,
    ) -> None:
        if at.tzinfo is None:
            raise BriefError("at must be timezone-aware (e.g. datetime(..., tzinfo=UTC))")
        self.catalog = catalog
        self.at = at.astimezone(dt.UTC)
        self.index = _index(catalog)
        self.promotion_names = {**catalog.promotions, **(promotion_names or {})}
        self.reason_text: donot.ReasonText = donot.MemoReasonText(
            reason_text or donot.default_reason_text()
        )


def assemble(
    profile: Mapping[str, Any],
    offer_id: str,
    channel: str,
    contact_row: Mapping[str, Any] | None,
    excluded_rows: Sequence[Mapping[str, Any]],
    excluded_ids: frozenset[str],
    inputs: Inputs,
    agent_name: str | None = None,
) -> Brief:
    """The brief from the contact's own engine row and the customer's excluded offers.

    ``excluded_rows`` may be any superset of the excluded offers worth naming (the batch path
    pre-filters them in Polars); ``excluded_ids`` must be every offer excluded for the customer,
    so that no part of the brief outside "Do not" names one of them.
    """
    catalog, index, at = inputs.catalog, inputs.index, inputs.at
    offer = _check_contact(profile, offer_id, channel, index, contact_row)
    assert contact_row is not None
    address = facts.address(profile)
    lang: Lang = address.lang
    f = _formats(profile, address, catalog)

    def promotion_name(pid: str) -> str | None:
        name = inputs.promotion_names.get(pid)
        return getattr(name, lang) if name is not None else None

    def contact_offer_name(oid: str) -> str | None:
        known = index.offers.get(oid)
        if known is not None:
            return None if oid in excluded_ids else getattr(known.name, lang)
        return promotion_name(oid)

    knowledge = facts.knowledge(profile, lang, at, promotion_name, contact_offer_name)
    seen = _promotion_seen(offer, contact_row, knowledge)
    values = pitch.facts_for(profile, knowledge, f)
    do_not = donot.do_not_offers(
        excluded_rows,
        offer,
        catalog,
        profile,
        lang,
        lambda o: str(getattr(o.name, lang)),
        inputs.reason_text,
    )
    return Brief.model_construct(
        customer_id=str(profile["customer_id"]),
        offer_id=offer.id,
        channel=channel,
        currency=catalog.currency,
        at=at,
        address=address,
        opening=Opening.model_construct(
            agent_name=agent_name.strip() if agent_name and agent_name.strip() else None,
            company=getattr(catalog.company, lang),
            why=pitch.fill(pitch.voice(offer.why_we_call, address), values, offer.id),
            acknowledge=_acknowledge(knowledge),
        ),
        knowledge=knowledge,
        offer=pitch.pitch(offer, getattr(offer.name, lang), address, knowledge, seen, values),
        avoid=Avoid.model_construct(
            offers=do_not,
            topics=donot.topics(knowledge),
            excluded_total=len(excluded_ids),
        ),
        closing=Closing.model_construct(outcomes=list(OUTCOMES), dnc_immediate=True),
    )


def build_brief(
    profile: Mapping[str, Any],
    offer_id: str,
    channel: str,
    catalog: Catalog,
    offer_rows: OfferRows,
    at: dt.datetime,
    agent_name: str | None = None,
    *,
    promotion_names: Mapping[str, Bilingual] | None = None,
    reason_text: donot.ReasonText | None = None,
) -> Brief:
    """The brief for one decided contact.

    ``profile`` is one row of the profile frame (``row(i, named=True)``); ``offer_rows`` are this
    customer's rows of ``evaluate_offers`` (a frame or a list of row dicts); ``promotion_names``
    overrides or completes the catalog's promotion names (an unnamed promotion shows its id).
    """
    rows = _rows(offer_rows)
    excluded = [r for r in rows if not r["eligible"]]
    brief = assemble(
        profile,
        offer_id,
        channel,
        next((r for r in rows if r["offer_id"] == offer_id), None),
        excluded,
        frozenset(r["offer_id"] for r in excluded),
        Inputs(catalog, at, promotion_names, reason_text),
        agent_name,
    )
    # The parts are assembled without validation (the batch path's speed); one brief at a time,
    # the whole model is validated, so a type slip anywhere in assembly fails loudly.
    return Brief.model_validate(brief.model_dump())
