"""Section 4: the offer in the customer's voice, and the facts that make it fit.

Catalog texts come in three voices (French vous, French tu, English); the brief picks the one the
customer's language and register call for, so a formal customer never hears "tu" from a catalog
sentence either. ``why_we_call`` may name facts in braces (``{device_model}``); they are filled
from the profile, formatted for the customer's locale — once per distinct offer, voice and values
the offer's texts name, not once per customer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import polars as pl

from goodcall.brief.distinct import per_distinct
from goodcall.brief.facts import BriefError, col, or_else
from goodcall.brief.formats import Formats, babel_locale, zone
from goodcall.brief.model import FitCode
from goodcall.catalog.model import Catalog, Offer, Voiced
from goodcall.memo import PerObject

MAX_TALKING_POINTS = 3
OLD_DEVICE_MONTHS = 24
LOYAL_MONTHS = 24
SELF_SERVICE_LOGINS = 10

_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")

# Which facts speak for an offer, by kind of offer (the first ones found are kept).
FIT_BY_KIND: dict[str, tuple[FitCode, ...]] = {
    "handset": ("same_os", "device_age", "financing_done", "financing_left", "self_service"),
    "plan": ("usage_over", "usage_high", "usage_low", "top_plan", "self_service"),
    "addon": ("same_os", "usage_over", "usage_high", "lines", "self_service"),
    "bundle": ("lines", "tenure", "self_service"),
    "retention": ("tenure", "usage_low", "financing_done", "lines"),
}
MAX_FIT = 3
FIT_CODES: tuple[FitCode, ...] = (
    "same_os",
    "device_age",
    "financing_done",
    "financing_left",
    "usage_over",
    "usage_high",
    "usage_low",
    "top_plan",
    "lines",
    "tenure",
    "self_service",
)

PROFILE_FACTS = ("first_name", "preferred_name", "device_make", "device_model")
PLAN_FACTS = ("plan_name", "plan_data_gb", "plan_price", "data_usage_gb")
FACTS = (*PROFILE_FACTS, "tenure_years", "lines_count", *PLAN_FACTS)
"""The facts a catalog sentence may name, in braces."""

VOICES = (("fr", True), ("fr", False), ("en", True), ("en", False))
TEXTS = pl.Struct({"why": pl.String(), "points": pl.List(pl.String()), "answer": pl.String()})


def voice(text: Voiced, lang: str, formal: bool) -> str:
    """The catalog text in the customer's language and register."""
    if lang == "en":
        return text.en
    return text.fr_formal if formal else text.fr_informal


def fill(text: str, facts: Mapping[str, str], offer_id: str) -> str:
    """Replace ``{field}`` with the customer's value; an unknown or empty field is an error."""

    def one(match: re.Match[str]) -> str:
        value = facts.get(match.group(1))
        if not value:
            raise BriefError(
                f"offer {offer_id!r}: text names {{{match.group(1)}}}, which this customer's "
                f"profile does not provide (known: {', '.join(sorted(facts))})"
            )
        return value

    return _PLACEHOLDER.sub(one, text) if "{" in text else text


def _spoken(offer: Offer) -> list[Voiced]:
    """Every text of the offer that the agent may say, as the brief uses them."""
    texts = [offer.why_we_call, *offer.talking_points[:MAX_TALKING_POINTS]]
    return texts + ([offer.objection.answer] if offer.objection else [])


_NAMED: PerObject[pl.DataFrame] = PerObject()


def _named_facts(offers: Mapping[str, Offer]) -> pl.DataFrame:
    """:func:`_name_facts`, once per catalog (its offers mapping)."""
    return _NAMED.get(offers, lambda: _name_facts(list(offers.values())))


def _name_facts(offers: list[Offer]) -> pl.DataFrame:
    """Per offer and voice, which facts its texts name (only those are part of its key)."""
    rows: list[dict[str, Any]] = []
    for offer in offers:
        for lang, formal in VOICES:
            named = named_facts(offer, lang, formal)
            row = {"_offer": offer.id, "lang": lang, "_formal": formal}
            rows.append(row | {f"_uses_{f}": f in named for f in FACTS})
    return pl.DataFrame(rows)


def named_facts(offer: Offer, lang: str, formal: bool) -> set[str]:
    """The facts the offer's texts name in one voice (only those are part of its key)."""
    return {m for t in _spoken(offer) for m in _PLACEHOLDER.findall(voice(t, lang, formal))}


def fact_values(knowledge: pl.Expr) -> dict[str, pl.Expr]:
    """The raw value of every fact a catalog sentence may name (formatted later, per distinct)."""
    plan = knowledge.struct.field("plan").struct
    values = {name: or_else(col(name), pl.lit("")) for name in PROFILE_FACTS}
    values["tenure_years"] = knowledge.struct.field("tenure_months") // 12
    values["lines_count"] = knowledge.struct.field("lines").list.len().cast(pl.Int64)
    values |= {name: plan.field(name) for name in PLAN_FACTS}
    return values


def texts_for(offers: Mapping[str, Offer], catalog: Catalog) -> Callable[..., dict[str, Any]]:
    def compute(
        offer_id: str, lang: str, formal: bool, language: str, has_plan: bool, *values: Any
    ) -> dict[str, Any]:
        brand = catalog.brand_info(catalog.offer_brand(offers[offer_id]))
        f = Formats(babel_locale(language, lang), zone("UTC"), brand.currency)
        raw = dict(zip(FACTS, values, strict=True))
        facts: dict[str, str] = {name: str(raw[name] or "") for name in PROFILE_FACTS}
        facts["tenure_years"] = f.number(raw["tenure_years"] or 0)
        facts["lines_count"] = f.number(raw["lines_count"] or 0)
        if has_plan:
            facts |= {
                "plan_name": str(raw["plan_name"]),
                "plan_data_gb": _maybe(f.number, raw["plan_data_gb"]),
                "plan_price": _maybe(f.money, raw["plan_price"]),
                "data_usage_gb": _maybe(f.number, raw["data_usage_gb"]),
            }
        offer = offers[offer_id]

        def say(text: Voiced) -> str:
            return fill(voice(text, lang, formal), facts, offer_id)

        return {
            "why": say(offer.why_we_call),
            "points": [say(p) for p in offer.talking_points[:MAX_TALKING_POINTS]],
            "answer": say(offer.objection.answer) if offer.objection else None,
        }

    return compute


