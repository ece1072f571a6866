"""Checks on rendered briefs: language leaks, tu/vous, excluded offers, facts.

Customer data (names, labels, case summaries) and product names (devices, plans, offers,
promotions, the company) are removed before the language and register checks: a customer may be
called "Tu" or "Vous", and an offer may be named "Un forfait à votre mesure".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from goodcall.brief.document import Document
from goodcall.brief.model import Brief
from goodcall.brief.words import french_spaces
from goodcall.catalog.model import Catalog

# Common English words that are not French words (so they never occur in good French).
ENGLISH_WORDS = frozenset(
    [
        "the",
        "and",
        "you",
        "your",
        "with",
        "this",
        "that",
        "what",
        "why",
        "how",
        "when",
        "know",
        "used",
        "last",
        "open",
        "complaint",
        "seen",
        "redeemed",
        "months",
        "years",
        "since",
        "call",
        "customer",
        "offer",
        "device",
        "don't",
        "do",
        "not",
        "is",
        "are",
        "has",
        "have",
        "was",
        "be",
        "will",
        "would",
        "should",
        "about",
        "good",
        "time",
        "now",
        "ask",
        "say",
        "name",
        "each",
        "line",
        "lines",
        "plan",
        "uses",
        "bought",
        "ended",
        "any",
        "none",
        "recent",
        "talking",
        "likely",
        "answer",
        "closing",
        "opening",
        "record",
        "outcome",
        "button",
        "voicemail",
        "leave",
        "only",
        "first",
        "number",
        "press",
        "before",
        "hanging",
        "takes",
        "effect",
        "immediately",
        "further",
        "argue",
        "they",
        "their",
        "them",
        "it's",
        "isn't",
        "won't",
        "we're",
        "customer's",
    ]
)
# Common French words that are not English words.
FRENCH_WORDS = frozenset(
    [
        "le",
        "la",
        "les",
        "des",
        "du",
        "une",
        "est",
        "et",
        "avec",
        "vous",
        "votre",
        "vos",
        "tu",
        "tes",
        "cliente",
        "forfait",
        "appareil",
        "offre",
        "ne",
        "pas",
        "sur",
        "dans",
        "qui",
        "que",
        "mois",
        "ans",
        "depuis",
        "à",
        "été",
        "aucun",
        "aucune",
        "déjà",
        "vue",
        "obtenues",
        "ligne",
        "lignes",
        "utilise",
        "utilisés",
        "moyenne",
        "heures",
        "préférées",
        "bonjour",
        "ici",
        "rappeler",
        "appel",
        "courriel",
        "plainte",
        "réparation",
        "notez",
        "résultat",
        "bouton",
        "boîte",
        "vocale",
        "raccrocher",
        "immédiatement",
        "financement",
        "terminé",
        "acheté",
        "il",
        "elle",
        "nous",
        "notre",
        "sa",
        "ses",
    ]
)

# Whole words only ("êtes", "cette", "tutoiement" are fine); inverted forms count ("As-tu",
# "Avez-vous"); "a-t-il" has no "tu" in it.
TU_FORMS = re.compile(r"\b(tu|te|toi|ton|ta|tes)\b|\bt['’](?=\w)", re.I)
VOUS_FORMS = re.compile(r"\b(vous|votre|vos|vôtre|vôtres)\b", re.I)
WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]+(?:['’][A-Za-zÀ-ÖØ-öø-ÿ]+)?")


def data_strings(brief: Brief, catalog: Catalog) -> list[str]:
    """Strings that come from customer data or product names, longest first."""
    a, k = brief.address, brief.knowledge
    out = [a.first_name, a.last_name, a.preferred_name, a.spoken_name, brief.customer_id]
    out += [x for x in (a.title,) if x]
    for line in k.lines:
        out += [line.device_make, line.device_model, line.plan_name, line.plan_id, line.line_id]
        out += [line.user_label] if line.user_label else []
    out += [c.summary for c in k.open_cases if c.summary]
    out += [catalog.company.fr, catalog.company.en]
    for offer in catalog.offers:
        out += [offer.name.fr, offer.name.en, offer.id]
    for name in catalog.promotions.values():
        out += [name.fr, name.en]
    out += [e.promotion_id for e in (*k.redeemed, *k.seen)]
    out += ["iOS", "Android", "Apple", "Samsung", "Google", "LG", "Motorola"]
    out += [french_spaces(s) for s in out if s]  # as the French typography renders them
    return sorted({s for s in out if s}, key=len, reverse=True)


def without(text: str, strings: Iterable[str]) -> str:
    for s in strings:
        text = text.replace(s, " ")
    return text


def words(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text)]


def document_text(d: Document, skip: tuple[str, ...] = ()) -> str:
    parts = [d.title, d.meta, d.preface]
    for s in d.sections:
        if s.key in skip:
            continue
        parts.append(s.title)
        for item in s.items:
            parts.append(item.text)
            parts.extend(item.children)
    return "\n".join(parts)


def catalog_voice_strings(brief: Brief, catalog: Catalog) -> list[str]:
    """The catalog's spoken texts of the offer of the call (checked separately)."""
    return [*brief.offer.talking_points, brief.opening.why, brief.offer.answer or ""]


def language_leaks(text: str, lang: str) -> set[str]:
    """Words of the other language found in ``text``."""
    foreign = ENGLISH_WORDS if lang == "fr" else FRENCH_WORDS
    return {w for w in words(text) if w in foreign}


def register_slips(text: str, formal: bool) -> list[str]:
    """tu-forms in a formal French text, or vous-forms in an informal one."""
    pattern = TU_FORMS if formal else VOUS_FORMS
    return [m.group(0) for m in pattern.finditer(text)]
