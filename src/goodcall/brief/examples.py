"""Five contrasting customers and the brief each gets: the examples under ``docs/briefs/``.

The seed customer (French, vous), a customer who chose tu, an English-speaking customer in
Vancouver, a four-line family in Calgary and a customer with a fresh complaint. They are built in
the import format, folded by ``build_profiles`` and run through the real catalog engine, so the
examples show what the product does, not what someone typed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from goodcall.brief.example_customers import Rows, complaint, english, family, informal_fr
from goodcall.profiles.fixtures import SEED_CUSTOMER_ID, reference_tables, seed_customer_rows
from goodcall.profiles.frames import table_schema
from goodcall.profiles.schema import TABLES_BY_NAME

AT = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)
"""When the example briefs are prepared: 10 a.m. in Montreal, 7 a.m. in Vancouver."""


@dataclass(frozen=True)
class Example:
    name: str  # file stem under docs/briefs/
    customer_id: str
    offer_id: str
    channel: str
    what: str  # one line for the README


EXAMPLES: tuple[Example, ...] = (
    Example(
        "1-fr-vous-client-du-recit",
        SEED_CUSTOMER_ID,
        "HS_IPHONE17_FETES",
        "phone",
        "the seed customer: French, vous, iPhone 13, largest plan, already saw the promotion",
    ),
    Example(
        "2-fr-tu",
        "C-EX-FR-TU",
        "PL_UP_MAX_60",
        "phone",
        "French, tu (her own choice), close to her data limit",
    ),
    Example(
        "3-en-ca",
        "C-EX-EN-01",
        "HS_GALAXY_S25_FETES",
        "phone",
        "English, Vancouver, title and last name, saw the promotion by email",
    ),
    Example(
        "4-en-family",
        "C-EX-FAM-01",
        "ML_FAMILY_DISCOUNT",
        "phone",
        "English, first name, four lines on iOS and Android",
    ),
    Example(
        "5-fr-plainte-recente",
        "C-EX-PLAINTE",
        "RT_LOYALTY_CREDIT",
        "phone",
        "French, vous, a billing complaint opened eight days earlier",
    ),
)


def example_rows() -> Rows:
    """Every example customer's rows, table by table."""
    merged: Rows = {}
    for rows in (seed_customer_rows(), informal_fr(), english(), family(), complaint()):
        for table, table_rows in rows.items():
            merged.setdefault(table, []).extend(table_rows)
    return merged


def example_tables() -> dict[str, pl.LazyFrame]:
    """The example customers as import tables, with the carrier's plans and promotions."""
    tables = reference_tables()
    for name, rows in example_rows().items():
        schema = table_schema(TABLES_BY_NAME[name])
        tables[name] = pl.DataFrame(rows, schema=schema).lazy()
    return tables


def render_examples(out: Path, catalog_path: Path | None = None) -> list[Path]:
    """Write every example brief as text, HTML and JSON under ``out``; return the files written.

    Uses the real pipeline: import tables → ``build_profiles`` → the catalog engine →
    ``build_brief``. Files are written whole (to a temporary name, then renamed), so an
    interrupted run never leaves a half-written example.
    """
    from goodcall.brief.build import build_brief
    from goodcall.brief.render import Format, render
    from goodcall.catalog.compile import compile_catalog
    from goodcall.catalog.engine import evaluate_offers
    from goodcall.catalog.loader import load_catalog
    from goodcall.profiles.build import build_profiles

    catalog = load_catalog(catalog_path)
    profiles = build_profiles(example_tables(), AT).collect()
    compiled = compile_catalog(catalog)
    judged = evaluate_offers(profiles.lazy(), compiled, AT).collect()
    lines = {  # the line a per-line offer is for, as the decision would name it
        ex.customer_id: judged.filter(
            (pl.col("customer_id") == ex.customer_id) & (pl.col("offer_id") == ex.offer_id)
        )["line_id"].item()
        for ex in EXAMPLES
    }
    called = profiles.with_columns(
        pl.col("customer_id")
        .replace_strict(lines, default=None, return_dtype=pl.String)
        .alias("__call_line")
    )
    evaluated = evaluate_offers(called.lazy(), compiled, AT, line_column="__call_line").collect()
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for ex in EXAMPLES:
        profile = profiles.filter(pl.col("customer_id") == ex.customer_id).row(0, named=True)
        rows = evaluated.filter(pl.col("customer_id") == ex.customer_id)
        line = lines[ex.customer_id]
        brief = build_brief(profile, ex.offer_id, ex.channel, catalog, rows, AT, line_id=line)
        suffixes: tuple[tuple[Format, str], ...] = (
            ("text", "txt"),
            ("html", "html"),
            ("json", "json"),
        )
        for fmt, suffix in suffixes:
            path = out / f"{ex.name}.{suffix}"
            tmp = path.with_suffix(path.suffix + ".tmp")
            tmp.write_text(render(brief, fmt), encoding="utf-8")
            tmp.replace(path)
            written.append(path)
    return written
