"""Text, HTML and JSON renderings of briefs: one, or a whole batch.

Templates are compiled once per process: the language modules (in both registers) and the two
layouts. The sentences are worded once, as plain text, into a :class:`Document`; the HTML layout
autoescapes every one of them, so a customer or product name can never inject markup. A single
brief's document is worded on its own values (:mod:`goodcall.brief.rowdoc`), held to read exactly
as it would in a campaign by ``tests/brief/test_rows.py``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Literal

import polars as pl
from jinja2 import Environment, PackageLoader, StrictUndefined, Template

from goodcall.brief.document import (
    Document,
    clear_plans,
    collector_paused,
    document_dict,
    documents,
)
from goodcall.brief.formats import clear_value_caches
from goodcall.brief.model import Brief
from goodcall.brief.rowdoc import row_document
from goodcall.brief.schema import BRIEF_SCHEMA, frame_of, json_ready, like_model_dump
from goodcall.brief.sections import document_frame

Flavour = Literal["text", "html"]
Format = Literal["text", "html", "json"]
FORMATS: tuple[Format, ...] = ("text", "html", "json")
LAYOUTS = {"text": "brief.txt.j2", "html": "brief.html.j2"}


@lru_cache(maxsize=2)
def environment(flavour: Flavour) -> Environment:
    """The Jinja2 environment of one output flavour (HTML escapes, text does not)."""
    return Environment(
        loader=PackageLoader("goodcall.brief", "templates"),
        autoescape=flavour == "html",
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )


@lru_cache(maxsize=8)
def language_module(flavour: Flavour, lang: str, formal: bool) -> Any:
    """The sentences of one language and register, as a module of macros (built once)."""
    template = environment(flavour).get_template(f"{lang}.j2")
    return template.make_module({"formal": formal})


def text_module(lang: str, formal: bool) -> Any:
    """The module that words a brief's sentences (always as plain text; layouts escape)."""
    return language_module("text", lang, formal)


@lru_cache(maxsize=4)
def section_titles(lang: str) -> dict[str, str]:
    return dict(text_module(lang, True).titles)


@lru_cache(maxsize=2)
def layout(flavour: Flavour) -> Template:
    return environment(flavour).get_template(LAYOUTS[flavour])


def clear_caches() -> None:
    """Forget formatted values and document plans; compiled templates stay (a service keeps
    them for its lifetime). Used by the bench, so each run pays for its own formatting."""
    clear_value_caches()
    clear_plans()


def frame_documents(frame: pl.DataFrame) -> list[Document]:
    """The document of every brief of a brief frame (see :mod:`goodcall.brief.schema`)."""
    if frame.height == 0:
        return []
    return documents(document_frame(frame, text_module), section_titles)


def render_frame(frame: pl.DataFrame, fmt: Format) -> list[str]:
    """Every brief of a brief frame, rendered."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown brief format {fmt!r}; expected one of {FORMATS}")
    docs = frame_documents(frame)
    if fmt == "json":
        with collector_paused():  # thousands of small dicts that hold no cycles
            rows = frame.select(BRIEF_SCHEMA.names()).iter_rows(named=True)
            return [_json(row, d) for row, d in zip(rows, docs, strict=True)]
    template = layout(fmt)
    if fmt == "html":
        return [template.render(d=d, page=True) for d in docs]
    return [template.render(d=d) for d in docs]


def _json(brief: dict[str, Any], d: Document) -> str:
    payload = {"brief": json_ready(like_model_dump(brief)), "document": document_dict(d)}
    return json.dumps(payload, ensure_ascii=False, indent=2)


def brief_document(brief: Brief) -> Document:
    """The brief's sections worded for its language and register (plain text): on the brief's
    own values (:mod:`goodcall.brief.rowdoc`, held equal to :func:`frame_documents`)."""
    return row_document(brief, text_module, section_titles)


def render_text(brief: Brief) -> str:
    """Plain text for dialers and CRMs: numbered sections, one cue per line."""
    return layout("text").render(d=brief_document(brief))


def render_html(brief: Brief, page: bool = True) -> str:
    """HTML for the agent page: a whole page, or (``page=False``) a fragment to embed."""
    return layout("html").render(d=brief_document(brief), page=page)


def json_payload(brief: Brief) -> dict[str, Any]:
    """The facts and the worded sections, as JSON-ready data."""
    return {
        "brief": json_ready(brief.model_dump()),
        "document": document_dict(brief_document(brief)),
    }


def render_json(brief: Brief) -> str:
    """JSON for the API: every fact as a field, plus the sections as the agent reads them."""
    return json.dumps(json_payload(brief), ensure_ascii=False, indent=2)


def render(brief: Brief, fmt: Format) -> str:
    if fmt == "text":
        return render_text(brief)
    if fmt == "html":
        return render_html(brief)
    if fmt == "json":
        return render_json(brief)
    raise ValueError(f"unknown brief format {fmt!r}; expected one of {FORMATS}")


def render_many(briefs: Sequence[Brief], fmt: Format) -> list[str]:
    """Several briefs at once (worded together, as in a batch)."""
    return render_frame(frame_of(list(briefs)), fmt)
