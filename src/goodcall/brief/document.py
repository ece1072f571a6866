"""A brief's words as the layouts read them: a :class:`Document` of texts and a plan.

Text, HTML and JSON are three views of one document, and the layout templates carry no words of
their own. The documents of a batch are worded together (:mod:`goodcall.brief.sections`); here
they become Python objects, cheaply: one tuple of texts per brief and one plan per distinct
shape of brief.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, Literal, NamedTuple

import polars as pl

ItemKind = Literal["note", "say", "warn"]
SECTION_KEYS = ("address", "opening", "knowledge", "offer", "avoid", "closing")
Module = Callable[[str, bool], Any]


class Item(NamedTuple):
    """One bullet: a note for the agent, words the agent may say, or a warning."""

    text: str
    kind: ItemKind = "note"
    children: tuple[str, ...] = ()


class Section(NamedTuple):
    key: str
    number: int
    title: str
    items: tuple[Item, ...]


ItemPlan = tuple[int, int, ItemKind, int]
"""Where an item's text is in :attr:`Document.texts` (``texts[at]``, or ``texts[at][k]`` when
``k`` is not negative), its kind, and where its children are (``texts[-1]`` is always empty)."""
SectionPlan = tuple[str, int, str, tuple[ItemPlan, ...]]
"""A section's key, number, title and items."""
Plan = tuple[SectionPlan, ...]


class Document(NamedTuple):
    """A brief's words: ``texts`` (title, meta line and preface first, then sentences and lists
    of sentences, and always an empty list last) and the ``plan`` that lays them out in
    sections — the same plan object for every brief of the same shape, so the documents of a
    campaign are handed to the layouts without building an object per sentence.
    """

    lang: str
    language: str
    texts: Sequence[Any]
    plan: Plan

    @property
    def title(self) -> str:
        return str(self.texts[0])

    @property
    def meta(self) -> str:
        return str(self.texts[1])

    @property
    def preface(self) -> str:
        return str(self.texts[2])

    @property
    def sections(self) -> tuple[Section, ...]:
        t = self.texts
        return tuple(
            Section(
                key,
                number,
                title,
                tuple(
                    Item(t[at] if k < 0 else t[at][k], kind, tuple(t[c]))
                    for at, k, kind, c in items
                ),
            )
            for key, number, title, items in self.plan
        )

    @classmethod
    def of(
        cls,
        lang: str,
        language: str,
        title: str,
        meta: str,
        preface: str,
        sections: Sequence[Section],
    ) -> Document:
        """A document from its sections (the inverse of :attr:`sections`)."""
        texts: list[Any] = [title, meta, preface]
        plan: list[SectionPlan] = []
        for s in sections:
            items: list[ItemPlan] = []
            for item in s.items:
                texts.append(item.text)
                if item.children:
                    texts.append(list(item.children))
                    items.append((len(texts) - 2, -1, item.kind, len(texts) - 1))
                else:
                    items.append((len(texts) - 1, -1, item.kind, -1))
            plan.append((s.key, s.number, s.title, tuple(items)))
        return cls(lang, language, (*texts, ()), tuple(plan))


def document_dict(d: Document) -> dict[str, Any]:
    """The document as JSON-ready data: sections, items and children in order."""
    return {
        "lang": d.lang,
        "language": d.language,
        "title": d.title,
        "meta": d.meta,
        "preface": d.preface,
        "sections": [
            {
                "key": s.key,
                "number": s.number,
                "title": s.title,
                "items": [
                    {"text": i.text, "kind": i.kind, "children": list(i.children)} for i in s.items
                ],
            }
            for s in d.sections
        ],
    }


KIND_CODES: dict[ItemKind, str] = {"note": "n", "say": "s", "warn": "w"}
KINDS: dict[str, ItemKind] = {code: kind for kind, code in KIND_CODES.items()}


@lru_cache(maxsize=4096)
def _shape_plan(shape: str, titles: tuple[str, ...]) -> Plan:
    """``n4.5,s6.-1|w*7.3|…`` → the plan of every document of that shape (worked out once)."""
    sections: list[SectionPlan] = []
    parts = zip(SECTION_KEYS, titles, shape.split("|"), strict=True)
    for number, (key, title, part) in enumerate(parts, start=1):
        items: list[ItemPlan] = []
        for token in part.split(","):
            if not token:
                continue
            kind, rest = KINDS[token[0]], token[1:]
            if rest.startswith("*"):
                at, count = rest[1:].split(".")
                items += [(int(at), k, kind, -1) for k in range(int(count))]
            else:
                at, children = rest.split(".")
                items.append((int(at), -1, kind, int(children)))
        sections.append((key, number, title, tuple(items)))
    return tuple(sections)


def shape_plan(shape: str, titles: tuple[str, ...]) -> Plan:
    """The plan of every document of ``shape`` (kept: see :func:`_shape_plan`)."""
    return _shape_plan(shape, titles)


def clear_plans() -> None:
    """Forget the plans worked out so far (see :func:`_shape_plan`)."""
    _shape_plan.cache_clear()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small acyclic objects.

    A campaign's documents are thousands of tuples and lists that hold only strings; letting
    the collector walk every live object again and again while they are made would cost more
    than making them. The collector's previous state is restored, whatever happens.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def documents(frame: pl.DataFrame, titles: Callable[[str], dict[str, str]]) -> list[Document]:
    """The :class:`Document` of every row of a :func:`document_frame`."""
    with collector_paused():
        return _documents(frame, titles)


def _documents(frame: pl.DataFrame, titles: Callable[[str], dict[str, str]]) -> list[Document]:
    by_lang: dict[str, tuple[str, ...]] = {}
    texts = [frame[name].to_list() for name in frame.columns if name.startswith("_t")]
    heads = (frame[name].to_list() for name in ("lang", "language", "shape"))
    out: list[Document] = []
    empty = ((),)
    for (lang, language, shape), row in zip(
        zip(*heads, strict=True), zip(*texts, strict=True), strict=True
    ):
        names = by_lang.get(lang)
        if names is None:
            names = by_lang[lang] = tuple(titles(lang)[key] for key in SECTION_KEYS)
        out.append(Document(lang, language, row + empty, _shape_plan(shape, names)))
    return out
