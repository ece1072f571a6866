"""``goodcall pace``: the dialling mode and dial level for a team, from simulated days.

Heavy work (SimPy, the simulation) is imported inside the command, so ``goodcall --help`` stays
fast.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, cast

import typer

from goodcall.output import FAILED, JsonOption, PoliciesOption, cut, echo_json, print_error

if TYPE_CHECKING:
    from goodcall.policy.model import Dialling
    from goodcall.timing.calls import Mode
    from goodcall.timing.pace import PaceAdvice
    from goodcall.timing.period import PeriodSoFar

MODES = ("auto", "preview", "progressive", "predictive")


def _rates(text: str) -> tuple[float, ...] | None:
    """The answer rates of ``--answer-rate`` (None: not shares in (0, 1], or over 24 hours)."""
    try:
        rates = tuple(float(part) for part in text.split(","))
    except ValueError:
        return None
    if not 1 <= len(rates) <= 24 or not all(0 < r <= 1 for r in rates):
        return None
    return rates


def _fail(message: str) -> typer.Exit:
    print_error(message)
    return typer.Exit(FAILED)


def pace_command(
    agents: Annotated[int, typer.Option("--agents", help="Agents on shift.")],
    aht: Annotated[
        float, typer.Option("--aht", help="Mean handle time of a conversation, seconds.")
    ],
    answer_rate: Annotated[
        str,
        typer.Option(
            "--answer-rate",
            help="Share of dialled calls a person answers: one share, or one per hour of the "
            "day separated by commas (0.3,0.2,0.15,0.25: the day then lasts that many hours).",
        ),
    ] = "0.25",
    patience: Annotated[
        float,
        typer.Option(
            "--patience", help="Mean seconds a customer waits in silence before hanging up."
        ),
    ] = 5.0,
    hours: Annotated[int, typer.Option("--hours", help="Hours in a simulated day.")] = 4,
    mode: Annotated[
        str, typer.Option("--mode", help="auto (recommend), preview, progressive or predictive.")
    ] = "auto",
    limit: Annotated[
        float | None,
        typer.Option(
            "--limit",
            help="Abandoned share of live-answered calls allowed (default: the policy file's).",
        ),
    ] = None,
    days: Annotated[int, typer.Option("--days", help="Seeded days to simulate.")] = 3,
    seed: Annotated[int, typer.Option("--seed", help="First day's seed.")] = 0,
    svg: Annotated[
        Path | None, typer.Option("--svg", help="Draw occupancy and abandonment by dial level.")
    ] = None,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="A store whose recorded calls of the policy's abandonment period (before --at) "
            "the controller starts from; without it, a period with no call yet.",
            show_default=False,
        ),
    ] = None,
    campaign: Annotated[
        str | None,
        typer.Option("--campaign", help="The campaign whose calls count, when the period is one."),
    ] = None,
    at: Annotated[
        str | None,
        typer.Option("--at", help="When the day starts (ISO 8601 with offset; default now)."),
    ] = None,
    policies: PoliciesOption = None,
    as_json: JsonOption = False,
) -> None:
    """Recommend a dialling mode and dial level: predicted occupancy, abandonment and silence
    after hello from simulated days, with Erlang A and C for the same load."""
    from goodcall.catalog.yamlsource import SourceError
    from goodcall.clock import AtError, parse_at
    from goodcall.policy.loader import load_policies
    from goodcall.progress import progress_bar
    from goodcall.timing.scenario import Scenario
    from goodcall.writing import check_outputs, write_text

    problems = []
    if not 1 <= agents <= 500:
        problems.append(f"--agents {agents}: expected a whole number from 1 to 500")
    if not 1 <= aht <= 7200:
        problems.append(f"--aht {aht}: expected seconds from 1 to 7200")
    rates = _rates(answer_rate)
    if rates is None:
        problems.append(
            f"--answer-rate {cut(answer_rate)!r}: expected shares in (0, 1], one or one per hour "
            "(at most 24) separated by commas"
        )
    if not 0 < patience <= 600:
        problems.append(f"--patience {patience}: expected seconds in (0, 600]")
    if not 1 <= hours <= 24:
        problems.append(f"--hours {hours}: expected 1 to 24")
    if not 1 <= days <= 50:
        problems.append(f"--days {days}: expected 1 to 50")
    if mode not in MODES:
        problems.append(f"--mode {mode!r}: expected one of {', '.join(MODES)}")
    if limit is not None and not 0 < limit < 1:
        problems.append(f"--limit {limit}: expected a share in (0, 1), e.g. 0.03")
    try:
        starts = parse_at(at)
    except AtError as err:
        problems.append(str(err))
    if problems:
        raise _fail("; ".join(problems))
    if svg is not None:
        check_outputs({"--svg": svg}, [])
    try:
        policy = load_policies(policies).dialling
    except (SourceError, FileNotFoundError) as err:
        raise _fail(str(err)) from err
    period = None
    if db is not None:
        period = _period(db, policy, starts, campaign)
    scenario = Scenario(
        agents,
        aht,
        rates if rates is not None and len(rates) > 1 else tuple(rates or (0.25,)) * hours,
        patience_seconds=patience,
        limit=limit if limit is not None else policy.abandonment_limit,
        agent_within_seconds=policy.agent_within_seconds,
        period_live=0 if period is None else period.calls.live,
        period_abandoned=0 if period is None else period.calls.abandoned,
    )
    from goodcall.timing.pace import advise

    chosen = None if mode == "auto" else cast("Mode", mode)
    with progress_bar("simulating days") as progress:
        advice = advise(scenario, chosen, days, seed, progress, period=period)
    if svg is not None:
        from goodcall.timing.chart import pace_svg

        write_text(svg, pace_svg(advice))
    if as_json:
        echo_json(advice.as_dict())
        return
    _print(advice, svg)


def _period(db: str, policy: Dialling, starts: dt.datetime, campaign: str | None) -> PeriodSoFar:
    """The store's abandonment period before ``starts`` (see :mod:`goodcall.timing.period`)."""
    from goodcall.store.config import engine_for, store_errors
    from goodcall.timing.period import period_so_far

    if policy.abandonment_period == "campaign" and campaign is None:
        raise _fail(
            "--db: the policy's abandonment period is the campaign: give --campaign ID "
            "(whose recorded calls count)"
        )
    config, engine = engine_for(db)
    with store_errors(config.display_url):
        return period_so_far(
            engine,
            policy.abandonment_period,
            starts,
            agent_within_seconds=policy.agent_within_seconds,
            campaign_id=campaign,
        )


