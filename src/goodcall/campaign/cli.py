"""``goodcall campaign run`` and ``goodcall campaign report``.

Heavy libraries are imported inside the commands.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from goodcall.campaign.engine_choice import EngineOption, MasterOption, StagingOption
from goodcall.models.cli import AtOption, DbOption, parse_at
from goodcall.output import JsonOption, echo_json, plain, print_error

if TYPE_CHECKING:
    from rich.console import Console

    from goodcall.campaign.report import MeasuredUplift

campaign_app = typer.Typer(help="Decide and write a campaign; measure it once outcomes are known.")


def _console(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr)


def _fail(message: str) -> typer.Exit:
    print_error(message)
    return typer.Exit(2)


@campaign_app.command("run")
def run_command(
    out: Annotated[Path, typer.Option("--out", help="Directory to write the campaign to.")],
    settings: Annotated[
        Path | None,
        typer.Option(
            "--config",
            help="Campaign settings YAML (every setting; see docs/decisions.md). A flag below "
            "may add a setting the file leaves out, never repeat one it sets.",
        ),
    ] = None,
    name: Annotated[
        str | None, typer.Option("--name", help="Campaign id (letters, digits, -_.:).")
    ] = None,
    at: AtOption = None,
    db: DbOption = None,
    models: Annotated[
        Path | None, typer.Option("--models", help="Model set (default: catalog priors only).")
    ] = None,
    calls_per_day: Annotated[int | None, typer.Option(help="Calls the centre can make.")] = None,
    calls_per_hour: Annotated[int | None, typer.Option(help="Calls per clock hour.")] = None,
    budget: Annotated[float | None, typer.Option(help="Total contact cost allowed.")] = None,
    control_share: Annotated[
        float | None, typer.Option(help="Random hold-out share (default 0.05).")
    ] = None,
    explore_share: Annotated[
        float | None, typer.Option(help="Share of capacity for exploration (default 0.05).")
    ] = None,
    catalog: Annotated[Path | None, typer.Option(help="Offer catalog YAML.")] = None,
    policies: Annotated[Path | None, typer.Option(help="Contact policy YAML.")] = None,
    overwrite: Annotated[bool, typer.Option(help="Replace an existing output directory.")] = False,
    source: Annotated[
        Path | None,
        typer.Option(
            "--input",
            help="A folder of Parquet import tables (<table>.parquet) to decide instead of the "
            "store, read a range of customers at a time; the plan is recorded in the store only "
            "with --db.",
        ),
    ] = None,
    chunk_size: Annotated[
        int, typer.Option(min=1, help="Customers decided at a time (memory grows with it).")
    ] = 100_000,
    as_json: JsonOption = False,
    engine: EngineOption = "local",
    master: MasterOption = None,
    spark_staging: StagingOption = None,
) -> None:
    """Decide a campaign for every stored customer and write it (decisions, call list, briefs)."""
    from pydantic import ValidationError

    from goodcall.campaign.engine_choice import engine_for
    from goodcall.campaign.run import CampaignError, PlanRecord, run_campaign
    from goodcall.campaign.settings import campaign_config
    from goodcall.campaign.source import ParquetSource
    from goodcall.catalog.compile import CatalogError
    from goodcall.catalog.loader import load_catalog
    from goodcall.catalog.yamlsource import SourceError
    from goodcall.models.registry import ModelSet, ModelSetError
    from goodcall.policy.loader import load_policies
    from goodcall.policy.national import NationalListTooOld
    from goodcall.progress import progress_bar
    from goodcall.store.config import StoreUnavailableError
    from goodcall.store.files import TableFileError
    from goodcall.store.migrate import StoreNotReadyError
    from goodcall.store.reader import load_profiles
    from goodcall.writing import OutputError, check_outputs

    when = parse_at(at)
    given = {
        "campaign_id": name, "calls_per_day": calls_per_day, "calls_per_hour": calls_per_hour,
        "budget": budget, "control_share": control_share, "explore_share": explore_share,
    }  # fmt: skip
    try:
        inputs = [settings, models, catalog, policies, source]
        check_outputs({"--out": out}, inputs, folders=["--out"])
        offers = load_catalog(catalog)
        flags = {key: value for key, value in given.items() if value is not None}
        rules = load_policies(policies).dialling if settings is not None else None
        config = campaign_config(settings, flags, offers, rules)
        model_set = ModelSet.load(models) if models is not None else None
        decider = engine_for(engine, master, spark_staging)
        record = PlanRecord(db) if source is None or db is not None else None
        with progress_bar("campaign run") as progress:
            progress("reading the profiles", 0, 1)
            profiles = (
                ParquetSource(source, when) if source is not None
                else load_profiles(when, db).collect()
            )  # fmt: skip
            result = run_campaign(
                profiles, config=config, at=when, out_dir=out, models=model_set, catalog=offers,
                policies_path=policies, overwrite=overwrite, progress=progress, models_dir=models,
                catalog_path=catalog, record=record, chunk_size=chunk_size, engine=decider,
            )  # fmt: skip
    except (
        ValidationError, SourceError, CatalogError, CampaignError, NationalListTooOld,
        ModelSetError, TableFileError, FileNotFoundError, OutputError, StoreUnavailableError,
        StoreNotReadyError,
    ) as err:  # fmt: skip
        raise _fail(str(err)) from err
    plan_id = result.recorded.plan_id if result.recorded is not None else None
    stopped = [p.plan_id for p in result.interrupted]
    if as_json:
        echo_json(
            {"out": str(out), "plan_id": plan_id, "interrupted_plans": stopped} | result.report
        )
    else:
        for p in result.interrupted:
            _console().print(
                f"[yellow]note:[/] plan {p.plan_id} of campaign {plain(p.campaign_id)} (recorded "
                f"{p.written_at:%Y-%m-%d %H:%M} UTC) belongs to a run stopped before its folder "
                f"{plain(p.out_dir)} was placed: that campaign was not written and its plan is "
                "not used",
                highlight=False,
            )
        _show_plan(result.report, out)
        if result.recorded is not None:
            _console().print(
                f"plan {plan_id} recorded in the store at {plain(result.recorded.store)}: "
                "`goodcall explain` and `goodcall brief` decide with it",
                highlight=False,
            )


def _show_plan(report: dict[str, Any], out: Path) -> None:
    from rich.table import Table

    console = _console()
    opt = report["optimisation"]
    console.print(
        f"[bold]campaign[/] {plain(report['campaign_id'])} → {plain(out)}: "
        f"{report['contacts']:,} contacts "
        f"({report['calls']:,} calls) of {report['customers']:,} customers; control group "
        f"{report['control_group']:,}; expected value {report['expected_value']:,.2f}; "
        f"optimality gap {opt['gap']:,.2f} ({100 * opt['relative_gap']:.3f} %)"
    )
    table = Table(title="contacts per offer and channel", title_justify="left")
    for column in ("offer", "channel", "contacts", "expected value"):
        table.add_column(
            column, justify="right" if column in ("contacts", "expected value") else "left"
        )
    for row in report["per_offer_channel"][:30]:
        table.add_row(
            plain(row["offer_id"]), plain(row["channel"]), f"{row['contacts']:,}",
            f"{row['expected_value']:,.2f}",
        )  # fmt: skip
    console.print(table)


@campaign_app.command("report")
def report_command(
    campaign: Annotated[
        str | None,
        typer.Option(
            "--campaign",
            help="Campaign id in the store (default without --decisions: the latest plan); its "
            "outcomes are the ones recorded in the store's contacts, plus --outcomes if given.",
        ),
    ] = None,
    decisions: Annotated[
        Path | None,
        typer.Option(help="decisions.parquet of a campaign run (files only, no store)."),
    ] = None,
    outcomes: Annotated[
        Path | None, typer.Option(help="CSV or Parquet: customer_id, converted.")
    ] = None,
    db: DbOption = None,
    html: Annotated[
        Path | None,
        typer.Option("--html", help="Also write the supervisor's page as one self-contained file."),
    ] = None,
    lang: Annotated[str, typer.Option(help="Language of the HTML file: fr or en.")] = "en",
    alpha: Annotated[float, typer.Option(help="1 − confidence level of the intervals.")] = 0.05,
    as_json: JsonOption = False,
) -> None:
    """Measured uplift (treatment vs control acceptance) with confidence intervals: of a
    campaign in the store with the outcomes recorded there (--campaign), or of files
    (--decisions with --outcomes)."""
    import polars as pl

    from goodcall.campaign.report import OutcomeError
    from goodcall.store.config import StoreUnavailableError
    from goodcall.store.migrate import StoreNotReadyError
    from goodcall.store.plans import PlanStoreError
    from goodcall.writing import OutputError

    if lang not in ("fr", "en"):
        raise _fail(f"--lang {lang!r}: expected fr or en")
    if decisions is not None and campaign is not None:
        raise _fail("give --campaign (a campaign in the store) or --decisions (files), not both")
    if decisions is not None and outcomes is None:
        raise _fail("--decisions needs --outcomes (or use --campaign to read the store's)")
    try:
        if html is not None:
            from goodcall.writing import check_outputs

            check_outputs({"--html": html}, [decisions, outcomes])
        table = None if outcomes is None else _read_outcomes(outcomes)
        view = _overview(campaign, decisions, db, table, alpha)
    except OutcomeError as err:
        raise _fail(f"{outcomes}: {err}") from err
    except (
        OSError, pl.exceptions.PolarsError, ValueError, OutputError, StoreUnavailableError,
        StoreNotReadyError, PlanStoreError,
    ) as err:  # fmt: skip
        raise _fail(str(err)) from err
    if html is not None:
        from goodcall.campaign.html import report_document
        from goodcall.writing import write_text

        write_text(html, report_document(view, "fr" if lang == "fr" else "en"))
    if as_json:
        if decisions is not None:  # the files' report: the measures, as it always printed
            echo_json([r.model_dump(mode="json") for r in view.uplift])
        else:
            echo_json(view.model_dump(mode="json"))
    else:
        _show_measures(view.uplift, alpha)
        if html is not None:
            _console().print(f"page written to {plain(html)}", highlight=False)


def _read_outcomes(path: Path) -> Any:
    import polars as pl

    if path.suffix == ".parquet":
        return pl.read_parquet(path)
    return pl.read_csv(path, schema_overrides={"customer_id": pl.String})


def _overview(
    campaign: str | None, decisions: Path | None, db: str | None, table: Any, alpha: float
) -> Any:
    from goodcall.campaign.overview import folder_plan, overview

    if decisions is not None:
        return overview(None, folder_plan(decisions.parent), alpha, table,
                        decisions_path=decisions)  # fmt: skip
    from goodcall.store.config import engine_for
    from goodcall.store.plans import all_plans, plan_of

    _, engine = engine_for(db)
    try:
        found = plan_of(engine, campaign) if campaign else next(iter(all_plans(engine)), None)
        if found is None:
            shown = engine.url.render_as_string(hide_password=True)
            what = f"no campaign {campaign!r}" if campaign else "no campaign"
            raise ValueError(f"{what} in the store at {shown} (goodcall campaign run records one)")
        return overview(engine, found, alpha, table)
    finally:
        engine.dispose()


def _show_measures(results: list[MeasuredUplift], alpha: float) -> None:
    from rich.table import Table

    def pct(x: float | None) -> str:
        return "n/a" if x is None else f"{100 * x:+.2f} %"

    table = Table(
        title=f"measured uplift ({100 * (1 - alpha):.0f} % intervals)", title_justify="left"
    )
    for column in (
        "scope",
        "treated",
        "control",
        "rate treated",
        "rate control",
        "uplift",
        "interval",
    ):
        table.add_column(column)
    for r in results:
        interval = "n/a" if r.lower is None else f"[{pct(r.lower)}, {pct(r.upper)}]"
        table.add_row(
            plain(r.scope), f"{r.n_treated:,}", f"{r.n_control:,}", pct(r.rate_treated),
            pct(r.rate_control), pct(r.effect), interval,
        )  # fmt: skip
    _console().print(table)


@campaign_app.command("capacity")
def capacity_command(
    settings: Annotated[Path, typer.Option("--config", help="Campaign settings YAML.")],
    policies: Annotated[Path | None, typer.Option(help="Contact policy YAML.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Each language pool's call capacities: typed under agent_pools or derived from the
    settings' staffing block (docs/dialling.md, "Capacity from staffing")."""
    from rich.table import Table

    from goodcall.campaign.settings import load_campaign_settings
    from goodcall.catalog.yamlsource import SourceError
    from goodcall.policy.loader import load_policies

    try:
        rules = load_policies(policies).dialling
        config = load_campaign_settings(settings, dialling=rules)
    except (SourceError, FileNotFoundError) as err:
        raise _fail(str(err)) from err
    mode = config.dialling_mode or rules.default_mode
    pools = {k: p.model_dump(exclude_none=True) for k, p in (config.agent_pools or {}).items()}
    if as_json:
        echo_json({"campaign_id": config.campaign_id, "dialling_mode": mode, "agent_pools": pools})
        return
    table = Table(title=f"{plain(config.campaign_id)}: calls per language pool ({mode})")
    for column in ("pool", "calls a day", "calls an hour"):
        table.add_column(column)
    for key, pool in pools.items():
        by_hour = pool.get("calls_by_local_hour")
        hourly = (
            ", ".join(f"{h}h {n}" for h, n in by_hour.items()) + f" ({pool['time_zone']})"
            if by_hour
            else str(pool.get("calls_per_hour", "no limit"))
        )
        table.add_row(key, f"{pool['calls_per_day']:,}", hourly)
    _console().print(table)


def register(app: typer.Typer) -> None:
    """Add the ``campaign`` commands to the ``goodcall`` app."""
    app.add_typer(campaign_app, name="campaign")
