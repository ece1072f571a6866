"""Quality of every brief, on customers that are not in the repository.

Hypothesis draws populations (both languages, both registers, one to four lines, histories,
complaints, names such as "Tu", "Vous" or "Will", markup-looking labels), the real catalog engine
evaluates them, and every eligible offer on the phone gets a brief. Each brief must:

* contain no word of the other language (customer data and product names aside);
* in French, never slip out of the customer's register (tu-forms when formal, vous-forms when
  informal), catalog texts included;
* never name an offer the rules excluded outside the "Do not" section;
* state facts that agree with the profile row.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from jinja2 import nodes

from goodcall.brief.build import build_brief
from goodcall.brief.document import Document, Item, Section
from goodcall.brief.model import Brief
from goodcall.brief.render import brief_document, environment, layout, render_text
from goodcall.catalog.compile import CompiledCatalog, compile_catalog
from goodcall.catalog.engine import evaluate_offers
from goodcall.catalog.model import Catalog
from goodcall.profiles.build import build_profiles
from tests.brief.batches import batch, rounds
from tests.brief.conftest import tables_from_rows
from tests.brief.language import (
    FRENCH_WORDS,
    data_strings,
    document_text,
    language_leaks,
    register_slips,
    without,
    words,
)
from tests.brief.varied import AT, populations
from tests.policy.helpers import profiles


def _template_data(name: str) -> str:
    """The literal text of a template (what it says outside ``{{ }}`` and ``{% %}``)."""
    tree = environment("text").parse(
        environment("text").loader.get_source(environment("text"), name)[0]
    )  # type: ignore[union-attr]
    return "\n".join(n.data for n in tree.find_all(nodes.TemplateData))


def _template_strings(name: str) -> str:
    """The string constants a template prints: dictionary values and constants in ``{{ }}``.

    Dictionary keys and constants in tests (``code == "same_os"``) are codes, never shown.
    """
    env = environment("text")
    tree = env.parse(env.loader.get_source(env, name)[0])  # type: ignore[union-attr]
    shown: list[str] = []
    for pair in tree.find_all(nodes.Pair):
        shown += [c.value for c in pair.value.find_all(nodes.Const) if isinstance(c.value, str)]
        if isinstance(pair.value, nodes.Const) and isinstance(pair.value.value, str):
            shown.append(pair.value.value)
    for output in tree.find_all(nodes.Output):
        for expr in output.nodes:
            if isinstance(expr, nodes.TemplateData):
                continue
            shown += [c.value for c in expr.find_all(nodes.Const) if isinstance(c.value, str)]
    assert len(shown) > 20, name
    return "\n".join(shown)


def test_layouts_have_no_words_of_their_own() -> None:
    """Every word a brief shows comes from a language module: layouts hold markup only.

    The layouts are rendered with a document whose every text is a placeholder; once the
    placeholder, the tags and the style sheet are removed, no letter may remain.
    """
    item = Item("§", "note", ("§",))
    section = Section("opening", 2, "§", (item, Item("§", "say"), Item("§", "warn")))
    doc = Document.of("fr", "fr-CA", "§", "§", "§", (section,))
    for flavour in ("text", "html"):
        out = layout(flavour).render(d=doc, page=True)  # type: ignore[arg-type]
        out = re.sub(r"<style>.*?</style>|<[^>]*>", " ", out, flags=re.S).replace("§", "")
        assert re.findall(r"[A-Za-zÀ-ÿ]", out) == [], (flavour, out)


def test_french_texts_have_no_english_and_english_no_french() -> None:
    for name, lang in (("fr.j2", "fr"), ("en.j2", "en")):
        literal = _template_data(name) + "\n" + _template_strings(name)
        literal = re.sub(r"\{#.*?#\}", " ", literal, flags=re.S)
        assert language_leaks(literal, lang) == set(), name


def test_the_checks_catch_what_they_are_for() -> None:
    """The checkers themselves: a leak and each kind of register slip are found."""
    assert language_leaks("Appareil : the customer uses", "fr") == {"the", "customer", "uses"}
    assert language_leaks("Device: le forfait est", "en") == {"le", "forfait", "est"}
    assert register_slips("Est-ce que tu as ton téléphone? Je t'appelle.", formal=True) == [
        "tu",
        "ton",
        "t'",
    ]
    assert register_slips("A-t-il cette offre? Vous êtes, tutoiement.", formal=True) == []
    assert register_slips("As-tu deux minutes?", formal=True) == ["tu"]
    assert register_slips("Avez-vous votre appareil?", formal=False) == ["vous", "votre"]
    assert "vous" in FRENCH_WORDS


def check_brief(
    brief: Brief,
    profile: dict[str, Any],
    rows: list[dict[str, Any]],
    catalog: Catalog,
    d: Document | None = None,
    text: str | None = None,
) -> None:
    """Every check on one brief; ``d`` and ``text`` are its document and text when the brief
    came from a batch (else they are rendered here, one brief at a time)."""
    a = brief.address
    d = brief_document(brief) if d is None else d
    full = document_text(d)
    data = data_strings(brief, catalog)
    clean = without(full, data)
    assert language_leaks(clean, a.lang) == set(), full
    if a.lang == "fr":
        assert register_slips(clean, formal=a.formal) == [], full
    # excluded offers appear only in "Do not"
    excluded = [catalog.offer(r["offer_id"]) for r in rows if not r["eligible"]]
    # The customer's own devices and plans are facts, even when an excluded offer shares the name
    # (someone who owns a Galaxy A56 is not offered one, and the brief says what they own).
    owned = [x for ln in brief.knowledge.lines for x in (ln.device_model, ln.plan_name)]
    outside = without(document_text(d, skip=("avoid",)), sorted(owned, key=len, reverse=True))
    for offer in excluded:
        assert getattr(offer.name, a.lang) not in outside, (offer.id, outside)
    for item in brief.avoid.offers:
        if item.line_id is None:
            assert set(item.offer_ids) <= {o.id for o in excluded}
        else:  # named under a line: the engine excludes them when judging that very line
            on_line = excluded_on_line(profile, item.line_id, catalog, brief.at)
            assert set(item.offer_ids) <= on_line
    check_facts(brief, profile)
    assert (render_text(brief) if text is None else text).count("\n") > 20


def excluded_on_line(
    profile: dict[str, Any], line_id: str, catalog: Catalog, at: dt.datetime
) -> set[str]:
    """The offers the catalog engine excludes for this customer when judging ``line_id``."""
    wanted = profiles(profile).with_columns(pl.lit(line_id, pl.String).alias("call_line"))
    rows = evaluate_offers(wanted, compile_catalog(catalog), at, line_column="call_line")
    judged = rows.filter(~pl.col("eligible")).collect()
    return set(judged["offer_id"])


def check_facts(brief: Brief, p: dict[str, Any]) -> None:
    """Every fact field of the brief against the profile row."""
    a, k = brief.address, brief.knowledge
    assert (a.first_name, a.last_name, a.language, a.formality) == (
        p["first_name"],
        p["last_name"],
        p["language"],
        p["register"],
    )
    if a.formality == "informal":
        assert a.spoken_name == p["preferred_name"]
    else:
        assert a.spoken_name.endswith(p["last_name"])
    assert k.tenure_months == p["tenure_months"]
    assert k.device_age_months == p["device_age_months"]
    assert len(k.lines) == p["lines_count"]
    primary = k.primary
    assert primary is not None
    assert (primary.device_make, primary.device_model, primary.device_os) == (
        p["device_make"],
        p["device_model"],
        p["device_os"],
    )
    assert k.plan is not None
    assert (k.plan.plan_id, k.plan.plan_tier, k.plan.plan_is_top) == (
        p["plan_id"],
        p["plan_tier"],
        p["plan_is_top"],
    )
    assert k.plan.data_usage_gb == pytest.approx(p["data_usage_gb"])
    assert k.plan.plan_data_gb == p["plan_data_gb"]
    assert {(e.promotion_id, e.at) for e in k.redeemed} == {
        (e["promotion_id"], e["at"]) for e in p["promotion_history"] if e["event"] == "redeemed"
    }
    assert {(e.promotion_id, e.at) for e in k.seen} == {
        (e["promotion_id"], e["at"]) for e in p["promotion_history"] if e["event"] == "seen"
    }
    treated = sorted(
        (c["at"] for c in p["contact_history"] if c["group"] == "treatment"), reverse=True
    )
    assert [c.at for c in k.last_contacts] == treated[:3]
    assert {c.case_id for c in k.open_cases} == {c["case_id"] for c in p["open_cases"]}
    if p["has_open_complaint"]:
        assert "complaint" in brief.opening.acknowledge


def _briefs_for(
    population: dict[str, list[dict[str, Any]]], compiled: CompiledCatalog, catalog: Catalog
) -> int:
    """Every eligible phone offer of every customer, briefed in batches and checked; the first
    round is also built one brief at a time, which must read the same."""
    profiles = build_profiles(tables_from_rows(population), AT).collect()
    evaluated = evaluate_offers(profiles.lazy(), compiled, AT).collect()
    by_id = {p["customer_id"]: p for p in profiles.iter_rows(named=True)}
    count = 0
    for number, contacts in enumerate(rounds(evaluated, catalog)):
        for brief, d, text in batch(contacts, profiles, evaluated, catalog, AT):
            profile = by_id[brief.customer_id]
            rows = evaluated.filter(pl.col("customer_id") == brief.customer_id).to_dicts()
            check_brief(brief, profile, rows, catalog, d, text)
            if number == 0:
                single = build_brief(profile, brief.offer_id, "phone", catalog, rows, AT)
                assert render_text(single) == text
            count += 1
    return count


def _every_brief(examples: int) -> Any:
    """The property at ``examples`` generated populations (about 4 s each): a few in
    ``make test``, more in the ``slow`` twin."""

    @settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(population=populations())
    def check(
        population: dict[str, list[dict[str, Any]]], compiled: CompiledCatalog, catalog: Catalog
    ) -> None:
        _briefs_for(population, compiled, catalog)

    return check


test_every_brief_of_generated_customers = _every_brief(4)
test_every_brief_of_generated_customers_slow = pytest.mark.slow(_every_brief(25))


def test_generated_customers_do_get_briefs(compiled: CompiledCatalog, catalog: Catalog) -> None:
    """Guard against the property test passing vacuously: a fixed draw yields many briefs."""
    from hypothesis import find

    population = find(populations(max_size=6), lambda p: len(p["customers"]) == 6)
    assert _briefs_for(population, compiled, catalog) >= 6


def test_words_helper_keeps_apostrophes() -> None:
    assert words("L'offre n'est pas") == ["l'offre", "n'est", "pas"]
    assert dt.UTC
