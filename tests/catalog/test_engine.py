"""The catalog engine on the story's customer and on variations of him.

What the story's carrier got wrong must be impossible here: no handset for another OS, no plan
"upgrade" to his plan or below, the promotion he already saw flagged (not news). Beyond him, the
engine is checked on customers it was not written for (an Android prepaid user, a family, a
customer with no line at all) and on its own contracts: the fast matrix and the reasons view agree,
one customer in real time gives the row the batch gives, bad frames are refused.

Bad inputs tried: a naive ``at``, a profile frame missing a column, a mistyped column, an unknown
channel.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from goodcall.catalog.compile import compile_catalog
from goodcall.catalog.engine import evaluate_offers, evaluate_offers_matrix, failed_codes
from goodcall.catalog.loader import load_catalog
from goodcall.profiles.fields import ProfileSchemaError
from goodcall.profiles.fixtures import SEED_CUSTOMER_ID
from goodcall.truth.offers import OFFERS
from tests.policy.helpers import AS_OF, profiles, seed_row, variant

CATALOG = load_catalog()
COMPILED = compile_catalog(CATALOG)
SEED = seed_row()


def offers_for(*rows: dict[str, object], at: dt.datetime = AS_OF) -> pl.DataFrame:
    return evaluate_offers(profiles(*rows), COMPILED, at).collect()


def reasons_of(frame: pl.DataFrame, customer: str, offer: str) -> dict[str, dict[str, object]]:
    row = frame.filter((pl.col("customer_id") == customer) & (pl.col("offer_id") == offer))
    assert row.height == 1
    return {r["code"]: r for r in row.get_column("reasons").item()}


def test_one_row_per_customer_and_offer_with_every_check() -> None:
    frame = offers_for(SEED)
    assert frame.columns == [
        "customer_id",
        "offer_id",
        "line_id",
        "eligible",
        "failed_tier",
        "reasons",
        "notices",
    ]
    assert frame.get_column("offer_id").to_list() == [o.offer_id for o in OFFERS]
    for compiled_offer, reasons in zip(COMPILED.offers, frame.get_column("reasons"), strict=True):
        codes = [r["code"] for r in reasons]
        assert codes[:1] == ["catalog.validity.not_started"]
        assert set(codes) >= {c.code for c in compiled_offer.checks}


def test_seed_no_handset_for_another_os() -> None:
    frame = offers_for(SEED)
    for spec in OFFERS:
        if spec.target_os is None:
            continue
        reason = reasons_of(frame, SEED_CUSTOMER_ID, spec.offer_id)[
            "catalog.applicability.device_os"
        ]
        assert reason["ok"] is (spec.target_os == "iOS")
        assert "device_os=iOS" in str(reason["evidence"])
        if spec.target_os == "Android":
            row = frame.filter(pl.col("offer_id") == spec.offer_id).row(0, named=True)
            assert row["eligible"] is False
            assert row["failed_tier"] in ("eligibility", "applicability")


def test_seed_no_plan_upgrade_to_his_plan_or_below() -> None:
    frame = offers_for(SEED)
    assert SEED["plan_tier"] == 5
    for spec in OFFERS:
        if spec.kind != "plan":
            continue
        reason = reasons_of(frame, SEED_CUSTOMER_ID, spec.offer_id)
        assert reason["catalog.applicability.not_an_upgrade"]["ok"] is False
        assert reason["catalog.applicability.not_an_upgrade"]["evidence"] == (
            "plan_id=ULT_150, plan_tier=5"
        )
        row = frame.filter(pl.col("offer_id") == spec.offer_id).row(0, named=True)
        assert row["eligible"] is False
    ult = reasons_of(frame, SEED_CUSTOMER_ID, "PL_FETES_ULT_150")
    assert ult["catalog.applicability.already_owns"]["ok"] is False


def test_seed_seen_promotion_is_a_notice_not_news() -> None:
    frame = offers_for(SEED)
    iphone = frame.filter(pl.col("offer_id") == "HS_IPHONE17_FETES").row(0, named=True)
    assert iphone["eligible"] is True  # right OS, old phone: a fair offer ...
    assert iphone["notices"] == [  # ... but not news: he saw it in the app on 2026-11-17
        {
            "code": "catalog.notice.promotion_seen",
            "ok": False,
            "rule": "'PROMO_FETES_2026' NOT IN seen_promotions",
            "evidence": "promotion_seen=PROMO_FETES_2026, place=app, at=2026-11-17T12:03Z",
        }
    ]
    no_promo = frame.filter(pl.col("offer_id") == "HS_IPHONE16E").row(0, named=True)
    assert no_promo["notices"] == []


def test_promotion_already_redeemed_excludes() -> None:
    redeemed = variant("C-REDEEMED", redeemed_promotions=["PROMO_ULT_2024", "PROMO_FETES_2026"])
    reason = reasons_of(offers_for(redeemed), "C-REDEEMED", "HS_IPHONE17_FETES")
    assert reason["catalog.applicability.promotion_redeemed"]["ok"] is False
    assert reason["catalog.applicability.promotion_redeemed"]["evidence"] == (
        "redeemed_promotions=[PROMO_ULT_2024|PROMO_FETES_2026]"
    )


def test_validity_uses_the_customers_local_date() -> None:
    # 2027-01-01 03:00 UTC is still 2026-12-31 22:00 in Montreal: the holiday promo is valid.
    new_year_utc = dt.datetime(2027, 1, 1, 3, 0, tzinfo=dt.UTC)
    montreal = offers_for(SEED, at=new_year_utc)
    valid = reasons_of(montreal, SEED_CUSTOMER_ID, "HS_IPHONE17_FETES")
    assert valid["catalog.validity.expired"]["ok"] is True
    assert valid["catalog.validity.expired"]["evidence"] == (
        "local_date=2026-12-31, valid_to=2026-12-31"
    )
    paris = variant("C-PARIS", time_zone="Europe/Paris")
    expired = reasons_of(offers_for(paris, at=new_year_utc), "C-PARIS", "HS_IPHONE17_FETES")
    assert expired["catalog.validity.expired"]["ok"] is False
    early = reasons_of(
        offers_for(SEED, at=dt.datetime(2026, 11, 1, 12, tzinfo=dt.UTC)),
        SEED_CUSTOMER_ID,
        "HS_IPHONE17_FETES",
    )
    assert early["catalog.validity.not_started"]["ok"] is False


def test_other_customers_get_other_answers() -> None:
    android_prepaid = variant(
        "C-ANDROID",
        device_make="Samsung",
        device_model="Galaxy S21",
        device_os="Android",
        has_ios=False,
        has_android=True,
        device_age_months=40,
        plan_id="PRE_2",
        plan_tier=1,
        plan_data_gb=2.0,
        plan_price=25.0,
        plan_is_top=False,
        data_usage_gb=1.9,
        data_usage_ratio=0.95,
        lines_count=1,
    )
    family = variant(
        "C-FAMILY",
        lines_count=4,
        plan_id="PLUS_20",
        plan_tier=3,
        plan_is_top=False,
        data_usage_gb=19.0,
        data_usage_ratio=0.95,
        plan_data_gb=20.0,
    )
    no_line = variant(
        "C-NOLINE",
        lines_count=0,
        device_make=None,
        device_model=None,
        device_os=None,
        device_age_months=None,
        plan_id=None,
        plan_tier=None,
        plan_data_gb=None,
        data_usage_gb=None,
        data_usage_ratio=None,
        has_ios=False,
    )
    frame = offers_for(android_prepaid, family, no_line)
    eligible = {
        cid: set(
            frame.filter((pl.col("customer_id") == cid) & pl.col("eligible"))
            .get_column("offer_id")
            .to_list()
        )
        for cid in ("C-ANDROID", "C-FAMILY", "C-NOLINE")
    }
    assert {"HS_MOTO_G_PREPAID", "PL_PREPAID_TO_ESS_5", "AO_DATA_TOPUP_10"} <= eligible["C-ANDROID"]
    assert not any(o.startswith("HS_IPHONE") for o in eligible["C-ANDROID"])
    assert {"ML_FAMILY_DISCOUNT", "PL_UP_MAX_60"} <= eligible["C-FAMILY"]
    assert "PL_UP_PLUS_20" not in eligible["C-FAMILY"]  # he has it
    assert not any(o.startswith(("HS_", "PL_")) for o in eligible["C-NOLINE"])


def test_matrix_agrees_with_reasons_and_decodes() -> None:
    rows = [SEED, variant("C-TWO", device_os="Android", device_model="Pixel 9", plan_tier=2)]
    reasons = evaluate_offers(profiles(*rows), COMPILED, AS_OF).collect()
    matrix = evaluate_offers_matrix(profiles(*rows), COMPILED, AS_OF).collect()
    assert matrix.select("customer_id", "offer_id", "eligible").equals(
        reasons.select("customer_id", "offer_id", "eligible")
    )
    assert matrix.get_column("failed_tier").cast(pl.String).to_list() == (
        reasons.get_column("failed_tier").cast(pl.String).to_list()
    )
    for row, why in zip(matrix.iter_rows(named=True), reasons.get_column("reasons"), strict=True):
        failed = [r["code"] for r in why if not r["ok"]]
        assert failed_codes(COMPILED, row["offer_id"], row["failed_mask"], False) == failed
        # both saw the holiday promotion in the app (the variant keeps the seed's history)
        assert row["promotion_seen"] is (SPEC_PROMOS.get(row["offer_id"]) == "PROMO_FETES_2026")


SPEC_PROMOS = {o.offer_id: o.promotion_id for o in OFFERS}


def test_one_customer_in_real_time_matches_the_batch() -> None:
    crowd = [variant(f"C-{i}", device_age_months=i * 7, plan_tier=1 + i % 5) for i in range(10)]
    batch = evaluate_offers(profiles(SEED, *crowd), COMPILED, AS_OF).collect()
    alone = evaluate_offers(profiles(crowd[3]), COMPILED, AS_OF).collect()
    assert batch.filter(pl.col("customer_id") == "C-3").equals(alone)


def test_channels_restrict_offers_to_those_made_on_them() -> None:
    frame = evaluate_offers(profiles(SEED), COMPILED, AS_OF, channels=["sms"]).collect()
    rt = reasons_of(frame, SEED_CUSTOMER_ID, "RT_PRICE_MATCH")  # phone only
    assert rt["catalog.validity.channel"]["ok"] is False
    assert rt["catalog.validity.channel"]["evidence"] == "offer_channels=phone, requested=sms"
    row = frame.filter(pl.col("offer_id") == "RT_PRICE_MATCH").row(0, named=True)
    assert (row["eligible"], row["failed_tier"]) == (False, "validity")
    with pytest.raises(ValueError, match="unknown channel"):
        evaluate_offers(profiles(SEED), COMPILED, AS_OF, channels=["fax"])


def test_bad_frames_and_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        evaluate_offers(profiles(SEED), COMPILED, dt.datetime(2026, 11, 20))
    with pytest.raises(ProfileSchemaError, match="missing column 'device_os'"):
        evaluate_offers(profiles(SEED).drop("device_os"), COMPILED, AS_OF)
    mistyped = profiles(SEED).with_columns(pl.col("plan_tier").cast(pl.String))
    with pytest.raises(ProfileSchemaError, match="'plan_tier' is String, expected Int64"):
        evaluate_offers_matrix(mistyped, COMPILED, AS_OF)
