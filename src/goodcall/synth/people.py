"""Account holders: identity, locale, register, tenure and self-service habits.

Assumptions:

* geography and language: see :mod:`goodcall.synth.geo`; names from :mod:`goodcall.synth.names`
  in the customer's language, title M./Mme or Mr./Ms. by sex (4 % left empty), 30 % of customers
  whose given name has a usual short form go by it (``preferred_name``).
* register: formal by default (``register_source = default``); 12 % of French speakers and 10 % of
  English speakers chose informal themselves (``explicit``), 2 % explicitly asked for formal, and
  5 % have a register inferred from their own messages (4 % informal, 1 % formal); a chosen or
  inferred register carries the moment it was set.
* tenure: exponential with a 5.5-year mean, between two weeks and 28 years.
* e-mail: 92 % have one, on reserved example domains.
* self-service: each customer has a hidden self-direction trait (the ground truth's
  ``latent_self_direction``, so truth and data agree); app use (whether they have the app, log-ins
  over 90 days) and online purchases rise with it, calls and chats they start to us fall with it.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

import numpy as np
import polars as pl

from goodcall.profiles.frames import table_schema
from goodcall.profiles.schema import CUSTOMERS
from goodcall.synth import names
from goodcall.synth.draws import (
    F64,
    I64,
    B,
    choose,
    dates,
    day_number,
    instants,
    last_event_day,
    local_to_utc,
    pick,
    uniform_days,
)
from goodcall.synth.geo import COUNTRY_SHARES, REGIONS, TIME_ZONES, US_ENGLISH_SHARE, ZONE_SPLITS
from goodcall.truth.traits import HABITS, customer_hashes, latent_self_direction

EMAIL_DOMAINS = ("example.com", "example.net", "example.org", "mail.example")


@dataclass
class People:
    """One chunk of account holders, as columns, plus what later tables need."""

    frame: pl.DataFrame  # customers table without revenue and value
    number: I64
    region: I64  # index into REGIONS
    zone: I64  # index into TIME_ZONES
    french: B
    female: B
    since: I64  # customer_since, days
    latent: F64  # hidden self-direction
    has_app: B
    self_service: pl.DataFrame


def customer_ids(number: I64) -> pl.Series:
    """``C-00000001``…: zero-padded so ids sort like numbers."""
    return ("C-" + pl.Series("n", number).cast(pl.String).str.zfill(8)).alias("customer_id")


def _ascii(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum() or ch == "-")


def _regions(rng: np.random.Generator, n: int) -> tuple[I64, I64]:
    countries = list(COUNTRY_SHARES)
    country = choose(rng, list(COUNTRY_SHARES.values()), n)
    region = np.zeros(n, dtype=np.int64)
    for ci, code in enumerate(countries):
        members = [i for i, r in enumerate(REGIONS) if r.country == code]
        rows = np.flatnonzero(country == ci)
        picked = choose(rng, [REGIONS[i].share for i in members], rows.size)
        region[rows] = np.asarray(members, dtype=np.int64)[picked]
    zone = np.array([TIME_ZONES.index(r.time_zone) for r in REGIONS], dtype=np.int64)[region]
    split_draw = rng.random(n)
    for code, tz, share in ZONE_SPLITS:
        ri = next(i for i, r in enumerate(REGIONS) if r.code == code and r.country == "CA")
        zone[(region == ri) & (split_draw < share)] = TIME_ZONES.index(tz)
    return region, zone


def _languages(rng: np.random.Generator, region: I64) -> pl.Series:
    french_share = np.array([r.french for r in REGIONS])[region]
    country = np.array([r.country for r in REGIONS])[region]
    french = rng.random(region.size) < french_share
    en_us = rng.random(region.size) < US_ENGLISH_SHARE
    lang = np.where(
        country == "FR",
        3,
        np.where(french, 0, np.where((country == "US") & en_us, 2, 1)),
    )
    return pick(("fr-CA", "en-CA", "en-US", "fr-FR"), lang.astype(np.int64), "language")


def _name_lists() -> tuple[list[str], dict[tuple[str, str], tuple[int, int]]]:
    """All names in one list, and (group, kind) → (offset, length) into it."""
    groups = {
        ("fr-CA", "F"): names.FR_CA_FEMALE,
        ("fr-CA", "M"): names.FR_CA_MALE,
        ("fr-CA", "L"): names.FR_CA_LAST,
        ("en", "F"): names.EN_FEMALE,
        ("en", "M"): names.EN_MALE,
        ("en", "L"): names.EN_LAST,
        ("fr-FR", "F"): names.FR_CA_FEMALE,
        ("fr-FR", "M"): names.FR_CA_MALE,
        ("fr-FR", "L"): names.FR_FR_LAST,
    }
    flat: list[str] = []
    spans: dict[tuple[str, str], tuple[int, int]] = {}
    for key, values in groups.items():
        spans[key] = (len(flat), len(values))
        flat.extend(values)
    return flat, spans


NAME_LIST, NAME_SPANS = _name_lists()
NAME_ASCII = [_ascii(x) for x in NAME_LIST]


def name_index(rng: np.random.Generator, group: np.ndarray, kind: np.ndarray) -> I64:
    """Index into ``NAME_LIST`` for each row's (group, kind): kind F, M (given) or L (family)."""
    offset = np.zeros(group.size, dtype=np.int64)
    length = np.ones(group.size, dtype=np.int64)
    for (g, k), (o, ln) in NAME_SPANS.items():
        rows = (group == g) & (kind == k)
        offset[rows] = o
        length[rows] = ln
    out: I64 = offset + np.floor(rng.random(group.size) * length).astype(np.int64)
    return out


