"""A family account for the per-line tests: the story's customer (primary line, iPhone 13 on the
top plan) with a second iPhone, a Galaxy S21 and a basic phone on the same account."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from goodcall.profiles.build import build_profiles
from goodcall.profiles.fixtures import SEED_CUSTOMER_ID, reference_tables, seed_customer_rows
from goodcall.profiles.frames import table_schema
from goodcall.profiles.schema import TABLES_BY_NAME
from tests.policy.helpers import AS_OF

IPHONE_2 = "L-SEED-0002"
GALAXY = "L-SEED-0003"
BASIC = "L-SEED-0004"
PRIMARY = "L-SEED-0001"


def _line(line_id: str, make: str, model: str, os_: str, plan: str, bought: dt.date) -> Any:
    return {
        "line_id": line_id,
        "customer_id": SEED_CUSTOMER_ID,
        "is_primary": False,
        "user_label": None,
        "plan_id": plan,
        "device_make": make,
        "device_model": model,
        "device_os": os_,
        "device_purchase_date": bought,
        "financing_end_date": None,
        "data_usage_gb_m1": 3.0,
        "data_usage_gb_m2": 3.0,
        "data_usage_gb_m3": 3.0,
    }


FAMILY_LINES = (
    _line(IPHONE_2, "Apple", "iPhone 12", "iOS", "ESS_5", dt.date(2021, 1, 15)),
    _line(GALAXY, "Samsung", "Galaxy S21", "Android", "ESS_5", dt.date(2021, 3, 10)),
    _line(BASIC, "Nokia", "2660 Flip", "Other", "ESS_5", dt.date(2023, 5, 2)),
)


def family_tables() -> dict[str, pl.LazyFrame]:
    """The seed customer's tables with the three extra lines."""
    tables = reference_tables()
    for name, rows in seed_customer_rows().items():
        if name == "lines":
            rows = [*rows, *FAMILY_LINES]
        tables[name] = pl.DataFrame(rows, schema=table_schema(TABLES_BY_NAME[name])).lazy()
    return tables


def family_row(as_of: dt.datetime = AS_OF) -> dict[str, Any]:
    """The family account's profile as a dict."""
    return build_profiles(family_tables(), as_of).collect().row(0, named=True)
