"""Store commands: ``import``, ``summary``, ``db upgrade|current``, ``docs data-format``.

Heavy libraries (Polars, SQLAlchemy, Alembic) are imported inside the commands.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from goodcall.output import JsonOption, echo_json, plain, print_error

if TYPE_CHECKING:
    from rich.console import Console

    from goodcall.progress import Progress
    from goodcall.store.importer import ImportResult
    from goodcall.store.summary import StoreSummary

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Store URL (sqlite:///file.db or postgresql://…); default $GOODCALL_DB_URL, "
        "else sqlite:///goodcall.db.",
        show_default=False,
    ),
]


def _console(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr)


def _fail(message: str, code: int = 2) -> typer.Exit:
    print_error(message)
    return typer.Exit(code)


class _FileProgress:
    """The importer's per-file reports (a file starts, rows are done) as a progress callback."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.name, self.done, self.total = "", 0, 0

    def start(self, name: str, total: int) -> None:
        self.name, self.done, self.total = name, 0, total
        self.progress(name, 0, total)

    def advance(self, rows: int) -> None:
        self.done += rows
        self.progress(self.name, self.done, self.total)


def _show_import(result: ImportResult, url: str, show: int) -> None:
    from rich.table import Table

    console = _console()
    log = result.problems
    if log.counts:
        problems = Table(title=f"Problems (first {min(show, log.first.height)})")
        for name in ("file", "row", "column", "value", "problem", "expected"):
            problems.add_column(name, overflow="fold")
        for row in log.first.head(show).iter_rows():
            problems.add_row(*["" if v is None else plain(v) for v in row])
        console.print(problems)
        counts = Table(title="Problems by kind")
        for name in ("file", "problem", "count"):
            counts.add_column(name, justify="right" if name == "count" else "left")
        for file, kind, count in log.counts_frame().iter_rows():
            counts.add_row(plain(file), kind, f"{count:,}")
        console.print(counts)
    total = sum(result.written.values())
    if result.landed:
        rejected = sum(result.rejected.values())
        extra = f", {rejected:,} rows quarantined" if rejected else ""
        console.print(
            f"[green]Imported[/] {total:,} rows into {plain(url)} in {result.seconds:.1f} s{extra}."
        )
    else:
        console.print(
            f"[bold red]Nothing imported[/]: {log.errors:,} problem(s); "
            f"the store at {plain(url)} is unchanged."
        )


