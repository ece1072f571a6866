"""What ``explain`` and ``audit`` read before deciding: the time, the rules, the profiles.

Any problem here is an input problem (exit status 2), reported as :class:`InputError` with the
file, line or value at fault.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from goodcall.catalog.compile import CatalogError, CompiledCatalog, compile_catalog
from goodcall.catalog.loader import load_catalog
from goodcall.catalog.yamlsource import SourceError
from goodcall.policy.loader import load_policies
from goodcall.policy.resolve import CompiledPolicies, compile_policies

INPUT_ERROR = 2


class InputError(Exception):
    """Something the user gave cannot be used (exit status 2)."""


@dataclass(frozen=True)
class Rules:
    catalog: CompiledCatalog
    policies: CompiledPolicies


def parse_date(text: str | None, option: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError as err:
        raise InputError(f"{option} {text!r} is not a date (YYYY-MM-DD)") from err


def load_rules(catalog: Path | None, policies: Path | None) -> Rules:
    """The compiled catalog and policies (``None``: the shipped ones)."""
    try:
        return Rules(
            compile_catalog(load_catalog(catalog)), compile_policies(load_policies(policies))
        )
    except (SourceError, CatalogError, ValueError) as err:
        raise InputError(str(err)) from err


def load_profiles(at: dt.datetime, url: str | None, customer_ids: Sequence[str]) -> pl.LazyFrame:
    """The customers' profiles from the store, as known at ``at`` (collected once)."""
    from sqlalchemy.exc import SQLAlchemyError

    from goodcall.store.config import StoreUnavailableError
    from goodcall.store.migrate import StoreNotReadyError
    from goodcall.store.reader import load_profiles as read_profiles

    try:
        return read_profiles(at, url, customer_ids=list(customer_ids)).collect().lazy()
    except (StoreNotReadyError, StoreUnavailableError, SQLAlchemyError, OSError, ValueError) as err:
        raise InputError(f"cannot read the store: {err}") from err
