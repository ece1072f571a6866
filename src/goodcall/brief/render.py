"""Text, HTML and JSON renderings of a brief.

Templates are compiled once per process: the language modules (in both registers) and the two
layouts. The sentences are worded once, as plain text, into a :class:`Document`; the HTML layout
autoescapes every one of them, so a customer or product name can never inject markup.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from functools import lru_cache
from typing import Any, Literal

from jinja2 import Environment, PackageLoader, StrictUndefined, Template

from goodcall.brief.document import Document, document
from goodcall.brief.formats import Formats, formats_for
from goodcall.brief.model import Brief

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


@lru_cache(maxsize=2)
def layout(flavour: Flavour) -> Template:
    return environment(flavour).get_template(LAYOUTS[flavour])


def _formats(brief: Brief) -> Formats:
    a = brief.address
    return formats_for(a.language, a.lang, a.time_zone, brief.currency)


def brief_document(brief: Brief) -> Document:
    """The brief's sections worded for its language and register (plain text)."""
    module = language_module("text", brief.address.lang, brief.address.formal)
    return document(brief, module, _formats(brief))


def render_text(brief: Brief) -> str:
    """Plain text for dialers and CRMs: numbered sections, one cue per line."""
    return layout("text").render(d=brief_document(brief))


def render_html(brief: Brief, page: bool = True) -> str:
    """HTML for the agent page: a whole page, or (``page=False``) a fragment to embed."""
    return layout("html").render(d=brief_document(brief), page=page)


def json_payload(brief: Brief) -> dict[str, Any]:
    """The facts and the worded sections, as JSON-ready data."""
    d = brief_document(brief)
    return {
        "brief": brief.model_dump(mode="json"),
        "document": asdict(d),
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