def _phones(rng: np.random.Generator, region: I64) -> pl.Series:
    codes: list[str] = []
    spans: list[tuple[int, int]] = []
    for r in REGIONS:
        spans.append((len(codes), len(r.area_codes)))
        codes.extend(r.area_codes)
    offset = np.array([s[0] for s in spans])[region]
    length = np.array([s[1] for s in spans])[region]
    area = pick(codes, offset + np.floor(rng.random(region.size) * length).astype(np.int64), "a")
    line = pl.Series(rng.integers(100, 10_000, region.size)).cast(pl.String).str.zfill(4)
    france = pl.Series(np.array([r.country == "FR" for r in REGIONS])[region])
    north_america = "+1" + area + "555" + line
    return (
        pl.select(
            pl.when(pl.lit(france)).then("+3363998" + pl.lit(line)).otherwise(pl.lit(north_america))
        )
        .to_series()
        .alias("phone")
    )


def _registers(
    rng: np.random.Generator, french: B, since: I64, as_of_day: int, zone: I64
) -> tuple[pl.Series, pl.Series, pl.Series]:
    n = french.size
    u = rng.random(n)
    explicit_informal = np.where(french, 0.12, 0.10)
    cuts = np.cumsum(np.stack([explicit_informal, np.full(n, 0.02), np.full(n, 0.04)]), axis=0)
    cuts = np.vstack([cuts, cuts[-1] + 0.01])
    kind = (u[None, :] >= cuts).sum(axis=0)  # 0 explicit informal, 1 explicit formal,
    # 2 inferred informal, 3 inferred formal, 4 default formal
    register = np.where((kind == 0) | (kind == 2), "informal", "formal")
    source = np.select([kind <= 1, kind <= 3], ["explicit", "inferred"], default="default")
    day = uniform_days(rng, since, np.full(n, last_event_day(as_of_day)))
    minutes = rng.integers(8 * 60, 21 * 60, n)
    at = local_to_utc(day, minutes, zone)
    since_col = instants("register_since", at)
    since_col = pl.select(
        pl.when(pl.lit(pl.Series(kind == 4))).then(None).otherwise(pl.lit(since_col))
    ).to_series()
    return (
        pl.Series("register", register, dtype=pl.String),
        pl.Series("register_source", source, dtype=pl.String),
        since_col.alias("register_since"),
    )


