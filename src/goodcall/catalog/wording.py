"""Words for reason sentences: devices and plans named as people say them, numbers the local way.

A reason is read by an agent in the middle of a call, so it names things as the customer knows
them: « la ligne principale a un iPhone 13 », "the main line is on the Max 60 GB plan" — never
``MAX_60``, never « il » for a customer who may be a woman. Catalog authors reach these words
through placeholders in a rule's ``because`` (see :data:`DERIVED_FIELDS`) and through the plural
form ``{lines_count:line|lines}``.

Everything here reads the profile only through ``Mapping`` access, one value at a time, so the
brief can observe which values a sentence depends on.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import string
from collections.abc import Mapping
from typing import Any, Literal

from babel.dates import format_date
from babel.numbers import get_decimal_symbol, get_group_symbol

from goodcall.limits import MAX_FORMAT_WIDTH

Lang = Literal["fr", "en"]
LOCALES: dict[Lang, str] = {"fr": "fr_CA", "en": "en_CA"}

DERIVED_FIELDS: dict[str, str] = {
    "plan_name": "name of the primary line's plan, in the sentence's language (Max 60 Go)",
    "device_name": "the primary line's device as people say it (iPhone 13, LG Velvet)",
    "a_device": "the same with an indefinite article (un iPhone 13, an iPhone 13, an LG Velvet)",
    "the_device": "the same with a definite article (l'iPhone 13, le Galaxy S21, the iPhone 13)",
}
"""Placeholders a ``because`` may use besides the predicate fields."""

SELF_NAMED_LINES = ("iphone", "ipad", "galaxy", "pixel", "moto")
"""Product lines known on their own: « un iPhone 13 », not « un Apple iPhone 13 »."""

_FR_DECIMAL = get_decimal_symbol(LOCALES["fr"])  # 40,9
_FR_GROUP = get_group_symbol(LOCALES["fr"])  # 1 234 (a no-break space in fr-CA)
_VOWELS = "aeiouyàâéèêëîïôöûü"
_VOWEL_SOUNDING_LETTERS = "AEFHILMNORSX"  # "an LG", "an HTC": said with a vowel first


def device_label(make: str | None, model: str | None) -> str | None:
    """``iPhone 13``, ``Galaxy S21``, ``LG Velvet``, ``Huawei P30``; None when nothing is known."""
    if not model:
        return make or None
    first = model.split()[0].lower()
    if not make or first in SELF_NAMED_LINES or model.lower().startswith(make.lower()):
        return model
    return f"{make} {model}"


def _is_acronym(word: str) -> bool:
    letters = "".join(ch for ch in word if ch.isalpha())
    return len(letters) >= 2 and letters.isupper()


def with_article(name: str, lang: Lang, definite: bool) -> str:
    """``un iPhone 13`` / ``l'iPhone 13`` / ``an LG Velvet`` / ``the Galaxy S21``."""
    first = name.split()[0] if name.strip() else name
    if lang == "fr":
        if not definite:
            return f"un {name}"
        elided = first[:1].lower() in _VOWELS and not _is_acronym(first)
        return f"l'{name}" if elided else f"le {name}"
    if definite:
        return f"the {name}"
    if _is_acronym(first):
        vowel_sound = first[:1] in _VOWEL_SOUNDING_LETTERS
    else:
        vowel_sound = first[:1].lower() in "aeiou"
    return f"{'an' if vowel_sound else 'a'} {name}"


CALLED_LINE = "called_line"
"""Optional profile key: the line a per-line offer's call is about, whose device and plan the
scalar fields then describe (the brief sets it; see :mod:`goodcall.profiles.lines`)."""


def primary_line(profile: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The line the profile's scalar device and plan fields describe (the called line when
    :data:`CALLED_LINE` names one, else the primary line)."""
    lines = profile.get("lines") or []
    called = profile.get(CALLED_LINE)
    for line in lines:
        if called is not None and line.get("line_id") == called:
            return line  # type: ignore[no-any-return]
    for line in lines:
        if line.get("is_primary"):
            return line  # type: ignore[no-any-return]
    plan_id = profile.get("plan_id")
    for line in lines:
        if plan_id is not None and line.get("plan_id") == plan_id:
            return line  # type: ignore[no-any-return]
    return None


def plan_name(profile: Mapping[str, Any], lang: Lang) -> str | None:
    """The primary line's plan as the customer knows it (the id only when no name is known)."""
    line = primary_line(profile)
    name = line.get(f"plan_name_{lang}") if line is not None else None
    if name:
        return str(name)
    plan_id = profile.get("plan_id")
    return str(plan_id) if plan_id else None


