"""Every table of the generated carrier obeys the import format's declarations.

Checked per column of ``goodcall.profiles.schema``: enums only take allowed values, references
resolve, keys are unique, non-nullable columns have no nulls, minimum values hold, time zones are
real IANA zones; and the facts the format implies: E.164 phones, history before the as-of date.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import polars as pl
import pytest

from goodcall.profiles.schema import TABLES, TABLES_BY_NAME, Table

from .conftest import AT

c = pl.col


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_enums_nulls_minimums(carrier: dict[str, pl.DataFrame], table: Table) -> None:
    frame = carrier[table.name]
    for col in table.columns:
        series = frame[col.name]
        if not col.nullable:
            assert series.null_count() == 0, f"{table.name}.{col.name} has nulls"
        if col.kind == "enum":
            bad = set(series.drop_nulls().unique()) - set(col.allowed)
            assert not bad, f"{table.name}.{col.name}: {bad}"
        if col.kind == "enum_list":
            bad = set(series.explode().drop_nulls().unique()) - set(col.allowed)
            assert not bad, f"{table.name}.{col.name}: {bad}"
        if col.min_value is not None and series.drop_nulls().len():
            assert series.min() >= col.min_value, f"{table.name}.{col.name}"  # type: ignore[operator]


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_keys_unique_and_references_resolve(carrier: dict[str, pl.DataFrame], table: Table) -> None:
    frame = carrier[table.name]
    assert not frame.select(table.key).is_duplicated().any(), f"duplicate keys in {table.name}"
    for col in table.columns:
        if col.references is None:
            continue
        target_table, target_col = col.references.split(".")
        known = carrier[target_table][target_col]
        dangling = frame.filter(c(col.name).is_not_null() & ~c(col.name).is_in(known.implode()))
        assert dangling.height == 0, f"{table.name}.{col.name} → {col.references}"


def test_time_zones_are_iana(carrier: dict[str, pl.DataFrame]) -> None:
    for zone in carrier["customers"]["time_zone"].unique():
        zoneinfo.ZoneInfo(zone)  # raises when unknown


def test_phones_are_e164_and_emails_reserved(carrier: dict[str, pl.DataFrame]) -> None:
    customers = carrier["customers"]
    assert customers["phone"].str.contains(r"^\+[1-9]\d{10,11}$").all()
    generated = customers.filter(c("customer_id").str.starts_with("C-0"))
    domains = generated["email"].drop_nulls().str.extract(r"@(.+)$").unique().sort().to_list()
    assert domains == ["example.com", "example.net", "example.org", "mail.example"]
    france = generated.filter(c("country") == "FR")
    assert france["phone"].str.starts_with("+3363998").all()
    assert france["time_zone"].unique().to_list() == ["Europe/Paris"]


def test_history_happens_before_the_as_of_date(carrier: dict[str, pl.DataFrame]) -> None:
    for table, column in (
        ("contacts", "at"),
        ("promotion_events", "at"),
        ("cases", "opened_at"),
        ("consent", "internal_dnc_at"),
        ("customers", "register_since"),
    ):
        latest = carrier[table][column].max()
        assert isinstance(latest, dt.datetime) and latest < AT, f"{table}.{column}: {latest}"
    assert carrier["customers"]["customer_since"].max() < AT.date()  # type: ignore[operator]


def test_each_account_has_one_primary_line(carrier: dict[str, pl.DataFrame]) -> None:
    primaries = carrier["lines"].group_by("customer_id").agg(c("is_primary").sum())
    assert primaries.height == carrier["customers"].height
    assert primaries["is_primary"].unique().to_list() == [1]


def test_register_since_only_for_chosen_or_inferred(carrier: dict[str, pl.DataFrame]) -> None:
    customers = carrier["customers"]
    default = customers.filter(c("register_source") == "default")
    assert default["register_since"].null_count() == default.height
    assert (default["register"] == "formal").all()
    chosen = customers.filter(c("register_source") != "default")
    assert chosen["register_since"].null_count() == 0


def test_columns_are_all_declared(carrier: dict[str, pl.DataFrame]) -> None:
    for name, frame in carrier.items():
        assert frame.columns == list(TABLES_BY_NAME[name].column_names)
