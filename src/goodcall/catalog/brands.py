"""Brands and subsidiaries: one catalog, company name, currency and locale per brand.

A carrier with a French subsidiary declares its brands in a brands file::

    default: nordet                # the brand of customers whose `brand` is empty
    brands:
      - {id: nordet, company: {fr: Nordet Mobile, en: Nordet Mobile}, currency: CAD,
         locale: fr_CA, catalog: nordet.yaml}
      - {id: nordet_fr, company: {fr: Nordet France, en: Nordet France}, currency: EUR,
         locale: fr_FR, catalog: nordet-france.yaml}

Every ``--catalog`` option accepts such a file (:func:`goodcall.catalog.loader.load_catalog`
tells them apart by its ``brands`` key): the brands' catalogs are merged into one
:class:`~goodcall.catalog.model.Catalog` whose every offer names its brand, and the engine's
``catalog.validity.brand`` check never lets an offer reach a customer of another brand.
"""

from __future__ import annotations

from goodcall.catalog.model import Bilingual, Catalog
from goodcall.catalog.yamlsource import Problem
from goodcall.profiles.brands import Brand, BrandEntry, BrandsFile

__all__ = ["BrandEntry", "BrandsFile", "brand_problems", "is_brands_file", "merge_brands"]


def is_brands_file(data: object) -> bool:
    """A brands file has ``brands`` and no ``offers``."""
    return isinstance(data, dict) and "brands" in data and "offers" not in data


def brand_problems(entry: BrandEntry, catalog: Catalog, where: str) -> list[Problem]:
    """What a brand's catalog file says that contradicts the brand's declaration."""
    context = f"brand {entry.id}"
    problems: list[Problem] = []

    def differs(field: str, declared: object, found: object) -> None:
        problems.append(
            Problem(
                where,
                context,
                field,
                f"the catalog {entry.catalog} says {found!r}, the brand says {declared!r}",
            )
        )

    if catalog.brand is not None and catalog.brand != entry.id:
        differs("brand", entry.id, catalog.brand)
    if catalog.currency != entry.currency:
        differs("currency", entry.currency, catalog.currency)
    for offer in catalog.offers:
        if offer.brand is not None and offer.brand != entry.id:
            problems.append(
                Problem(
                    where,
                    context,
                    "catalog",
                    f"offer {offer.id} of {entry.catalog} names brand {offer.brand!r}: the offers "
                    f"of a brand's catalog belong to that brand",
                )
            )
    return problems


def merge_brands(brands: BrandsFile, catalogs: dict[str, Catalog]) -> Catalog:
    """One catalog holding every brand's offers, each offer stamped with its brand.

    The merged catalog's own company, currency and locale are the default brand's; the brief and
    ``explain`` read each offer's brand through :meth:`Catalog.brand_info`. Raises ``ValueError``
    when two brands use one offer id or name one promotion differently.
    """
    default = next(b for b in brands.brands if b.id == brands.default)
    promotions: dict[str, Bilingual] = {}
    offers = []
    for entry in brands.brands:
        catalog = catalogs[entry.id]
        for promo, names in catalog.promotions.items():
            if promotions.get(promo, names) != names:
                raise ValueError(f"brand {entry.id}: promotion {promo} is named differently")
            promotions[promo] = names
        offers += [o.model_copy(update={"brand": entry.id}) for o in catalog.offers]
    return Catalog(
        company=Bilingual(fr=default.company.fr, en=default.company.en),
        currency=default.currency,
        locale=default.locale,
        brand=default.id,
        brands=[Brand.model_validate(b.model_dump(exclude={"catalog"})) for b in brands.brands],
        promotions=promotions,
        offers=offers,
    )