def import_command(
    directory: Annotated[Path, typer.Argument(help="Directory of <table>.csv/.parquet files.")],
    db: DbOption = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace the store's content with the directory's.")
    ] = False,
    on_existing: Annotated[
        str,
        typer.Option(help="Rows whose key is already stored: update them, or reject them."),
    ] = "update",
    quarantine: Annotated[
        Path | None,
        typer.Option(help="Import the good rows; write rejected rows and reasons to this CSV."),
    ] = None,
    report: Annotated[
        Path | None, typer.Option(help="Write every problem to this CSV file.")
    ] = None,
    show: Annotated[int, typer.Option(help="Problems to show in the terminal.")] = 20,
    batch_rows: Annotated[int, typer.Option(help="Rows per batch.", hidden=True)] = 200_000,
    brands: Annotated[
        Path | None,
        typer.Option(
            "--brands",
            help="Brands file: the brands customers.brand may name (default: the shipped one).",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Import a directory of CSV/Parquet files into the store: all of it, or nothing (exit 2
    naming every problem)."""
    from goodcall.profiles.brands import BrandsFileError, read_brands
    from goodcall.progress import progress_bar
    from goodcall.store.config import StoreConfig, StoreUnavailableError
    from goodcall.store.importer import ImportOptions, import_directory
    from goodcall.writing import OutputError, check_outputs

    if on_existing not in ("update", "reject"):
        raise _fail(f"--on-existing must be update or reject, not {on_existing!r}")
    try:
        config = StoreConfig.from_url(db)
        brand_ids = read_brands(brands).ids
    except (ValueError, BrandsFileError) as error:
        raise _fail(str(error)) from error
    options = ImportOptions(
        brands=brand_ids,
        replace=replace,
        on_existing="reject" if on_existing == "reject" else "update",
        quarantine=quarantine,
        report=report,
        batch_rows=batch_rows,
    )
    try:
        check_outputs({"--report": report, "--quarantine": quarantine}, [directory, brands])
        with progress_bar("import") as progress:
            result = import_directory(directory, config.url, options, _FileProgress(progress))
    except (OutputError, StoreUnavailableError) as error:
        raise _fail(f"{error}; nothing was imported") from error
    if as_json:
        echo_json(_import_json(result, config.display_url))
    else:
        _show_import(result, config.display_url, show)
    if not result.landed:
        raise typer.Exit(2)  # refused input, not a finding: nothing was imported


def _import_json(result: ImportResult, url: str) -> dict[str, object]:
    log = result.problems
    return {
        "store": url,
        "landed": result.landed,
        "written": result.written,
        "rejected": result.rejected,
        "seconds": result.seconds,
        "errors": log.errors,
        "problem_counts": log.counts_frame().to_dicts(),
        "problems": log.first.to_dicts(),
    }


def _show_summary(summary: StoreSummary, url: str) -> None:
    from rich.table import Table

    console = _console()
    counts = Table(title=f"Store {plain(url)}")
    counts.add_column("table")
    counts.add_column("rows", justify="right")
    for name, count in summary.counts.items():
        counts.add_row(name, f"{count:,}")
    console.print(counts)
    for mix in summary.mixes.values():
        table = Table(title=mix.title)
        for name, justify in (("value", "left"), ("count", "right"), ("share", "right")):
            table.add_column(name, justify=justify)  # type: ignore[arg-type]
        total = mix.total or 1
        for value, count in mix.counts[:15]:
            table.add_row(plain(value), f"{count:,}", f"{count / total:.1%}")
        if len(mix.counts) > 15:
            table.add_row(f"… {len(mix.counts) - 15} more", "", "")
        console.print(table)
    shares = Table(title="Shares")
    shares.add_column("measure")
    shares.add_column("share", justify="right")
    for name, share in summary.shares.items():
        shares.add_row(name.replace("_", " "), "-" if share is None else f"{share:.1%}")
    console.print(shares)


def summary_command(
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Counts per table and the mixes (province, language, devices, plans, contacts…)."""
    from goodcall.store.config import StoreConfig, StoreUnavailableError
    from goodcall.store.migrate import StoreNotReadyError
    from goodcall.store.summary import summarize

    try:
        config = StoreConfig.from_url(db)
        summary = summarize(config.url)
    except (ValueError, StoreNotReadyError, StoreUnavailableError) as error:
        raise _fail(str(error)) from error
    if as_json:
        echo_json(summary.as_dict())
    else:
        _show_summary(summary, config.display_url)


db_app = typer.Typer(help="The store's schema (Alembic migrations).", no_args_is_help=True)
docs_app = typer.Typer(help="Generated documentation.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Create the store's tables, or migrate them to this goodcall's schema."""
    from goodcall.store.config import StoreUnavailableError, engine_for, store_errors
    from goodcall.store.migrate import current_revision, upgrade

    try:
        config, engine = engine_for(db)
        with store_errors(config.display_url):
            upgrade(engine)
            revision = current_revision(engine)
    except (ValueError, StoreUnavailableError) as error:
        raise _fail(str(error)) from error
    if as_json:
        echo_json({"store": config.display_url, "schema": revision})
    else:
        typer.echo(f"{config.display_url}: schema {revision}")


@db_app.command("current")
def db_current(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Print the store's schema revision and the newest this goodcall knows."""
    from goodcall.store.config import StoreUnavailableError, engine_for, store_errors
    from goodcall.store.migrate import current_revision, head_revision

    try:
        config, engine = engine_for(db)
        with store_errors(config.display_url):
            revision, newest = current_revision(engine), head_revision()
    except (ValueError, StoreUnavailableError) as error:
        raise _fail(str(error)) from error
    if as_json:
        echo_json({"store": config.display_url, "schema": revision, "newest": newest})
    else:
        typer.echo(f"{config.display_url}: schema {revision} (newest {newest})")


@docs_app.command("data-format")
def docs_data_format(
    out: Annotated[Path | None, typer.Option(help="Write to this file instead of stdout.")] = None,
) -> None:
    """The import format (docs/data-format.md), generated from the table declarations."""
    from goodcall.store.docs import data_format_markdown

    text = data_format_markdown()
    if out is None:
        typer.echo(text, nl=False)
    else:
        from goodcall.writing import write_text

        write_text(out, text)


def register(app: typer.Typer) -> None:
    """Add the store's commands to the ``goodcall`` app."""
    app.command("import")(import_command)
    app.command("summary")(summary_command)
    app.add_typer(db_app, name="db")
    app.add_typer(docs_app, name="docs")
