"""The audit of a call list that names lines: a handset for the Galaxy line of the family account
passes, the same handset named for an iPhone line is a device_os error, a line that is not on the
account is ``audit.unknown_line``; a list without ``line_id`` is still accepted (first eligible
line, as goodcall decides)."""

from __future__ import annotations

import polars as pl
import pytest

from goodcall.audit.calllist import validate_calls
from goodcall.audit.findings import audit_calls
from goodcall.catalog.compile import compile_catalog
from goodcall.catalog.loader import load_catalog
from goodcall.policy.loader import load_policies
from goodcall.policy.resolve import compile_policies
from tests.catalog.family import BASIC, GALAXY, IPHONE_2, PRIMARY, family_row
from tests.policy.helpers import profiles

COMPILED = compile_catalog(load_catalog())
POLICIES = compile_policies(load_policies())
MON_10 = "2026-11-23T10:00:00-05:00"
OS = "catalog.applicability.device_os"


def findings(calls: list[dict[str, str | None]]) -> list[list[str]]:
    """Per call: its catalog and audit.* codes (policy findings are not the point here)."""
    frame = validate_calls(pl.DataFrame(calls), "calls")
    found = audit_calls(frame, profiles(family_row()), COMPILED, POLICIES)
    codes = found.filter(pl.col("code").str.contains(r"^(catalog|audit)\.")).select("row", "code")
    return [
        sorted(codes.filter(pl.col("row") == i + 1).get_column("code").to_list())
        for i in range(len(calls))
    ]


def call(offer: str, line: str | None) -> dict[str, str | None]:
    return {
        "customer_id": "C-SEED-0001",
        "offer_id": offer,
        "line_id": line,
        "planned_at": MON_10,
        "channel": "phone",
        "language": "fr-CA",
        "register": "formal",
    }


@pytest.mark.parametrize(
    ("offer", "line", "expected"),
    [
        ("HS_GALAXY_A56", GALAXY, []),
        ("HS_GALAXY_A56", PRIMARY, [OS]),
        ("HS_GALAXY_A56", BASIC, [OS]),
        ("HS_IPHONE16E", IPHONE_2, []),
        ("HS_IPHONE16E", GALAXY, [OS]),
        ("HS_GALAXY_A56", None, []),  # no line named: the first eligible line (the Galaxy)
        ("HS_GALAXY_A56", "", []),  # an empty cell is no line
        ("HS_GALAXY_A56", "L-NOPE", ["audit.unknown_line"]),
    ],
)
def test_a_named_line_is_checked_against_its_own_device(
    offer: str, line: str | None, expected: list[str]
) -> None:
    assert findings([call(offer, line)]) == [expected]


def test_a_call_list_without_line_id_is_accepted() -> None:
    calls = [{k: v for k, v in call("HS_IPHONE16E", None).items() if k != "line_id"}]
    assert findings(calls) == [[]]
