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
from goodcall.explain.options import CampaignOption, NoPlanOption

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
    channel: str | None,
    at: dt.datetime,
    fmt: str,
    db: str | None,
    sources: tuple[Path | None, Path | None, Path | None, Path | None],
    agent: str | None,
    no_plan: bool = False,
) -> str:
    """The brief of the core's decision (or of ``offer``), or why there is no pitch."""
    from goodcall.brief.decided import decided_briefs
    from goodcall.explain.decision import load_decider
    from goodcall.explain.inputs import InputError
    from goodcall.explain.render import basis_lines, headline
    from goodcall.store.reader import load_profiles

    if channel is not None and offer is None:
        raise _fail("--channel goes with --offer: without it, the core chooses the channel")
    try:
        decider = load_decider(*sources, at, db=db, no_plan=no_plan)
    except InputError as err:
        raise _fail(str(err)) from err
    profiles = load_profiles(at, db, [customer_id]).collect()
    if profiles.height == 0:
        raise _fail(f"customer {customer_id!r} is not in the store")
    result = decided_briefs(
        profiles.head(1), decider, at, fmt, agent,  # type: ignore[arg-type]
        offer=offer, channel=channel or "phone",
    )[customer_id]  # fmt: skip
    if result.warning is not None:
        typer.echo(f"warning: {result.warning}", err=True)
    elif offer is None and result.pitched:
        notes = [headline(result.decision), *basis_lines(result.decision["basis"])]
        typer.echo("Briefing the core's decision: " + "; ".join(notes), err=True)
    return result.text


def brief(
    customer_id: Annotated[
        str,
        typer.Argument(
            help=f"Customer id; or '{EXAMPLES_WORD}' to write the five example briefs (see --out)."
        ),
    ],
    offer: Annotated[
        str | None,
        typer.Option(
            help="Offer to brief (warns when the core would not choose it); default: the "
            "core's decision, and no pitch when it decides no contact."
        ),
    ] = None,
    channel: Annotated[
        str | None, typer.Option(help="With --offer: phone, sms, email or app (default phone).")
    ] = None,
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
    policies: Annotated[
        Path | None, typer.Option(help="Contact policies YAML; default: the shipped example.")
    ] = None,
    campaign: CampaignOption = None,
    no_plan: NoPlanOption = False,
    models: Annotated[
        Path | None, typer.Option(help="Model set; default: the campaign's, else priors only.")
    ] = None,
    agent: Annotated[str | None, typer.Option(help="Agent's first name, for the greeting.")] = None,
    out: Annotated[Path, typer.Option(help=f"Where '{EXAMPLES_WORD}' writes its files.")] = Path(
        "docs/briefs"
    ),
    as_json: Annotated[bool, typer.Option("--json", help="Same as --format json.")] = False,
) -> None:
    """What the agent must know before saying a word: the brief of the core's decision for one
    customer (or of --offer), or why there is no call to make."""
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
        sources = (campaign, models, catalog, policies)
        text = _one_brief(
            customer_id, offer, channel, _parse_at(at), fmt, db, sources, agent, no_plan
        )
        typer.echo(text, nl=False)
    except BriefError as exc:
        raise _fail(str(exc)) from exc


def register(app: typer.Typer) -> None:
    app.command("brief")(brief)
