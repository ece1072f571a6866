"""``goodcall explain CUSTOMER_ID``: the core's decision for the customer (contact or not, what,
how, when, its expected value in parts and the reason that decided), the profile in a few lines,
then every offer and channel with the rule that admitted or excluded it and the next allowed
window in the customer's local time.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from goodcall.explain.options import CampaignOption, NoPlanOption
from goodcall.output import PoliciesOption, plain, print_error

if TYPE_CHECKING:
    from rich.console import Console


def explain_command(
    customer_id: Annotated[str, typer.Argument(help="Customer id.", show_default=False)],
    at: Annotated[
        str | None,
        typer.Option("--at", help="Decision time, ISO 8601 with offset (default: now)."),
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    db: Annotated[
        str | None, typer.Option("--db", help="Store URL (default $GOODCALL_DB_URL).")
    ] = None,
    catalog: Annotated[
        Path | None, typer.Option("--catalog", help="Offer catalog YAML (default: shipped).")
    ] = None,
    policies: PoliciesOption = None,
    lang: Annotated[str, typer.Option("--lang", help="Language of the reasons: en or fr.")] = "en",
    national_list_date: Annotated[
        str | None,
        typer.Option("--national-list-date", help="Date of the national DNC list copy in use."),
    ] = None,
    campaign: CampaignOption = None,
    no_plan: NoPlanOption = False,
    models: Annotated[
        Path | None,
        typer.Option("--models", help="Model set (default: the campaign's, else priors only)."),
    ] = None,
) -> None:
    """The core's decision for one customer, and why each offer and channel is (not) allowed."""
    from goodcall.clock import AtError, parse_at
    from goodcall.explain.build import explain_customer
    from goodcall.explain.decision import load_decider
    from goodcall.explain.inputs import (
        INPUT_ERROR,
        InputError,
        load_profiles,
        parse_date,
    )

    try:
        if lang not in ("en", "fr"):
            raise InputError(f"--lang {lang!r}: expected en or fr")
        when = parse_at(at)
        snapshot = parse_date(national_list_date, "--national-list-date")
        decider = load_decider(campaign, models, catalog, policies, when, db=db, no_plan=no_plan)
        profiles = load_profiles(when, db, [customer_id])
        result = explain_customer(
            profiles, customer_id, decider, when, "fr" if lang == "fr" else "en", snapshot
        )
    except (InputError, AtError) as err:
        print_error(str(err))
        raise typer.Exit(INPUT_ERROR) from err
    if json_output:
        typer.echo(json.dumps(result, ensure_ascii=False, default=str))
    else:
        render(result, _console())


def _console(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr)


def render(result: dict[str, Any], console: Console) -> None:
    """Decision panel, profile panel, offers table, channels table."""
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    from goodcall.explain.render import decision_lines

    lines = decision_lines(result["decision"])
    console.print(Panel(Text("\n".join(lines)), title=f"Decision at {result['at']}"))
    p = result["profile"]
    lines = [
        f"{p['name']} — {result['customer_id']} — {p['jurisdiction']}, {p['time_zone']} "
        f"(local time {p['local_time']})",
        f"device {p['device']}, {p['device_age_months']} months old; {p['lines_count']} line(s)",
        f"plan {p['plan']} (tier {p['plan_tier']}{', top plan' if p['plan_is_top'] else ''}, "
        f"{p['plan_data_gb']} GB); uses {p['data_usage_gb']} GB a month "
        f"({p['data_usage_ratio']} of it)",
        f"language {p['language']}, register {p['register']} ({p['register_source']}); "
        f"customer for {p['tenure_months']} months",
        f"accepts {', '.join(p['channels_accepted'] or [])}; opt-in "
        + ", ".join(f"{c}={'yes' if v else 'no'}" for c, v in p["optin"].items())
        + f"; preferred hours {p['preferred_hours'] or 'none'}"
        + ("; contact only on request" if p["contact_only_on_request"] else "")
        + ("; NATIONAL DNC" if p["national_dnc"] else "")
        + ("; INTERNAL DNC" if p["internal_dnc"] else ""),
        f"promotions redeemed {p['redeemed_promotions'] or '-'}, "
        f"seen {p['seen_promotions'] or '-'}",
    ]
    brand = result["brand"]
    lines.append(
        f"brand {brand['company']} ({brand['id']}), prices in {brand['currency']}"
        if brand["known"]
        else f"brand {brand['id']}: not in this catalog, so no offer of it can be made"
    )
    console.print(Panel(Text("\n".join(lines)), title=f"Profile at {result['at']}"))
    offers = Table(title="Offers")
    for name in ("", "offer", "kind", "why"):
        offers.add_column(name, overflow="fold")
    for o in result["offers"]:
        why = o["decided_by"]["text"] if o["decided_by"] else "every rule passes"
        if o["notices"]:
            why += "; ⚠ " + "; ".join(n["text"] for n in o["notices"])
        mark = "[green]✓[/]" if o["eligible"] else f"[red]✗ {plain(o['failed_tier'])}[/]"
        offer = plain(f"{o['offer_id']}\n{o['name']}\n{o['value']}")
        offers.add_row(mark, offer, plain(o["kind"]), plain(why))
    console.print(offers)
    channels = Table(title="Channels")
    for name in ("", "channel", "why", "next allowed window (customer's local time)"):
        channels.add_column(name, overflow="fold")
    for c in result["channels"]:
        why = "; ".join(r["text"] for r in c["blocked_by"]) or "every policy allows it"
        mark = "[green]✓[/]" if c["contactable"] else "[red]✗[/]"
        channels.add_row(mark, plain(c["channel"]), plain(why), plain(c["next_allowed"]))
    console.print(channels)


def register(app: typer.Typer) -> None:
    """Add ``explain`` to the ``goodcall`` app."""
    app.command("explain")(explain_command)
