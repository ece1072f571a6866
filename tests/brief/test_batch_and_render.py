"""Batch rendering agrees with one-by-one; HTML is well formed and escaped; JSON and the CLI.

Bad inputs tried in batch: a contact whose customer is missing from the profile frame, an
excluded offer (the error names the contact row), a frame without a required column, the same
customer twice in the contacts or in the profiles, an unknown format, and several contacts that
fail different checks (the first failing contact is named, whichever check finds it).
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import polars as pl
import pytest
import typer
from typer.testing import CliRunner

from goodcall.brief.batch import briefs, render_briefs
from goodcall.brief.build import build_brief
from goodcall.brief.cli import register
from goodcall.brief.examples import AT, EXAMPLES
from goodcall.brief.facts import BriefError
from goodcall.brief.render import render_html, render_json, render_text
from goodcall.catalog.model import Catalog
from tests.brief.conftest import profile_of, rows_of

CONTACTS = pl.DataFrame(
    {
        "customer_id": [e.customer_id for e in EXAMPLES],
        "offer_id": [e.offer_id for e in EXAMPLES],
        "channel": [e.channel for e in EXAMPLES],
    }
)


def test_batch_equals_one_by_one(
    example_profiles: pl.DataFrame, example_eval: pl.DataFrame, catalog: Catalog
) -> None:
    texts = render_briefs(CONTACTS, example_profiles, example_eval, catalog, AT, "text")
    for ex, text in zip(EXAMPLES, texts, strict=True):
        single = build_brief(
            profile_of(example_profiles, ex.customer_id),
            ex.offer_id,
            ex.channel,
            catalog,
            rows_of(example_eval, ex.customer_id),
            AT,
        )
        assert text == render_text(single), ex.name
    framed = render_briefs(
        CONTACTS.reverse(), example_profiles, example_eval, catalog, AT, "html", as_frame=True
    )
    assert framed["customer_id"].to_list() == CONTACTS["customer_id"].reverse().to_list()
    assert framed["brief"].str.starts_with("<!DOCTYPE html>").all()


def test_batch_errors_name_the_row(
    example_profiles: pl.DataFrame, example_eval: pl.DataFrame, catalog: Catalog
) -> None:
    missing = CONTACTS.with_columns(
        pl.when(pl.int_range(pl.len()) == 2)
        .then(pl.lit("C-NOBODY"))
        .otherwise("customer_id")
        .alias("customer_id")
    )
    with pytest.raises(BriefError, match="contact row 2: customer 'C-NOBODY' is not in"):
        briefs(missing, example_profiles, example_eval, catalog, AT)
    excluded = CONTACTS.with_columns(
        pl.when(pl.int_range(pl.len()) == 0)
        .then(pl.lit("HS_LG_VELVET_CLEARANCE"))
        .otherwise("offer_id")
        .alias("offer_id")
    )
    with pytest.raises(BriefError, match=r"contact row 0: .*'HS_LG_VELVET_CLEARANCE' was excluded"):
        briefs(excluded, example_profiles, example_eval, catalog, AT)
    with pytest.raises(BriefError, match=r"missing column.*channel"):
        briefs(CONTACTS.drop("channel"), example_profiles, example_eval, catalog, AT)
    with pytest.raises(BriefError, match="same customer twice"):
        briefs(pl.concat([CONTACTS, CONTACTS]), example_profiles, example_eval, catalog, AT)
    with pytest.raises(BriefError, match="unknown brief format 'pdf'"):
        render_briefs(CONTACTS, example_profiles, example_eval, catalog, AT, "pdf")  # type: ignore[call-overload]


def test_batch_names_the_first_contact_that_fails_any_check(
    example_profiles: pl.DataFrame, example_eval: pl.DataFrame, catalog: Catalog
) -> None:
    """Checks run a stage at a time over the batch; the error still names the first contact
    that fails, whichever stage finds it: here row 1 (a seen-promotion notice without the event,
    found late) before row 2 (do-not-call, found first) and row 3 (an unknown time zone)."""
    seed, tu, en, family = (e.customer_id for e in EXAMPLES[:4])
    contacts = CONTACTS.filter(pl.col("customer_id").is_in([en, seed, tu, family])).sort(
        pl.col("customer_id").replace_strict({en: 0, seed: 1, tu: 2, family: 3})
    )
    element = pl.element()
    without_seen = pl.col("promotion_history").list.eval(
        element.filter(element.struct.field("event") != "seen")
    )
    lost_event = pl.when(pl.col("customer_id") == seed).then(without_seen)
    dnc = pl.col("internal_dnc") | (pl.col("customer_id") == tu)
    on_mars = pl.when(pl.col("customer_id") == family).then(pl.lit("Mars/Olympus"))
    profiles = example_profiles.with_columns(
        lost_event.otherwise("promotion_history").alias("promotion_history"),
        dnc.alias("internal_dnc"),
        on_mars.otherwise("time_zone").alias("time_zone"),
    )
    with pytest.raises(BriefError, match=r"contact row 1: .* was seen, but the profile has no"):
        briefs(contacts, profiles, example_eval, catalog, AT)
    profiles = profiles.with_columns(example_profiles["promotion_history"])
    with pytest.raises(BriefError, match=r"contact row 2: .*asked not to be called"):
        briefs(contacts, profiles, example_eval, catalog, AT)
    profiles = profiles.with_columns(example_profiles["internal_dnc"])
    with pytest.raises(BriefError, match=r"contact row 3: .*unknown time zone 'Mars/Olympus'"):
        briefs(contacts, profiles, example_eval, catalog, AT)
    twice = pl.concat([example_profiles, example_profiles.head(1)])
    with pytest.raises(BriefError, match=r"profile frame has customer .* twice"):
        briefs(CONTACTS, twice, example_eval, catalog, AT)


class _Tags(HTMLParser):
    """Checks nesting and records headings and lang attributes."""

    VOID = frozenset({"meta", "br", "img", "link"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.headings: list[str] = []
        self.langs: list[str] = []
        self.data: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.langs += [v or "" for k, v in attrs if k == "lang"]
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, (tag, self.stack)
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] in ("h1", "h2"):
            self.headings.append(data)
        self.data.append(data)


def test_html_is_well_formed_accessible_and_escaped(
    example_profiles: pl.DataFrame, example_eval: pl.DataFrame, catalog: Catalog
) -> None:
    ex = EXAMPLES[3]
    profile = profile_of(example_profiles, ex.customer_id)
    lines = [dict(ln) for ln in profile["lines"]]
    lines[1]["user_label"] = "<script>alert('x')</script> & co"
    profile = profile | {"lines": lines}
    brief = build_brief(
        profile, ex.offer_id, ex.channel, catalog, rows_of(example_eval, ex.customer_id), AT
    )
    html = render_html(brief)
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp; co" in html
    parser = _Tags()
    parser.feed(html)
    assert parser.stack == []
    assert parser.langs == ["en-CA", "en-CA"]
    assert parser.headings[0] == "Call brief — David Kowalski"
    assert parser.headings[1:] == [
        "1. How to address them",
        "2. Opening",
        "3. What we know",
        "4. The offer and why it fits",
        "5. Do not",
        "6. Closing",
    ]
    fragment = render_html(brief, page=False)
    assert fragment.lstrip().startswith('<article class="gc-brief" lang="en-CA">')


def test_json_has_the_facts_and_the_sections(
    example_profiles: pl.DataFrame, example_eval: pl.DataFrame, catalog: Catalog
) -> None:
    ex = EXAMPLES[0]
    brief = build_brief(
        profile_of(example_profiles, ex.customer_id),
        ex.offer_id,
        ex.channel,
        catalog,
        rows_of(example_eval, ex.customer_id),
        AT,
    )
    payload = json.loads(render_json(brief))
    assert payload["brief"]["knowledge"]["lines"][0]["device_model"] == "iPhone 13"
    assert payload["brief"]["knowledge"]["plan"]["plan_is_top"] is True
    assert payload["brief"]["at"] == "2026-11-20T15:00:00Z"
    assert [s["key"] for s in payload["document"]["sections"]] == [
        "address",
        "opening",
        "knowledge",
        "offer",
        "avoid",
        "closing",
    ]


def test_cli_writes_the_examples(tmp_path: Path) -> None:
    app = typer.Typer()
    register(app)

    @app.command("noop")
    def _noop() -> None:
        """Keeps Typer in multi-command mode, as in the real application."""

    result = CliRunner().invoke(app, ["brief", "examples", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(f"{e.name}.{s}" for e in EXAMPLES for s in ("txt", "html", "json"))
    bad = CliRunner().invoke(app, ["brief", "examples", "--format", "pdf"])
    assert bad.exit_code == 2 and "expected one of text, html, json" in bad.output
