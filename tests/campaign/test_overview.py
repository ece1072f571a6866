"""The campaign overview's parts: the funnel counted once and kept beside the decisions, outcomes
per customer (store and file together), a campaign read from its folder alone."""

from __future__ import annotations

import json
import os
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from goodcall.campaign.overview import FUNNEL_CACHE, funnel_of, per_customer
from goodcall.campaign.report import OutcomeError
from goodcall.cli import app
from tests.api.conftest import url  # noqa: F401
from tests.audit.conftest import store_url  # noqa: F401
from tests.web.conftest import CALLED, SUPERVISED, run_supervised


@pytest.fixture
def campaign(url: str, tmp_path: Path) -> Path:  # noqa: F811
    run_supervised(url, tmp_path / SUPERVISED)
    return tmp_path / SUPERVISED


def test_the_funnel_is_counted_once_and_kept(campaign: Path) -> None:
    decisions = campaign / "decisions.parquet"
    first = funnel_of(decisions)
    assert [(s.decision, s.code, s.customers) for s in first] == [
        ("no_contact", "arbitration.cold", 3),
        ("no_contact", "policy.cooldown_refusal", 1),
        ("no_contact", "policy.dnc_internal", 1),
        ("no_contact", "policy.dnc_national", 1),
        ("no_contact", "policy.legal_window", 1),
        ("control", "campaign.control_group", 1),
        ("contact", "arbitration.explore", 2),
    ]
    cache = campaign / FUNNEL_CACHE
    kept = json.loads(cache.read_text())
    kept["steps"][0]["customers"] = 99  # read from the cache while it matches the file
    cache.write_text(json.dumps(kept))
    assert funnel_of(decisions)[0].customers == 99
    os.utime(decisions, ns=(1, 1))  # another version of the file: counted again
    assert funnel_of(decisions) == first


def test_outcomes_per_customer_from_the_store_and_a_file() -> None:
    recorded = [("A", "no_answer", False), ("A", "accepted", True), ("B", "declined", False)]
    extra = pl.DataFrame({"customer_id": ["B", "C"], "converted": [True, False]})
    assert per_customer(recorded, extra).rows() == [("A", True), ("B", True), ("C", False)]
    with pytest.raises(OutcomeError, match="more than once"):
        per_customer([], pl.DataFrame({"customer_id": ["C", "C"], "converted": [True, True]}))


def test_a_campaign_from_its_files_alone(campaign: Path, tmp_path: Path) -> None:
    outcomes = tmp_path / "outcomes.csv"
    pl.DataFrame({"customer_id": [CALLED[0]], "converted": [True]}).write_csv(outcomes)
    page = tmp_path / "files.html"
    result = CliRunner().invoke(app, [
        "campaign", "report", "--decisions", str(campaign / "decisions.parquet"),
        "--outcomes", str(outcomes), "--html", str(page), "--lang", "en", "--json",
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    itt = next(r for r in json.loads(result.stdout) if r["scope"].startswith("intention"))
    assert (itt["n_treated"], itt["rate_treated"]) == (5, 0.2)
    html = page.read_text()
    assert f"Campaign <code>{SUPERVISED}</code>" in html
    assert "Funnel: whom each rule removed" in html
    both = CliRunner().invoke(app, ["campaign", "report", "--campaign", "X", "--decisions",
                                    str(campaign / "decisions.parquet")])  # fmt: skip
    assert both.exit_code == 2 and "not both" in both.stderr
