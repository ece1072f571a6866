"""Section 5: what not to offer, and why — from the catalog engine's own reasons.

Every offer the rules excluded for this customer is a possible blunder, but a list of twenty is
not read. Excluded offers are kept when an agent could plausibly reach for them (the same kind as
the offer of the call, a handset for another system, a plan that is no upgrade, a promotion
already redeemed), grouped by reason so that one sentence covers them ("Ne proposez pas Galaxy
S25, Pixel 10, LG Velvet : le client utilise un iPhone 13"), and capped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from goodcall.brief.model import DoNotOffer, Knowledge, Lang, TopicCode
from goodcall.catalog.model import Catalog, Offer

Row = Mapping[str, Any]
ReasonText = Callable[[Mapping[str, Any], Mapping[str, Any], Catalog, str, Lang], str]

MAX_GROUPS = 5
MAX_NAMES = 6
BASIC_PLAN_TIERS = 2
"""Plans at or below this tier are "basic": above it, the agent is told not to assume one."""


def default_reason_text() -> ReasonText:
    """The catalog's own wording of an exclusion (imported when first needed)."""
    from goodcall.catalog.texts import reason_text

    return reason_text


_TIER_ORDER = {"applicability": 0, "eligibility": 1, "suitability": 2}


def _tier_rank(reason: Mapping[str, Any]) -> int:
    parts = str(reason.get("code") or "").split(".")
    return _TIER_ORDER.get(parts[1], 3) if len(parts) > 1 else 3


def failed_reason(row: Row) -> dict[str, Any] | None:
    """The most telling reason that excluded the offer.

    Facts about the customer come first ("uses an iPhone 13", "already has the top plan"), then
    who may have the offer at all, then whether it suits them; the offer's own validity
    (dates, channels) last, since it says nothing about the customer.
    """
    failed: list[dict[str, Any]] = [dict(r) for r in row.get("reasons") or () if not r.get("ok")]
    return min(failed, key=_tier_rank) if failed else None


def about_customer(reason: Mapping[str, Any]) -> bool:
    """Whether an exclusion says something about the customer (not just the offer's dates)."""
    return _tier_rank(reason) < len(_TIER_ORDER)


_ORDERS: dict[int, tuple[Catalog, dict[str, int]]] = {}


def catalog_order(catalog: Catalog) -> dict[str, int]:
    """Position of each offer in the catalog (the order in which excluded offers are named)."""
    cached = _ORDERS.get(id(catalog))
    if cached is None or cached[0] is not catalog:
        if len(_ORDERS) > 16:
            _ORDERS.clear()
        cached = _ORDERS[id(catalog)] = (catalog, {o.id: n for n, o in enumerate(catalog.offers)})
    return cached[1]


def relevance(excluded: Offer, pitched: Offer, redeemed: frozenset[str]) -> int | None:
    """How likely an agent is to reach for an excluded offer on this call (0 = most), or None."""
    if excluded.kind == pitched.kind:
        return 0
    if excluded.kind == "handset" or excluded.target.device_os is not None:
        return 1
    if excluded.kind == "plan" or excluded.target.plan_tier is not None:
        return 2
    if excluded.promotion_id is not None and excluded.promotion_id in redeemed:
        return 3
    return None


def do_not_offers(
    rows: Sequence[Row],
    pitched: Offer,
    catalog: Catalog,
    profile: Mapping[str, Any],
    lang: Lang,
    offer_name: Callable[[Offer], str],
    reason_text: ReasonText,
) -> list[DoNotOffer]:
    """Excluded offers (``rows`` with ``eligible`` false) grouped by reason, most relevant first."""
    redeemed = frozenset(profile.get("redeemed_promotions") or ())
    picked: list[tuple[int, int, Offer, dict[str, Any]]] = []
    order = catalog_order(catalog)
    for row in rows:
        if row.get("eligible", True):
            continue
        position = order[row["offer_id"]]
        offer = catalog.offers[position]
        rank = relevance(offer, pitched, redeemed)
        reason = failed_reason(row)
        if rank is not None and reason is not None and about_customer(reason):
            picked.append((rank, position, offer, reason))
    picked.sort(key=lambda item: (item[0], item[1]))
    groups: dict[str, tuple[str, list[Offer]]] = {}
    for _rank, _pos, offer, reason in picked:
        text = reason_text(reason, profile, catalog, offer.id, lang).strip().rstrip(".")
        groups.setdefault(text, (str(reason.get("code") or ""), []))[1].append(offer)
    result = [
        DoNotOffer.model_construct(
            offer_ids=[o.id for o in offers[:MAX_NAMES]],
            names=[offer_name(o) for o in offers[:MAX_NAMES]],
            reason=text,
            code=code,
            more=max(0, len(offers) - MAX_NAMES),
        )
        for text, (code, offers) in list(groups.items())[:MAX_GROUPS]
    ]
    return result


