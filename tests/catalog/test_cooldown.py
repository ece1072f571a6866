"""Offer cool-downs: a refusal blocks that offer and its family until its cool-down ends.

The story: the seed customer declined the holiday iPhone 17 on a call ten days before the decision
(30-day cool-down, family ``iphone`` in the shipped catalog). Both iPhone offers are blocked with
the declined offer and the end date; the roaming pass (another family) is not; on day 30 at the
refusal's hour the block lifts. The fast matrix and the reasons view agree on every answer.

Bad and hostile inputs tried: a refusal after the decision time, a "refusal" in the control group,
outcomes that are not refusals, a refusal of an offer the catalog does not have, no contact
history at all, a per-row decision time; in the catalog: a family in capitals, a family named by
one offer (misspelt), a family without any cool-down, a cool-down of 0 days.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goodcall.catalog.compile import CompiledCatalog, compile_catalog
from goodcall.catalog.cooldown import COOLDOWN_CODE, cooldown_groups
from goodcall.catalog.engine import evaluate_offers, evaluate_offers_matrix, failed_codes
from goodcall.catalog.loader import load_catalog
from goodcall.catalog.model import Catalog
from goodcall.catalog.texts import parse_evidence, reason_text
from goodcall.catalog.yamlsource import SourceError
from tests.catalog.test_loader import OFFER, load_text
from tests.policy.helpers import AS_OF, contact, profiles, variant

CATALOG = load_catalog()
COMPILED = compile_catalog(CATALOG)
DECLINED_AT = AS_OF - dt.timedelta(days=10)  # 2026-11-10T15:00Z, 10:00 in Montreal
UNTIL = DECLINED_AT + dt.timedelta(days=30)
IPHONES = ("HS_IPHONE17_FETES", "HS_IPHONE16E")
ROAMING = "AO_US_ROAMING"


def refusal(offer_id: str | None, at: dt.datetime = DECLINED_AT, **changes: Any) -> dict[str, Any]:
    entry = contact(at, outcome="declined", **changes)
    entry["offer_id"] = offer_id
    return entry


def declined(cid: str, *history: dict[str, Any]) -> dict[str, Any]:
    return variant(cid, contact_history=list(history))


def results(
    rows: list[dict[str, Any]], at: dt.datetime = AS_OF, compiled: CompiledCatalog = COMPILED
) -> dict[tuple[str, str], dict[str, Any]]:
    """(customer, offer) → the reasons row, with its cool-down reason and the matrix's answer,
    after checking that the two views agree."""
    full = evaluate_offers(profiles(*rows), compiled, at).collect()
    fast = evaluate_offers_matrix(profiles(*rows), compiled, at).collect()
    out = {}
    for row, quick in zip(full.iter_rows(named=True), fast.iter_rows(named=True), strict=True):
        assert (quick["customer_id"], quick["offer_id"]) == (row["customer_id"], row["offer_id"])
        assert (quick["eligible"], quick["failed_tier"]) == (row["eligible"], row["failed_tier"])
        failed = [r["code"] for r in row["reasons"] if not r["ok"]]
        assert failed_codes(compiled, row["offer_id"], quick["failed_mask"]) == failed
        row["cooldown"] = next((r for r in row["reasons"] if r["code"] == COOLDOWN_CODE), None)
        if row["cooldown"] is not None:
            assert_evidence_agrees(row["cooldown"], at)
        out[row["customer_id"], row["offer_id"]] = row
    return out


def assert_evidence_agrees(reason: dict[str, Any], at: dt.datetime) -> None:
    """The evidence (the reasons view's own columns) tells the same as the check (the fast
    path's): blocked ⇔ the named refusal ends after ``at``. Stamps are to the minute."""
    until = parse_evidence(reason["evidence"]).get("until")
    if until is None:
        assert reason["ok"] is True
        return
    minute = dt.datetime.fromisoformat(until.replace("Z", "+00:00"))
    if reason["ok"]:
        assert minute <= at, reason
    else:
        assert minute + dt.timedelta(minutes=1) > at, reason


def test_the_shipped_families() -> None:
    families = {g.family: g.offers for g in cooldown_groups(CATALOG) if g.family}
    assert families == {
        "iphone": IPHONES,
        "android_phone": (
            "HS_GALAXY_S25_FETES",
            "HS_GALAXY_A56",
            "HS_PIXEL_10",
            "HS_LG_VELVET_CLEARANCE",
            "HS_MOTO_G_PREPAID",
        ),
        "plan_upgrade": (
            "PL_UP_PLUS_20",
            "PL_UP_MAX_60",
            "PL_UP_ULT_150",
            "PL_FETES_ULT_150",
            "PL_PREPAID_TO_ESS_5",
        ),
        "roaming": ("AO_US_ROAMING", "AO_WORLD_ROAMING"),
        "watch_line": ("AO_APPLE_WATCH_LINE", "AO_GALAXY_WATCH_LINE"),
        "price_concession": ("RT_LOYALTY_CREDIT", "RT_PRICE_MATCH"),
    }
    assert {o.cooldown_days for o in CATALOG.offers} == {30}
    assert len(cooldown_groups(CATALOG)) == 6 + 12  # six families, twelve offers on their own


def test_a_refusal_blocks_the_offer_and_its_family_with_the_end_date() -> None:
    row = declined("C-NO", refusal("HS_IPHONE17_FETES"))
    found = results([row])
    evidence = (
        "declined=HS_IPHONE17_FETES, declined_at=2026-11-10T15:00Z, cooldown_days=30, "
        "until=2026-12-10T15:00Z"
    )
    for offer in IPHONES:
        result = found["C-NO", offer]
        assert (result["eligible"], result["failed_tier"]) == (False, "applicability")
        assert result["cooldown"]["ok"] is False
        assert result["cooldown"]["evidence"] == evidence
        assert [r["code"] for r in result["reasons"] if not r["ok"]] == [COOLDOWN_CODE]

    def say(offer: str, lang: str) -> str:
        return reason_text(found["C-NO", offer]["cooldown"], row, CATALOG, offer, lang)  # type: ignore[arg-type]

    assert say("HS_IPHONE17_FETES", "en") == (
        "the customer declined “iPhone 17 at the holiday price” on November 10, 2026: "
        "not again before the cool-down ends on December 10, 2026"
    )
    assert say("HS_IPHONE16E", "fr") == (
        "la personne a refusé « iPhone 17 au prix des Fêtes » le 10 novembre 2026 : rien de la "
        "même famille avant la fin du délai, le 10 décembre 2026"
    )
    roaming = found["C-NO", ROAMING]
    assert roaming["eligible"] is True  # another family follows its own rules
    assert roaming["cooldown"]["evidence"] == (
        "declined=none, blocked_by=AO_US_ROAMING|AO_WORLD_ROAMING"
    )
    assert reason_text(roaming["cooldown"], row, CATALOG, ROAMING, "en") == (
        "no refusal of an offer of the same family is within its cool-down"
    )


def test_the_block_lifts_exactly_when_the_cool_down_ends() -> None:
    row = declined("C-NO", refusal("HS_IPHONE17_FETES"))
    just_before = results([row], UNTIL - dt.timedelta(microseconds=1))
    assert just_before["C-NO", "HS_IPHONE17_FETES"]["cooldown"]["ok"] is False
    at_the_end = results([row], UNTIL)
    for offer in IPHONES:
        assert at_the_end["C-NO", offer]["cooldown"]["ok"] is True
    day_31 = results([row], DECLINED_AT + dt.timedelta(days=31))
    iphone = day_31["C-NO", "HS_IPHONE17_FETES"]
    assert iphone["eligible"] is True
    assert reason_text(iphone["cooldown"], row, CATALOG, "HS_IPHONE17_FETES", "en") == (
        "the customer declined “iPhone 17 at the holiday price” on November 10, 2026; "
        "the cool-down ended on December 10, 2026"
    )


def test_the_refusal_that_ends_last_decides() -> None:
    longer = [
        o.model_copy(update={"cooldown_days": 60}) if o.id == "HS_IPHONE16E" else o
        for o in CATALOG.offers
    ]
    compiled = compile_catalog(CATALOG.model_copy(update={"offers": longer}))
    row = declined(
        "C-TWO",
        refusal("HS_IPHONE16E", AS_OF - dt.timedelta(days=20)),  # ends in 40 days
        refusal("HS_IPHONE17_FETES", AS_OF - dt.timedelta(days=5)),  # ends in 25 days
    )
    found = results([row], compiled=compiled)
    assert found["C-TWO", "HS_IPHONE17_FETES"]["cooldown"]["evidence"] == (
        "declined=HS_IPHONE16E, declined_at=2026-10-31T15:00Z, cooldown_days=60, "
        "until=2026-12-30T15:00Z"
    )


def test_what_is_not_a_refusal_in_force_blocks_nothing() -> None:
    rows = [
        declined("C-LATER", refusal("HS_IPHONE17_FETES", AS_OF + dt.timedelta(minutes=1))),
        declined("C-CONTROL", refusal("HS_IPHONE17_FETES", group="control")),
        declined(
            "C-OTHER-OUTCOMES",
            *[
                {**refusal("HS_IPHONE17_FETES"), "outcome": outcome}
                for outcome in ("accepted", "no_answer", "voicemail", "complaint")
            ],
        ),
        declined("C-UNKNOWN-OFFER", refusal("HS_NOKIA_3310"), refusal(None)),
        variant("C-NO-HISTORY", contact_history=None),
    ]
    found = results(rows)
    for row in rows:
        for offer in IPHONES:
            cooldown = found[row["customer_id"], offer]["cooldown"]
            assert cooldown["ok"] is True, (row["customer_id"], offer)
            assert cooldown["evidence"].startswith("declined=none"), row["customer_id"]


def test_each_row_at_its_own_decision_time() -> None:
    row = declined("C-NO", refusal("HS_IPHONE17_FETES"))
    frame = pl.concat(
        [
            profiles({**row, "customer_id": cid}).with_columns(
                pl.lit(at, pl.Datetime("us", "UTC")).alias("planned_at")
            )
            for cid, at in (("C-INSIDE", UNTIL - dt.timedelta(hours=1)), ("C-AFTER", UNTIL))
        ]
    )
    result = evaluate_offers(frame, COMPILED, "planned_at").collect()
    iphone = result.filter(pl.col("offer_id") == "HS_IPHONE16E")
    assert dict(iphone.select("customer_id", "eligible").iter_rows()) == {
        "C-INSIDE": False,
        "C-AFTER": True,
    }


def test_a_catalog_without_cool_downs_needs_no_contact_history() -> None:
    plain = compile_catalog(
        CATALOG.model_copy(
            update={
                "offers": [
                    o.model_copy(update={"family": None, "cooldown_days": None})
                    for o in CATALOG.offers
                ]
            }
        )
    )
    frame = profiles(variant("C-PLAIN")).drop("contact_history")
    result = evaluate_offers_matrix(frame, plain, AS_OF).collect()
    assert result.height == len(CATALOG.offers)
    assert all(c.code != COOLDOWN_CODE for o in plain.offers for c in o.checks)


# --- the property: never lifts before the declared end, always lifts at it -------------------

PAIR = compile_catalog(
    Catalog.model_validate(
        {
            **CATALOG.model_dump(exclude={"offers"}),
            "offers": [o.model_dump() for o in CATALOG.offers if o.id in IPHONES],
        }
    )
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    days=st.integers(min_value=1, max_value=3650),
    minutes_ago=st.integers(min_value=-3 * 24 * 60, max_value=4000 * 24 * 60),
    offer=st.sampled_from(IPHONES),
)
def test_a_block_holds_until_its_end_and_lifts_at_it(
    days: int, minutes_ago: int, offer: str
) -> None:
    offers = [o.model_copy(update={"cooldown_days": days}) for o in PAIR.catalog.offers]
    compiled = compile_catalog(PAIR.catalog.model_copy(update={"offers": offers}))
    declined_at = AS_OF - dt.timedelta(minutes=minutes_ago)
    row = declined("C-P", refusal(offer, declined_at))
    end = declined_at + dt.timedelta(days=days)
    for at in (AS_OF, end - dt.timedelta(microseconds=1), end):
        found = results([row], at, compiled)
        expected = declined_at <= at < end
        for blocked in IPHONES:
            assert found["C-P", blocked]["cooldown"]["ok"] is (not expected), (at, blocked)


# --- the catalog file -------------------------------------------------------------------------

TWO_PHONES = OFFER + OFFER.replace("HS_TEST", "HS_TEST_TWO").split("offers:\n", 1)[1]


def with_families(first: str, second: str, days: str = "    cooldown_days: 30\n") -> str:
    """The two-offer test catalog, each offer with a family line and a cool-down line."""
    parts = TWO_PHONES.split("    value: 100\n")
    return (
        f"{parts[0]}    value: 100\n{first}{days}{parts[1]}    value: 100\n{second}{days}{parts[2]}"
    )


def test_families_load_and_compile(tmp_path: Path) -> None:
    catalog = load_text(tmp_path, with_families("    family: phone\n", "    family: phone\n"))
    [group] = cooldown_groups(catalog)
    assert (group.family, group.offers, dict(group.days)) == (
        "phone",
        ("HS_TEST", "HS_TEST_TWO"),
        {"HS_TEST": 30, "HS_TEST_TWO": 30},
    )


@pytest.mark.parametrize(
    ("first", "second", "days", "message"),
    [
        (
            "    family: Phone\n",
            "    family: Phone\n",
            "    cooldown_days: 30\n",
            "offer HS_TEST: field family: String should match pattern '^[a-z][a-z0-9_]*$'",
        ),
        (
            "    family: phone\n",
            "    family: phnoe\n",
            "    cooldown_days: 30\n",
            "offer HS_TEST_TWO: field family: family 'phnoe' names this offer only, so it groups "
            "nothing (did you mean 'phone'?)",
        ),
        (
            "    family: phone\n",
            "",
            "    cooldown_days: 30\n",
            "offer HS_TEST: field family: family 'phone' names this offer only, so it groups "
            "nothing; leave family out for an offer on its own",
        ),
        (
            "    family: phone\n",
            "    family: phone\n",
            "",
            "offer HS_TEST: field family: no offer of family 'phone' has cooldown_days, so a "
            "refusal of one blocks none",
        ),
        (
            "",
            "",
            "    cooldown_days: 0\n",
            "offer HS_TEST: field cooldown_days: Input should be greater than or equal to 1",
        ),
    ],
    ids=["capitals", "misspelt", "alone", "no-cool-down", "zero-days"],
)
def test_bad_families_are_refused(
    tmp_path: Path, first: str, second: str, days: str, message: str
) -> None:
    with pytest.raises(SourceError) as caught:
        load_text(tmp_path, with_families(first, second, days))
    assert message in " ".join(str(caught.value).split())
