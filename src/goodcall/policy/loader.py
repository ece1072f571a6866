"""Load contact policies from YAML: validated completely, or refused with every problem located.

``load_policies()`` with no path loads the policies shipped with goodcall. Errors read like
``policies.yaml:74:9: jurisdiction FR: field windows[1].days: unknown weekday 'thurs' (did you
mean 'thu'?)``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from pydantic import ValidationError

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
from goodcall.policy.model import Policies
from goodcall.policy.resolve import check_policies

SHIPPED_POLICIES = "policies.yaml"


def shipped_policies_text() -> str:
    """The text of the policy file shipped with goodcall."""
    return resources.files("goodcall.policy").joinpath("data", SHIPPED_POLICIES).read_text("utf-8")


def load_policies(path: Path | None = None) -> Policies:
    """Read and validate a policy file (``None``: the shipped defaults).

    Raises :class:`SourceError` listing every problem: malformed YAML (line and column), unknown
    keys (with the likely intended key), empty, reversed or overlapping windows, unknown weekday
    names, unknown jurisdictions and time zones.
    """
    if path is None:
        located = read_yaml(shipped_policies_text(), SHIPPED_POLICIES)
    else:
        located = read_yaml_file(Path(path))
    return parse_policies(located)


def parse_policies(located: Located) -> Policies:
    """Validate already-read YAML data as policies (see :func:`load_policies`)."""
    if not isinstance(located.data, dict):
        problem = Problem(located.where(()), "", "", "a policy file is a mapping")
        raise SourceError(located.name, [problem])
    try:
        policies = Policies.model_validate(located.data)
    except ValidationError as err:
        raise SourceError(
            located.name, validation_problems(err, located, Policies, _context)
        ) from err
    problems = []
    for loc, message in check_policies(policies):
        label, rest = _context(loc)
        key = len(loc) == 2  # the jurisdiction's own name is at fault
        problems.append(Problem(located.where(loc, key=key), label, dotted(rest), message))
    if problems:
        raise SourceError(located.name, problems)
    return policies


def _context(loc: Loc) -> tuple[str, Loc]:
    if len(loc) >= 2 and loc[0] == "jurisdictions":
        return f"jurisdiction {loc[1]}", loc[2:]
    if len(loc) >= 2 and loc[0] == "channels":
        return f"channel {loc[1]}", loc[2:]
    return "", loc
