"""Human sentences for policy reasons, in Canadian French and English.

The engine's evidence is ``key=value`` pairs (``local_time=2026-11-20T19:00 fri,
window=09:00-21:30``); these functions read them back and say them the way a supervisor would:
« 19 h 00 (vendredi 20 novembre 2026) chez le client, hors de ses heures préférées (9 h 00 –
17 h 00) ».
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping
from typing import Any, Literal

from babel.dates import format_date, format_time

from goodcall.catalog.texts import CHANNEL_NAMES, parse_evidence

Lang = Literal["fr", "en"]
_LOCALES = {"fr": "fr_CA", "en": "en_CA"}
_DAYS = {
    "mon": ("lundi", "Monday"),
    "tue": ("mardi", "Tuesday"),
    "wed": ("mercredi", "Wednesday"),
    "thu": ("jeudi", "Thursday"),
    "fri": ("vendredi", "Friday"),
    "sat": ("samedi", "Saturday"),
    "sun": ("dimanche", "Sunday"),
}


_BY = {
    "phone": {"fr": "par téléphone", "en": "by phone"},
    "sms": {"fr": "par texto", "en": "by text message"},
    "email": {"fr": "par courriel", "en": "by email"},
    "app": {"fr": "dans l'appli", "en": "in the app"},
}


@functools.lru_cache(maxsize=4096)
def clock(value: dt.time | dt.datetime, lang: Lang) -> str:
    """``9 h 05`` / ``9:05 a.m.`` (Quebec writes the hour without a leading zero); remembered,
    as an audit words the same few clock times for thousands of findings."""
    if lang == "fr":
        return f"{value.hour} h {value.minute:02d}"
    return str(format_time(value, "short", locale=_LOCALES[lang]))


@functools.lru_cache(maxsize=4096)
def day(value: dt.date, lang: Lang) -> str:
    return str(format_date(value, "long", locale=_LOCALES[lang]))


def policy_reason_text(reason: Mapping[str, Any], channel: str, lang: Lang) -> str:
    """The sentence for one policy reason of one channel."""
    code = str(reason["code"])
    builder = _TEXTS.get(code)
    evidence = parse_evidence(str(reason.get("evidence") or ""))
    if builder is None:
        return f"{code}: {reason.get('evidence', '')}"
    return builder(_Say(lang, bool(reason["ok"]), evidence, channel))


class _Say:
    def __init__(self, lang: Lang, ok: bool, ev: dict[str, str], channel: str) -> None:
        self.lang = lang
        self.ok = ok
        self.ev = ev
        self.by = _BY.get(channel, {"fr": channel, "en": channel})[lang]

    def __call__(self, fr: str, en: str) -> str:
        return fr if self.lang == "fr" else en

    def stamp(self, key: str) -> str:
        value = self.ev.get(key, "none")
        if value in ("none", "null", ""):
            return ""
        return day(dt.date.fromisoformat(value[:10]), self.lang)

    def hhmm(self, text: str) -> str:
        hours, _, minutes = text.partition(":")
        return clock(dt.time(int(hours) % 24, int(minutes)), self.lang)

    def span(self, text: str) -> str:
        """``09:00-21:30|…`` → ``9 h 00 – 21 h 30, …``."""
        if text in ("none", ""):
            return self("aucune ce jour-là", "none that day")
        parts = []
        for piece in text.split("|"):
            start, _, end = piece.partition("-")
            parts.append(f"{self.hhmm(start)} – {self.hhmm(end)}")
        return ", ".join(parts)

    def local(self) -> str:
        value = self.ev.get("local_time", "unknown")
        if value == LOCAL_HOLE:
            return LOCAL_HOLE
        if value == "unknown":
            return self("heure locale inconnue", "local time unknown")
        stamp, _, weekday = value.partition(" ")
        moment = dt.datetime.fromisoformat(stamp)
        # remembered by the clock time and the day, not the instant
        return clock(moment.time(), self.lang) + local_day(moment.date(), weekday, self.lang)


LOCAL_HOLE = "\ufffc"
"""A ``local_time`` evidence value that is worded as itself: the sentence of many reasons is
worded once with it and the local time filled in afterwards (:mod:`goodcall.policy.manytexts`);
U+FFFC is in no evidence and no sentence."""


def local_day(date: dt.date, weekday: str, lang: Lang) -> str:
    """`` (Friday November 20, 2026)``: what follows the clock time of a local time."""
    names = _DAYS.get(weekday, (weekday, weekday))
    name = names[0] if lang == "fr" else names[1]
    return f" ({name} {day(date, lang)})"


def _dnc_internal(s: _Say) -> str:
    if s.ok:
        return s("pas sur la liste interne d'exclusion", "not on the internal do-not-call list")
    when = s.stamp("internal_dnc_at") or s.stamp("dnc_request_at")
    since = s(f" depuis le {when}", f" since {when}") if when else ""
    return s(
        f"le client a demandé de ne plus être sollicité (liste interne{since})",
        f"the customer asked not to be contacted (internal do-not-call list{since})",
    )


def _dnc_national(s: _Say) -> str:
    age, max_age = s.ev.get("age_days", "null"), s.ev.get("max_age_days", "31")
    if s.ok:
        return s(
            f"absent de la liste nationale (copie de {age} jours)",
            f"not on the national do-not-call list (copy {age} days old)",
        )
    if s.ev.get("national_dnc") == "true":
        return s(
            "numéro inscrit sur la liste nationale de numéros exclus",
            "number registered on the national do-not-call list",
        )
    if age == "null":
        return s(
            "aucune vérification contre la liste nationale",
            "never matched against the national do-not-call list",
        )
    return s(
        f"la copie de la liste nationale a {age} jours (maximum {max_age})",
        f"the national list copy is {age} days old (at most {max_age})",
    )


def _consent(s: _Say) -> str:
    if s.ok:
        return s(f"consent au marketing {s.by}", f"consents to marketing {s.by}")
    return s(f"aucun consentement au marketing {s.by}", f"no consent to marketing {s.by}")


def _accepted(s: _Say) -> str:
    accepted = s.ev.get("channels_accepted", "[]").strip("[]").split("|")
    names = ", ".join(CHANNEL_NAMES.get(c, {"fr": c, "en": c})[s.lang] for c in accepted if c)
    if s.ok:
        return s(f"le client accepte d'être joint {s.by}", f"the customer accepts contact {s.by}")
    return s(
        f"le client n'accepte pas d'être joint {s.by} (accepte : {names or 'aucun canal'})",
        f"the customer does not accept contact {s.by} (accepts: {names or 'none'})",
    )


def _on_request(s: _Say) -> str:
    if s.ok:
        return s("accepte d'être sollicité", "accepts outreach")
    return s(
        "le client veut être contacté seulement à sa demande",
        "the customer wants to be contacted only when they ask",
    )


def _complaint(s: _Say) -> str:
    days = s.ev.get("suppression_days", "90")
    if s.ok:
        return s("aucune plainte récente", "no recent complaint")
    if s.ev.get("open_complaint") == "true":
        return s("une plainte du client est ouverte", "the customer has an open complaint")
    return s(
        f"plainte le {s.stamp('last_complaint_at')} : aucun contact pendant {days} jours",
        f"complaint on {s.stamp('last_complaint_at')}: no contact for {days} days",
    )


def _cooldown(s: _Say) -> str:
    days = s.ev.get("cooldown_days", "?")
    if s.ok:
        return s("aucun refus récent", "no recent refusal")
    refused = s.ev.get("last_refusal_at", "none")
    until = ""
    if days.isdigit() and refused not in ("none", "null", ""):
        end = dt.date.fromisoformat(refused[:10]) + dt.timedelta(days=int(days))
        until = s(f", jusqu'au {day(end, 'fr')}", f", until {day(end, 'en')}")
    return s(
        f"le client a refusé une offre le {s.stamp('last_refusal_at')} : délai de {days} "
        f"jours{until}",
        f"the customer declined an offer on {s.stamp('last_refusal_at')}: {days}-day "
        f"cool-down{until}",
    )


def _attempts(s: _Say) -> str:
    n, most, days = s.ev.get("attempts", "?"), s.ev.get("max", "?"), s.ev.get("days", "?")
    return s(
        f"{n} tentatives d'appel en {days} jours (maximum {most})",
        f"{n} call attempts in {days} days (at most {most})",
    )


def _cap(s: _Say) -> str:
    count = next((v for k, v in s.ev.items() if k.endswith("_contacts")), "?")
    most, days = s.ev.get("max", "?"), s.ev.get("days", "?")
    return s(
        f"{count} contacts {s.by} en {days} jours (maximum {most})",
        f"{count} contacts {s.by} in {days} days (at most {most})",
    )


def _legal(s: _Say) -> str:
    where = s.ev.get("jurisdiction", "?")
    zone = s.ev.get("time_zone", "?")
    if "(no rules)" in where:
        return s(
            f"aucune règle d'appel connue pour {where.split(' ')[0]}",
            f"no calling rules known for {where.split(' ')[0]}",
        )
    if "(unknown)" in zone:
        return s(
            f"fuseau horaire inconnu ({zone.split(' ')[0]})",
            f"unknown time zone ({zone.split(' ')[0]})",
        )
    window = s.span(s.ev.get("window", "none"))
    local = s.local()
    if s.ok:
        return s(
            f"{local} chez le client, dans la plage légale ({window}, {where})",
            f"{local} for the customer, inside the legal window ({window}, {where})",
        )
    return s(
        f"{local} chez le client, hors de la plage légale ({window}, {where})",
        f"{local} for the customer, outside the legal window ({window}, {where})",
    )


def _holiday(s: _Say) -> str:
    if s.ok:
        return s("pas un jour férié", "not a public holiday")
    local = s.ev.get("local_date", "")
    when = day(dt.date.fromisoformat(local), s.lang) if local not in ("", "null") else ""
    return s(
        f"jour férié chez le client : {s.ev.get('holiday', '?')} ({when})",
        f"public holiday for the customer: {s.ev.get('holiday', '?')} ({when})",
    )


def _preferred(s: _Say) -> str:
    preferred = s.ev.get("preferred", "none")
    if preferred == "none":
        return s("aucune préférence d'heure", "no preferred hours stated")
    span = s.span(preferred)
    local = s.local()
    if s.ok:
        return s(
            f"{local}, dans ses heures préférées ({span})",
            f"{local}, inside the preferred hours ({span})",
        )
    return s(
        f"{local} chez le client, hors de ses heures préférées ({span})",
        f"{local} for the customer, outside the preferred hours ({span})",
    )


_TEXTS: dict[str, Callable[[_Say], str]] = {
    "policy.dnc_internal": _dnc_internal,
    "policy.dnc_national": _dnc_national,
    "policy.no_consent": _consent,
    "policy.channel_not_accepted": _accepted,
    "policy.only_on_request": _on_request,
    "policy.complaint_suppression": _complaint,
    "policy.cooldown_refusal": _cooldown,
    "policy.attempts": _attempts,
    "policy.frequency_cap": _cap,
    "policy.legal_window": _legal,
    "policy.holiday": _holiday,
    "policy.preferred_hours": _preferred,
}
