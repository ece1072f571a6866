"""``line_changes`` of the synthetic carrier: one row per change the history applied to a main
line, holding the state the line had until the take-up, so a profile rebuilt as of an earlier
instant shows the line as the ground truth saw it."""

from __future__ import annotations

import datetime as dt

import polars as pl

from goodcall.profiles.build import build_profiles
from goodcall.profiles.frames import table_schema
from goodcall.profiles.nordet import PLANS
from goodcall.profiles.schema import CONTACTS, LINE_CHANGES, LINES, PROMOTION_HISTORY
from goodcall.synth.chunk import _apply_conversions
from goodcall.synth.history import History
from goodcall.truth.offers import OFFER_DEVICES, OFFERS_BY_ID

from .conftest import AS_OF

c = pl.col
UTC = dt.UTC
T1 = dt.datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
T2 = dt.datetime(2026, 6, 9, 18, 30, tzinfo=UTC)
T3 = dt.datetime(2026, 10, 20, 14, 5, tzinfo=UTC)
DEVICE = ("device_make", "device_model", "device_os", "plan_id")


def _line(line_id: str, customer_id: str, *, primary: bool = True) -> dict[str, object]:
    return {
        "line_id": line_id,
        "customer_id": customer_id,
        "is_primary": primary,
        "user_label": None,
        "plan_id": "PLUS_20",
        "device_make": "Samsung",
        "device_model": "Galaxy S9",
        "device_os": "Android",
        "device_purchase_date": dt.date(2022, 5, 1),
        "financing_end_date": dt.date(2024, 5, 1),
        "data_usage_gb_m1": 3.0,
        "data_usage_gb_m2": 3.0,
        "data_usage_gb_m3": 3.0,
    }


def _history(conversions: list[tuple[str, str, dt.datetime]]) -> History:
    taken = pl.DataFrame(
        [
            {"customer_id": k, "offer_id": o, "channel": "phone", "group": "treatment", "at": at}
            for k, o, at in conversions
        ],
        schema={
            "customer_id": pl.String(),
            "offer_id": pl.String(),
            "channel": pl.String(),
            "group": pl.String(),
            "at": pl.Datetime("us", "UTC"),
        },
    )
    nothing = pl.DataFrame(schema=table_schema(CONTACTS))
    return History(nothing, taken, taken.head(0), nothing.head(0))


def test_each_applied_change_is_recorded_with_the_state_before_it() -> None:
    """A: two plans then a phone (only the last plan counts: two rows); B: a phone then a
    plan (two rows); C: both at the same instant (one row); D: nothing taken (no row)."""
    lines = pl.DataFrame(
        [
            _line("LA", "A"),
            _line("LA2", "A", primary=False),
            _line("LB", "B"),
            _line("LC", "C"),
            _line("LD", "D"),
        ],
        schema=table_schema(LINES),
    )
    history = _history(
        [
            ("A", "PL_UP_MAX_60", T1),
            ("A", "PL_UP_ULT_150", T2),
            ("A", "HS_IPHONE17_FETES", T3),
            ("B", "HS_GALAXY_S25_FETES", T1),
            ("B", "PL_UP_MAX_60", T2),
            ("C", "PL_UP_ULT_150", T2),
            ("C", "HS_PIXEL_10", T2),
        ]
    )
    events = pl.DataFrame(schema=table_schema(PROMOTION_HISTORY))
    after, _, changes = _apply_conversions(history, lines, events)
    columns = ["line_id", "changed_at", "plan_id", "device_model", "device_purchase_date"]
    old = dt.date(2022, 5, 1)
    assert changes.select(columns).rows() == [
        ("LA", T2, "PLUS_20", "Galaxy S9", old),
        ("LA", T3, "ULT_150", "Galaxy S9", old),
        ("LB", T1, "PLUS_20", "Galaxy S9", old),
        ("LB", T2, "PLUS_20", "Galaxy S25", T1.date()),
        ("LC", T2, "PLUS_20", "Galaxy S9", old),
    ]
    assert changes.schema == table_schema(LINE_CHANGES)
    assert changes.filter(c("line_id") == "LB")["financing_end_date"].to_list() == [
        dt.date(2024, 5, 1),
        dt.date(2028, 3, 2),
    ]
    now = after.select("line_id", "plan_id", "device_model").rows()
    assert now == [
        ("LA", "ULT_150", "iPhone 17"),
        ("LA2", "PLUS_20", "Galaxy S9"),
        ("LB", "MAX_60", "Galaxy S25"),
        ("LC", "ULT_150", "Pixel 10"),
        ("LD", "PLUS_20", "Galaxy S9"),
    ]


def _take_ups(contacts: pl.DataFrame, offers: list[str]) -> pl.DataFrame:
    """Per customer: the take-up instant of their last conversion on one of ``offers``."""
    last = dt.datetime.combine(AS_OF, dt.time(), UTC) - dt.timedelta(hours=1)
    return (
        contacts.filter(c("converted") & c("offer_id").is_in(offers))
        .group_by("customer_id")
        .agg(pl.min_horizontal(c("at").max() + pl.duration(days=1), pl.lit(last)).alias("at"))
    )


def test_the_carrier_records_one_row_per_applied_change(big: dict[str, pl.DataFrame]) -> None:
    postpaid = {p.tier for p in PLANS if p.kind == "postpaid"}
    plan_offers = [o.offer_id for o in OFFERS_BY_ID.values() if o.plan_tier in postpaid]
    primary = big["lines"].filter(c("is_primary")).select("customer_id", "line_id")
    expected = (
        pl.concat(
            [_take_ups(big["contacts"], plan_offers), _take_ups(big["contacts"], [*OFFER_DEVICES])]
        )
        .join(primary, on="customer_id")
        .select("line_id", c("at").alias("changed_at"))
        .unique()
        .sort("line_id", "changed_at")
    )
    changes = big["line_changes"]
    assert expected.height > 100
    assert changes.select("line_id", "changed_at").equals(expected)
    assert changes.join(primary, on=["customer_id", "line_id"], how="anti").height == 0


def test_a_profile_just_before_a_handset_take_up_shows_the_old_device(
    big: dict[str, pl.DataFrame],
) -> None:
    tables = {k: v.lazy() for k, v in big.items()}
    now = big["lines"].select(
        "line_id",
        c("device_purchase_date").alias("_bought"),
        *[c(n).alias(f"{n}_now") for n in DEVICE],
    )
    bought = (
        big["line_changes"]
        .join(now, on="line_id")
        .filter(c("changed_at").dt.date() == c("_bought"))
        .head(5)
    )
    assert bought.height == 5
    for change in bought.iter_rows(named=True):
        at, customer = change["changed_at"], c("customer_id") == change["customer_id"]
        before = build_profiles(tables, at - dt.timedelta(seconds=1)).filter(customer).collect()
        after = build_profiles(tables, at).filter(customer).collect()
        assert before.select(DEVICE).row(0) == tuple(change[n] for n in DEVICE)
        assert after.select(DEVICE).row(0) == tuple(change[f"{n}_now"] for n in DEVICE)
        assert before.row(0, named=True)["device_model"] != after.row(0, named=True)["device_model"]
        assert after.row(0, named=True)["device_age_months"] == 0
