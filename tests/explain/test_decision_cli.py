"""``explain`` and ``brief`` on the story's customer ask the decision core, and say with what.

At 19:05 on Friday his stated hours (09:00-17:00) forbid a call. A phone-only campaign plan
therefore gives him no contact, decided by the policy: ``brief`` writes no pitch and says when a
call is next allowed — the same window ``explain`` shows. Without a plan, both say the customer
was decided alone at prices 0 and that no models are trained.

Bad inputs tried: a campaign directory without a plan, a plan file that is not one, a model
directory that is not a model set, ``--channel`` without ``--offer``.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from goodcall.brief.cli import register as register_brief
from goodcall.decide import CampaignConfig
from goodcall.explain.decision import PLAN_FILE, CampaignPlan

FRIDAY_19H05 = "2026-11-20T19:05:00-05:00"


@pytest.fixture
def both(app: typer.Typer) -> typer.Typer:
    register_brief(app)
    return app


def run(app: typer.Typer, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False, env={"COLUMNS": "250"})
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def phone_only(tmp_path: Path) -> Path:
    plan = CampaignPlan(
        config=CampaignConfig(campaign_id="PHONE-ONLY", channels=("phone",), prices={}),
        decided_at=dt.datetime.fromisoformat(FRIDAY_19H05),
    )
    plan.write(tmp_path)
    return tmp_path


def explained(app: typer.Typer, url: str, *extra: str) -> dict[str, Any]:
    code, out, err = run(
        app, "explain", "C-SEED-0001", "--db", url, "--at", FRIDAY_19H05, "--json", *extra
    )
    assert code == 0, out + err
    result: dict[str, Any] = json.loads(out)
    return result


def test_without_a_plan_explain_says_prices_zero_and_no_models(
    both: typer.Typer, store_url: str
) -> None:
    decision = explained(both, store_url)["decision"]
    assert decision["basis"]["prices"] == "zero (no campaign plan)"
    assert decision["basis"]["models_trained"] is False
    assert decision["group"] == "treatment"  # no control group outside a campaign
    code, out, _ = run(both, "explain", "C-SEED-0001", "--db", store_url, "--at", FRIDAY_19H05)
    assert code == 0
    first = out.index("Decision at")
    assert first < out.index("Profile at") < out.index("Offers")
    assert "prices: 0 — no campaign plan" in out
    assert "models: none trained — every offer is scored from its catalog prior" in out


def test_a_phone_only_plan_gives_no_contact_decided_by_his_hours(
    both: typer.Typer, store_url: str, phone_only: Path
) -> None:
    result = explained(both, store_url, "--campaign", str(phone_only))
    decision = result["decision"]
    assert (decision["decision"], decision["group"], decision["offer_id"]) == (
        "no_contact",
        None,
        None,
    )
    assert decision["deciding_reason"]["code"] == "policy.preferred_hours"
    assert decision["basis"]["campaign_id"] == "PHONE-ONLY"
    assert decision["basis"]["same_time_as_plan"] is True
    phone = next(c for c in result["channels"] if c["channel"] == "phone")
    assert decision["next_call"]["start_local"] == phone["next_window_local"]

    code, out, err = run(
        both, "brief", "C-SEED-0001", "--db", store_url, "--at", FRIDAY_19H05,
        "--campaign", str(phone_only),
    )  # fmt: skip
    assert code == 0, err
    lines = out.splitlines()
    assert lines[:3] == [
        "No pitch for C-SEED-0001: the core decides no contact now.",
        "NO CONTACT",
        f"decided by policy.preferred_hours: {decision['deciding_reason']['rule']} "
        f"({decision['deciding_reason']['evidence']})",
    ]
    assert lines[3] == f"next moment a call is allowed: {phone['next_window_local']}"
    assert "Fiche" not in out  # no pitch


def test_a_named_offer_is_briefed_with_a_warning_when_the_core_would_not_choose_it(
    both: typer.Typer, store_url: str
) -> None:
    code, out, err = run(
        both, "brief", "C-SEED-0001", "--db", store_url, "--at", "2026-11-20T10:05:00-05:00",
        "--offer", "HS_IPHONE17_FETES",
    )  # fmt: skip
    assert code == 0, err
    assert "iPhone 17" in out
    assert "warning: the core would not choose HS_IPHONE17_FETES by phone now" in err


def test_bad_sources_are_named(both: typer.Typer, store_url: str, tmp_path: Path) -> None:
    base = ("explain", "C-SEED-0001", "--db", store_url, "--at", FRIDAY_19H05)
    code, _, err = run(both, *base, "--campaign", str(tmp_path))
    assert code == 2
    assert f"{tmp_path} holds no campaign plan ({PLAN_FILE} is missing)" in err
    (tmp_path / PLAN_FILE).write_text('{"config": {}}')
    code, _, err = run(both, *base, "--campaign", str(tmp_path))
    assert code == 2 and f"{tmp_path / PLAN_FILE}: not a campaign plan" in err
    code, _, err = run(both, *base, "--models", str(tmp_path))
    assert code == 2 and "cannot read the model set" in err and "model_set.json is missing" in err
    code, _, err = run(
        both, "brief", "C-SEED-0001", "--db", store_url, "--at", FRIDAY_19H05, "--channel", "sms"
    )
    assert code == 2 and "--channel goes with --offer" in err
