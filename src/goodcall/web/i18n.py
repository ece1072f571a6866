"""The page's words in French and English (the brief has its own, in the customer's language)."""

from __future__ import annotations

from typing import Literal

from goodcall.brief.model import OUTCOMES

Lang = Literal["fr", "en"]

WORDS: dict[str, dict[Lang, str]] = {
    "title": {"fr": "Poste de l'agent", "en": "Agent's desk"},
    "login": {"fr": "Connexion", "en": "Log in"},
    "user": {"fr": "Identifiant", "en": "User"},
    "password": {"fr": "Mot de passe", "en": "Password"},
    "bad_login": {"fr": "Identifiant ou mot de passe incorrect.", "en": "Wrong user or password."},
    "logout": {"fr": "Déconnexion", "en": "Log out"},
    "next_call": {"fr": "Prochain appel", "en": "Next call"},
    "no_call": {
        "fr": "Aucun appel possible maintenant dans vos langues.",
        "en": "No call can be made now in your languages.",
    },
    "no_campaign": {
        "fr": "Aucune campagne dans la base : pas de file d'appels.",
        "en": "No campaign in the store: no call queue.",
    },
    "window_closes": {"fr": "La fenêtre se ferme dans", "en": "The window closes in"},
    "minutes": {"fr": "min", "en": "min"},
    "offer": {"fr": "Offre", "en": "Offer"},
    "line": {"fr": "Ligne", "en": "Line"},
    "look_up": {"fr": "Ouvrir un client", "en": "Open a customer"},
    "open": {"fr": "Ouvrir", "en": "Open"},
    "customer": {"fr": "Client", "en": "Customer"},
    "unknown_customer": {"fr": "Client inconnu", "en": "Unknown customer"},
    "brief": {"fr": "Fiche d'appel", "en": "Call brief"},
    "outcome": {"fr": "Issue de l'appel", "en": "How the call ended"},
    "callback_at": {"fr": "Rappeler le", "en": "Call back at"},
    "recorded": {"fr": "Enregistré", "en": "Recorded"},
    "already": {"fr": "Déjà enregistré", "en": "Already recorded"},
    "next": {"fr": "Appel suivant", "en": "Next call"},
    "keys": {
        "fr": "Touches 1 à 7 : issue de l'appel ; Tab : se déplacer ; Entrée : valider.",
        "en": "Keys 1 to 7: how the call ended; Tab: move; Enter: confirm.",
    },
    "accepted": {"fr": "Accepté", "en": "Accepted"},
    "declined": {"fr": "Refusé", "en": "Declined"},
    "callback": {"fr": "Rappeler…", "en": "Call back at…"},
    "no_answer": {"fr": "Pas de réponse", "en": "No answer"},
    "voicemail": {"fr": "Boîte vocale", "en": "Voicemail"},
    "dnc_request": {"fr": "Ne plus appeler", "en": "Do not call"},
    "complaint": {"fr": "Plainte", "en": "Complaint"},
    "supervisor": {"fr": "Supervision", "en": "Supervisor"},
    "campaigns": {"fr": "Campagnes", "en": "Campaigns"},
    "no_campaigns": {"fr": "Aucune campagne dans la base.", "en": "No campaign in the store."},
    "decided": {"fr": "Décidée le", "en": "Decided at"},
    "plan": {"fr": "Plan", "en": "Plan"},
    "unknown_campaign": {"fr": "Campagne inconnue", "en": "Unknown campaign"},
    "refreshes": {
        "fr": "La page se met à jour toutes les 30 secondes.",
        "en": "The page refreshes every 30 seconds.",
    },
    "supervisors_only": {
        "fr": "Cette page est réservée aux analystes et aux administrateurs.",
        "en": "This page is for analysts and admins.",
    },
    "not_yours": {
        "fr": "Ce client n'est pas dans votre file d'appels.",
        "en": "This customer is not in your queue.",
    },
    "forbidden": {
        "fr": "Cette page est réservée aux agents.",
        "en": "This page is for agents.",
    },
}
assert all(o in WORDS for o in OUTCOMES)


def words(lang: Lang) -> dict[str, str]:
    return {key: texts[lang] for key, texts in WORDS.items()}


def pick_language(asked: str | None, accept: str | None, default: Lang = "en") -> Lang:
    """``?lang=`` first, then the browser's Accept-Language, else ``default``."""
    for candidate in (asked, *(accept or "").split(",")):
        if candidate and candidate.strip()[:2].lower() in ("fr", "en"):
            return "fr" if candidate.strip()[:2].lower() == "fr" else "en"
    return default
