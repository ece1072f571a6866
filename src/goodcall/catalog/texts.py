"""Human sentences for catalog reasons, in Canadian French and English.

Rule-written checks carry their own wording (``because``, formatted with the customer's profile);
built-in checks are worded here. The agent brief reads these for its "Do not" section, so they
describe the customer plainly: « le client utilise un iPhone 13 (iOS) : cette offre est pour
Android ».
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Mapping
from typing import Any, Literal

from babel.dates import format_date

from goodcall.catalog.model import Catalog, Offer

Lang = Literal["fr", "en"]
_LOCALES = {"fr": "fr_CA", "en": "en_CA"}

PLACES: dict[str, dict[Lang, str]] = {
    "app": {"fr": "dans l'appli", "en": "in the app"},
    "email": {"fr": "par courriel", "en": "by email"},
    "bill": {"fr": "sur sa facture", "en": "on the bill"},
    "sms": {"fr": "par texto", "en": "by text message"},
    "web": {"fr": "sur le site Web", "en": "on the website"},
    "store": {"fr": "en magasin", "en": "in store"},
    "call": {"fr": "lors d'un appel", "en": "during a call"},
}
CHANNEL_NAMES: dict[str, dict[Lang, str]] = {
    "phone": {"fr": "téléphone", "en": "phone"},
    "sms": {"fr": "texto", "en": "text message"},
    "email": {"fr": "courriel", "en": "email"},
    "app": {"fr": "appli", "en": "app"},
}


def reason_text(
    reason: Mapping[str, Any],
    profile: Mapping[str, Any],
    catalog: Catalog,
    offer_id: str,
    lang: Lang,
) -> str:
    """The sentence for one reason of one offer for one customer, in ``lang``."""
    offer = catalog.offer(offer_id)
    code = str(reason["code"])
    ok = bool(reason["ok"])
    parts = code.split(".")
    if len(parts) == 3 and parts[1] in ("eligibility", "applicability", "suitability"):
        for tier, rule in offer.rules():
            if tier == parts[1] and rule.id == parts[2]:
                if ok:
                    return _met(str(reason.get("rule", rule.when)), lang)
                return format_profile(getattr(rule.because, lang), profile, lang)
    builder = _BUILTINS.get(code)
    if builder is None:
        return f"{code}: {reason.get('evidence', '')}"
    return builder(_Context(profile, catalog, offer, lang, ok, str(reason.get("evidence", ""))))


def format_profile(template: str, profile: Mapping[str, Any], lang: Lang) -> str:
    """Fill ``{field}`` / ``{field:.1f}`` placeholders from the profile, numbers in the locale."""
    return _ProfileFormatter(lang).vformat(template, (), profile)


class _ProfileFormatter(string.Formatter):
    def __init__(self, lang: Lang) -> None:
        self.lang = lang

    def get_value(self, key: int | str, args: Any, kwargs: Mapping[str, Any]) -> Any:
        return kwargs.get(str(key))

    def format_field(self, value: Any, format_spec: str) -> str:
        if value is None:
            return "inconnu" if self.lang == "fr" else "unknown"
        if isinstance(value, dt.date):
            return format_date(value, "long", locale=_LOCALES[self.lang])
        try:
            text = format(value, format_spec)
        except (TypeError, ValueError):
            text = str(value)
        if self.lang == "fr" and isinstance(value, float | int) and not isinstance(value, bool):
            text = text.replace(",", "\u202f").replace(".", ",")
        return text


def _met(rule: str, lang: Lang) -> str:
    return f"condition remplie : {rule}" if lang == "fr" else f"condition met: {rule}"


class _Context:
    def __init__(
        self,
        profile: Mapping[str, Any],
        catalog: Catalog,
        offer: Offer,
        lang: Lang,
        ok: bool,
        evidence: str,
    ) -> None:
        self.profile = profile
        self.catalog = catalog
        self.offer = offer
        self.lang = lang
        self.ok = ok
        self.evidence = evidence

    def say(self, fr: str, en: str) -> str:
        return fr if self.lang == "fr" else en

    def a_device(self) -> str:
        """``un iPhone 13 (iOS)`` / ``an iPhone 13 (iOS)``."""
        device = self.device()
        if self.lang == "fr":
            return f"un {device}" if self.profile.get("device_model") else device
        if not (self.profile.get("device_model") or self.profile.get("device_make")):
            return device
        return f"{'an' if device[:1].lower() in 'aeiou' else 'a'} {device}"

    def device(self) -> str:
        model = self.profile.get("device_model") or self.profile.get("device_make")
        if not model:
            return self.say("aucun appareil connu", "no known device")
        os_name = self.profile.get("device_os") or "?"
        return f"{model} ({os_name})"

    def plan_name(self) -> str:
        plan_id = self.profile.get("plan_id")
        for line in self.profile.get("lines") or []:
            if line.get("plan_id") == plan_id and line.get(f"plan_name_{self.lang}"):
                return str(line[f"plan_name_{self.lang}"])
        return str(plan_id) if plan_id else self.say("inconnu", "unknown")

    def promotion(self) -> str:
        promo = self.offer.promotion_id or ""
        names = self.catalog.promotions.get(promo)
        return getattr(names, self.lang) if names is not None else promo

    def offer_name(self) -> str:
        return str(getattr(self.offer.name, self.lang))

    def date(self, value: dt.date) -> str:
        return format_date(value, "long", locale=_LOCALES[self.lang])


def _device_os(c: _Context) -> str:
    wanted = c.offer.target.device_os
    if c.ok:
        return c.say(
            f"le client utilise {c.a_device()}, compatible avec cette offre",
            f"the customer uses {c.a_device()}, compatible with this offer",
        )
    return c.say(
        f"le client utilise {c.a_device()} : cette offre est pour {wanted}",
        f"the customer uses {c.a_device()}: this offer is for {wanted}",
    )


def _already_owns(c: _Context) -> str:
    target = c.offer.target
    if target.device_model is not None:
        if c.ok:
            return c.say(
                f"le client n'a pas de {target.device_model} (il utilise {c.a_device()})",
                f"the customer has no {target.device_model} (uses {c.a_device()})",
            )
        return c.say(
            f"le client a déjà un {target.device_model}",
            f"the customer already has a {target.device_model}",
        )
    if c.ok:
        return c.say(
            f"le client n'a pas ce forfait (il a {c.plan_name()})",
            f"the customer does not have this plan (has {c.plan_name()})",
        )
    return c.say(
        f"le client a déjà le forfait {c.plan_name()}",
        f"the customer already has the {c.plan_name()} plan",
    )


def _not_an_upgrade(c: _Context) -> str:
    tier = c.profile.get("plan_tier")
    target = c.offer.target.plan_tier
    if c.ok:
        return c.say(
            f"le forfait {c.plan_name()} (niveau {tier}) est sous le niveau {target} de l'offre",
            f"the {c.plan_name()} plan (tier {tier}) is below the offer's tier {target}",
        )
    top = bool(c.profile.get("plan_is_top"))
    fr_top = ", notre plus gros forfait" if top else ""
    en_top = ", our biggest plan" if top else ""
    return c.say(
        f"le client a déjà le forfait {c.plan_name()} (niveau {tier}{fr_top}) : "
        f"« {c.offer_name()} » (niveau {target}) n'est pas une amélioration",
        f"the customer already has the {c.plan_name()} plan (tier {tier}{en_top}): "
        f"“{c.offer_name()}” (tier {target}) is not an upgrade",
    )


def _promotion_redeemed(c: _Context) -> str:
    if c.ok:
        return c.say(
            f"le client n'a pas encore profité de {c.promotion()}",
            f"the customer has not used {c.promotion()} yet",
        )
    return c.say(
        f"le client a déjà profité de {c.promotion()}",
        f"the customer already took {c.promotion()}",
    )


def _promotion_seen(c: _Context) -> str:
    if c.ok:
        return c.say(
            f"le client n'a pas encore vu {c.promotion()}",
            f"the customer has not seen {c.promotion()} yet",
        )
    fields = parse_evidence(c.evidence)
    where = PLACES.get(fields.get("place", ""), {}).get(c.lang, "")
    when = ""
    stamp = fields.get("at", "")
    if stamp and stamp != "unknown":
        day = dt.date.fromisoformat(stamp[:10])
        when = c.say(f" le {c.date(day)}", f" on {c.date(day)}")
    seen = f"{where}{when}".strip()
    detail = f" ({seen})" if seen else ""
    return c.say(
        f"le client a déjà vu {c.promotion()}{detail} : ne la présentez pas comme une nouveauté",
        f"the customer already saw {c.promotion()}{detail}: do not present it as news",
    )


def _not_started(c: _Context) -> str:
    start = c.date(c.offer.valid_from)
    if c.ok:
        return c.say(f"offre en vigueur depuis le {start}", f"offer valid since {start}")
    return c.say(f"l'offre ne commence que le {start}", f"the offer only starts on {start}")


def _expired(c: _Context) -> str:
    end = c.offer.valid_to
    end_text = c.date(end) if end is not None else "?"
    if c.ok:
        return c.say(f"offre valide jusqu'au {end_text}", f"offer valid until {end_text}")
    return c.say(f"l'offre a pris fin le {end_text}", f"the offer ended on {end_text}")


def _channel(c: _Context) -> str:
    names = ", ".join(CHANNEL_NAMES[ch][c.lang] for ch in c.offer.channels)
    if c.ok:
        return c.say(f"offre proposée par : {names}", f"offered by: {names}")
    return c.say(
        f"l'offre n'est pas proposée par ce canal (seulement : {names})",
        f"the offer is not made on this channel (only: {names})",
    )


def parse_evidence(evidence: str) -> dict[str, str]:
    """``"a=1, b=x"`` → ``{"a": "1", "b": "x"}`` (evidence values never contain ``", "``)."""
    out: dict[str, str] = {}
    for part in evidence.split(", "):
        key, sep, value = part.partition("=")
        if sep:
            out[key.strip()] = value
    return out


_BUILTINS = {
    "catalog.applicability.device_os": _device_os,
    "catalog.applicability.already_owns": _already_owns,
    "catalog.applicability.not_an_upgrade": _not_an_upgrade,
    "catalog.applicability.promotion_redeemed": _promotion_redeemed,
    "catalog.notice.promotion_seen": _promotion_seen,
    "catalog.validity.not_started": _not_started,
    "catalog.validity.expired": _expired,
    "catalog.validity.channel": _channel,
}
