"""The story's customer and the five example briefs, through the real catalog engine."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from goodcall.brief.build import build_brief
from goodcall.brief.examples import AT, EXAMPLES
from goodcall.brief.model import Brief
from goodcall.brief.render import brief_document, render_text
from goodcall.catalog.model import Catalog
from goodcall.profiles.fixtures import SEED_CUSTOMER_ID
from tests.brief.conftest import profile_of, rows_of
from tests.brief.language import document_text, register_slips


def _brief(name: str, profiles: pl.DataFrame, evaluated: pl.DataFrame, catalog: Catalog) -> Brief:
    ex = next(e for e in EXAMPLES if e.name.startswith(name))
    profile = profile_of(profiles, ex.customer_id)
    return build_brief(
        profile, ex.offer_id, ex.channel, catalog, rows_of(evaluated, ex.customer_id), AT
    )


@pytest.fixture(scope="module")
def seed(example_profiles: pl.DataFrame, example_eval: pl.DataFrame, catalog: Catalog) -> Brief:
    return _brief("1-", example_profiles, example_eval, catalog)


def test_seed_says_vous_and_never_tu(seed: Brief) -> None:
    assert seed.customer_id == SEED_CUSTOMER_ID
    assert seed.address.formality == "formal"
    assert seed.address.spoken_name == "Monsieur Tremblay"
    text = render_text(seed)
    assert "«\u00a0Avez-vous deux minutes?" in text
    assert register_slips(text, formal=True) == []


def test_seed_names_his_iphone_and_his_plan_as_the_largest(seed: Brief) -> None:
    text = render_text(seed)
    assert seed.knowledge.primary is not None
    assert seed.knowledge.primary.device_model == "iPhone 13"
    assert "Appareil\u00a0: iPhone 13 (Apple, iOS), acheté en octobre 2022." in text
    assert seed.knowledge.plan is not None and seed.knowledge.plan.plan_is_top
    assert "Ultime 150 Go, notre plus gros forfait (85,00\u00a0$ par mois)" in text
    assert "40,9 Go utilisés en moyenne sur 150 Go (27\u00a0%" in text
    assert (
        "Ne supposez pas un forfait de base\u00a0: Ultime 150 Go, notre plus gros forfait." in text
    )


def test_seed_knows_he_saw_the_promotion(seed: Brief) -> None:
    seen = seed.offer.promotion_seen
    assert seen is not None and seen.promotion_id == "PROMO_FETES_2026" and seen.place == "app"
    text = render_text(seed)
    assert (
        "Promotion déjà vue dans l'application le 17 novembre 2026\u00a0: "
        "ne la présentez pas comme une nouveauté." in text
    )


def test_seed_never_hears_of_lg_outside_do_not(seed: Brief) -> None:
    d = brief_document(seed)
    assert "LG" not in document_text(d, skip=("avoid",))
    avoid = next(s for s in d.sections if s.key == "avoid")
    lg = [i.text for i in avoid.items if "LG" in i.text]
    assert len(lg) == 1
    assert lg[0].startswith("Ne proposez pas ") and "iPhone 13" in lg[0]


@pytest.mark.parametrize("example", [e.name for e in EXAMPLES])
def test_every_example_builds_in_its_register(
    example: str, example_profiles: pl.DataFrame, example_eval: pl.DataFrame, catalog: Catalog
) -> None:
    brief = _brief(example, example_profiles, example_eval, catalog)
    text = render_text(brief)
    if brief.address.lang == "fr":
        assert register_slips(text, formal=brief.address.formal) == []


def test_informal_french_says_tu(
    example_profiles: pl.DataFrame, example_eval: pl.DataFrame, catalog: Catalog
) -> None:
    brief = _brief("2-", example_profiles, example_eval, catalog)
    text = render_text(brief)
    assert brief.address.spoken_name == "Émilie"
    assert (
        "«\u00a0As-tu deux minutes? Sinon, je peux te rappeler au moment qui te convient.\u00a0»"
        in text
    )
    assert "Français, tutoiement (à sa demande)." in text


def test_english_uses_title_and_last_name_and_local_time(
    example_profiles: pl.DataFrame, example_eval: pl.DataFrame, catalog: Catalog
) -> None:
    brief = _brief("3-", example_profiles, example_eval, catalog)
    text = render_text(brief)
    assert "“Hello Ms. Raman, this is [your name] from Nordet Mobile.”" in text
    assert "Prepared November 20, 2026 at 7:00\u202fa.m., customer's time" in text
    # seen at 02:40 UTC on Nov 16, i.e. the evening of Nov 15 in Vancouver
    assert "by email on November 15, 2026: don't present it as news." in text


def test_family_lists_every_line(
    example_profiles: pl.DataFrame, example_eval: pl.DataFrame, catalog: Catalog
) -> None:
    brief = _brief("4-", example_profiles, example_eval, catalog)
    text = render_text(brief)
    assert [ln.user_label for ln in brief.knowledge.lines] == [
        None,
        "Sarah (spouse)",
        "Emma (daughter)",
        "Noah (son)",
    ]
    assert "Lines on the account (4):" in text
    assert "    - Emma (daughter): Galaxy A35 (Samsung, Android), Plus 20 GB plan" in text
    assert "“Hello Dave, this is [your name] from Nordet Mobile.”" in text


def test_recent_complaint_is_acknowledged_before_the_offer(
    example_profiles: pl.DataFrame, example_eval: pl.DataFrame, catalog: Catalog
) -> None:
    brief = _brief("5-", example_profiles, example_eval, catalog)
    assert brief.opening.acknowledge == ["complaint"]
    assert "complaint_first" in brief.avoid.topics
    opening = next(s for s in brief_document(brief).sections if s.key == "opening")
    texts = [i.text for i in opening.items]
    ack = next(n for n, t in enumerate(texts) if "signalé un problème le 12 novembre 2026" in t)
    why = next(n for n, t in enumerate(texts) if t.startswith("Pourquoi on appelle"))
    assert ack < why


def test_committed_examples_are_what_the_command_renders(tmp_path: Path) -> None:
    """docs/briefs/ is what `goodcall brief examples` writes today: a wording change in the
    catalog or the templates that is not re-rendered into the docs fails here."""
    from goodcall.brief.examples import render_examples

    docs = Path(__file__).resolve().parents[2] / "docs" / "briefs"
    written = render_examples(tmp_path)
    assert written, "no example was rendered"
    for path in written:
        committed = docs / path.name
        assert committed.exists(), f"{committed} is missing: run goodcall brief examples"
        assert path.read_text(encoding="utf-8") == committed.read_text(encoding="utf-8"), (
            f"{committed} is stale: run `goodcall brief examples --out docs/briefs`"
        )