def device_name(profile: Mapping[str, Any]) -> str | None:
    return device_label(profile.get("device_make"), profile.get("device_model"))


def derived_value(name: str, profile: Mapping[str, Any], lang: Lang) -> str | None:
    """The value of one of :data:`DERIVED_FIELDS` for this profile."""
    if name == "plan_name":
        return plan_name(profile, lang)
    device = device_name(profile)
    if name == "device_name":
        return device
    if name == "a_device":
        unknown = {"fr": "appareil inconnu", "en": "unknown device"}[lang]
        return with_article(device or unknown, lang, definite=False)
    if name == "the_device":
        return with_article(device, lang, definite=True) if device else None
    raise KeyError(name)


@functools.lru_cache(maxsize=1024)
def placeholder_names(template: str) -> tuple[str, ...]:
    """The field names a template fills, in order (``ValueError`` on a malformed template)."""
    return tuple(name for _, name, _, _ in string.Formatter().parse(template) if name is not None)


def plural_problem(spec: str) -> str | None:
    """What is wrong with a ``singular|plural`` format spec, or None."""
    if "|" not in spec:
        return None
    singular, _, plural = spec.partition("|")
    if not singular.strip() or not plural.strip() or "|" in plural:
        return f"plural form {spec!r} must be 'singular|plural' (e.g. 'line|lines')"
    return None


_NUMBERS = re.compile(r"\d+")


def format_spec_problem(spec: str) -> str | None:
    """What is wrong with a format spec's size (``{x:500000000}`` writes half a gigabyte), or
    None; a ``singular|plural`` spec holds words, not sizes."""
    if "|" in spec:
        return None
    if "{" in spec or "}" in spec:
        return f"format {spec!r} holds a placeholder; write the format out"
    largest = max((int(n) for n in _NUMBERS.findall(spec)), default=0)
    if largest > MAX_FORMAT_WIDTH:
        return (
            f"format {spec!r} asks for {largest:,} characters; the limit is "
            f"{MAX_FORMAT_WIDTH} (MAX_FORMAT_WIDTH)"
        )
    return None


def format_profile(template: str, profile: Mapping[str, Any], lang: Lang) -> str:
    """Fill ``{field}``, ``{field:.1f}`` and ``{field:line|lines}`` from the profile.

    Numbers are written the local way (``40,9`` in French); unknown values read ``inconnu`` /
    ``unknown``. A ``singular|plural`` spec writes the number and the right word (French takes
    the singular below 2: « 0 ligne », « 1 ligne », « 2 lignes »).
    """
    return ProfileFormatter(lang).vformat(template, (), profile)


class ProfileFormatter(string.Formatter):
    """``str.format`` over a profile, with derived fields and locale-aware numbers."""

    def __init__(self, lang: Lang, resolved: bool = False) -> None:
        self.lang = lang
        self.resolved = resolved  # the mapping already holds every value, derived ones included

    def get_value(self, key: int | str, args: Any, kwargs: Mapping[str, Any]) -> Any:
        name = str(key)
        if name in DERIVED_FIELDS and not self.resolved:
            return derived_value(name, kwargs, self.lang)
        return kwargs.get(name)

    def format_field(self, value: Any, format_spec: str) -> str:
        if "|" in format_spec:
            return self._plural(value, format_spec)
        if format_spec_problem(format_spec) is not None:  # refused at load; never expand it
            format_spec = ""
        if value is None:
            return "inconnu" if self.lang == "fr" else "unknown"
        if isinstance(value, dt.date):
            return format_date(value, "long", locale=LOCALES[self.lang])
        try:
            text = format(value, format_spec)
        except (TypeError, ValueError):
            text = str(value)
        if self.lang == "fr" and isinstance(value, float | int) and not isinstance(value, bool):
            text = text.replace(",", "\0").replace(".", _FR_DECIMAL).replace("\0", _FR_GROUP)
        return text

    def _plural(self, value: Any, format_spec: str) -> str:
        singular, _, plural = format_spec.partition("|")
        number = self.format_field(value, "")
        if not isinstance(value, float | int) or isinstance(value, bool):
            return f"{number} {plural}"
        one = abs(value) < 2 if self.lang == "fr" else value == 1
        return f"{number} {singular if one else plural}"
