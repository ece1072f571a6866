"""Which reason excludes an offer: the built-in facts before a marketer's usage rules.

A plan "upgrade" to the customer's tier or below is not relevant at all, whatever the usage; the
reason shown (``failed_tier``, the first failing check that explain and audit report, the first
applicability reason the brief picks) must be ``catalog.applicability.not_an_upgrade``, not « uses
only 47.7 GB of 60 GB » nor "20 GB would not be enough". Tried on the seed customer (top plan, where
the usage rules fail too) and on a customer on Max 60 Go (where the 20 GB suitability rule fails
too), in the reasons view and in the bit-mask view the arbitration uses.
"""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

from goodcall.catalog.compile import compile_catalog
from goodcall.catalog.engine import evaluate_offers, evaluate_offers_matrix, failed_codes
from goodcall.catalog.loader import load_catalog
from tests.catalog.customers import max_60_customer
from tests.policy.helpers import AS_OF, profiles, seed_row

COMPILED = compile_catalog(load_catalog())
SEED = seed_row()
MAX_60 = max_60_customer()
ROWS = profiles(SEED, MAX_60)
REASONS = evaluate_offers(ROWS, COMPILED, AS_OF).collect()
MATRIX = evaluate_offers_matrix(ROWS, COMPILED, AS_OF).collect()
NOT_AN_UPGRADE = "catalog.applicability.not_an_upgrade"


def row_of(frame: pl.DataFrame, customer: str, offer_id: str) -> dict[str, Any]:
    found = frame.filter((pl.col("customer_id") == customer) & (pl.col("offer_id") == offer_id))
    assert found.height == 1
    return found.row(0, named=True)


def failed(customer: str, offer_id: str) -> list[str]:
    return [r["code"] for r in row_of(REASONS, customer, offer_id)["reasons"] if not r["ok"]]


@pytest.mark.parametrize("customer", [SEED["customer_id"], MAX_60["customer_id"]])
def test_a_plan_at_or_below_the_customers_tier_is_excluded_as_no_upgrade(customer: str) -> None:
    codes = failed(customer, "PL_UP_PLUS_20")
    assert codes[0] == NOT_AN_UPGRADE  # what explain calls decided_by, what audit reports first
    usage_rules = {"catalog.applicability.near_data_limit", "catalog.suitability.fits_in_20_gb"}
    assert usage_rules <= set(codes)  # they fail too, and must not be the reason shown
    assert row_of(REASONS, customer, "PL_UP_PLUS_20")["failed_tier"] == "applicability"
    matrix = row_of(MATRIX, customer, "PL_UP_PLUS_20")
    assert matrix["failed_tier"] == "applicability"
    assert failed_codes(COMPILED, "PL_UP_PLUS_20", matrix["failed_mask"])[0] == NOT_AN_UPGRADE


def test_the_customers_own_tier_is_no_upgrade_either() -> None:
    assert MAX_60["plan_id"] == "MAX_60" and MAX_60["plan_tier"] == 4
    codes = failed("C-MAX60", "PL_UP_MAX_60")
    assert codes[:2] == ["catalog.applicability.already_owns", NOT_AN_UPGRADE]
    # Ultimate is a real upgrade for her, and at 47.7 GB a month she is a heavy user.
    assert row_of(REASONS, "C-MAX60", "PL_UP_ULT_150")["eligible"] is True


def test_every_plan_offer_of_the_seed_is_excluded_by_a_built_in_fact_first() -> None:
    for compiled in COMPILED.offers:
        if compiled.offer.kind != "plan":
            continue
        codes = [c for c in failed(SEED["customer_id"], compiled.id) if ".validity." not in c]
        assert codes[0] in ("catalog.applicability.already_owns", NOT_AN_UPGRADE), compiled.id


def test_built_in_checks_come_before_every_rule_of_their_tier_and_the_next() -> None:
    """Evaluation order: validity, eligibility, built-in applicability, the offer's own
    applicability rules, suitability — so no usage rule can speak before a built-in fact."""
    rank = {"validity": 0, "eligibility": 1, "applicability": 2, "suitability": 3}
    for compiled in COMPILED.offers:
        order = [(rank[c.tier], c.rule_id is not None) for c in compiled.checks]
        assert order == sorted(order), compiled.id
        builtin = [n for n, c in enumerate(compiled.checks) if c.code.startswith("catalog.app")]
        builtin = [n for n in builtin if compiled.checks[n].rule_id is None]
        rules = [
            n
            for n, c in enumerate(compiled.checks)
            if c.rule_id is not None and c.tier in ("applicability", "suitability")
        ]
        if builtin and rules:
            assert max(builtin) < min(rules), compiled.id
