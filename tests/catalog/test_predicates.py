"""Predicates: what parses, what is refused and why, and exact results under SQL semantics.

Bad inputs tried: unknown field (with and without a close match), unknown function, a real SQL
function outside the allow-list, text compared with a number and a number with text, a value an
enumerated field never takes, ``= NULL``, a bare non-boolean, a table prefix, a double-quoted
"string", two statements, a subquery, broken syntax, an impossible date, CAST, ``%``, LIKE with a
non-literal pattern, BETWEEN on booleans, booleans ordered with ``<``, NULL inside IN.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from goodcall.catalog.parse import PredicateError, parse_predicate
from goodcall.catalog.to_polars import to_polars
from goodcall.catalog.to_python import evaluate
from goodcall.profiles.fields import PREDICATE_FIELDS


def parse(text: str):  # type: ignore[no-untyped-def]
    return parse_predicate(text, PREDICATE_FIELDS)


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        ("device_os = 'Android' AND plan_data_gb < 20", ("device_os", "plan_data_gb")),
        ("plan_tier IN (1, 2) OR lines_count >= 3", ("plan_tier", "lines_count")),
        ("device_age_months BETWEEN 24 AND 60", ("device_age_months",)),
        ("preferred_start IS NULL AND NOT has_ios", ("preferred_start", "has_ios")),
        ("device_model NOT LIKE 'iPhone%'", ("device_model",)),
        ("LOWER(device_make) = 'lg'", ("device_make",)),
        ("COALESCE(data_usage_ratio, 0) * 100 > ABS(-80)", ("data_usage_ratio",)),
        ("LEAST(plan_tier, lines_count) <= GREATEST(1, 2)", ("plan_tier", "lines_count")),
        ("national_dnc_snapshot >= DATE '2026-11-01'", ("national_dnc_snapshot",)),
        ("last_contact_at < TIMESTAMP '2026-11-01 12:00:00+00:00'", ("last_contact_at",)),
        ("preferred_end <= TIME '17:00'", ("preferred_end",)),
        ("optin_phone = TRUE AND LENGTH(first_name) > 1", ("optin_phone", "first_name")),
    ],
)
def test_valid_predicates_and_the_fields_they_read(text: str, fields: tuple[str, ...]) -> None:
    assert parse(text).fields == fields


@pytest.mark.parametrize(
    ("text", "message", "field"),
    [
        (
            "device_oss = 'iOS'",
            "unknown field 'device_oss' (did you mean 'device_os'?)",
            "device_oss",
        ),
        ("zzz_qq > 1", "unknown field 'zzz_qq'", "zzz_qq"),
        ("FOO(plan_tier) > 1", "unknown function FOO", None),
        ("LOWR(device_make) = 'lg'", "unknown function LOWR (did you mean 'LOWER'?)", None),
        ("SUBSTR(device_os, 1, 2) = 'iO'", "is not allowed; allowed: LOWER", None),
        ("device_os > 3", "type mismatch (device_os is text, compared with number)", "device_os"),
        ("plan_tier = 'x'", "type mismatch (plan_tier is number, compared with text)", "plan_tier"),
        ("device_os = 'ios'", "device_os is never 'ios' (did you mean 'iOS'?)", "device_os"),
        (
            "device_os IN ('iOS', 'Andriod')",
            "never 'Andriod' (did you mean 'Android'?)",
            "device_os",
        ),
        ("plan_tier = NULL", "using IS NULL", None),
        ("plan_tier", "must be a condition", None),
        ("p.plan_tier = 1", "without a prefix", "plan_tier"),
        ('device_os = "iOS"', "text values take single quotes", "iOS"),
        ("plan_tier = 1; DROP TABLE customers", "exactly one condition", None),
        ("(SELECT 1) = 1", "unsupported syntax", None),
        ("plan_tier >", "not a valid condition", None),
        ("customer_id = 'x' AND national_dnc_snapshot > DATE '2026-13-01'", "bad DATE", None),
        ("CAST(plan_tier AS TEXT) = '1'", "CAST is not supported", None),
        ("plan_tier % 2 = 1", "unsupported syntax", None),
        ("device_model LIKE device_make", "quoted pattern", None),
        ("has_ios BETWEEN FALSE AND TRUE", "BETWEEN needs ordered values", None),
        ("has_ios < TRUE", "only be compared with = or <>", None),
        ("plan_tier IN (1, NULL)", "not NULL", None),
        ("device_os + 1 > 2", "needs a number operand", "device_os"),
        ("plan_tier AND has_ios", "AND needs a bool operand", "plan_tier"),
        ("plan_tier > 0E", "not a number: '0E'", None),  # an exponent without digits
    ],
)
def test_bad_predicates_say_what_is_wrong(text: str, message: str, field: str | None) -> None:
    with pytest.raises(PredicateError) as caught:
        parse(text)
    assert message in str(caught.value)
    assert caught.value.field == field


ROWS = [
    {"plan_tier": 5, "data_usage_ratio": 0.27, "device_os": "iOS", "device_model": "iPhone 13"},
    {"plan_tier": 2, "data_usage_ratio": 0.95, "device_os": "Android", "device_model": "Velvet"},
    {"plan_tier": None, "data_usage_ratio": None, "device_os": None, "device_model": None},
]
FRAME = pl.DataFrame(
    ROWS,
    schema={
        "plan_tier": pl.Int64,
        "data_usage_ratio": pl.Float64,
        "device_os": pl.String,
        "device_model": pl.String,
    },
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plan_tier >= 3", [True, False, None]),
        ("plan_tier >= 3 OR device_os = 'Android'", [True, True, None]),
        ("plan_tier >= 3 AND device_os = 'Android'", [False, False, None]),
        ("NOT (plan_tier >= 3)", [False, True, None]),
        ("plan_tier IS NULL OR data_usage_ratio >= 0.8", [False, True, True]),
        ("plan_tier IN (2, 4)", [False, True, None]),
        ("data_usage_ratio BETWEEN 0.2 AND 0.3", [True, False, None]),
        ("device_model LIKE 'iPhone __'", [True, False, None]),
        ("device_model ILIKE 'velvet'", [False, True, None]),
        ("COALESCE(plan_tier, 0) = 0", [False, False, True]),
        ("plan_tier / (plan_tier - 2) > 1", [True, None, None]),  # division by zero is NULL
        ("GREATEST(plan_tier, 3) = 3", [False, True, True]),  # NULLs are skipped
    ],
)
def test_sql_semantics_in_both_backends(text: str, expected: list[bool | None]) -> None:
    predicate = parse(text)
    assert FRAME.select(to_polars(predicate).alias("r")).get_column("r").to_list() == expected
    assert [evaluate(predicate, row) for row in ROWS] == expected


def test_literals_keep_their_types() -> None:
    stamp = parse("last_contact_at >= TIMESTAMP '2026-11-01 07:00:00-05:00'")
    frame = pl.DataFrame(
        {"last_contact_at": [dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)]},
        schema={"last_contact_at": pl.Datetime("us", "UTC")},
    )
    assert frame.select(to_polars(stamp)).item() is True
