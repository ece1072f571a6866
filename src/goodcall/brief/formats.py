"""Locale formatting for briefs: money, dates, times and numbers the local way.

Babel does the work (fr-CA: ``45,00 $``, ``19 h 05``, ``17 novembre 2026``; en-CA: ``$45.00``,
``7:05 p.m.``, ``November 17, 2026``). A campaign renders thousands of briefs that share a handful
of dates, prices and plan sizes, so every formatting call is memoised per locale: the Babel work is
done once per distinct value, not once per brief. Timestamps are stored in UTC and always shown in
the customer's own time zone.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import format_currency, format_decimal, format_percent

SUPPORTED_LANGS = ("fr", "en")
_DEFAULT_LOCALE = {"fr": "fr_CA", "en": "en_CA"}
_CACHE = 4096


class FormatError(ValueError):
    """A locale or time zone the brief cannot format for."""


@lru_cache(maxsize=64)
def babel_locale(language: str | None, lang: str) -> Locale:
    """The Babel locale for a BCP-47 tag (``fr-CA``), falling back to the Canadian one of ``lang``.

    The brief is written in Canadian French or English; a customer served in ``fr-FR`` or
    ``en-US`` still reads those texts, with numbers and dates formatted for their own locale.
    """
    if lang not in SUPPORTED_LANGS:
        raise FormatError(f"language {lang!r} is not supported; expected one of {SUPPORTED_LANGS}")
    tag = (language or "").replace("-", "_")
    if tag.startswith(lang + "_"):
        try:
            return Locale.parse(tag)
        except (ValueError, TypeError, LookupError) as exc:
            raise FormatError(f"unknown locale {language!r}") from exc
    return Locale.parse(_DEFAULT_LOCALE[lang])


@lru_cache(maxsize=256)
def zone(name: str) -> ZoneInfo:
    """The IANA time zone, cached (ZoneInfo construction reads tz data)."""
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError) as exc:
        raise FormatError(f"unknown time zone {name!r} (expected an IANA name)") from exc


@lru_cache(maxsize=_CACHE)
def _money(amount: float, currency: str, locale: Locale) -> str:
    return str(format_currency(amount, currency, locale=locale))


@lru_cache(maxsize=_CACHE)
def _date(day: dt.date, locale: Locale) -> str:
    return str(format_date(day, "long", locale=locale))


@lru_cache(maxsize=_CACHE)
def _month(day: dt.date, locale: Locale) -> str:
    return str(format_date(day.replace(day=1), "MMMM y", locale=locale))


@lru_cache(maxsize=_CACHE)
def _time(clock: dt.time, locale: Locale) -> str:
    if locale.language == "fr":
        # Quebec usage: "19 h 05", and "9 h" on the hour (not "09 h 00").
        return f"{clock.hour} h" if clock.minute == 0 else f"{clock.hour} h {clock.minute:02d}"
    return str(format_time(clock, "short", locale=locale))


@lru_cache(maxsize=_CACHE)
def _number(value: float, locale: Locale) -> str:
    return str(format_decimal(round(value, 1), "#,##0.#", locale=locale))


@lru_cache(maxsize=_CACHE)
def _percent(ratio: float, locale: Locale) -> str:
    return str(format_percent(round(ratio, 2), locale=locale))


def clear_value_caches() -> None:
    """Forget every formatted value (locales and time zones stay): a bench starts cold."""
    for cached in (_money, _date, _month, _time, _number, _percent):
        cached.cache_clear()


class Formats:
    """Formatting for one customer: their locale and their time zone.

    Instances are cheap and cached by :func:`formats_for`; the templates call them as ``f.money``,
    ``f.date`` and so on.
    """

    __slots__ = ("currency", "locale", "tz")

    def __init__(self, locale: Locale, tz: ZoneInfo, currency: str) -> None:
        self.locale = locale
        self.tz = tz
        self.currency = currency

    def money(self, amount: float) -> str:
        return _money(float(amount), self.currency, self.locale)

    def local(self, moment: dt.datetime) -> dt.datetime:
        """A UTC timestamp as the customer's wall-clock time."""
        if moment.tzinfo is None:
            raise FormatError(f"timestamp {moment!r} has no time zone (expected UTC-aware)")
        return moment.astimezone(self.tz)

    def date(self, value: dt.date | dt.datetime) -> str:
        """A long date; timestamps are first moved to the customer's time zone."""
        day = self.local(value).date() if isinstance(value, dt.datetime) else value
        return _date(day, self.locale)

    def month(self, value: dt.date | dt.datetime) -> str:
        """Month and year ("octobre 2022")."""
        day = self.local(value).date() if isinstance(value, dt.datetime) else value
        return _month(day, self.locale)

    def time(self, value: dt.time | dt.datetime) -> str:
        """A clock time; timestamps are first moved to the customer's time zone."""
        clock = self.local(value).time() if isinstance(value, dt.datetime) else value
        return _time(clock.replace(second=0, microsecond=0, tzinfo=None), self.locale)

    def number(self, value: float) -> str:
        """A number with at most one decimal ("40,9", "150")."""
        return _number(float(value), self.locale)

    def percent(self, ratio: float) -> str:
        return _percent(float(ratio), self.locale)


@lru_cache(maxsize=1024)
def formats_for(language: str | None, lang: str, time_zone: str, currency: str) -> Formats:
    """The cached :class:`Formats` of a (locale, time zone, currency)."""
    return Formats(babel_locale(language, lang), zone(time_zone), currency)
