"""Service cases: complaints, repairs, billing disputes, number porting.

Assumptions: 8 % of customers had a case in the last two years (complaint 30 %, repair 35 %,
billing 25 %, porting 10 %); a case opened in the last 30 days is still open 60 % of the time,
in the last 90 days 15 %, older 3 %. Half of the complaints made during a contact of the history
also opened a complaint case (open if under three weeks old). Summaries are one line for the
agent, in the customer's language.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from goodcall.profiles.frames import table_schema
from goodcall.profiles.schema import CASES
from goodcall.synth.draws import (
    MICROS_PER_DAY,
    choose,
    instants,
    last_event_day,
    local_to_utc,
    pick,
    uniform_days,
)
from goodcall.synth.people import People

KINDS = ("complaint", "repair", "billing", "porting")
KIND_WEIGHTS = (30, 35, 25, 10)
SUMMARIES: dict[tuple[str, str], tuple[str, ...]] = {
    ("complaint", "fr"): (
        "Mécontent du service à la clientèle",
        "Plainte : appels de sollicitation répétés",
        "Réseau faible à domicile",
    ),
    ("complaint", "en"): (
        "Unhappy with customer service",
        "Complaint: repeated sales calls",
        "Weak coverage at home",
    ),
    ("repair", "fr"): ("Écran fissuré — réparation", "Batterie qui se vide vite", "Ne charge plus"),
    ("repair", "en"): ("Cracked screen — repair", "Battery drains fast", "Stopped charging"),
    ("billing", "fr"): (
        "Frais d'itinérance contestés",
        "Double facturation du mois",
        "Crédit promotionnel non appliqué",
    ),
    ("billing", "en"): (
        "Disputed roaming charges",
        "Billed twice this month",
        "Promotional credit not applied",
    ),
    ("porting", "fr"): ("Transfert de numéro en attente", "Transfert de numéro échoué"),
    ("porting", "en"): ("Number transfer pending", "Number transfer failed"),
}
CASE_SHARE = 0.08


def _summaries(rng: np.random.Generator, kind: np.ndarray, french: np.ndarray) -> pl.Series:
    flat: list[str] = []
    offset = np.zeros(kind.size, dtype=np.int64)
    length = np.ones(kind.size, dtype=np.int64)
    for (k, lang), texts in SUMMARIES.items():
        rows = (kind == k) & (french == (lang == "fr"))
        offset[rows] = len(flat)
        length[rows] = len(texts)
        flat.extend(texts)
    index = offset + np.floor(rng.random(kind.size) * length).astype(np.int64)
    return pick(flat, index, "summary")


def _status(rng: np.random.Generator, age_days: np.ndarray) -> np.ndarray:
    p_open = np.where(age_days <= 30, 0.6, np.where(age_days <= 90, 0.15, 0.03))
    return np.where(rng.random(age_days.size) < p_open, "open", "closed")


def make_cases(rng: np.random.Generator, people: People, as_of_day: int) -> pl.DataFrame:
    """Cases opened before the contact history is drawn."""
    rows = np.flatnonzero(rng.random(people.number.size) < CASE_SHARE)
    kind = np.asarray(KINDS)[choose(rng, KIND_WEIGHTS, rows.size)]
    day = uniform_days(
        rng,
        np.maximum(people.since[rows], as_of_day - 730),
        np.full(rows.size, last_event_day(as_of_day)),
    )
    at = local_to_utc(day, rng.integers(8 * 60, 21 * 60, rows.size), people.zone[rows])
    number = pl.Series(people.number[rows]).cast(pl.String).str.zfill(8)
    frame = pl.DataFrame(
        [
            ("CS-" + number + "-B").alias("case_id"),
            people.frame["customer_id"].gather(pl.Series(rows)),
            pl.Series("kind", kind),
            pl.Series("status", _status(rng, as_of_day - day)),
            instants("opened_at", at),
            _summaries(rng, kind, people.french[rows]),
        ]
    )
    return frame.cast(dict(table_schema(CASES)))  # type: ignore[arg-type]


def complaint_cases(
    rng: np.random.Generator, complaints: pl.DataFrame, people: People, as_of_day: int
) -> pl.DataFrame:
    """Cases opened by half of the complaints of the contact history."""
    picked = complaints.filter(pl.Series(rng.random(complaints.height) < 0.5))
    index = pl.DataFrame(
        {"customer_id": people.frame["customer_id"], "_row": np.arange(people.number.size)}
    )
    picked = picked.join(index, on="customer_id", how="left", maintain_order="left")
    row = picked["_row"].to_numpy()
    at_micros = picked["at"].dt.epoch("us").to_numpy() + 600_000_000
    age_days = as_of_day - at_micros // MICROS_PER_DAY
    french = people.french[row]
    text = pl.select(
        pl.when(pl.lit(pl.Series(french)))
        .then("Plainte après un appel — offre " + pl.lit(picked["offer_id"]))
        .otherwise("Complaint after a call — offer " + pl.lit(picked["offer_id"]))
    ).to_series()
    frame = pl.DataFrame(
        [
            ("CS-" + picked["contact_id"].str.slice(2)).alias("case_id"),
            picked["customer_id"],
            pl.Series("kind", ["complaint"] * picked.height, dtype=pl.String),
            pl.Series("status", np.where(age_days <= 21, "open", "closed"), dtype=pl.String),
            instants("opened_at", at_micros),
            text.alias("summary"),
        ]
    )
    return frame.cast(dict(table_schema(CASES)))  # type: ignore[arg-type]