def topics(knowledge: Knowledge) -> list[TopicCode]:
    """Topics to handle with care, from the facts (the last one always applies)."""
    out: list[TopicCode] = []
    kinds = {case.kind for case in knowledge.open_cases}
    if "complaint" in kinds or knowledge.recent_complaint_at is not None:
        out.append("complaint_first")
    if "repair" in kinds:
        out.append("repair_open")
    if knowledge.last_refusal_at is not None:
        out.append("recent_refusal")
    plan = knowledge.plan
    if plan is not None and (plan.plan_is_top or plan.plan_tier > BASIC_PLAN_TIERS):
        out.append("basic_plan")
    out.append("no_pressure")
    return out


class _Recording(Mapping[str, Any]):
    """A profile that remembers which fields were read."""

    __slots__ = ("_profile", "read")

    def __init__(self, profile: Mapping[str, Any]) -> None:
        self._profile = profile
        self.read: list[str] = []

    def __getitem__(self, key: str) -> Any:
        self.read.append(key)
        return self._profile[key]

    def get(self, key: str, default: Any = None) -> Any:
        self.read.append(key)
        return self._profile.get(key, default)

    def __iter__(self) -> Any:
        raise TypeError("reason texts may read fields, not list them")

    def __len__(self) -> int:
        return len(self._profile)


def _frozen(value: Any) -> Any:
    """A hashable stand-in for a profile value (lists of structs become tuples)."""
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return tuple((k, _frozen(v)) for k, v in value.items())
    return value


class MemoReasonText:
    """``reason_text`` computed once per distinct input, across the briefs of a campaign.

    A reason sentence depends on the reason, the offer, the language and the profile fields the
    sentence reads. The first call records which fields it read; a later call for the same
    reason whose profile has the same values in those fields gets the same sentence. Sound for
    any pure wording function, whatever fields it reads, since the fields are observed rather
    than assumed.
    """

    def __init__(self, inner: ReasonText, max_entries: int = 200_000) -> None:
        self.inner = inner
        self.max_entries = max_entries
        self._fields: dict[tuple[Any, ...], list[tuple[str, ...]]] = {}
        self._texts: dict[tuple[Any, ...], str] = {}
        self._profile: Mapping[str, Any] | None = None
        self._cache: dict[str, Any] = {}

    def __call__(
        self,
        reason: Mapping[str, Any],
        profile: Mapping[str, Any],
        catalog: Catalog,
        offer_id: str,
        lang: Lang,
    ) -> str:
        head = (
            id(catalog),
            offer_id,
            lang,
            reason.get("code"),
            reason.get("ok"),
            reason.get("rule"),
            reason.get("evidence"),
        )
        frozen = self._frozen_values(profile)
        for fields in self._fields.get(head, ()):
            key = (head, fields, tuple([frozen(f) for f in fields]))
            text = self._texts.get(key)
            if text is not None:
                return text
        recording = _Recording(profile)
        text = self.inner(reason, recording, catalog, offer_id, lang)
        fields = tuple(dict.fromkeys(recording.read))
        if len(self._texts) >= self.max_entries:
            self._texts.clear()
            self._fields.clear()
        known = self._fields.setdefault(head, [])
        if fields not in known:
            known.append(fields)
        self._texts[(head, fields, tuple([frozen(f) for f in fields]))] = text
        return text

    def _frozen_values(self, profile: Mapping[str, Any]) -> Any:
        """Hashable profile values, frozen once per profile (a brief asks for many reasons)."""
        if self._profile is not profile:
            self._profile = profile
            self._cache = {}
        cache = self._cache

        def frozen(field: str) -> Any:
            try:
                return cache[field]
            except KeyError:
                value = cache[field] = _frozen(profile.get(field))
                return value

        return frozen