def _maybe(format_value: Callable[[float], str], value: Any) -> str:
    """A formatted value; a fact the profile lacks stays empty (an error if a text names it)."""
    return "" if value is None else format_value(value)


def spoken_texts(frame: pl.DataFrame, catalog: Catalog, offers: Mapping[str, Offer]) -> pl.Series:
    """Per row: the offer's why, talking points and answer, in the customer's voice and filled.

    ``frame`` has ``_offer, lang, _formal, _language`` and ``knowledge`` (the built facts).
    """
    k = col("knowledge")
    uses = _named_facts(offers)
    values = fact_values(k)
    keyed = frame.select(
        "_offer",
        "lang",
        "_formal",
        "_language",
        k.struct.field("plan").is_not_null().alias("_p"),
        *[values[name].alias(name) for name in FACTS],
    ).join(uses, on=["_offer", "lang", "_formal"], how="left", maintain_order="left")
    keys = keyed.select(
        "_offer",
        "lang",
        "_formal",
        "_language",
        "_p",
        *[pl.when(col(f"_uses_{name}")).then(col(name)).alias(name) for name in FACTS],
    )
    return per_distinct(keys, texts_for(offers, catalog), TEXTS)


def fit_holds(knowledge: pl.Expr) -> dict[FitCode, pl.Expr]:
    """Whether each fact that can speak for an offer holds for the customer.

    Reads the pitched offer's ``_target_os`` and ``_target_tier`` columns, and — when the call
    is about one line (``_line_facts``, ``_line_age``, ``_line_left``) — that line's device.
    """
    k = knowledge.struct
    plan = k.field("plan")
    level = plan.struct.field("usage_level")
    called = col("_line_facts").is_not_null()  # a per-line offer's line, else the account's
    primary = pl.when(called).then(col("_line_facts")).otherwise(k.field("lines").list.first())
    months_left = (
        pl.when(called).then(col("_line_left")).otherwise(k.field("financing_months_left"))
    ).fill_null(0)
    age = pl.when(called).then(col("_line_age")).otherwise(k.field("device_age_months"))
    holds: dict[FitCode, pl.Expr] = {
        "same_os": col("_target_os") == primary.struct.field("device_os"),
        "device_age": age.fill_null(0) >= OLD_DEVICE_MONTHS,
        "financing_done": (months_left == 0)
        & primary.struct.field("financing_end_date").is_not_null(),
        "financing_left": months_left > 0,
        "usage_over": level == "over",
        "usage_high": level == "high",
        "usage_low": (level == "low") & (col("_target_tier") < plan.struct.field("plan_tier")),
        "top_plan": plan.struct.field("plan_is_top"),
        "lines": k.field("lines").list.len() >= 2,
        "tenure": k.field("tenure_months") >= LOYAL_MONTHS,
        "self_service": (k.field("online_purchases_12m") > 0)
        | (k.field("app_logins_90d") >= SELF_SERVICE_LOGINS),
    }
    return {code: expr.fill_null(False) for code, expr in holds.items()}


def pick_fit(kind: str | None, *holding: bool) -> list[FitCode]:
    """The facts that make an offer of this kind fit, most telling first (at most
    :data:`MAX_FIT`), from which facts hold (in the order of :func:`fit_holds`)."""
    holds = dict(zip(FIT_CODES, holding, strict=True))
    return [code for code in FIT_BY_KIND.get(kind or "", ()) if holds[code]][:MAX_FIT]


def fit_codes(frame: pl.DataFrame) -> pl.Series:
    """Per row: :func:`pick_fit` for the pitched offer's kind (``_kind``), worked out once per
    distinct kind and set of facts that hold."""
    holds = fit_holds(pl.col("knowledge"))
    absent = [c for c in ("_line_facts", "_line_age", "_line_left") if c not in frame.columns]
    frame = frame.with_columns(pl.lit(None).alias(c) for c in absent)
    keys = frame.select(col("_kind"), *(holds[code].alias(code) for code in FIT_CODES))
    return per_distinct(keys, pick_fit, pl.List(pl.String()))


def promotion_seen(knowledge: pl.Expr) -> pl.Expr:
    """The latest time the customer saw the promotion behind the offer (``_promotion``), if so."""
    element = pl.element()
    seen = knowledge.struct.field("seen")
    ids = seen.list.eval(element.struct.field("promotion_id"))
    matches = pl.concat_list(col("_promotion"), ids).list.eval(element.slice(1) == element.first())
    last = matches.list.len() - 1 - matches.list.reverse().list.arg_max()
    return pl.when(col("_promotion").is_not_null() & matches.list.any()).then(
        seen.list.get(last, null_on_oob=True)
    )


def seen_flagged(notices: pl.Expr) -> pl.Expr:
    """The engine's notice that the customer already saw the offer's promotion."""
    element = pl.element().struct
    flagged = notices.list.eval(
        (element.field("code") == "catalog.notice.promotion_seen")
        & element.field("ok").fill_null(False).not_()
    )
    return flagged.list.any().fill_null(False)
