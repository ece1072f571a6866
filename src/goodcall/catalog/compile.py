"""Compile a catalog once: every predicate parsed and checked, every check an expression.

``compile_catalog`` is the single place where rule text becomes something executable. The batch
engine, the real-time path (one customer), ``explain``, ``audit`` and the agent brief all read the
same :class:`CompiledCatalog`.
"""

from __future__ import annotations

import functools
import string
from dataclasses import dataclass, field
from typing import get_args

from goodcall.catalog.checks import (
    BUILTIN_APPLICABILITY,
    TIERS,
    Check,
    Notice,
    Row,
    Tier,
    brand_check,
    builtin_checks,
    builtin_notices,
)
from goodcall.catalog.cooldown import CooldownGroup, cooldown_check, cooldown_groups, group_of
from goodcall.catalog.model import Catalog, Offer, Rule, RuleTier
from goodcall.catalog.parse import PredicateError, parse_predicate, suggest
from goodcall.catalog.predicates import Predicate
from goodcall.catalog.to_polars import to_polars
from goodcall.catalog.to_python import evaluate
from goodcall.catalog.wording import DERIVED_FIELDS, format_spec_problem, plural_problem
from goodcall.limits import MAX_TEXT_CHARS
from goodcall.profiles.fields import PREDICATE_FIELDS

MAX_CHECKS_PER_OFFER = 63  # failed checks are kept as bits of one unsigned 64-bit integer


@dataclass(frozen=True)
class RuleProblem:
    """What is wrong with one rule (or one offer), located by indices into the catalog."""

    offer_index: int
    path: tuple[str | int, ...]  # ("eligibility", 0, "when") relative to the offer
    message: str


class CatalogError(ValueError):
    """A catalog whose rules cannot be compiled; every problem names the offer, rule and field."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"catalog has {len(problems)} problem(s):\n{lines}")


@dataclass(frozen=True)
class CompiledOffer:
    """One offer with its static checks (rules and built-ins) and notices, in order."""

    offer: Offer
    checks: tuple[Check, ...]
    notices: tuple[Notice, ...]
    predicates: dict[str, Predicate] = field(default_factory=dict)  # code → parsed rule
    cooldown: CooldownGroup | None = None  # the refusals that block it (the engine adds columns)

    @property
    def id(self) -> str:
        return self.offer.id


@dataclass(frozen=True)
class CompiledCatalog:
    """The whole catalog, compiled."""

    catalog: Catalog
    offers: tuple[CompiledOffer, ...]

    @functools.cached_property
    def offer_ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.offers)

    def offer(self, offer_id: str) -> CompiledOffer:
        for offer in self.offers:
            if offer.id == offer_id:
                return offer
        raise KeyError(f"unknown offer {offer_id!r}{suggest(offer_id, self.offer_ids)}")


def check_catalog_rules(catalog: Catalog) -> list[RuleProblem]:
    """Every problem in the catalog's rules and targets (empty when it compiles)."""
    problems: list[RuleProblem] = []
    for index, offer in enumerate(catalog.offers):
        problems.extend(_offer_problems(index, offer))
    problems.extend(_family_problems(catalog))
    return problems


def compile_catalog(catalog: Catalog) -> CompiledCatalog:
    """Parse every predicate once and build each offer's checks; :class:`CatalogError` if not."""
    problems = check_catalog_rules(catalog)
    if problems:
        raise CatalogError([describe(catalog, p) for p in problems])
    groups = cooldown_groups(catalog)
    offers = tuple(
        _compile_offer(offer, group_of(groups, offer.id), catalog) for offer in catalog.offers
    )
    return CompiledCatalog(catalog, offers)


def describe(catalog: Catalog, problem: RuleProblem) -> str:
    """``offer X, rule eligibility[0] (id), field when: message``."""
    offer = catalog.offers[problem.offer_index]
    where = f"offer {offer.id}"
    path = problem.path
    if len(path) >= 2 and isinstance(path[1], int) and path[0] in _RULE_TIERS:
        rule: Rule = getattr(offer, str(path[0]))[path[1]]
        where += f", rule {rule.id} ({path[0]})"
        path = path[2:]
    field_name = ".".join(str(p) for p in path)
    return f"{where}, field {field_name}: {problem.message}" if field_name else where


_RULE_TIERS: tuple[RuleTier, ...] = get_args(RuleTier)  # the tiers an offer writes rules in


