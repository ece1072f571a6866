"""The supervisor's view of a campaign as HTML: the page's body (``/campaigns/{id}``) and the same
thing as one self-contained file (``goodcall campaign report --html``).

Charts are SVG drawn by the templates from the geometry computed here (no chart library, no
script, no external reference): the style sheet is inlined in both forms, so the exported file
opens anywhere, offline. French or English.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from jinja2 import Environment, FileSystemLoader, select_autoescape

from goodcall.campaign.overview import CampaignOverview

Lang = Literal["fr", "en"]
TEMPLATES = Path(__file__).parent / "templates"
BAR_WIDTH = 520  # px of the longest bar
_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["j2", "html"]))

WORDS: dict[str, dict[Lang, str]] = {
    "campaign": {"fr": "Campagne", "en": "Campaign"},
    "decided_at": {"fr": "décidée le", "en": "decided at"},
    "customers": {"fr": "Clients", "en": "Customers"},
    "contacts": {"fr": "Contacts", "en": "Contacts"},
    "calls": {"fr": "Appels", "en": "Calls"},
    "control": {"fr": "Groupe témoin", "en": "Control group"},
    "ev": {"fr": "Valeur attendue", "en": "Expected value"},
    "withdrawn": {"fr": "Retirés (ne plus appeler)", "en": "Withdrawn (do not call)"},
    "funnel": {"fr": "Entonnoir : qui chaque règle a écarté",
               "en": "Funnel: whom each rule removed"},
    "mix": {"fr": "Offres × canaux", "en": "Offers × channels"},
    "hours": {"fr": "Appels par heure (UTC) et capacité",
              "en": "Calls per hour (UTC) and capacity"},
    "capacity": {"fr": "capacité", "en": "capacity"},
    "outcomes": {"fr": "Issues reçues", "en": "Outcomes received"},
    "no_outcome": {"fr": "Aucune issue reçue pour l'instant.", "en": "No outcome received yet."},
    "converted": {"fr": "clients convertis", "en": "customers converted"},
    "uplift": {"fr": "Gain mesuré contre le groupe témoin",
               "en": "Measured uplift vs the control group"},
    "interval": {"fr": "intervalle à", "en": "interval"},
    "scope": {"fr": "Portée", "en": "Scope"},
    "treated": {"fr": "traités", "en": "treated"},
    "rate": {"fr": "taux", "en": "rate"},
    "not_yet": {"fr": "pas encore mesurable", "en": "not measurable yet"},
    "no_decisions": {"fr": "Pas de decisions.parquet : ni entonnoir ni mesure.",
                     "en": "No decisions.parquet: no funnel, no measurement."},
    "offer": {"fr": "Offre", "en": "Offer"},
    "none": {"fr": "Aucun contact.", "en": "No contact."},
    "contact": {"fr": "contacté", "en": "contacted"},
    "no_contact": {"fr": "écarté", "en": "removed"},
    "pp": {"fr": "points", "en": "points"},
    "other_capacity": {"fr": "Autres capacités du plan (utilisé / disponible)",
                       "en": "The plan's other capacities (used / available)"},
}  # fmt: skip
OUTCOME_WORDS: dict[str, dict[Lang, str]] = {
    "accepted": {"fr": "accepté", "en": "accepted"},
    "declined": {"fr": "refusé", "en": "declined"},
    "callback": {"fr": "rappel", "en": "call back"},
    "no_answer": {"fr": "pas de réponse", "en": "no answer"},
    "voicemail": {"fr": "boîte vocale", "en": "voicemail"},
    "abandoned": {"fr": "abandonné (aucun agent)", "en": "abandoned (no agent)"},
    "dnc_request": {"fr": "ne plus appeler", "en": "do not call"},
    "complaint": {"fr": "plainte", "en": "complaint"},
    "not_contacted": {"fr": "non contacté", "en": "not contacted"},
}


@dataclass(frozen=True)
class Bar:
    label: str
    detail: str
    value: float
    width: float
    kind: str


def words(lang: Lang) -> dict[str, str]:
    return {key: texts[lang] for key, texts in WORDS.items()}


def _num(x: float, lang: Lang, digits: int = 0) -> str:
    if round(x, digits) == 0:
        x = 0.0  # never "-0"
    text = f"{x:,.{digits}f}"
    return text.replace(",", "\u202f").replace(".", ",") if lang == "fr" else text


def _pct(x: float | None, lang: Lang, sign: bool = False) -> str:
    if x is None:
        return "—"
    text = f"{100 * x:{'+' if sign else ''}.1f}"
    return (text.replace(".", ",") if lang == "fr" else text) + "\u202f%"


FUNNEL_LABELS: dict[str, dict[Lang, str]] = {
    "arbitration.best_ev": {"fr": "contactés : meilleure valeur", "en": "contacted: best value"},
    "arbitration.explore": {"fr": "contactés : exploration", "en": "contacted: exploration"},
    "campaign.control_group": {"fr": "groupe témoin", "en": "control group"},
}
"""The bars of the customers kept (the rules that removed someone keep their code, as
``explain`` shows it)."""


def _funnel(view: CampaignOverview, w: dict[str, str], lang: Lang) -> list[Bar]:
    top = max([s.customers for s in view.funnel] or [1])
    return [
        Bar(
            label=FUNNEL_LABELS.get(s.code, {}).get(lang)
            or (s.code if s.decision == "no_contact" else f"{w.get(s.decision)} · {s.code}"),
            detail=s.rule,
            value=s.customers,
            width=BAR_WIDTH * s.customers / top,
            kind=s.decision,
        )
        for s in view.funnel
    ]


def _mix(view: CampaignOverview) -> dict[str, Any]:
    offers = sorted({m.offer_id for m in view.mix})
    channels = sorted({m.channel for m in view.mix})
    top = max([m.contacts for m in view.mix] or [1])
    cells = {(m.offer_id, m.channel): m for m in view.mix}
    return {"offers": offers, "channels": channels, "cells": cells, "top": top}


def _hours(view: CampaignOverview) -> dict[str, Any]:
    top = max([h.calls for h in view.hours] + [h.capacity or 0 for h in view.hours] + [1])
    height = 160.0
    bars = [
        {
            "hour": h.hour[-2:] + "h",
            "day": h.hour[:10],
            "calls": h.calls,
            "capacity": h.capacity,
            "h": height * h.calls / top,
            "cap_h": None if h.capacity is None else height * h.capacity / top,
            "over": h.capacity is not None and h.calls > h.capacity,
        }
        for h in view.hours
    ]
    return {"bars": bars, "height": height, "step": 44}


SCOPES: dict[str, str] = {
    "contacted vs would-have-been-contacted": "contactés vs ceux qui l'auraient été",
    "intention to treat (whole groups)": "intention de traiter (groupes entiers)",
}


def _scope(scope: str, lang: Lang) -> str:
    if lang == "en":
        return scope
    return SCOPES.get(scope, scope.replace("offer ", "offre ", 1))


def _uplift(view: CampaignOverview, lang: Lang) -> dict[str, Any]:
    known = [u for u in view.uplift if u.lower is not None and u.upper is not None]
    span = max([abs(u.lower or 0) for u in known] + [abs(u.upper or 0) for u in known] + [0.01])
    half = 200.0

    def x(value: float) -> float:
        return half + half * value / span

    rows = [
        {
            "scope": _scope(u.scope, lang),
            "n": f"{u.n_treated:,} / {u.n_control:,}",
            "rates": f"{_pct(u.rate_treated, lang)} / {_pct(u.rate_control, lang)}",
            "effect": _pct(u.effect, lang, sign=True),
            "interval": ""
            if u.lower is None
            else f"[{_pct(u.lower, lang, True)}, {_pct(u.upper, lang, True)}]",
            "x": None if u.effect is None else x(u.effect),
            "x_low": None if u.lower is None else x(u.lower),
            "x_high": None if u.upper is None else x(u.upper),
            "p": u.p_value,
        }
        for u in view.uplift
    ]
    return {"rows": rows, "half": half, "span": _pct(span, lang, True), "neg": _pct(-span, lang)}


def context(view: CampaignOverview, lang: Lang) -> dict[str, Any]:
    """Everything the templates draw, in ``lang``."""
    w = words(lang)
    return {
        "v": view,
        "w": w,
        "lang": lang,
        "num": lambda x, d=0: _num(x, lang, d),
        "funnel": _funnel(view, w, lang),
        "mix": _mix(view),
        "hours": _hours(view),
        "uplift": _uplift(view, lang),
        "capacities": [
            {
                "name": c.name,
                "used": c.used,
                "capacity": c.capacity,
                "w": 200 * min(c.used / c.capacity, 1.0) if c.capacity else 0.0,
            }
            for c in view.capacities
        ],
        "outcomes": [(OUTCOME_WORDS.get(k, {}).get(lang, k), n) for k, n in view.outcomes.items()],
        "confidence": f"{100 * (1 - view.alpha):.0f}\u202f%",
        "css": (TEMPLATES / "report.css").read_text(encoding="utf-8"),
    }


def report_fragment(view: CampaignOverview, lang: Lang) -> str:
    """The report's body, with its style sheet inline (the page puts it in its layout)."""
    return _env.get_template("report.html.j2").render(context(view, lang))


def report_document(view: CampaignOverview, lang: Lang) -> str:
    """The report as one self-contained HTML document (``campaign report --html``)."""
    return _env.get_template("report_file.html.j2").render(context(view, lang))
