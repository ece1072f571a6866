"""``goodcall audit CALL_LIST``: every blunder of a call list, one row per finding.

Exit status: 0 when nothing is found, 1 when there are findings (so the command can gate a
pipeline), 2 when the input cannot be audited (unreadable file, missing columns, bad values, bad
catalog or policy file, unreadable store).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from goodcall.output import FINDINGS, JsonOption, PoliciesOption, echo_json, plain, print_error

if TYPE_CHECKING:
    import polars as pl

REPORT_SLICE = 200_000  # findings written to a CSV report at once


def audit_command(
    call_list: Annotated[
        Path, typer.Argument(help="Call list, CSV or Parquet.", show_default=False)
    ],
    json_output: JsonOption = False,
    db: Annotated[
        str | None, typer.Option("--db", help="Store URL (default $GOODCALL_DB_URL).")
    ] = None,
    catalog: Annotated[
        Path | None, typer.Option("--catalog", help="Offer catalog YAML (default: shipped).")
    ] = None,
    policies: PoliciesOption = None,
    at: Annotated[
        str | None,
        typer.Option("--at", help="Profiles as known then (ISO 8601 with offset; default: now)."),
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option("--report", help="Write every finding to this file (.csv, .parquet, .json)."),
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="Language of the messages: en or fr.")] = "en",
    national_list_date: Annotated[
        str | None,
        typer.Option("--national-list-date", help="Date of the national DNC list copy in use."),
    ] = None,
    show: Annotated[int, typer.Option("--show", help="Findings shown on screen.")] = 50,
) -> None:
    """Audit a call list from any system: every blunder, one row per finding.

    Columns: customer_id, offer_id, planned_at, channel, language, register (others ignored).
    planned_at without an offset is the customer's local time. Exit status: 0 clean, 1 findings,
    2 input error.
    """
    from goodcall.audit.calllist import CallListError, read_call_list
    from goodcall.audit.findings import audit_chunks
    from goodcall.audit.report import summary, worded_findings
    from goodcall.clock import AtError, parse_at
    from goodcall.explain.inputs import (
        INPUT_ERROR,
        InputError,
        load_profiles,
        load_rules,
        parse_date,
    )
    from goodcall.writing import OutputError, check_outputs

    try:
        check_outputs({"--report": report}, [call_list, catalog, policies])
        language = _lang(lang)
        when = parse_at(at)
        snapshot = parse_date(national_list_date, "--national-list-date")
        calls = read_call_list(call_list)
        rules = load_rules(catalog, policies)
        ids = calls.get_column("customer_id").unique().to_list()
        profiles = load_profiles(when, db, ids)
    except (InputError, CallListError, AtError, OutputError) as err:
        _error(str(err))
        raise typer.Exit(INPUT_ERROR) from err
    chunks = audit_chunks(calls, profiles, rules.catalog, rules.policies, snapshot, when)
    findings = worded_findings(chunks, rules.catalog, language)
    kinds = summary(findings)
    if report is not None:
        write_report(findings, report)
    if json_output:
        echo_json(_as_json(call_list, calls.height, when.isoformat(), findings, kinds))
    else:
        _render(call_list, calls.height, findings, kinds, show)
    if findings.height:
        raise typer.Exit(FINDINGS)


def _lang(value: str) -> Literal["fr", "en"]:
    from goodcall.explain.inputs import InputError

    if value not in ("fr", "en"):
        raise InputError(f"--lang {value!r}: expected en or fr")
    return "fr" if value == "fr" else "en"


def _error(message: str) -> None:
    print_error(message)


def _rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
    import datetime as dt

    out = []
    for row in frame.iter_rows(named=True):
        out.append({k: v.isoformat() if isinstance(v, dt.datetime) else v for k, v in row.items()})
    return out


def _as_json(
    path: Path, rows: int, at: str, findings: pl.DataFrame, kinds: pl.DataFrame
) -> dict[str, Any]:
    return {
        "call_list": str(path),
        "rows": rows,
        "at": at,
        "findings_count": findings.height,
        "rows_with_findings": findings.get_column("row").n_unique(),
        "summary": _rows(kinds),
        "findings": _rows(findings),
    }


def write_report(findings: pl.DataFrame, path: Path) -> None:
    """The findings as Parquet, JSON or (any other suffix) CSV, written atomically; the CSV is
    escaped against spreadsheet formulas (:func:`goodcall.writing.write_csv`)."""
    import polars as pl

    from goodcall.writing import atomic_file, write_csv, write_text

    suffix = path.suffix.lower()
    texts = [pl.col(n).cast(pl.String) for n, t in findings.schema.items() if t == pl.Categorical]
    if suffix == ".parquet":
        with atomic_file(path) as handle:
            findings.lazy().with_columns(texts).sink_parquet(handle)
    elif suffix == ".json":
        write_text(path, json.dumps(_rows(findings), ensure_ascii=False, indent=1))
    else:
        with atomic_file(path) as handle:  # in slices: the texts are expanded a slice at a time
            for start in range(0, max(findings.height, 1), REPORT_SLICE):
                part = findings.slice(start, REPORT_SLICE).with_columns(texts)
                write_csv(part, handle, include_header=start == 0)


def _render(path: Path, rows: int, findings: pl.DataFrame, kinds: pl.DataFrame, show: int) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if findings.height == 0:
        console.print(f"[bold green]{plain(path)}: {rows} planned contacts, no finding.[/]")
        return
    errors = findings.filter(findings.get_column("severity") == "error").height
    table = Table(title=f"Findings (first {min(show, findings.height)} of {findings.height})")
    for name in ("row", "customer", "offer", "channel", "finding", "severity", "why"):
        table.add_column(name, overflow="fold")
    for f in findings.head(show).iter_rows(named=True):
        colour = "red" if f["severity"] == "error" else "yellow"
        table.add_row(
            plain(f["row"]),
            plain(f["customer_id"]),
            plain(f["offer_id"]),
            plain(f["channel"]),
            plain(f["code"]),
            f"[{colour}]{plain(f['severity'])}[/]",
            plain(f["message"]),
        )
    console.print(table)
    totals = Table(title="Summary by kind of finding")
    for name in ("code", "finding", "severity", "findings", "rows"):
        totals.add_column(name, justify="right" if name in ("findings", "rows") else "left")
    for k in kinds.iter_rows(named=True):
        totals.add_row(*(plain(k[n]) for n in ("code", "title", "severity", "findings", "rows")))
    console.print(totals)
    affected = findings.get_column("row").n_unique()
    console.print(
        f"[bold red]{plain(path)}: {findings.height} finding(s) ({errors} error(s)) on "
        f"{affected} of {rows} planned contacts.[/]"
    )


def register(app: typer.Typer) -> None:
    """Add ``audit`` to the ``goodcall`` app."""
    app.command("audit")(audit_command)
