"""Load an offer catalog from YAML: validated completely, or refused with every problem located.

``load_catalog()`` with no path loads the shipped Nordet Mobile example. Errors read like
``nordet.yaml:212:15: offer HS_LG_VELVET_CLEARANCE: field eligibility[0].when: unknown field
'device_oss' (did you mean 'device_os'?)``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from goodcall.catalog.brands import BrandsFile, brand_problems, is_brands_file, merge_brands
from goodcall.catalog.compile import check_catalog_rules
from goodcall.catalog.model import Catalog
from goodcall.catalog.yamlsource import (
    Loc,
    Located,
    Problem,
    SourceError,
    dotted,
    read_yaml,
    read_yaml_file,
    validation_problems,
)

SHIPPED_CATALOG = "nordet.yaml"
SHIPPED_BRANDS = "brands.yaml"


def shipped_catalog_text(name: str = SHIPPED_CATALOG) -> str:
    """The text of a data file shipped with goodcall (by default the example catalog)."""
    return resources.files("goodcall.catalog").joinpath("data", name).read_text("utf-8")


def load_catalog(path: Path | None = None) -> Catalog:
    """Read, validate and rule-check a catalog file (``None``: the shipped Nordet example).

    Raises :class:`SourceError` listing every problem (YAML syntax with line and column, unknown
    keys with the likely intended key, bad values, predicates that do not compile) — each naming
    the offer id and the field.

    A brands file (:mod:`goodcall.catalog.brands`) is accepted too: its brands' catalogs, read
    relative to it, are merged into one catalog whose every offer names its brand.
    """
    if path is None:
        located = read_yaml(shipped_catalog_text(), SHIPPED_CATALOG)
    else:
        located = read_yaml_file(Path(path))
    if is_brands_file(located.data):
        return _load_brands(located, None if path is None else Path(path).parent)
    return parse_catalog(located)


def load_brand_catalog(path: Path | None = None) -> Catalog:
    """The merged catalog of a brands file (``None``: the shipped brands example)."""
    if path is None:
        return _load_brands(read_yaml(shipped_catalog_text(SHIPPED_BRANDS), SHIPPED_BRANDS), None)
    return _load_brands(read_yaml_file(Path(path)), Path(path).parent)


def _parse_brands(located: Located) -> BrandsFile:
    try:
        return BrandsFile.model_validate(located.data)
    except ValidationError as err:
        raise SourceError(
            located.name,
            validation_problems(err, located, BrandsFile, lambda loc: _brand_context(located, loc)),
        ) from err


def _brand_context(located: Located, loc: Loc) -> tuple[str, Loc]:
    if len(loc) >= 2 and loc[0] == "brands" and isinstance(loc[1], int):
        brand_id = located.get(("brands", loc[1], "id"))
        label = f"brand {brand_id}" if isinstance(brand_id, str) else f"brand #{loc[1] + 1}"
        return label, loc[2:]
    return "", loc


def _load_brands(located: Located, base: Path | None) -> Catalog:
    """Each brand's catalog (``base``: their directory; None: shipped data), checked, merged."""
    brands = _parse_brands(located)
    catalogs: dict[str, Catalog] = {}
    problems: list[Problem] = []
    for index, entry in enumerate(brands.brands):
        if base is None:
            catalog = parse_catalog(read_yaml(shipped_catalog_text(entry.catalog), entry.catalog))
        else:
            catalog = load_catalog(base / entry.catalog)
        problems += brand_problems(entry, catalog, located.where(("brands", index)))
        catalogs[entry.id] = catalog
    if problems:
        raise SourceError(located.name, problems)
    try:
        return merge_brands(brands, catalogs)
    except ValidationError as err:
        found = [
            Problem(located.name, "", "", str(e["msg"]).removeprefix("Value error, "))
            for e in err.errors()
        ]
        raise SourceError(located.name, found) from err
    except ValueError as err:
        raise SourceError(located.name, [Problem(located.name, "", "", str(err))]) from err


def parse_catalog(located: Located) -> Catalog:
    """Validate already-read YAML data as a catalog (see :func:`load_catalog`)."""
    if not isinstance(located.data, dict):
        problem = Problem(located.where(()), "", "", "a catalog is a mapping with an 'offers' list")
        raise SourceError(located.name, [problem])
    try:
        catalog = Catalog.model_validate(located.data)
    except ValidationError as err:
        raise SourceError(
            located.name,
            validation_problems(err, located, Catalog, lambda loc: _context(located, loc)),
        ) from err
    rule_problems = check_catalog_rules(catalog)
    if rule_problems:
        problems: list[Problem] = []
        for rule_problem in rule_problems:
            loc: Loc = ("offers", rule_problem.offer_index, *rule_problem.path)
            label, rest = _context(located, loc)
            problems.append(Problem(located.where(loc), label, dotted(rest), rule_problem.message))
        raise SourceError(located.name, problems)
    return catalog


def _context(located: Located, loc: Loc) -> tuple[str, Loc]:
    """``("offer HS_X", rest of the path)`` for paths inside an offer."""
    if len(loc) >= 2 and loc[0] == "offers" and isinstance(loc[1], int):
        offer_id = located.get(("offers", loc[1], "id"))
        label = f"offer {offer_id}" if isinstance(offer_id, str) else f"offer #{loc[1] + 1}"
        rest = loc[2:]
        if len(rest) >= 2 and rest[0] in ("eligibility", "applicability", "suitability"):
            rule_id = located.get(("offers", loc[1], rest[0], rest[1], "id"))
            if isinstance(rule_id, str):
                label += f", rule {rule_id}"
        return label, rest
    return "", loc
