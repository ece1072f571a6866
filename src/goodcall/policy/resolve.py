"""Resolve the policy file into per-jurisdiction rules the engine can look up.

A customer's profile carries a jurisdiction such as ``CA-QC``, ``US-TX`` or ``FR``. Each one gets
its calling windows (the subdivision's own, else its country's), its public holidays (from the
``holidays`` package, by country and subdivision), its attempts limit and refusal cool-down.
:func:`check_policies` lists what cannot be resolved — unknown jurisdictions, subdivisions
without their country, countries without windows, unknown time zones — so the loader can point
at the line.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

import holidays as holidays_lib

from goodcall.catalog.parse import suggest
from goodcall.policy.model import Holidays, Jurisdiction, Limit, Policies, Window
from goodcall.zones import is_known_zone, known_zones

_KEY = re.compile(r"^(?P<country>[A-Z]{2})(?:-(?P<sub>[A-Za-z0-9 ]{1,8}))?$")

PolicyProblem = tuple[tuple[str | int, ...], str]


@dataclass(frozen=True)
class Resolved:
    """The rules that apply to customers of one profile jurisdiction."""

    key: str  # as in the profile: CA-QC, US-TX, FR
    country: str
    subdivision: str | None
    window_source: str  # the policy entry whose windows apply (CA for CA-QC, US-TX for US-TX)
    windows: tuple[Window, ...]
    holidays: Holidays
    attempts: Limit | None
    refusal_cooldown_days: int | None
    fallback_time_zone: str | None


@dataclass(frozen=True)
class CompiledPolicies:
    """Policies resolved for every jurisdiction a profile can name."""

    policies: Policies
    jurisdictions: dict[str, Resolved]

    def resolve(self, key: str) -> Resolved | None:
        return self.jurisdictions.get(key)


def supported_subdivisions(country: str) -> tuple[str, ...]:
    return tuple(holidays_lib.list_supported_countries().get(country, ()))


def check_policies(policies: Policies) -> list[PolicyProblem]:
    """Everything in a validated policy file that the engine could not use."""
    problems: list[PolicyProblem] = []
    countries = holidays_lib.list_supported_countries()
    for key, entry in policies.jurisdictions.items():
        loc: tuple[str | int, ...] = ("jurisdictions", key)
        match = _KEY.match(key)
        if match is None:
            problems.append((loc, f"jurisdiction {key!r} is not CC or CC-SUB (e.g. CA, CA-QC, FR)"))
            continue
        country, sub = match["country"], match["sub"]
        if country not in countries:
            problems.append(
                (loc, f"unknown country {country!r}{suggest(country, list(countries))}")
            )
            continue
        if sub is not None and sub not in countries[country]:
            known = ", ".join(countries[country])
            problems.append(
                (
                    loc,
                    f"unknown subdivision {sub!r} of {country}{suggest(sub, countries[country])}"
                    f"; known: {known}",
                )
            )
        if sub is None and not entry.windows:
            problems.append(((*loc, "windows"), f"country {key} needs its calling windows"))
        if sub is not None and country not in policies.jurisdictions:
            problems.append((loc, f"{key} refines {country}, which is not defined"))
        zone = entry.fallback_time_zone
        if zone is not None and not is_known_zone(zone):
            problems.append(
                (
                    (*loc, "fallback_time_zone"),
                    f"unknown time zone {zone!r}{suggest(zone, sorted(known_zones()))}",
                )
            )
    return problems


def compile_policies(policies: Policies) -> CompiledPolicies:
    """Resolve every profile jurisdiction; ``ValueError`` listing problems if it cannot."""
    problems = check_policies(policies)
    if problems:
        lines = "\n".join(f"  {'.'.join(map(str, loc))}: {msg}" for loc, msg in problems)
        raise ValueError(f"policies have {len(problems)} problem(s):\n{lines}")
    resolved: dict[str, Resolved] = {}
    for key, entry in policies.jurisdictions.items():
        if "-" in key:
            continue
        resolved[key] = _resolve(policies, key, None, entry, None)
        for sub in supported_subdivisions(key):
            own = policies.jurisdictions.get(f"{key}-{sub}")
            resolved[f"{key}-{sub}"] = _resolve(policies, key, sub, entry, own)
    return CompiledPolicies(policies, resolved)


def _resolve(
    policies: Policies,
    country: str,
    sub: str | None,
    parent: Jurisdiction,
    own: Jurisdiction | None,
) -> Resolved:
    def pick(name: str) -> object:
        value = getattr(own, name) if own is not None else None
        return value if value is not None else getattr(parent, name)

    windows = own.windows if own is not None and own.windows else parent.windows or []
    source = f"{country}-{sub}" if own is not None and own.windows else country
    holidays = pick("holidays")
    attempts = pick("attempts")
    cooldown = pick("refusal_cooldown_days")
    zone = pick("fallback_time_zone")
    return Resolved(
        key=f"{country}-{sub}" if sub else country,
        country=country,
        subdivision=sub,
        window_source=source,
        windows=tuple(windows),
        holidays=holidays if isinstance(holidays, Holidays) else Holidays(),
        attempts=attempts if isinstance(attempts, Limit) else None,
        refusal_cooldown_days=cooldown if isinstance(cooldown, int) else None,
        fallback_time_zone=zone if isinstance(zone, str) else None,
    )


def holiday_name(resolved: Resolved, day: dt.date) -> str | None:
    """The public holiday on ``day`` in this jurisdiction, when the policy blocks holidays."""
    if not resolved.holidays.block:
        return None
    if day in resolved.holidays.extra_dates:
        return "extra day off (policy)"
    subdivision = resolved.subdivision if resolved.holidays.subdivisions else None
    return _holidays(resolved.country, subdivision, day.year).get(day)


@functools.cache
def _holidays(country: str, subdivision: str | None, year: int) -> dict[dt.date, str]:
    try:
        found = holidays_lib.country_holidays(
            country, subdiv=subdivision, years=year, language="en_US"
        )
    except (NotImplementedError, KeyError, ValueError):
        found = holidays_lib.country_holidays(country, subdiv=subdivision, years=year)
    return {day: str(name) for day, name in found.items()}
