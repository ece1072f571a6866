"""``goodcall catalog check [FILE]``: validate an offer catalog and say what it holds."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from goodcall.output import JsonOption, echo_json, plain, print_error

catalog_app = typer.Typer(help="The offer catalog.", no_args_is_help=True)


@catalog_app.command("check")
def check_command(
    path: Annotated[
        Path | None,
        typer.Argument(
            help="Catalog or brands YAML (default: the shipped Nordet catalog).",
            show_default=False,
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Validate a catalog (keys, values, every predicate); exit 2 listing every problem."""
    from rich.console import Console

    from goodcall.catalog.compile import CatalogError, compile_catalog
    from goodcall.catalog.loader import load_catalog
    from goodcall.catalog.yamlsource import SourceError

    try:
        compiled = compile_catalog(load_catalog(path))
    except (SourceError, CatalogError) as err:
        print_error(str(err))
        raise typer.Exit(2) from err
    kinds: dict[str, int] = {}
    for offer in compiled.offers:
        kinds[offer.offer.kind] = kinds.get(offer.offer.kind, 0) + 1
    checks = sum(len(o.checks) for o in compiled.offers)
    rules = sum(1 for o in compiled.offers for c in o.checks if c.rule_id is not None)
    if as_json:
        echo_json({"catalog": str(path or "shipped"), "offers": len(compiled.offers),
                   "offers_by_kind": dict(sorted(kinds.items())), "rules": rules,
                   "built_in_checks": checks - rules})  # fmt: skip
        return
    listing = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
    Console().print(
        f"[green]ok[/] {plain(path or 'shipped catalog')}: {len(compiled.offers)} offers "
        f"({plain(listing)}); {rules} rules and {checks - rules} built-in checks",
        highlight=False,
    )
    catalog = compiled.catalog
    if catalog.brands:
        counts = {b.id: sum(1 for o in catalog.offers if o.brand == b.id) for b in catalog.brands}
        Console().print(
            "brands: "
            + "; ".join(
                f"{plain(b.id)} ({plain(b.company.en)}, {plain(b.currency)}, {counts[b.id]} offers"
                + (", default)" if b.id == catalog.brand else ")")
                for b in catalog.brands
            ),
            highlight=False,
        )


def register(app: typer.Typer) -> None:
    """Add ``catalog`` to the ``goodcall`` app."""
    app.add_typer(catalog_app, name="catalog")