def _offer_problems(index: int, offer: Offer) -> list[RuleProblem]:
    problems = [RuleProblem(index, path, msg) for path, msg in _target_problems(offer)]
    seen: set[str] = set()
    for tier in _RULE_TIERS:
        for position, rule in enumerate(getattr(offer, tier)):
            at: tuple[str | int, ...] = (tier, position)
            if rule.id in seen:
                problems.append(RuleProblem(index, (*at, "id"), f"rule id {rule.id!r} repeats"))
            seen.add(rule.id)
            if tier == "applicability" and rule.id in BUILTIN_APPLICABILITY:
                problems.append(
                    RuleProblem(
                        index,
                        (*at, "id"),
                        f"{rule.id!r} is a built-in check derived from target/promotion_id; "
                        "pick another id",
                    )
                )
            try:
                parse_predicate(rule.when, PREDICATE_FIELDS)
            except PredicateError as err:
                problems.append(RuleProblem(index, (*at, "when"), str(err)))
            for lang in ("fr", "en"):
                text = getattr(rule.because, lang)
                for message in _placeholder_problems(text):
                    problems.append(RuleProblem(index, (*at, "because", lang), message))
    checks = len(seen) + len(BUILTIN_APPLICABILITY) + 4  # + validity (2), channel, brand
    if checks > MAX_CHECKS_PER_OFFER:
        problems.append(RuleProblem(index, (), f"too many rules ({len(seen)}) for one offer"))
    return problems


def _family_problems(catalog: Catalog) -> list[RuleProblem]:
    """A family named by one offer only groups nothing: most likely a misspelt family."""
    members: dict[str, list[int]] = {}
    for index, offer in enumerate(catalog.offers):
        if offer.family is not None:
            members.setdefault(offer.family, []).append(index)
    problems: list[RuleProblem] = []
    for family, indices in members.items():
        if all(catalog.offers[i].cooldown_days is None for i in indices):
            problems.append(
                RuleProblem(
                    indices[0],
                    ("family",),
                    f"no offer of family {family!r} has cooldown_days, so a refusal of one "
                    "blocks none; give the cool-down of a refusal",
                )
            )
        if len(indices) == 1:
            others = [f for f in members if f != family]
            problems.append(
                RuleProblem(
                    indices[0],
                    ("family",),
                    f"family {family!r} names this offer only, so it groups nothing"
                    f"{suggest(family, others) or '; leave family out for an offer on its own'}",
                )
            )
    return problems


def _target_problems(offer: Offer) -> list[tuple[tuple[str | int, ...], str]]:
    """Targets the built-in checks need, so that no author can forget them."""
    problems: list[tuple[tuple[str | int, ...], str]] = []
    target = offer.target
    if offer.kind == "handset" and target.device_os is None:
        problems.append(
            (("target", "device_os"), "a handset offer must say which OS it is for (iOS/Android)")
        )
    if offer.kind == "plan" and target.plan_tier is None:
        problems.append(
            (
                ("target", "plan_tier"),
                "a plan offer must give the tier it moves the customer to, so that a "
                "non-upgrade is refused",
            )
        )
    return problems


def _placeholder_problems(text: str) -> list[str]:
    if len(text) > MAX_TEXT_CHARS:
        return [
            f"the text has {len(text):,} characters; the limit is {MAX_TEXT_CHARS:,} "
            "(MAX_TEXT_CHARS)"
        ]
    problems: list[str] = []
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as err:
        return [f"bad placeholder in {text!r}: {err}"]
    known = [*PREDICATE_FIELDS, *DERIVED_FIELDS]
    for _, name, spec, _ in parsed:
        if name is None:
            continue
        if name not in PREDICATE_FIELDS and name not in DERIVED_FIELDS:
            problems.append(f"unknown field {{{name}}}{suggest(name, known)}")
        for problem in (plural_problem(spec or ""), format_spec_problem(spec or "")):
            if problem is not None:
                problems.append(f"{{{name}:{spec}}}: {problem}")
    return problems


def _compile_offer(offer: Offer, cooldown: CooldownGroup | None, catalog: Catalog) -> CompiledOffer:
    # Built-in checks first: within a tier, "this phone is for Android" is the fact to show
    # before a marketer's own rule.
    checks: list[Check] = [brand_check(catalog.offer_brand(offer), catalog.brand)]
    checks += builtin_checks(offer)
    if cooldown is not None:
        checks.append(cooldown_check(offer, cooldown))
    predicates: dict[str, Predicate] = {}
    for tier, rule in offer.rules():
        predicate = parse_predicate(rule.when, PREDICATE_FIELDS)
        code = f"catalog.{tier}.{rule.id}"
        predicates[code] = predicate
        checks.append(
            Check(
                code=code,
                tier=_tier(tier),
                rule=rule.when,
                passed=to_polars(predicate).fill_null(False),
                fields=predicate.fields,
                rule_id=rule.id,
                row=functools.partial(_holds, predicate),
            )
        )
    ordered = sorted(checks, key=lambda c: _TIER_RANK[c.tier])
    notices = tuple(builtin_notices(offer))
    return CompiledOffer(offer, tuple(ordered), notices, predicates, cooldown)


_TIER_RANK: dict[str, int] = {tier: rank for rank, tier in enumerate(TIERS)}


def _holds(predicate: Predicate, row: Row) -> bool:
    """A rule's check on one row: its tree read by :mod:`goodcall.catalog.to_python` (the
    parity oracle of :func:`to_polars`), NULL failing as ``fill_null(False)`` makes it fail."""
    return evaluate(predicate, row) is True


def _tier(tier: RuleTier) -> Tier:
    return tier
