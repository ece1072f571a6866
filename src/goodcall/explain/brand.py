"""The customer's brand as ``explain`` shows it: company name, currency, money in its locale.

A customer of the French subsidiary reads « Nordet France » and sees amounts as ``300,00 €``; an
offer's value is written in the currency of the offer's own brand (the engine never lets an offer
of another brand through, so for an eligible offer that is the customer's).
"""

from __future__ import annotations

from typing import Any, Literal

from babel.numbers import format_currency

from goodcall.catalog.model import Catalog
from goodcall.profiles.brands import Brand

Lang = Literal["fr", "en"]
_CANADIAN = {"fr": "fr_CA", "en": "en_CA"}


def brand_summary(catalog: Catalog, brand_id: str | None, lang: Lang) -> dict[str, Any]:
    """``{id, company, currency, known}`` of the customer's brand (``None``: the default brand).

    A brand the catalog does not have (a Nordet France customer explained against the Canadian
    catalog alone) is shown by its id, ``known: false``: no offer of this catalog can reach them.
    """
    try:
        brand = catalog.brand_info(brand_id)
    except KeyError:
        return {"id": brand_id, "company": None, "currency": None, "known": False}
    return {
        "id": brand.id,
        "company": getattr(brand.company, lang),
        "currency": brand.currency,
        "known": True,
    }


def money(amount: float, brand: Brand, lang: Lang) -> str:
    """An amount in the brand's currency, in the brand's locale when it speaks ``lang``
    (``300,00 €`` for Nordet France in French), else in the Canadian locale of ``lang``."""
    locale = brand.locale if brand.locale.startswith(lang + "_") else _CANADIAN[lang]
    return str(format_currency(amount, brand.currency, locale=locale))
