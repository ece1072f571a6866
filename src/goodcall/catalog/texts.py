"""Human sentences for catalog reasons, in Canadian French and English.

Rule-written checks carry their own wording (``because``, filled from the customer's profile);
built-in checks are worded here. The agent brief puts these after « Ne proposez pas X : » /
"Don't offer X:", so each is a complete clause about the facts, never about « il » or « le
client » (the customer may be a woman): « la ligne principale a un iPhone 13 (iOS), pas un
appareil Android ». The brief groups offers that share a sentence, so a sentence never says
« cette offre ». Plans and promotions are named as the customer knows them, never by their ids.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from typing import Any

from babel.dates import format_date

from goodcall.catalog.model import Catalog, Offer, Rule
from goodcall.catalog.wording import (
    CALLED_LINE,
    DERIVED_FIELDS,
    LOCALES,
    Lang,
    ProfileFormatter,
    derived_value,
    device_label,
    device_name,
    format_profile,
    placeholder_names,
    plan_name,
    primary_line,
    with_article,
)
from goodcall.memo import PerObject

__all__ = ["CHANNEL_NAMES", "PLACES", "Lang", "format_profile", "parse_evidence", "reason_text"]

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
OS_NAMES: dict[str, dict[Lang, str]] = {
    "iOS": {"fr": "iOS", "en": "iOS"},
    "Android": {"fr": "Android", "en": "Android"},
    "Other": {"fr": "autre système", "en": "another system"},
}
MISSING_FACTS: dict[Lang, str] = {
    "fr": "le dossier n'a pas les renseignements qu'il faut pour vérifier cette condition",
    "en": "the customer file lacks the information needed to check this condition",
}
"""Said instead of a ``because`` whose profile values are unknown (never « inconnu mois »)."""


def reason_text(
    reason: Mapping[str, Any],
    profile: Mapping[str, Any],
    catalog: Catalog,
    offer_id: str,
    lang: Lang,
) -> str:
    """The sentence for one reason of one offer for one customer, in ``lang``."""
    offers, rules = _index(catalog)
    if offer_id not in offers:
        raise KeyError(offer_id)
    code = str(reason["code"])
    ok = bool(reason["ok"])
    rule = rules.get((offer_id, code))
    if rule is not None:
        if ok:
            return _met(str(reason.get("rule", rule.when)), lang)
        return rule_sentence(getattr(rule.because, lang), profile, lang)
    builder = _BUILTINS.get(code)
    if builder is None:
        return f"{code}: {reason.get('evidence', '')}"
    offer = offers[offer_id]
    return builder(_Context(profile, catalog, offer, lang, ok, str(reason.get("evidence", ""))))


def rule_sentence(template: str, profile: Mapping[str, Any], lang: Lang) -> str:
    """A rule's ``because`` filled from the profile; :data:`MISSING_FACTS` if a value is unknown."""
    values: dict[str, Any] = {}
    for name in placeholder_names(template):
        value = derived_value(name, profile, lang) if name in DERIVED_FIELDS else profile.get(name)
        if value is None:
            return MISSING_FACTS[lang]
        values[name] = value
    try:
        return _filled(template, lang, tuple((k, type(v), v) for k, v in values.items()))
    except TypeError:  # a value that cannot be a key (a list): worded each time
        return ProfileFormatter(lang, resolved=True).vformat(template, (), values)


@functools.lru_cache(maxsize=65536)
def _filled(template: str, lang: Lang, values: tuple[tuple[str, type, Any], ...]) -> str:
    """A template filled with these values, remembered: an audit words the same rule for the
    same few values thousands of times (the type is part of the key: ``1``, ``1.0`` and
    ``True`` are equal keys but are not written alike)."""
    return ProfileFormatter(lang, resolved=True).vformat(template, (), {k: v for k, _, v in values})


_Index = tuple[dict[str, Offer], dict[tuple[str, str], Rule]]
_INDEXES: PerObject[_Index] = PerObject()


def _index(catalog: Catalog) -> _Index:
    """Offers by id and rules by (offer id, code), built once per catalog (sentences are hot)."""
    return _INDEXES.get(catalog, lambda: _build_index(catalog))


