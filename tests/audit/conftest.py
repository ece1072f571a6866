"""A SQLite store holding the story's customer and copies of him that differ in one fact each.

Each copy (``C-XXX-00nn``) has the seed customer's rows under new ids, with one change: another
province, an internal do-not-call request, no SMS opt-in, a recent refusal... so that one row of a
call list makes exactly one blunder.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import typer

from goodcall.profiles.fixtures import seed_customer_tables
from goodcall.store.files import write_tables
from goodcall.store.importer import import_directory

UTC = dt.UTC
AT = "2026-11-20T20:00:00+00:00"  # profiles as known then (after he saw the holiday promotion)
Tables = dict[str, pl.LazyFrame]


def clone(seed: Tables, number: str) -> Tables:
    return {
        name: frame.with_columns(pl.col(pl.String).str.replace("SEED-0001", number, literal=True))
        for name, frame in seed.items()
        if name not in ("plans", "promotions")
    }


def change(frame: pl.LazyFrame, **values: Any) -> pl.LazyFrame:
    return frame.with_columns(
        [pl.lit(v, dtype=frame.collect_schema()[k]).alias(k) for k, v in values.items()]
    )


def add_contact(frame: pl.LazyFrame, number: str, at: dt.datetime, outcome: str) -> pl.LazyFrame:
    extra = frame.head(1).with_columns(
        pl.lit(f"K-{number}-X").alias("contact_id"),
        pl.lit(at, dtype=pl.Datetime("us", "UTC")).alias("at"),
        pl.lit("phone").alias("channel"),
        pl.lit(outcome).alias("outcome"),
    )
    return pl.concat([frame, extra])


VARIANTS: dict[str, Callable[[Tables, str], Tables]] = {
    # Vancouver, no stated preferences: only the law limits the hours.
    "VAN-0002": lambda t, n: {
        **t,
        "customers": change(t["customers"], region="BC", time_zone="America/Vancouver"),
        "preferences": t["preferences"].head(0),
    },
    "DNC-0003": lambda t, n: {
        **t,
        "consent": change(
            t["consent"],
            internal_dnc_at=dt.datetime(2026, 11, 18, 15, tzinfo=UTC),
            internal_dnc_channel="phone",
        ),
    },
    "NAT-0004": lambda t, n: {**t, "consent": change(t["consent"], national_dnc=True)},
    # accepts texts but never opted in to marketing texts
    "SMS-0005": lambda t, n: {
        **t,
        "preferences": change(t["preferences"], channels_accepted=["phone", "sms", "email", "app"]),
    },
    "REF-0006": lambda t, n: {
        **t,
        "contacts": add_contact(
            t["contacts"], n, dt.datetime(2026, 11, 10, 15, tzinfo=UTC), "declined"
        ),
    },
    # took the holiday promotion already (instead of only seeing it)
    "RED-0007": lambda t, n: {
        **t,
        "promotion_events": t["promotion_events"].with_columns(pl.lit("redeemed").alias("event")),
    },
    "TWIN-0008": lambda t, n: t,
    "TWIN-0009": lambda t, n: t,
    "TWIN-0010": lambda t, n: t,
}


def carrier() -> Tables:
    seed = seed_customer_tables()
    parts = [seed]
    for number, vary in VARIANTS.items():
        parts.append(vary(clone(seed, number), number))
    return {name: pl.concat([p[name] for p in parts if name in p]) for name in seed}


@pytest.fixture(scope="session")
def store_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    root = tmp_path_factory.mktemp("audit-store")
    write_tables(carrier(), root / "carrier", "parquet")
    url = f"sqlite:///{root / 'store.db'}"
    result = import_directory(root / "carrier", url)
    assert result.landed, result.problems
    return url


@pytest.fixture
def app() -> typer.Typer:
    """The commands under test, without the rest of the application."""
    from goodcall.audit.cli import register as register_audit
    from goodcall.explain.cli import register as register_explain

    application = typer.Typer()
    register_audit(application)
    register_explain(application)
    return application


def write_calls(path: Path, rows: list[dict[str, str]]) -> Path:
    pl.DataFrame(rows).write_csv(path)
    return path
