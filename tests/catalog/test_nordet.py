"""The shipped Nordet Mobile catalog agrees with the carrier's offer facts and reads right.

The synthetic world decides who wants what from ``goodcall.truth.offers.OFFERS``; the catalog
decides who may be offered what. If the two drift (a handset for the wrong OS, a plan to the wrong
tier, a promotion that differs), every measurement on the demo would be wrong — hence this test.
"""

from __future__ import annotations

import re

import pytest

from goodcall.catalog.compile import compile_catalog
from goodcall.catalog.loader import load_catalog
from goodcall.catalog.model import Offer
from goodcall.profiles.nordet import PLANS, PROMOTIONS
from goodcall.truth.offers import OFFERS

CATALOG = load_catalog()
SPECS = {spec.offer_id: spec for spec in OFFERS}


def test_exactly_the_carriers_thirty_offers_in_the_same_order() -> None:
    assert [o.id for o in CATALOG.offers] == [spec.offer_id for spec in OFFERS]
    assert len(CATALOG.offers) == 30


@pytest.mark.parametrize("offer", CATALOG.offers, ids=lambda o: o.id)
def test_offer_facts_match_the_carrier(offer: Offer) -> None:
    spec = SPECS[offer.id]
    assert offer.kind == spec.kind
    assert offer.value == spec.value
    assert offer.cost == spec.cost
    assert offer.target.device_os == spec.target_os
    assert offer.target.device_make == spec.target_make
    assert offer.target.plan_tier == spec.plan_tier
    assert offer.promotion_id == spec.promotion_id


@pytest.mark.parametrize("offer", CATALOG.offers, ids=lambda o: o.id)
def test_plan_targets_name_the_carriers_plan_of_that_tier(offer: Offer) -> None:
    if offer.target.plan_id is None:
        return
    plan = next(p for p in PLANS if p.plan_id == offer.target.plan_id)
    assert plan.tier == offer.target.plan_tier


def test_promotions_are_the_carriers() -> None:
    assert set(CATALOG.promotions) == {p.promotion_id for p in PROMOTIONS}
    holiday = [o for o in CATALOG.offers if o.promotion_id == "PROMO_FETES_2026"]
    assert {o.valid_from.isoformat() for o in holiday} == {"2026-11-15"}
    assert {str(o.valid_to) for o in holiday} == {"2026-12-31"}


VOUS = re.compile(r"\b(vous|votre|vos)\b", re.IGNORECASE)
TU = re.compile(r"\b(tu|ton|ta|tes|te|toi)\b|\bt'|\bt’", re.IGNORECASE)


def voiced_texts(offer: Offer) -> list[tuple[str, str, str]]:
    texts = [offer.why_we_call, *offer.talking_points]
    if offer.objection is not None:
        texts.append(offer.objection.answer)
    return [(t.fr_formal, t.fr_informal, t.en) for t in texts]


@pytest.mark.parametrize("offer", CATALOG.offers, ids=lambda o: o.id)
def test_formal_french_says_vous_and_informal_says_tu(offer: Offer) -> None:
    for formal, informal, english in voiced_texts(offer):
        assert not TU.search(formal), formal
        assert not VOUS.search(informal), informal
        if VOUS.search(formal):
            assert TU.search(informal), (formal, informal)
        assert english and english != formal


@pytest.mark.parametrize("offer", CATALOG.offers, ids=lambda o: o.id)
def test_texts_shown_in_both_registers_say_neither_tu_nor_vous(offer: Offer) -> None:
    """Names, objections and exclusion reasons appear in formal and informal briefs alike."""
    texts = [offer.name.fr, *(rule.because.fr for _, rule in offer.rules())]
    if offer.objection is not None:
        texts.append(offer.objection.objection.fr)
    for text in texts:
        assert not VOUS.search(text), text
        assert not TU.search(text), text


def test_the_catalog_compiles_with_builtin_checks_where_they_belong() -> None:
    compiled = compile_catalog(CATALOG)
    for offer in compiled.offers:
        codes = {c.code for c in offer.checks}
        spec = SPECS[offer.id]
        assert ("catalog.applicability.device_os" in codes) == (spec.target_os is not None)
        assert ("catalog.applicability.not_an_upgrade" in codes) == (spec.kind == "plan")
        assert ("catalog.applicability.promotion_redeemed" in codes) == (
            spec.promotion_id is not None
        )
        assert [n.code for n in offer.notices] == (
            ["catalog.notice.promotion_seen"] if spec.promotion_id else []
        )


@pytest.mark.parametrize("offer", CATALOG.offers, ids=lambda o: o.id)
def test_two_or_three_talking_points_and_an_answered_objection(offer: Offer) -> None:
    """The brief gives the agent 2–3 talking points and the answer to the likely objection."""
    assert 2 <= len(offer.talking_points) <= 3, len(offer.talking_points)
    assert offer.objection is not None
    assert offer.objection.objection.fr.strip() and offer.objection.objection.en.strip()
    answer = offer.objection.answer
    assert answer.fr_formal.strip() and answer.fr_informal.strip() and answer.en.strip()
    points = [p.fr_formal for p in offer.talking_points]
    assert len(set(points)) == len(points), "a talking point repeats"


def french_texts(offer: Offer) -> list[str]:
    texts = [offer.name.fr, *(rule.because.fr for _, rule in offer.rules())]
    for voiced in (offer.why_we_call, *offer.talking_points):
        texts += [voiced.fr_formal, voiced.fr_informal]
    if offer.objection is not None:
        texts += [offer.objection.objection.fr]
        texts += [offer.objection.answer.fr_formal, offer.objection.answer.fr_informal]
    return texts


def english_texts(offer: Offer) -> list[str]:
    texts = [offer.name.en, *(rule.because.en for _, rule in offer.rules())]
    texts += [offer.why_we_call.en, *(p.en for p in offer.talking_points)]
    if offer.objection is not None:
        texts += [offer.objection.objection.en, offer.objection.answer.en]
    return texts


# Words Quebec French has a natural word for: forfait, données, itinérance, cellulaire, annuler…
ANGLICISMS = re.compile(
    r"\b(plan|plans|data|roaming|cell|cellphone|upgrade|upgrader|deal|bill|canceller|"
    r"canceler|céduler|checker|switcher|downloader|chatter|call|full|cool|cash|refund)\b",
    re.IGNORECASE,
)
MONEY_FR_WRONG = re.compile(r"\$\s*[\d{]")  # « $10 » — French writes « 10 $ »
MONEY_EN_WRONG = re.compile(r"[\d}]\s*\$")  # "10 $" — English writes "$10"


@pytest.mark.parametrize("offer", CATALOG.offers, ids=lambda o: o.id)
def test_french_has_no_anglicism_and_money_is_written_each_way(offer: Offer) -> None:
    for text in french_texts(offer):
        assert not ANGLICISMS.search(text), text
        assert not MONEY_FR_WRONG.search(text), text
    for text in english_texts(offer):
        assert not MONEY_EN_WRONG.search(text), text


@pytest.mark.parametrize("offer", CATALOG.offers, ids=lambda o: o.id)
def test_exclusion_reasons_never_say_il_or_le_client(offer: Offer) -> None:
    """The customer may be a woman: reasons speak of the line, the account or « la personne »."""
    he = re.compile(r"\b(client|cliente|il utilise|il a|il n'|son appareil|sa ligne)\b", re.I)
    for _, rule in offer.rules():
        assert not he.search(rule.because.fr), rule.because.fr
        assert not re.search(r"\b(he|she|his|her)\b", rule.because.en, re.I), rule.because.en
