"""``goodcall brief``: the agent's brief for one customer, or the five example briefs.

Heavy libraries (Polars, the catalog engine, the store) are imported inside the command.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer

from goodcall.clock import AtError, parse_at

EXAMPLES_WORD = "examples"


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(2)


def _parse_at(text: str | None) -> dt.datetime:
    try:
        return parse_at(text)
    except AtError as err:
        raise _fail(str(err)) from err


def _one_brief(
    customer_id: str,
    offer: str | None,
    channel: str,
    at: dt.datetime,
    fmt: str,
    db: str | None,
    catalog_path: Path | None,
    agent: str | None,
) -> str:
    import polars as pl

    from goodcall.brief.build import build_brief
    from goodcall.brief.pick import best_eligible_offer
    from goodcall.brief.render import render
    from goodcall.catalog.compile import compile_catalog
    from goodcall.catalog.engine import evaluate_offers
    from goodcall.catalog.loader import load_catalog
    from goodcall.store.reader import load_profiles

    catalog = load_catalog(catalog_path)
    profiles = load_profiles(at, db, [customer_id]).collect()
    if profiles.height == 0:
        raise _fail(f"customer {customer_id!r} is not in the store")
    evaluated = evaluate_offers(profiles.lazy(), compile_catalog(catalog), at).collect()
    rows = evaluated.filter(pl.col("customer_id") == customer_id).to_dicts()
    if offer is None:
        offer = best_eligible_offer(rows, catalog, channel, customer_id)
        typer.echo(
            f"No --offer given: briefing {offer}, the highest-value offer the rules leave "
            f"eligible on {channel} (a stand-in until arbitration decides).",
            err=True,
        )
    brief = build_brief(profiles.row(0, named=True), offer, channel, catalog, rows, at, agent)
    return render(brief, fmt)  # type: ignore[arg-type]


def brief(
    customer_id: Annotated[
        str,
        typer.Argument(
            help=f"Customer id; or '{EXAMPLES_WORD}' to write the five example briefs (see --out)."
        ),
    ],
    offer: Annotated[
        str | None,
        typer.Option(help="Offer to brief; default: the highest-value eligible offer."),
    ] = None,
    channel: Annotated[str, typer.Option(help="phone, sms, email or app.")] = "phone",
    at: Annotated[
        str | None,
        typer.Option(help="Decision time, ISO 8601 with offset; default: now."),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="text, html or json.")] = "text",
    db: Annotated[
        str | None,
        typer.Option(
            "--db", help="Store URL; default $GOODCALL_DB_URL, else sqlite:///goodcall.db."
        ),
    ] = None,
    catalog: Annotated[
        Path | None, typer.Option(help="Offer catalog YAML; default: the shipped example.")
    ] = None,
    agent: Annotated[str | None, typer.Option(help="Agent's first name, for the greeting.")] = None,
    out: Annotated[Path, typer.Option(help=f"Where '{EXAMPLES_WORD}' writes its files.")] = Path(
        "docs/briefs"
    ),
    as_json: Annotated[bool, typer.Option("--json", help="Same as --format json.")] = False,
) -> None:
    """What the agent must know before saying a word: the brief for one customer and offer."""
    from goodcall.brief.facts import BriefError
    from goodcall.brief.render import FORMATS

    fmt = "json" if as_json else fmt
    if fmt not in FORMATS:
        raise _fail(f"--format {fmt!r}: expected one of {', '.join(FORMATS)}")
    try:
        if customer_id == EXAMPLES_WORD:
            from goodcall.brief.examples import render_examples

            paths = [str(path) for path in render_examples(out, catalog)]
            typer.echo(json.dumps(paths) if as_json else "\n".join(paths))
            return
        typer.echo(
            _one_brief(customer_id, offer, channel, _parse_at(at), fmt, db, catalog, agent),
            nl=False,
        )
    except BriefError as exc:
        raise _fail(str(exc)) from exc


def register(app: typer.Typer) -> None:
    app.command("brief")(brief)
