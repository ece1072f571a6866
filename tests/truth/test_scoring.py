"""Exact scoring of policies against the truth, and the oracle.

Bad inputs tried: two rows for one customer, a customer absent from the profiles, a missing
decision column, a contact without a channel, unknown candidate offers and channels.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from goodcall.truth.economics import ANNOYANCE_CHURN_SHARE, COMPLAINT_HANDLING_COST, CONTACT_COST
from goodcall.truth.offers import OFFERS_BY_ID
from goodcall.truth.response import ResponseTruth, TruthInputError
from goodcall.truth.scoring import PolicyScore, oracle_policy, score_decisions, score_policy

from .conftest import SEED, contact

c = pl.col
DECISION_SCHEMA = {
    "customer_id": pl.String,
    "offer_id": pl.String,
    "channel": pl.String,
    "local_hour": pl.Int64,
    "language_ok": pl.Boolean,
    "register_ok": pl.Boolean,
}


def decisions(rows: list[tuple[object, ...]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=DECISION_SCHEMA, orient="row")


@pytest.fixture(scope="module")
def truth() -> ResponseTruth:
    return ResponseTruth(SEED)


def test_score_is_the_documented_sum(profiles: pl.DataFrame, truth: ResponseTruth) -> None:
    ids = profiles["customer_id"].head(3).to_list()
    policy = decisions(
        [
            (ids[0], "RT_FINANCING_DONE", "phone", 11, True, True),
            (ids[1], "AO_CLOUD_200", "email", 9, True, False),
            (ids[2], None, None, None, None, None),
        ]
    )
    score = score_policy(policy, profiles, truth)
    expected_value = 0.0
    expected_annoy = 0.0
    for cid, offer, channel, hour, lang, reg in policy.head(2).iter_rows():
        prof = profiles.filter(c("customer_id") == cid)
        p = truth.probabilities(
            contact(prof, offer, channel, hour, language_ok=lang, register_ok=reg)
        ).row(0, named=True)
        cost = COMPLAINT_HANDLING_COST + ANNOYANCE_CHURN_SHARE * p["value"]
        expected_value += (
            p["uplift"] * (OFFERS_BY_ID[offer].value - OFFERS_BY_ID[offer].cost)
            - CONTACT_COST[channel]
            - p["p_annoy_contacted"] * cost
        )
        expected_annoy += p["p_annoy_contacted"]
    assert (score.customers, score.contacts, score.calls) == (3, 2, 1)
    assert score.expected_incremental_value == pytest.approx(expected_value, rel=1e-12)
    assert score.expected_annoyances == pytest.approx(expected_annoy, rel=1e-12)
    assert score.contact_cost == pytest.approx(4.01)


def test_no_contact_is_worth_nothing(profiles: pl.DataFrame, truth: ResponseTruth) -> None:
    ids = profiles["customer_id"].head(5).to_list()
    score = score_policy(
        decisions([(i, None, None, None, None, None) for i in ids]), profiles, truth
    )
    assert score == PolicyScore(5, 0, 0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)


def test_bad_decisions_are_named(profiles: pl.DataFrame, truth: ResponseTruth) -> None:
    cid = profiles["customer_id"][0]
    row = (cid, "AO_CLOUD_200", "email", 11, True, True)
    with pytest.raises(TruthInputError, match="several rows"):
        score_policy(decisions([row, row]), profiles, truth)
    with pytest.raises(TruthInputError, match=r"absent from the profiles.*'C-NOBODY'"):
        score_policy(decisions([("C-NOBODY", *row[1:])]), profiles, truth)
    with pytest.raises(TruthInputError, match=r"lack columns.*register_ok"):
        score_policy(decisions([row]).drop("register_ok"), profiles, truth)
    with pytest.raises(TruthInputError, match="'channel' is empty"):
        score_policy(decisions([(cid, "AO_CLOUD_200", None, 11, True, True)]), profiles, truth)
    with pytest.raises(TruthInputError, match="unknown candidate offers"):
        oracle_policy(profiles.head(3), truth, ["NOPE"])
    with pytest.raises(TruthInputError, match="unknown channels"):
        oracle_policy(profiles.head(3), truth, channels=("fax",))


@pytest.fixture(scope="module")
def oracle(profiles: pl.DataFrame, truth: ResponseTruth) -> pl.DataFrame:
    return oracle_policy(profiles, truth)


def test_oracle_decisions_score_as_announced(
    oracle: pl.DataFrame, profiles: pl.DataFrame, truth: ResponseTruth
) -> None:
    assert oracle.height == profiles.height
    contacted = oracle.filter(c("offer_id").is_not_null())
    assert contacted.height > 0
    assert (contacted["expected_value"] > 0).all()
    score = score_policy(oracle, profiles, truth)
    assert score.expected_incremental_value == pytest.approx(oracle["expected_value"].sum())
    assert score.captured(score) == pytest.approx(1.0)


def test_oracle_respects_consent(oracle: pl.DataFrame, profiles: pl.DataFrame) -> None:
    joined = oracle.join(profiles, on="customer_id")
    calls = joined.filter(c("channel") == "phone")
    assert not (calls["national_dnc"] | calls["internal_dnc"] | ~calls["optin_phone"]).any()
    assert joined.filter(c("contact_only_on_request"))["offer_id"].null_count() == (
        joined.filter(c("contact_only_on_request")).height
    )
    accepted = joined.filter(c("channel").is_not_null()).select(
        c("channels_accepted").list.contains(c("channel")).all()
    )
    assert accepted.item()


def test_oracle_beats_simple_policies(
    oracle: pl.DataFrame, profiles: pl.DataFrame, truth: ResponseTruth
) -> None:
    best = score_policy(oracle, profiles, truth).expected_incremental_value
    ids = profiles["customer_id"]
    rng = np.random.default_rng(0)
    offers = list(OFFERS_BY_ID)
    random_calls = decisions(
        [
            (i, offers[k], "phone", 19, True, True)
            for i, k in zip(ids, rng.integers(0, 30, ids.len()), strict=True)
        ]
    )
    emails = decisions([(i, "RT_FINANCING_DONE", "email", 11, True, True) for i in ids])
    for policy in (random_calls, emails):
        assert score_policy(policy, profiles, truth).expected_incremental_value < best
    assert score_policy(random_calls, profiles, truth).expected_incremental_value < 0


def test_call_budget(profiles: pl.DataFrame, truth: ResponseTruth, oracle: pl.DataFrame) -> None:
    unlimited_calls = int((oracle["channel"] == "phone").sum())
    assert unlimited_calls > 10
    values = []
    for budget in (0, unlimited_calls // 4, unlimited_calls // 2):
        capped = oracle_policy(profiles, truth, max_calls=budget)
        assert int((capped["channel"] == "phone").sum()) <= budget
        values.append(score_policy(capped, profiles, truth).expected_incremental_value)
    full = score_policy(oracle, profiles, truth).expected_incremental_value
    assert values[0] < values[1] < values[2] < full


def test_score_decisions_rows(profiles: pl.DataFrame, truth: ResponseTruth) -> None:
    cid = profiles["customer_id"][0]
    rows = score_decisions(
        decisions([(cid, "AO_CLOUD_200", "app", 11, True, True)]), profiles, truth
    )
    assert rows.height == 1
    r = rows.row(0, named=True)
    assert r["expected_value"] == pytest.approx(
        r["uplift"] * 40.0 - 0.0 - r["p_annoy_contacted"] * (15.0 + 0.1 * r["value"])
    )
