"""``goodcall pace``: its JSON, its chart, its exit statuses."""

from __future__ import annotations

import json
import xml.dom.minidom
from pathlib import Path

import pytest
from typer.testing import CliRunner

from goodcall.cli import app
from goodcall.policy.loader import shipped_policies_text

SMALL = ["pace", "--agents", "4", "--aht", "120", "--hours", "1", "--days", "1"]


def test_pace_recommends_a_mode_within_the_limit_as_json() -> None:
    result = CliRunner().invoke(app, [*SMALL, "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["recommended"]["mode"] in ("progressive", "predictive")
    assert doc["limit"] == 0.03  # the policy file's
    predicted = doc["predicted"]
    assert predicted["worst_day_abandonment"] <= 0.03
    assert predicted["silence_seconds"]["max"] <= 2.0
    assert set(doc["modes"]) == {"preview", "progressive", "predictive"}
    assert doc["modes"]["preview"]["abandonment"] == 0.0
    assert [point["level"] for point in doc["curve"]][:2] == [1.0, 1.25]
    assert 0 < doc["erlang"]["erlang_a_occupancy"] <= 1


def test_pace_in_preview_mode_and_its_chart(tmp_path: Path) -> None:
    chart = tmp_path / "pace.svg"
    result = CliRunner().invoke(app, [*SMALL, "--mode", "preview", "--svg", str(chart)])
    assert result.exit_code == 0, result.output
    assert "Recommended: preview" in result.stdout
    document = xml.dom.minidom.parse(str(chart))
    assert document.documentElement.tagName == "svg"
    assert len(document.getElementsByTagName("polyline")) == 3


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--agents", "0", "--aht", "100"], "--agents 0: expected a whole number from 1 to 500"),
        (["--agents", "5", "--aht", "100", "--mode", "turbo"], "--mode 'turbo': expected one of"),
        (["--agents", "5", "--aht", "100", "--limit", "3"], "--limit 3.0: expected a share"),
        (["--agents", "5", "--aht", "-1"], "--aht -1.0: expected seconds"),
        (["--agents", "5", "--aht", "100", "--answer-rate", "0"], "--answer-rate '0'"),
        (["--agents", "5", "--aht", "100", "--answer-rate", "0.2,x"], "--answer-rate '0.2,x'"),
    ],
)
def test_bad_options_are_exit_2_with_the_option_named(options: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["pace", *options, "--json"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert message in result.stderr


def test_an_answer_rate_per_hour_sets_the_day() -> None:
    argv = ["pace", "--agents", "3", "--aht", "120", "--answer-rate", "0.4,0.1", "--days", "1"]
    result = CliRunner().invoke(app, [*argv, "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert (doc["hours"], doc["answer_rate_by_hour"]) == (2, [0.4, 0.1])


def test_a_missing_option_is_a_usage_error() -> None:
    result = CliRunner().invoke(app, ["pace", "--agents", "5"])
    assert result.exit_code == 2


def test_a_chart_in_a_missing_folder_is_refused_before_any_work(tmp_path: Path) -> None:
    target = tmp_path / "file.txt"
    target.write_text("x")
    result = CliRunner().invoke(app, [*SMALL, "--svg", str(target / "pace.svg")])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ")


def test_pace_starts_from_the_stores_abandonment_period(
    tmp_path: Path, store_at_the_limit: str
) -> None:
    """With ``--db``, the controller starts from the period's recorded calls: a store whose last
    29 days are at the limit (30 days, as this policy file says) leaves the day nothing to
    spend, so the controller dials one line per free agent and progressive is recommended;
    the same team from an empty period dials predictively."""
    text = shipped_policies_text().replace(
        "abandonment_period: campaign", 'abandonment_period: "30 days"'
    )
    policies = tmp_path / "policies.yaml"
    policies.write_text(text, encoding="utf-8")
    team = ["pace", "--agents", "10", "--aht", "160", "--answer-rate", "0.35", "--hours", "1",
            "--days", "1", "--policies", str(policies), "--at", "2026-11-20T14:00:00Z",
            "--json"]  # fmt: skip
    fresh = json.loads(CliRunner().invoke(app, team).stdout)
    result = CliRunner().invoke(app, [*team, "--db", store_at_the_limit])
    assert result.exit_code == 0, result.output
    primed = json.loads(result.stdout)
    assert fresh["period"] is None and fresh["recommended"]["mode"] == "predictive"
    assert primed["period"] == {
        "period": "30 days", "since": "2026-10-21T14:00:00+00:00",
        "until": "2026-11-20T14:00:00+00:00", "campaign_id": None,
        "live": 1001, "abandoned": 31, "abandonment": 0.031,
    }  # fmt: skip
    assert primed["modes"]["predictive"]["dial_level"] == 1.0
    assert primed["modes"]["predictive"]["abandonment"] == 0.0
    assert primed["recommended"] == {"mode": "progressive", "dial_level": 1.0}


def test_pace_with_a_store_and_a_campaign_period_needs_the_campaign(
    store_at_the_limit: str,
) -> None:
    result = CliRunner().invoke(app, [*SMALL, "--db", store_at_the_limit])
    assert result.exit_code == 2
    assert "give --campaign ID" in result.stderr
    named = CliRunner().invoke(app, [*SMALL, "--db", store_at_the_limit, "--campaign", "PAST",
                                     "--at", "2026-11-20T14:00:00Z", "--json"])  # fmt: skip
    assert named.exit_code == 0, named.output
    period = json.loads(named.stdout)["period"]
    assert (period["live"], period["abandoned"], period["since"]) == (1000, 30, None)
