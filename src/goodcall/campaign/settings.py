"""Campaign settings without Python: a YAML file holding every :class:`CampaignConfig` field.

``goodcall campaign run --config FILE`` reads it. The file is validated whole, like the catalog and
the policy file: an unknown key is refused with the key that was probably meant, a bad value
with what was expected, an offer the catalog does not sell with the closest offer id — each
naming ``file:line:column`` and the field. Nothing is half-loaded.

A setting lives in one place. A command-line flag may give a setting the file leaves out (most
often ``--name`` for a file shared by several campaigns); a flag that repeats a setting the file
sets is refused, naming the file's line — no silent precedence either way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from pydantic import ValidationError

from goodcall.campaign.run import CampaignError
from goodcall.campaign.staffing import Staffing, StaffingBlock, staffed_pools
from goodcall.catalog.model import Catalog
from goodcall.catalog.parse import suggest
from goodcall.catalog.yamlsource import (
    Located,
    Problem,
    SourceError,
    read_yaml_file,
    validation_problems,
)
from goodcall.decide import CampaignConfig
from goodcall.policy.model import Dialling

COMMAND_LINE = "command line"


def flag_of(field: str) -> str:
    """``calls_per_day`` → ``--calls-per-day`` (``campaign_id`` is ``--name``)."""
    return "--name" if field == "campaign_id" else "--" + field.replace("_", "-")


def campaign_config(
    path: Path | None,
    flags: Mapping[str, object],
    catalog: Catalog | None = None,
    dialling: Dialling | None = None,
) -> CampaignConfig:
    """The campaign's settings: from ``path`` with ``flags`` (settings given on the command line,
    only those the user gave) added, or from the flags alone.

    Raises :class:`SourceError` for a bad file or a flag that repeats it, :class:`CampaignError`
    when nothing names the campaign, ``pydantic.ValidationError`` for bad flags without a file.
    """
    if path is not None:
        return load_campaign_settings(path, flags=flags, catalog=catalog, dialling=dialling)
    if "campaign_id" not in flags:
        raise CampaignError("name the campaign with --name, or give a settings file with --config")
    return CampaignConfig.model_validate(dict(flags))


def load_campaign_settings(
    path: Path,
    *,
    flags: Mapping[str, object] | None = None,
    catalog: Catalog | None = None,
    dialling: Dialling | None = None,
) -> CampaignConfig:
    """Read and validate a campaign settings file (see the module docstring)."""
    located = read_yaml_file(Path(path))
    return parse_campaign_settings(located, flags=flags, catalog=catalog, dialling=dialling)


def parse_campaign_settings(
    located: Located,
    *,
    flags: Mapping[str, object] | None = None,
    catalog: Catalog | None = None,
    dialling: Dialling | None = None,
) -> CampaignConfig:
    """Validate already-read YAML as campaign settings; ``catalog`` checks the offer shortlist;
    ``dialling`` (the policy file's rules, else their defaults) turns a ``staffing`` block into
    the agent pools' capacities (:mod:`goodcall.campaign.staffing`)."""
    flags = dict(flags or {})
    if not isinstance(located.data, dict):
        message = "campaign settings are a mapping of settings (campaign_id: …, channels: […], …)"
        raise SourceError(located.name, [Problem(located.where(()), "", "", message)])
    repeated = [
        Problem(
            located.where((key,), key=True),
            "",
            key,
            f"also given by {flag_of(key)} on the command line: set it in one place",
        )
        for key in flags
        if key in located.data
    ]
    if repeated:
        raise SourceError(located.name, repeated)
    unknown = _unknown_offers(located, catalog) if catalog is not None else []
    settings = {k: v for k, v in located.data.items() if k != STAFFING}
    problems: list[Problem] = []
    config: CampaignConfig | None = None
    staffing: Staffing | None = None
    try:
        config = CampaignConfig.model_validate({**settings, **flags})
    except ValidationError as err:
        found = validation_problems(err, located, CampaignConfig, lambda loc: ("", loc))
        problems += [_explained(p, flags) for p in found]
    if STAFFING in located.data:
        try:
            block = StaffingBlock.model_validate({STAFFING: located.data[STAFFING]})
            staffing = block.staffing
        except ValidationError as err:
            problems += validation_problems(err, located, StaffingBlock, lambda loc: ("", loc))
    problems += _staffed_twice(located)
    problems += unknown
    if problems or config is None:
        raise SourceError(located.name, sorted(problems, key=_in_file_order))
    if staffing is None:
        return config
    mode = config.dialling_mode or (dialling or Dialling()).default_mode
    derived = staffed_pools(staffing, mode, dialling or Dialling())
    return config.model_copy(update={"agent_pools": {**(config.agent_pools or {}), **derived}})


STAFFING = "staffing"


def _staffed_twice(located: Located) -> list[Problem]:
    """A pool both staffed and given explicit capacities: one of the two must go."""
    explicit, staffed = located.get(("agent_pools",)), located.get((STAFFING, "pools"))
    if not isinstance(explicit, dict) or not isinstance(staffed, dict):
        return []
    return [
        Problem(
            located.where((STAFFING, "pools", language), key=True),
            "",
            f"{STAFFING}.pools.{language}",
            f"pool {language!r} also has explicit capacities under agent_pools (line "
            f"{located.where(('agent_pools', language), key=True).rsplit(':', 2)[1]}): "
            "give its staffing or its capacities, not both",
        )
        for language in staffed
        if language in explicit
    ]


def _explained(problem: Problem, flags: Mapping[str, object]) -> Problem:
    """A problem with a value given by a flag names the flag; a missing id says how to give it."""
    key = re.split(r"[.\[]", problem.field, maxsplit=1)[0]
    if key in flags:
        return replace(problem, where=COMMAND_LINE, context=flag_of(key))
    if key == "campaign_id" and problem.message == "required key is missing":
        return replace(problem, message="required key is missing (set it here, or give --name)")
    return problem


def _in_file_order(problem: Problem) -> tuple[int, ...]:
    """Command-line problems first, then by line and column."""
    return tuple(int(n) for n in re.findall(r":(\d+)", problem.where)[-2:])


def _unknown_offers(located: Located, catalog: Catalog) -> list[Problem]:
    """The shortlisted offer ids the catalog does not sell (other mistakes are the model's)."""
    sold = [offer.id for offer in catalog.offers]
    shortlist = located.data.get("offers")
    return [
        Problem(
            located.where(("offers", i)),
            "",
            f"offers[{i}]",
            f"the catalog has no offer {offer!r}{suggest(offer, sold)}",
        )
        for i, offer in enumerate(shortlist if isinstance(shortlist, list) else [])
        if isinstance(offer, str) and offer not in sold
    ]