def _self_service(rng: np.random.Generator, ids: pl.Series, latent: F64) -> tuple[B, pl.DataFrame]:
    n = latent.size
    law = HABITS
    has_app = rng.random(n) < 1.0 / (1.0 + np.exp(-(law.app_intercept + law.app_slope * latent)))
    logins = np.where(has_app, rng.poisson(np.exp(law.logins[0] + law.logins[1] * latent)), 0)
    online = rng.poisson(np.exp(law.online[0] + law.online[1] * latent))
    inbound = rng.poisson(np.exp(law.inbound[0] + law.inbound[1] * latent))
    frame = pl.DataFrame(
        {
            "customer_id": ids,
            "app_logins_90d": logins.astype(np.int64),
            "inbound_contacts_90d": inbound.astype(np.int64),
            "online_purchases_12m": online.astype(np.int64),
        }
    )
    return has_app, frame


def make_people(
    rng: np.random.Generator, seed: int, first_number: int, n: int, as_of: dt.date
) -> People:
    """``n`` account holders numbered from ``first_number``."""
    as_of_day = day_number(as_of)
    number = np.arange(first_number, first_number + n, dtype=np.int64)
    ids = customer_ids(number)
    region, zone = _regions(rng, n)
    language = _languages(rng, region)
    lang_np = language.to_numpy()
    french = np.char.startswith(lang_np.astype(str), "fr")
    female = rng.random(n) < 0.5
    group = np.where(lang_np == "fr-CA", "fr-CA", np.where(lang_np == "fr-FR", "fr-FR", "en"))
    first = name_index(rng, group, np.where(female, "F", "M"))
    last = name_index(rng, group, np.full(n, "L"))
    first_name = pick(NAME_LIST, first, "first_name")
    last_name = pick(NAME_LIST, last, "last_name")
    nick = pick([names.NICKNAMES.get(x) for x in NAME_LIST], first, "preferred_name")
    nick = pl.select(
        pl.when(pl.lit(pl.Series(rng.random(n) < 0.3))).then(pl.lit(nick)).otherwise(None)
    ).to_series()
    title_key = np.where(french, 0, 2) + np.where(female, 0, 1)
    title_key = np.where(rng.random(n) < 0.04, 4, title_key)
    title = pick(("Mme", "M.", "Ms.", "Mr.", None), title_key.astype(np.int64), "title")
    tenure = np.clip(rng.exponential(5.5 * 365, n), 15, 28 * 365).astype(np.int64)
    since = as_of_day - tenure
    register, source, register_since = _registers(rng, french, since, as_of_day, zone)
    sep = pick((".", "_", ""), choose(rng, (6, 1, 2), n), "s")
    digits = pl.Series(rng.integers(1, 100, n)).cast(pl.String)
    digits = pl.select(
        pl.when(pl.lit(pl.Series(rng.random(n) < 0.4))).then(pl.lit(digits)).otherwise(pl.lit(""))
    ).to_series()
    domain = pick(EMAIL_DOMAINS, choose(rng, (5, 2, 2, 1), n), "d")
    email = pick(NAME_ASCII, first, "f") + sep + pick(NAME_ASCII, last, "l") + digits + "@" + domain
    email = pl.select(
        pl.when(pl.lit(pl.Series(rng.random(n) < 0.92))).then(pl.lit(email)).otherwise(None)
    ).to_series()
    latent = latent_self_direction(customer_hashes(ids, seed))
    has_app, self_service = _self_service(rng, ids, latent)
    frame = pl.DataFrame(
        [
            ids,
            first_name,
            last_name,
            nick.alias("preferred_name"),
            title,
            _phones(rng, region),
            email.alias("email"),
            pick([r.country for r in REGIONS], region, "country"),
            pick([r.code for r in REGIONS], region, "region"),
            pick(TIME_ZONES, zone, "time_zone"),
            language,
            register,
            source,
            register_since,
            dates("customer_since", since),
        ]
    )
    schema = {k: v for k, v in table_schema(CUSTOMERS).items() if k in frame.columns}
    return People(
        frame=frame.cast(schema),  # type: ignore[arg-type]
        number=number,
        region=region,
        zone=zone,
        french=french,
        female=female,
        since=since,
        latent=latent,
        has_app=has_app,
        self_service=self_service,
    )
