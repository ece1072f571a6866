"""Per-line offers on a family account: the story's customer (primary line, iPhone 13) with a
second iPhone, a Galaxy S21 and a basic phone. Handsets and plans are judged line by line by the
same compiled predicates; add-ons, bundles and retention offers on the account (primary line).
The fast matrix and the reasons view name the same line with the same verdict."""

from __future__ import annotations

import polars as pl
import pytest

from goodcall.catalog.compile import compile_catalog
from goodcall.catalog.engine import evaluate_offers, evaluate_offers_matrix
from goodcall.catalog.loader import load_catalog
from goodcall.profiles.lines import explode_lines
from tests.catalog.family import BASIC, GALAXY, IPHONE_2, PRIMARY, family_row
from tests.policy.helpers import AS_OF, profiles, seed_row

CATALOG = load_catalog()
COMPILED = compile_catalog(CATALOG)
FAMILY = family_row()
KEYS = ["customer_id", "offer_id", "line_id", "eligible", "failed_tier"]


def matrix(*rows: dict[str, object]) -> pl.DataFrame:
    return evaluate_offers_matrix(profiles(*rows), COMPILED, AS_OF).collect()


def verdicts(frame: pl.DataFrame) -> dict[str, tuple[str | None, bool]]:
    return {o: (line, ok) for o, line, ok in frame.select("offer_id", "line_id", "eligible").rows()}


def test_the_family_account_is_four_lines_with_the_primary_iphone_on_the_profile() -> None:
    assert FAMILY["lines_count"] == 4
    assert (FAMILY["device_os"], FAMILY["device_model"]) == ("iOS", "iPhone 13")
    assert [line["line_id"] for line in FAMILY["lines"]] == [PRIMARY, IPHONE_2, GALAXY, BASIC]


def test_the_galaxy_line_gets_android_handsets_and_the_iphone_lines_ios_ones() -> None:
    got = verdicts(matrix(FAMILY))
    assert got["HS_IPHONE17_FETES"] == (PRIMARY, True)
    assert got["HS_IPHONE16E"] == (PRIMARY, True)
    assert got["HS_GALAXY_S25_FETES"] == (GALAXY, True)
    assert got["HS_GALAXY_A56"] == (GALAXY, True)
    assert got["HS_PIXEL_10"] == (GALAXY, True)
    # no line is on a prepaid plan: the primary line's reasons say why
    assert got["HS_MOTO_G_PREPAID"] == (PRIMARY, False)


def test_the_single_line_customer_gets_no_android_handset() -> None:
    got = verdicts(matrix(seed_row()))
    assert got["HS_GALAXY_S25_FETES"] == ("L-SEED-0001", False)
    assert got["HS_IPHONE17_FETES"] == ("L-SEED-0001", True)


def test_account_level_offers_name_no_line() -> None:
    frame = matrix(FAMILY)
    per_line = [o.id for o in CATALOG.offers if o.per_line]
    assert len(per_line) == 12  # 7 handsets, 5 plans
    account = frame.filter(~pl.col("offer_id").is_in(per_line))
    assert account.height == 18
    assert frame.filter(pl.col("offer_id").is_in(per_line))["line_id"].null_count() == 0
    assert account.get_column("line_id").null_count() == account.height
    assert verdicts(frame)["PL_RIGHTSIZE_PLUS_20"] == (None, False)  # retention: the account


def test_a_line_not_primary_is_chosen_when_the_primary_fails() -> None:
    """The primary iPhone 13 bought 2022-10 is 49 months old; at 24 months the rule
    ``device_age_months >= 24`` fails for it, while the second iPhone (2021-01) passes."""
    young = {**FAMILY, "device_age_months": 20, "customer_id": "C-YOUNG"}
    got = verdicts(matrix(young))
    assert got["HS_IPHONE17_FETES"] == (IPHONE_2, True)


def test_the_reasons_view_shows_the_line_s_own_device() -> None:
    frame = evaluate_offers(profiles(FAMILY), COMPILED, AS_OF).collect()
    row = frame.filter(pl.col("offer_id") == "HS_GALAXY_S25_FETES").row(0, named=True)
    assert row["line_id"] == GALAXY
    by_code = {r["code"]: r for r in row["reasons"]}
    assert by_code["catalog.applicability.device_os"]["evidence"] == (
        "device_os=Android, device_make=Samsung, device_model=Galaxy S21"
    )
    assert by_code["catalog.applicability.device_os"]["ok"] is True


def test_explode_gives_each_line_its_own_device_and_plan() -> None:
    rows = (
        explode_lines(
            profiles(FAMILY).select("customer_id", "lines", *sorted(FIELDS)),
            pl.lit(AS_OF.date()),
            set(FIELDS),
        )
        .select("line_id", *FIELDS)
        .collect()
        .rows()
    )
    assert rows == [
        (PRIMARY, "iOS", "iPhone 13", 5, 49, 0, 150.0),
        (IPHONE_2, "iOS", "iPhone 12", 2, 70, 0, 5.0),
        (GALAXY, "Android", "Galaxy S21", 2, 68, 0, 5.0),
        (BASIC, "Other", "2660 Flip", 2, 42, 0, 5.0),
    ]


FIELDS = (
    "device_os",
    "device_model",
    "plan_tier",
    "device_age_months",
    "financing_months_left",
    "plan_data_gb",
)


@pytest.mark.parametrize("rows", [[FAMILY], [seed_row()], [FAMILY, seed_row()]])
def test_matrix_and_reasons_agree_line_by_line(rows: list[dict[str, object]]) -> None:
    for i, row in enumerate(rows):
        row["customer_id"] = f"C-{i}"
    fast = matrix(*rows).select(KEYS)
    slow = evaluate_offers(profiles(*rows), COMPILED, AS_OF).collect().select(KEYS)
    assert fast.equals(slow)
    assert fast.height == 30 * len(rows)


def test_an_account_with_an_empty_line_list_is_judged_on_its_profile_as_without_lines() -> None:
    """An empty list of lines is judged as no list: one row per per-line offer, naming no line
    (an empty list used to leave the customer out of every per-line offer's verdict)."""
    empty, none = seed_row() | {"lines": []}, seed_row() | {"lines": None}
    per_line = [o.id for o in CATALOG.offers if o.per_line]
    got = matrix(empty).filter(pl.col("offer_id").is_in(per_line))
    assert got.height == 12 and got["line_id"].null_count() == 12
    assert got.select(KEYS).equals(
        matrix(none).filter(pl.col("offer_id").is_in(per_line)).select(KEYS)
    )
