"""Briefs for a whole campaign: one pass over decided contacts.

The heavy lifting stays in Polars: the engine's rows are cut down to the contact's own row and the
excluded offers an agent could reach for (about a dozen per customer instead of the whole
catalog, each with only the reason that failed), grouped per customer, and only then handed to
Python. Templates are compiled once and locale formatting is memoised, so each brief costs a few
dictionary look-ups, one model and one layout render.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Literal, overload

import polars as pl

from goodcall.brief import donot
from goodcall.brief.build import Inputs, assemble
from goodcall.brief.facts import BriefError
from goodcall.brief.model import Brief
from goodcall.brief.render import FORMATS, Format, render
from goodcall.catalog.model import Bilingual, Catalog

CONTACT_COLUMNS = ("customer_id", "offer_id", "channel")
EVAL_COLUMNS = ("customer_id", "offer_id", "eligible", "reasons", "notices")

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


def _require(frame: pl.DataFrame, columns: tuple[str, ...], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise BriefError(
            f"{what} is missing column(s) {', '.join(missing)}; expected {', '.join(columns)}"
        )


def _catalog_frame(catalog: Catalog) -> pl.DataFrame:
    """Per offer: whether an excluded offer of this kind may ever be worth naming."""
    return pl.DataFrame(
        {
            "offer_id": [o.id for o in catalog.offers],
            "_kind": [o.kind for o in catalog.offers],
            "_nameable": [
                o.kind in ("handset", "plan")
                or o.target.device_os is not None
                or o.target.plan_tier is not None
                or o.promotion_id is not None
                for o in catalog.offers
            ],
        }
    )


def _tier_rank(code: pl.Expr) -> pl.Expr:
    """Polars twin of ``donot._tier_rank``: facts about the customer first, validity last."""
    return (
        pl.when(code.str.starts_with("catalog.applicability."))
        .then(0)
        .when(code.str.starts_with("catalog.eligibility."))
        .then(1)
        .when(code.str.starts_with("catalog.suitability."))
        .then(2)
        .otherwise(3)
    )


def _failed_reasons() -> pl.Expr:
    """The checks that failed, most telling first."""
    element = pl.element()
    return (
        pl.col("reasons")
        .list.filter(element.struct.field("ok").not_())
        .list.eval(element.sort_by(_tier_rank(element.struct.field("code"))))
        .alias("reasons")
    )


def engine_rows(contacts: pl.DataFrame, offer_eval: pl.DataFrame, catalog: Catalog) -> pl.DataFrame:
    """One row per contacted customer: all excluded ids and the rows the brief may name.

    Kept for naming: excluded offers of the same kind as the offer of the call, or of a kind that
    can ever be relevant (a superset of :func:`goodcall.brief.donot.relevance`), excluded for a
    reason about the customer; each with only its most telling failed check. The contact's own
    row keeps its notices (and its failed checks, for the error if it was excluded).
    """
    _require(offer_eval, EVAL_COLUMNS, "the offer evaluation frame")
    offers = _catalog_frame(catalog)
    pitched = contacts.select("customer_id", pl.col("offer_id").alias("_pitched")).join(
        offers.select(pl.col("offer_id").alias("_pitched"), pl.col("_kind").alias("_pk")),
        on="_pitched",
        how="left",
    )
    rows = (
        offer_eval.lazy()
        .select(EVAL_COLUMNS)
        .join(pitched.lazy(), on="customer_id", how="inner")
        .join(offers.lazy(), on="offer_id", how="left")
        .with_columns(_failed_reasons())
    )
    own = pl.col("offer_id") == pl.col("_pitched")
    best = pl.col("reasons").list.first().struct.field("code")
    named = (
        ~pl.col("eligible")
        & (pl.col("_nameable") | (pl.col("_kind") == pl.col("_pk")))
        & (_tier_rank(best) < 3)
    )
    return (
        rows.group_by("customer_id", "_pitched")
        .agg(
            pl.struct("offer_id", "eligible", "reasons", "notices")
            .filter(own)
            .first()
            .alias("contact_row"),
            pl.col("offer_id").filter(~pl.col("eligible")).alias("excluded_ids"),
            pl.struct("offer_id", "eligible", pl.col("reasons").list.head(1))
            .filter(named & ~own)
            .alias("excluded_rows"),
        )
        .collect()
    )


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
    reason_text: donot.ReasonText | None = ...,
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
    reason_text: donot.ReasonText | None = ...,
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
    reason_text: donot.ReasonText | None = None,
) -> list[str] | pl.DataFrame:
    """Briefs for decided contacts, in the order of ``contacts``.

    ``contacts`` has ``customer_id, offer_id, channel`` (one row per contact); ``profiles`` the
    profile frame (at least those customers); ``offer_eval`` the output of ``evaluate_offers``.
    Returns the rendered briefs, or (``as_frame=True``) ``contacts`` with a ``brief`` column.
    A contact that must not be briefed (excluded offer, do-not-call, unknown customer) is an
    error naming its row: a campaign is not sent with a hole in it.
    """
    if fmt not in FORMATS:
        raise BriefError(f"unknown brief format {fmt!r}; expected one of {FORMATS}")
    texts = [
        render(b, fmt)
        for b in briefs(
            contacts,
            profiles,
            offer_eval,
            catalog,
            at,
            promotion_names=promotion_names,
            reason_text=reason_text,
        )
    ]
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
    reason_text: donot.ReasonText | None = None,
) -> list[Brief]:
    """The :class:`Brief` of every contact, in order (what :func:`render_briefs` renders)."""
    _require(contacts, CONTACT_COLUMNS, "the contacts frame")
    _require(profiles, BRIEF_FIELDS, "the profile frame")
    if contacts.select(pl.col("customer_id").is_duplicated().any()).item():
        raise BriefError("the contacts frame has the same customer twice: one contact per customer")
    inputs = Inputs(catalog, at, promotion_names, reason_text)
    # Every column: the catalog's reason sentences may name any profile field.
    wanted = profiles.join(contacts.select("customer_id"), on="customer_id", how="semi")
    by_customer: dict[str, dict[str, Any]] = {
        row["customer_id"]: row for row in wanted.iter_rows(named=True)
    }
    evaluated: dict[str, dict[str, Any]] = {
        row["customer_id"]: row
        for row in engine_rows(contacts, offer_eval, catalog).iter_rows(named=True)
    }
    out: list[Brief] = []
    for number, (cid, offer_id, channel) in enumerate(contacts.select(CONTACT_COLUMNS).iter_rows()):
        profile = by_customer.get(cid)
        if profile is None:
            raise BriefError(f"contact row {number}: customer {cid!r} is not in the profile frame")
        ev = evaluated.get(cid) or {}
        try:
            out.append(
                assemble(
                    profile,
                    offer_id,
                    channel,
                    ev.get("contact_row"),
                    ev.get("excluded_rows") or (),
                    frozenset(ev.get("excluded_ids") or ()),
                    inputs,
                )
            )
        except BriefError as exc:
            raise BriefError(f"contact row {number}: {exc}") from exc
    return out
