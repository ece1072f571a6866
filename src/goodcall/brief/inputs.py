"""What a batch of briefs is made from besides the frames: the catalog as the brief reads it,
the decision time, promotion names, the reason wording; and the columns expected of the frames.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from goodcall.brief.facts import BriefError
from goodcall.brief.memo import ReasonText
from goodcall.catalog.model import Bilingual, Catalog, Offer
from goodcall.memo import PerObject
from goodcall.reasons import REASON_LIST

OfferRows = pl.DataFrame | Sequence[Mapping[str, Any]]
BRIEF_FIELDS = (
    "customer_id",
    "first_name",
    "last_name",
    "preferred_name",
    "title",
    "time_zone",
    "language",
    "lang",
    "register",
    "register_source",
    "tenure_months",
    "device_make",
    "device_model",
    "device_os",
    "device_age_months",
    "financing_months_left",
    "plan_id",
    "plan_tier",
    "plan_data_gb",
    "plan_price",
    "plan_is_top",
    "data_usage_gb",
    "data_usage_ratio",
    "preferred_start",
    "preferred_end",
    "internal_dnc",
    "app_logins_90d",
    "online_purchases_12m",
    "last_refusal_at",
    "last_complaint_at",
    "redeemed_promotions",
    "lines",
    "promotion_history",
    "contact_history",
    "open_cases",
)
"""The profile columns the brief itself reads (the catalog's reason texts may read others)."""
EVAL_SCHEMA = pl.Schema(
    {
        "customer_id": pl.String(),
        "offer_id": pl.String(),
        "eligible": pl.Boolean(),
        "reasons": REASON_LIST,
        "notices": REASON_LIST,
    }
)
EVAL_COLUMNS = tuple(EVAL_SCHEMA.names())


class Index:
    """A catalog as the brief reads it: offers by id and as a frame (built once per catalog)."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.offers: dict[str, Offer] = {o.id: o for o in catalog.offers}
        self.positions: dict[str, int] = {o.id: i for i, o in enumerate(catalog.offers)}
        self.frame = pl.DataFrame(
            {
                "offer_id": [o.id for o in catalog.offers],
                "_position": list(range(len(catalog.offers))),
                "_kind": [o.kind for o in catalog.offers],
                "_target_os": [o.target.device_os for o in catalog.offers],
                "_target_tier": [o.target.plan_tier for o in catalog.offers],
                "_promotion": [o.promotion_id for o in catalog.offers],
                "_name_fr": [o.name.fr for o in catalog.offers],
                "_name_en": [o.name.en for o in catalog.offers],
                "_channels": [list(o.channels) for o in catalog.offers],
                "_objection_fr": [
                    o.objection.objection.fr if o.objection else None for o in catalog.offers
                ],
                "_objection_en": [
                    o.objection.objection.en if o.objection else None for o in catalog.offers
                ],
            },
            schema_overrides={
                "_target_os": pl.String(),
                "_promotion": pl.String(),
                "_target_tier": pl.Int64(),
            },
        )


_INDEXES: PerObject[Index] = PerObject()


def index_of(catalog: Catalog) -> Index:
    return _INDEXES.get(catalog, lambda: Index(catalog))


class Inputs:
    """What a batch of briefs needs besides the frames, shared by the single and batch paths."""

    def __init__(
        self,
        catalog: Catalog,
        at: dt.datetime,
        promotion_names: Mapping[str, Bilingual] | None = None,
        reason_text: ReasonText | None = None,
        agent_name: str | None = None,
    ) -> None:
        if at.tzinfo is None:
            raise BriefError("at must be timezone-aware (e.g. datetime(..., tzinfo=UTC))")
        self.catalog = catalog
        self.at = at.astimezone(dt.UTC)
        self.index = index_of(catalog)
        names = {**catalog.promotions, **(promotion_names or {})}
        self.promotion_names = {pid: {"fr": n.fr, "en": n.en} for pid, n in names.items()}
        self.reason_text = reason_text
        self.agent_name = agent_name.strip() if agent_name and agent_name.strip() else None
