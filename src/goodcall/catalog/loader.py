"""Load an offer catalog from YAML: validated completely, or refused with every problem located.

``load_catalog()`` with no path loads the shipped Nordet Mobile example. Errors read like
``nordet.yaml:212:15: offer HS_LG_VELVET_CLEARANCE: field eligibility[0].when: unknown field
'device_oss' (did you mean 'device_os'?)``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from pydantic import ValidationError

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


def shipped_catalog_text() -> str:
    """The text of the example catalog shipped with goodcall."""
    return resources.files("goodcall.catalog").joinpath("data", SHIPPED_CATALOG).read_text("utf-8")


def load_catalog(path: Path | None = None) -> Catalog:
    """Read, validate and rule-check a catalog file (``None``: the shipped Nordet example).

    Raises :class:`SourceError` listing every problem (YAML syntax with line and column, unknown
    keys with the likely intended key, bad values, predicates that do not compile) — each naming
    the offer id and the field.
    """
    if path is None:
        located = read_yaml(shipped_catalog_text(), SHIPPED_CATALOG)
    else:
        located = read_yaml_file(Path(path))
    return parse_catalog(located)


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
