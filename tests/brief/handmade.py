"""Hand-made inputs in the exact formats the brief consumes, independent of the catalog engine.

A small catalog (the demo carrier's offer ids and kinds), engine rows written out by hand and a
reason wording with ``reason_text``'s signature: the brief's own logic can be tested on exact
inputs, and the end-to-end tests use the real engine on top.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from goodcall.catalog.model import Bilingual, Catalog, Objection, Offer, Target, Voiced


def _voiced(fr_formal: str, fr_informal: str, en: str) -> Voiced:
    return Voiced(fr_formal=fr_formal, fr_informal=fr_informal, en=en)


def _offer(oid: str, kind: str, fr: str, en: str, **extra: Any) -> Offer:
    return Offer.model_validate(
        {
            "id": oid,
            "kind": kind,
            "name": Bilingual(fr=fr, en=en),
            "why_we_call": _voiced(
                "Votre {device_model} commence à dater, et nous avons une offre pour le remplacer.",
                "Ton {device_model} commence à dater, et on a une offre pour le remplacer.",
                "Your {device_model} is getting on, and we have an offer to replace it.",
            ),
            "talking_points": [
                _voiced(
                    "Le nouvel appareil garde vos applications et vos photos.",
                    "Le nouvel appareil garde tes applications et tes photos.",
                    "The new device keeps your apps and photos.",
                ),
                _voiced(
                    "Vous pouvez tout faire en ligne, à votre rythme.",
                    "Tu peux tout faire en ligne, à ton rythme.",
                    "You can do it all online, at your own pace.",
                ),
                _voiced(
                    "Le prix est garanti pendant deux ans.",
                    "Le prix est garanti pendant deux ans.",
                    "The price is locked in for two years.",
                ),
                _voiced(
                    "Quatrième point, jamais affiché.",
                    "Quatrième point, jamais affiché.",
                    "Fourth point, never shown.",
                ),
            ],
            "objection": Objection(
                objection=Bilingual(fr="C’est trop cher.", en="It’s too expensive."),
                answer=_voiced(
                    "Je comprends. Le montant mensuel reste celui que vous payez déjà.",
                    "Je comprends. Le montant mensuel reste celui que tu paies déjà.",
                    "I understand. The monthly amount stays what you already pay.",
                ),
            ),
            "value": 100.0,
            "channels": ["phone", "email", "app"],
            "valid_from": "2026-01-01",
            **extra,
        }
    )


CATALOG = Catalog(
    company=Bilingual(fr="Nordet Mobile", en="Nordet Mobile"),
    promotions={
        "PROMO_FETES_2026": Bilingual(fr="Promo des Fêtes 2026", en="Holiday promotion 2026"),
        "PROMO_ULT_2024": Bilingual(fr="Ultime à prix réduit", en="Ultimate at a reduced price"),
    },
    offers=[
        _offer(
            "HS_IPHONE17_FETES",
            "handset",
            "iPhone 17 des Fêtes",
            "Holiday iPhone 17",
            promotion_id="PROMO_FETES_2026",
            target=Target(device_os="iOS", device_make="Apple"),
        ),
        _offer(
            "HS_GALAXY_S25_FETES",
            "handset",
            "Galaxy S25 des Fêtes",
            "Holiday Galaxy S25",
            promotion_id="PROMO_FETES_2026",
            target=Target(device_os="Android", device_make="Samsung"),
        ),
        _offer(
            "HS_LG_VELVET_CLEARANCE",
            "handset",
            "LG Velvet en liquidation",
            "LG Velvet clearance",
            target=Target(device_os="Android", device_make="LG"),
        ),
        _offer(
            "PL_UP_MAX_60",
            "plan",
            "Passage à Max 60 Go",
            "Move up to Max 60 GB",
            target=Target(plan_tier=4),
        ),
        _offer(
            "PL_UP_ULT_150",
            "plan",
            "Passage à Ultime 150 Go",
            "Move up to Ultimate 150 GB",
            target=Target(plan_tier=5),
        ),
        _offer("AO_CLOUD_200", "addon", "Nuage 200 Go", "Cloud 200 GB"),
        _offer("RT_LOYALTY_CREDIT", "retention", "Crédit fidélité", "Loyalty credit"),
    ],
)


def row(
    customer_id: str,
    offer_id: str,
    eligible: bool,
    code: str = "",
    evidence: str = "",
    notices: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """One row of evaluate_offers, as the engine produces it."""
    reasons = [{"code": "catalog.eligibility.valid", "ok": True, "rule": "valid", "evidence": ""}]
    if not eligible:
        reasons.append({"code": code, "ok": False, "rule": code, "evidence": evidence})
    return {
        "customer_id": customer_id,
        "offer_id": offer_id,
        "eligible": eligible,
        "failed_tier": None if eligible else code.split(".")[1],
        "reasons": reasons,
        "notices": notices or [],
    }


def reason_text(
    reason: dict[str, Any], profile: Mapping[str, Any], catalog: Catalog, offer_id: str, lang: str
) -> str:
    """A wording with reason_text's signature, for the codes the hand-made rows use."""
    code = reason["code"]
    if code == "catalog.applicability.device_os":
        who = {"fr": "le client utilise un", "en": "the customer uses an"}[lang]
        return f"{who} {profile['device_model']} ({profile['device_os']})"
    if code == "catalog.applicability.plan_tier":
        plan = {"fr": "le client a déjà", "en": "the customer already has"}[lang]
        return f"{plan} {profile['plan_id']}"
    return {"fr": "exclue par les règles", "en": "excluded by the rules"}[lang]


SEEN = {"code": "catalog.notice.promotion_seen", "ok": False, "rule": "seen", "evidence": ""}


def seed_rows(customer_id: str) -> list[dict[str, Any]]:
    """The engine's verdicts for the seed customer (iPhone 13, top plan, saw the promotion)."""
    os_ = "catalog.applicability.device_os"
    tier = "catalog.applicability.plan_tier"
    return [
        row(customer_id, "HS_IPHONE17_FETES", True, notices=[SEEN]),
        row(customer_id, "HS_GALAXY_S25_FETES", False, os_, "device_os=iOS"),
        row(customer_id, "HS_LG_VELVET_CLEARANCE", False, os_, "device_os=iOS"),
        row(customer_id, "PL_UP_MAX_60", False, tier, "plan_tier=5"),
        row(customer_id, "PL_UP_ULT_150", False, tier, "plan_tier=5"),
        row(customer_id, "AO_CLOUD_200", True),
        row(customer_id, "RT_LOYALTY_CREDIT", True),
    ]
