"""The brief laid out as sections of sentences, in the customer's language and register.

The wording lives in the language templates (``templates/fr.j2``, ``templates/en.j2``), one macro
per kind of sentence; this module only decides which sentences a brief has and in what order, the
same for every language. Text, HTML and JSON are then three views of one :class:`Document`, and the
layout templates carry no words of their own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from goodcall.brief.formats import Formats
from goodcall.brief.model import Brief, Knowledge

ItemKind = Literal["note", "say", "warn"]
SECTION_KEYS = ("address", "opening", "knowledge", "offer", "avoid", "closing")


@dataclass(frozen=True, slots=True)
class Item:
    """One bullet: a note for the agent, words the agent may say, or a warning."""

    text: str
    kind: ItemKind = "note"
    children: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    number: int
    title: str
    items: tuple[Item, ...]


@dataclass(frozen=True, slots=True)
class Document:
    lang: str
    language: str
    title: str
    meta: str
    preface: str
    sections: tuple[Section, ...]


def _french_spaces(text: str) -> str:
    """Non-breaking spaces before a colon and inside guillemets (Canadian French typography)."""
    if " :" in text or "«" in text:
        return text.replace(" :", "\u00a0:").replace("« ", "«\u00a0").replace(" »", "\u00a0»")
    return text


def _same(text: str) -> str:
    return text


_ONCE: dict[tuple[int, str, tuple[Any, ...]], str] = {}


def _once(t: Any, s: Callable[[str], str], name: str, key: tuple[Any, ...], *args: Any) -> str:
    """A sentence that depends only on ``key`` (register, company…), worded once per module.

    About a third of a brief's sentences are the same for every customer of a language and
    register; wording them once keeps the per-brief work to the sentences that carry facts.
    """
    cache_key = (id(t), name, key)
    text = _ONCE.get(cache_key)
    if text is None:
        if len(_ONCE) > 4096:
            _ONCE.clear()
        text = _ONCE[cache_key] = s(getattr(t, name)(*args))
    return text


def _complaint_date(k: Knowledge) -> dt.datetime | None:
    opened = [c.opened_at for c in k.open_cases if c.kind == "complaint"]
    return max([*opened, *([k.recent_complaint_at] if k.recent_complaint_at else [])], default=None)


def _address(b: Brief, t: Any, f: Formats, s: Callable[[str], str]) -> list[Item]:
    a = b.address
    items = [
        Item(_once(t, s, "register", (a.formality, a.register_source), a)),
        Item(s(t.name_to_use(a))),
    ]
    if a.preferred_start or a.preferred_end:
        items.append(Item(s(t.hours(a, f))))
    return items


def _opening(b: Brief, t: Any, f: Formats, s: Callable[[str], str]) -> list[Item]:
    a, o, k = b.address, b.opening, b.knowledge
    items = [
        Item(_once(t, s, "no_silence", ())),
        Item(s(t.greet(a, o.agent_name, o.company)), "say"),
    ]
    complaint_at = _complaint_date(k)
    if "complaint" in o.acknowledge and complaint_at is not None:
        items.append(Item(s(t.ack_complaint(a, complaint_at, f)), "say"))
    if "repair" in o.acknowledge:
        repair = min(c.opened_at for c in k.open_cases if c.kind == "repair")
        items.append(Item(s(t.ack_repair(a, repair, f)), "say"))
    items.append(Item(s(t.why(o.why)), "say"))
    items.append(Item(_once(t, s, "ask_time", (a.formality,), a), "say"))
    return items


def _knowledge(b: Brief, t: Any, f: Formats, s: Callable[[str], str]) -> list[Item]:
    k = b.knowledge
    items: list[Item] = []
    if len(k.lines) == 1:
        items.append(Item(s(t.device(k.lines[0], f.local(b.at).date(), f))))
    elif k.lines:
        children = tuple(s(t.line_item(ln, n, f)) for n, ln in enumerate(k.lines, start=1))
        items.append(Item(s(t.lines_heading(len(k.lines))), children=children))
    if k.plan is not None:
        items.append(Item(s(t.plan(k.plan, len(k.lines) > 1, f))))
    items.append(Item(s(t.redeemed(k.redeemed, f))))
    items.append(Item(s(t.seen(k.seen, f))))
    items.append(Item(s(t.tenure(k.tenure_months))))
    contacts = tuple(s(t.contact(c, f)) for c in k.last_contacts)
    items.append(Item(s(t.contacts_heading(len(contacts))), children=contacts))
    cases = tuple(s(t.case(c, f)) for c in k.open_cases)
    items.append(Item(s(t.cases_heading(len(cases))), children=cases))
    if k.recent_complaint_at is not None and not any(c.kind == "complaint" for c in k.open_cases):
        items.append(Item(s(t.complaint_closed(k.recent_complaint_at, f))))
    if k.last_refusal_at is not None:
        items.append(Item(s(t.refusal(k.last_refusal_at, f))))
    if k.app_logins_90d or k.online_purchases_12m:
        items.append(Item(s(t.self_service(k))))
    return items


def _offer(b: Brief, t: Any, f: Formats, s: Callable[[str], str]) -> list[Item]:
    p, k = b.offer, b.knowledge
    items = [Item(s(t.offer_name(p)))]
    if p.fit:
        items.append(
            Item(
                _once(t, s, "fit_heading", ()),
                children=tuple(s(t.fit(code, k, f)) for code in p.fit),
            )
        )
    if p.promotion_seen is not None:
        items.append(Item(s(t.promotion_seen(p.promotion_seen, f)), "warn"))
    items.append(
        Item(_once(t, s, "points_heading", ()), children=tuple(s(x) for x in p.talking_points))
    )
    if p.objection and p.answer:
        items.append(Item(s(t.objection(p.objection))))
        items.append(Item(s(t.answer(p.answer)), "say"))
    return items


def _avoid(b: Brief, t: Any, f: Formats, s: Callable[[str], str]) -> list[Item]:
    items = [Item(s(t.do_not_offer(d, f)), "warn") for d in b.avoid.offers]
    items += [Item(s(t.topic(code, b.knowledge, b.offer, f)), "warn") for code in b.avoid.topics]
    return items


def _closing(b: Brief, t: Any, f: Formats, s: Callable[[str], str]) -> list[Item]:
    a = b.address
    return [
        Item(_once(t, s, "outcomes", tuple(b.closing.outcomes), b.closing.outcomes)),
        Item(_once(t, s, "callback_note", ())),
        Item(_once(t, s, "voicemail_note", (b.opening.company,), b.opening.company)),
        Item(
            _once(t, s, "dnc_heading", ()),
            children=(
                _once(t, s, "dnc_say", (a.formality,), a),
                _once(t, s, "dnc_do", ()),
            ),
        ),
    ]


_SECTIONS = (
    ("address", _address),
    ("opening", _opening),
    ("knowledge", _knowledge),
    ("offer", _offer),
    ("avoid", _avoid),
    ("closing", _closing),
)


def document(b: Brief, t: Any, f: Formats) -> Document:
    """The brief's sections, worded by the language module ``t`` (see ``render.language_module``).

    The talking points and the objection's answer come from the catalog, already in the right
    voice; everything else is worded by ``t``.
    """
    s = _french_spaces if b.address.lang == "fr" else _same
    titles = t.titles
    sections = tuple(
        Section(key, number, titles[key], tuple(build(b, t, f, s)))
        for number, (key, build) in enumerate(_SECTIONS, start=1)
    )
    return Document(
        lang=b.address.lang,
        language=b.address.language,
        title=s(t.doc_title(b.address)),
        meta=s(t.doc_meta(b, b.offer.name, f)),
        preface=_once(t, s, "not_a_script", ()),
        sections=sections,
    )