def _build_index(catalog: Catalog) -> _Index:
    offers = {o.id: o for o in catalog.offers}
    rules = {(o.id, f"catalog.{t}.{r.id}"): r for o in catalog.offers for t, r in o.rules()}
    return offers, rules


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

    def line(self) -> str:
        """« la ligne principale » / "the main line", or the called line when the call is about
        another line (« la ligne L-0003 »)."""
        described = primary_line(self.profile)
        if self.profile.get(CALLED_LINE) is None or described is None:
            return self.say("la ligne principale", "the main line")
        if described.get("is_primary"):
            return self.say("la ligne principale", "the main line")
        line_id = described.get("line_id")
        return self.say(f"la ligne {line_id}", f"line {line_id}")

    def a_device(self) -> str | None:
        """``un iPhone 13 (iOS)`` / ``an iPhone 13 (iOS)``; None when no device is on file."""
        name = device_name(self.profile)
        if name is None:
            return None
        os_name = OS_NAMES.get(str(self.profile.get("device_os")), {}).get(self.lang)
        named = f"{name} ({os_name})" if os_name else name
        return with_article(named, self.lang, definite=False)

    def plan(self) -> str | None:
        return plan_name(self.profile, self.lang)

    def promotion(self) -> str:
        promo = self.offer.promotion_id or ""
        names = self.catalog.promotions.get(promo)
        return getattr(names, self.lang) if names is not None else promo

    def date(self, value: dt.date) -> str:
        return _long_date(value, self.lang)


@functools.lru_cache(maxsize=4096)
def _long_date(value: dt.date, lang: Lang) -> str:
    """« 10 décembre 2026 » / "December 10, 2026"; remembered, as an audit words the same few
    days for thousands of refusals and promotions seen (Babel takes tens of microseconds)."""
    return str(format_date(value, "long", locale=LOCALES[lang]))


def _device_os(c: _Context) -> str:
    """Said of one offer or of several at once (the brief groups offers by sentence)."""
    wanted = str(c.offer.target.device_os)
    an_os = with_article(wanted, "en", definite=False)
    device = c.a_device()
    if device is None:
        return c.say(
            f"aucun appareil n'est connu pour {c.line()}, donc rien ne dit qu'il "
            f"s'agit d'un appareil {wanted}",
            f"no device is on file for {c.line()}, so nothing says it is {an_os} device",
        )
    if c.ok:
        return c.say(
            f"{c.line()} a {device}, un appareil {wanted} comme le demande l'offre",
            f"{c.line()} has {device}, {an_os} device as the offer requires",
        )
    return c.say(
        f"{c.line()} a {device}, pas un appareil {wanted}",
        f"{c.line()} has {device}, not {an_os} device",
    )


def _already_owns(c: _Context) -> str:
    target = c.offer.target
    if target.device_model is not None:
        wanted = with_article(
            device_label(target.device_make, target.device_model) or target.device_model,
            c.lang,
            definite=False,
        )
        if c.ok:
            device = c.a_device() or with_article(
                c.say("appareil inconnu", "unknown device"), c.lang, definite=False
            )
            return c.say(
                f"{c.line()} a {device}, pas {wanted}",
                f"{c.line()} has {device}, not {wanted}",
            )
        return c.say(
            f"{c.line()} a déjà {wanted}",
            f"{c.line()} already has {wanted}",
        )
    plan = c.plan()
    if plan is None:
        return c.say(
            f"aucun forfait n'est connu pour {c.line()}",
            f"no plan is on file for {c.line()}",
        )
    if c.ok:
        return c.say(
            f"{c.line()} a le forfait {plan}, pas celui de l'offre",
            f"{c.line()} is on the {plan} plan, not the offer's",
        )
    return c.say(
        f"{c.line()} a déjà le forfait {plan}",
        f"{c.line()} is already on the {plan} plan",
    )


