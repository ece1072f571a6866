"""Exact scoring of policies against the truth, with the decision core's economics.

Bad inputs tried: two rows for one customer, a customer absent from the profiles, a missing
decision column, a contact without a channel.
"""

from __future__ import annotations

import polars as pl
import pytest

from goodcall.decide import CampaignConfig
from goodcall.truth.offers import OFFERS_BY_ID
from goodcall.truth.response import ResponseTruth, TruthInputError
from goodcall.truth.scoring import ECONOMICS, PolicyScore, score_decisions, score_policy

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
        cost = 15.0 + 0.10 * p["value"]  # the documented default economics
        expected_value += (
            p["uplift"] * (OFFERS_BY_ID[offer].value - OFFERS_BY_ID[offer].cost)
            - {"phone": 4.00, "email": 0.01}[channel]
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


def test_the_truth_scores_with_a_campaign_s_default_economics() -> None:
    """One formula, one set of prices: a campaign left at its defaults maximises what the truth
    scores (the oracle comparison would otherwise compare two objectives)."""
    assert CampaignConfig(campaign_id="X").economics == ECONOMICS


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