def _print(advice: PaceAdvice, svg: Path | None) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    s = advice.scenario
    console.print(
        f"[bold]{s.agents} agents, {s.handle_seconds:g} s handle time, "
        f"{_profile(s.answer_by_hour)} answered by a person, patience {s.patience_seconds:g} s — "
        f"{len(advice.chosen.days)} simulated days of {s.hours} h[/]"
    )
    console.print(
        f"Recommended: [bold green]{advice.mode}[/], dial level {advice.level:.2f} lines per "
        f"free agent (limit {s.limit:.1%} abandoned, an agent within "
        f"{s.agent_within_seconds:g} s)"
    )
    table = Table("mode", "occupancy", "abandoned", "worst day", "level", "silence p50/p90/p99 s")
    rows = [(name, summary) for name, summary in advice.runs.items()]
    if advice.best_fixed is not None:
        rows += [(f"best fixed {lv:g}", sm) for lv, sm in advice.curve if lv == advice.best_fixed]
    for name, summary in rows:
        days = summary.days
        silence = "/".join(
            f"{max(getattr(d, f'silence_p{q}') for d in days):.1f}" for q in (50, 90, 99)
        )
        table.add_row(
            name,
            f"{summary.occupancy:.1%}",
            f"{summary.abandonment:.2%}",
            f"{summary.worst_day:.2%}",
            f"{summary.level:.2f}",
            silence,
        )
    console.print(table)
    e = advice.erlang
    console.print(
        f"Erlang, an inbound queue with the same {e['answered_per_hour']:.0f} answered calls an "
        f"hour: Erlang A (patience {s.patience_seconds:g} s) {e['erlang_a_wait_probability']:.1%} "
        f"wait, {e['erlang_a_abandonment']:.2%} abandon, occupancy "
        f"{e['erlang_a_occupancy']:.1%}, {e['erlang_a_within_limit_seconds']:.1%} answered "
        f"within {s.agent_within_seconds:g} s; Erlang C {e['erlang_c_wait_probability']:.1%} wait, "
        f"{e['erlang_c_within_limit_seconds']:.1%} answered within {s.agent_within_seconds:g} s"
    )
    if advice.period is not None:
        p, calls = advice.period, advice.period.calls
        scope = f"campaign {p.campaign_id}" if p.period == "campaign" else p.period
        console.print(
            f"Abandonment period ({scope}) before the day: {calls.abandoned} abandoned of "
            f"{calls.live} answered ({calls.rate:.1%}); the controller started from them"
        )
    if svg is not None:
        console.print(f"Chart: {svg}")


def _profile(rates: tuple[float, ...]) -> str:
    if len(set(rates)) == 1:
        return f"{rates[0]:.0%}"
    return "/".join(f"{r:.0%}" for r in rates) + " by hour"


def register(app: typer.Typer) -> None:
    """Add ``pace`` to the ``goodcall`` app."""
    app.command("pace")(pace_command)