def _not_an_upgrade(c: _Context) -> str:
    tier = c.profile.get("plan_tier")
    target = c.offer.target.plan_tier
    plan = c.plan()
    if plan is None or tier is None or target is None:
        return c.say(
            f"le forfait de {c.line()} n'est pas connu, donc rien ne garantit que ce "
            "serait une amélioration",
            f"{c.line()}'s plan is not on file, so there is no telling this would be an upgrade",
        )
    if c.ok:
        return c.say(
            f"{c.line()} a le forfait {plan}, plus petit que celui de l'offre",
            f"{c.line()} is on the {plan} plan, smaller than the offer's",
        )
    if c.profile.get("plan_is_top"):
        fr, en = "notre plus gros forfait", "our biggest plan"
    elif tier == target:
        fr, en = "un forfait du même niveau", "a plan on the same level"
    else:
        fr, en = "un forfait plus gros", "a bigger plan"
    return c.say(
        f"{c.line()} a déjà le forfait {plan}, {fr}, donc ce ne serait pas une amélioration",
        f"{c.line()} is already on the {plan} plan, {en}, so that would not be an upgrade",
    )


def _promotion_redeemed(c: _Context) -> str:
    if c.ok:
        return c.say(
            f"la personne n'a pas encore profité de {c.promotion()}",
            f"the customer has not redeemed {c.promotion()} yet",
        )
    return c.say(
        f"la personne a déjà profité de {c.promotion()}",
        f"the customer has already redeemed {c.promotion()}",
    )


def _promotion_seen(c: _Context) -> str:
    if c.ok:
        return c.say(
            f"la personne n'a pas encore vu {c.promotion()}",
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
        f"la personne a déjà vu {c.promotion()}{detail} : ne la présentez pas comme une nouveauté",
        f"the customer already saw {c.promotion()}{detail}: do not present it as news",
    )


def _refusal_cooldown(c: _Context) -> str:
    """Names the declined offer and the day its cool-down ends, in the customer's own zone."""
    fields = parse_evidence(c.evidence)
    declined = fields.get("declined", "none")
    if declined == "none":
        return c.say(
            "aucun refus d'une offre de la même famille n'est en cours de délai",
            "no refusal of an offer of the same family is within its cool-down",
        )
    offers, _ = _index(c.catalog)
    known = offers.get(declined)
    name = getattr(known.name, c.lang) if known is not None else declined
    on = c.date(_local_day(fields.get("declined_at", ""), c.profile))
    until = c.date(_local_day(fields.get("until", ""), c.profile))
    if c.ok:
        return c.say(
            f"la personne a refusé « {name} » le {on}; le délai a pris fin le {until}",
            f"the customer declined “{name}” on {on}; the cool-down ended on {until}",
        )
    same = declined == c.offer.id
    fr_what = "pas avant" if same else "rien de la même famille avant"
    en_what = "not again before" if same else "nothing of the same family before"
    return c.say(
        f"la personne a refusé « {name} » le {on} : {fr_what} la fin du délai, le {until}",
        f"the customer declined “{name}” on {on}: {en_what} the cool-down ends on {until}",
    )


def _local_day(stamp: str, profile: Mapping[str, Any]) -> dt.date:
    """The customer's local date of an evidence stamp ``2026-12-10T15:00Z`` (UTC when the zone
    is unknown)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    instant = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    try:
        zone = ZoneInfo(str(profile.get("time_zone")))
    except (ZoneInfoNotFoundError, ValueError):
        return instant.date()
    return instant.astimezone(zone).date()


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


def _brand(c: _Context) -> str:
    found = parse_evidence(c.evidence)
    offer_company = _company(c.catalog, found.get("offer_brand"), c.lang)
    if c.ok:
        return c.say(f"offre de {offer_company}", f"an offer of {offer_company}")
    customer_company = _company(c.catalog, found.get("brand"), c.lang)
    return c.say(
        f"l'offre est celle de {offer_company} et le compte relève de {customer_company}",
        f"the offer is {offer_company}'s and the account is with {customer_company}",
    )


def _company(catalog: Catalog, brand_id: str | None, lang: Lang) -> str:
    """The company name of a brand; its id when the catalog does not know it."""
    wanted = None if brand_id in (None, "none") else brand_id
    try:
        return str(getattr(catalog.brand_info(wanted).company, lang))
    except KeyError:
        return str(brand_id)


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
    "catalog.applicability.refusal_cooldown": _refusal_cooldown,
    "catalog.notice.promotion_seen": _promotion_seen,
    "catalog.validity.not_started": _not_started,
    "catalog.validity.expired": _expired,
    "catalog.validity.channel": _channel,
    "catalog.validity.brand": _brand,
}
