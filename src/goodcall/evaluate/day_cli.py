"""``goodcall simulate day``: work a campaign's call list for one simulated day (see
``goodcall.evaluate.day``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, cast

import typer

from goodcall.output import FAILED, JsonOption, PoliciesOption, echo_json, print_error
from goodcall.store.cli import DbOption

if TYPE_CHECKING:
    from goodcall.evaluate.day import DayReport
    from goodcall.timing.calls import Mode

simulate_app = typer.Typer(
    help="Simulate the call centre on the synthetic carrier.", no_args_is_help=True
)
MODES = ("preview", "progressive", "predictive")


def register_day(app: typer.Typer) -> None:
    """Add ``goodcall simulate`` (with ``day``) to the main application."""
    app.add_typer(simulate_app, name="simulate")


@simulate_app.command("day")
def day_command(
    campaign: Annotated[
        Path, typer.Option("--campaign", help="A `campaign run` output folder to work.")
    ],
    agents: Annotated[int, typer.Option("--agents", help="Simulated agents on shift.")] = 4,
    aht: Annotated[float, typer.Option("--aht", help="Mean handle time, seconds.")] = 240.0,
    mode: Annotated[
        str | None,
        typer.Option(
            "--mode",
            help="preview, progressive or predictive (default: the call list's dialling_mode, "
            "else the policy's).",
        ),
    ] = None,
    truth_seed: Annotated[
        int, typer.Option("--truth-seed", help="The synthetic carrier's seed (its truth).")
    ] = 7,
    seed: Annotated[int, typer.Option("--seed", help="The day's seed.")] = 0,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the day's figures, record nothing.")
    ] = False,
    retries: Annotated[
        bool,
        typer.Option(
            "--retries/--no-retries",
            help="Try a call nobody answered again later in the day, in another slot of the "
            "customer's window, inside the policy's caps.",
        ),
    ] = True,
    policies: PoliciesOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Dial the campaign's calls with simulated agents, customers answering as the synthetic
    truth says; record every outcome in the store; print the day's figures."""
    from goodcall.catalog.yamlsource import SourceError
    from goodcall.evaluate.day import run_day
    from goodcall.policy.loader import load_policies
    from goodcall.store.config import engine_for, store_errors

    try:
        rules = load_policies(policies)
    except (SourceError, FileNotFoundError) as err:
        print_error(str(err))
        raise typer.Exit(FAILED) from err
    if mode is not None and mode not in MODES:
        print_error(f"--mode {mode!r}: expected one of {', '.join(MODES)}")
        raise typer.Exit(FAILED)
    if not (1 <= agents <= 500 and 1 <= aht <= 7200):
        print_error(f"--agents {agents} / --aht {aht}: expected 1–500 agents and 1–7200 s")
        raise typer.Exit(FAILED)
    config, engine = engine_for(db)
    with store_errors(config.display_url):
        report = run_day(
            engine,
            campaign,
            agents=agents,
            policies=rules,
            handle_seconds=aht,
            mode=cast("Mode | None", mode),
            truth_seed=truth_seed,
            seed=seed,
            record=not dry_run,
            retry=retries,
        )
    if as_json:
        echo_json(report.as_dict())
        return
    _print(report)


MODE_FROM = {
    "option": "--mode",
    "campaign": "the campaign's dialling_mode",
    "policy": "the policy's default",
}


def _period_line(report: DayReport) -> str:
    p = report.as_dict()["period"]
    after = p["with_the_day"]
    scope = f"campaign {p['campaign_id']}" if p["period"] == "campaign" else p["period"]
    return (
        f"  abandonment period ({scope}): before the day {p['abandoned']} of {p['live']} "
        f"answered ({p['abandonment']:.1%}), with it {after['abandoned']} of {after['live']} "
        f"({after['abandonment']:.1%})"
    )


def _print(report: DayReport) -> None:
    f, r = report.figures, report.retries
    lines = [
        f"{report.campaign_id}: {report.calls} phone calls, {report.agents} agents, "
        f"{report.mode} dialling ({MODE_FROM[report.mode_from]})",
        f"  dialled {f.dialled}, answered by a person {f.live}, machines {f.machines}",
        "  not dialled "
        + (", ".join(f"{k} {v}" for k, v in sorted(report.undialled.items())) or "none"),
        f"  right-party contacts {f.right_party}, conversions {report.conversions}",
        f"  abandoned calls {f.abandoned} ({f.abandonment:.1%} of answered)",
        _period_line(report),
        f"  retries after a no-answer or voicemail: {r['planned']} planned, {r['dialled']} "
        f"dialled, {r['reached']} reached",
        f"  silence after hello p50/p90/p99/max {f.silence_p50:.1f}/{f.silence_p90:.1f}/"
        f"{f.silence_p99:.1f}/{f.silence_max:.1f} s",
        f"  agent occupancy {f.occupancy:.1%}",
        f"  annoyances {report.annoyances} (complaints, do-not-call requests, abandoned calls)",
        "  outcomes " + ", ".join(f"{k} {v}" for k, v in sorted(report.outcomes.items())),
        f"  recorded in the store: {report.recorded} new, {report.replayed} already there",
    ]
    typer.echo("\n".join(lines))
