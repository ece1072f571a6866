"""``goodcall explain`` on the story's customer at 19:00 on a Friday, from a real (SQLite) store.

Bad inputs tried: an unknown customer, an unknown ``--lang``, an unreadable policy file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from typer.testing import CliRunner

FRIDAY_19H = "2026-11-20T19:00:00-05:00"


def run(app: typer.Typer, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        app, ["explain", *args], catch_exceptions=False, env={"COLUMNS": "250"}
    )
    return result.exit_code, result.output


def explained(app: typer.Typer, url: str, *extra: str) -> dict[str, Any]:
    code, output = run(app, "C-SEED-0001", "--db", url, "--at", FRIDAY_19H, "--json", *extra)
    assert code == 0, output
    result: dict[str, Any] = json.loads(output)
    return result


def test_offers_say_which_rule_decided(app: typer.Typer, store_url: str) -> None:
    result = explained(app, store_url)
    assert result["profile"]["device"] == "Apple iPhone 13 (iOS)"
    assert result["profile"]["local_time"] == "2026-11-20T19:00-05:00"
    offers = {o["offer_id"]: o for o in result["offers"]}
    lg = offers["HS_LG_VELVET_CLEARANCE"]
    assert (lg["eligible"], lg["failed_tier"]) == (False, "applicability")
    assert lg["decided_by"]["code"] == "catalog.applicability.device_os"
    assert (
        lg["decided_by"]["evidence"] == "device_os=iOS, device_make=Apple, device_model=iPhone 13"
    )
    assert lg["decided_by"]["text"] == "the main line has an iPhone 13 (iOS), not an Android device"
    for plan in ("PL_UP_PLUS_20", "PL_UP_MAX_60", "PL_UP_ULT_150", "PL_FETES_ULT_150"):
        codes = [r["code"] for r in offers[plan]["reasons"] if not r["ok"]]
        assert "catalog.applicability.not_an_upgrade" in codes, plan
    iphone = offers["HS_IPHONE17_FETES"]
    assert iphone["eligible"] is True and iphone["decided_by"] is None
    assert [n["code"] for n in iphone["notices"]] == ["catalog.notice.promotion_seen"]


def test_channels_say_which_policy_blocks_and_when_next(
    app: typer.Typer,
    store_url: str,
) -> None:
    result = explained(app, store_url, "--lang", "fr", "--national-list-date", "2026-11-15")
    channels = {c["channel"]: c for c in result["channels"]}
    phone = channels["phone"]
    assert phone["contactable"] is False
    assert [r["code"] for r in phone["blocked_by"]] == ["policy.preferred_hours"]
    assert phone["blocked_by"][0]["text"] == (
        "19 h 00 (vendredi 20 novembre 2026) chez le client, hors de ses heures préférées "
        "(9 h 00 – 17 h 00)"
    )
    assert phone["next_window_start"] == "2026-11-21T15:00:00+00:00"
    assert phone["next_window_local"] == (
        "samedi 21 novembre 2026, 10 h 00 – 17 h 00 (America/Montreal)"
    )
    assert channels["sms"]["next_window_start"] is None  # no consent: no window at all
    assert channels["email"]["contactable"] is True


def test_human_output_has_the_three_parts(app: typer.Typer, store_url: str) -> None:
    code, output = run(app, "C-SEED-0001", "--db", store_url, "--at", FRIDAY_19H)
    assert code == 0
    for part in ("Profile at", "Offers", "Channels", "HS_LG_VELVET_CLEARANCE", "Saturday"):
        assert part in output


def test_bad_input(app: typer.Typer, store_url: str, tmp_path: Path) -> None:
    code, output = run(app, "C-NOBODY", "--db", store_url, "--at", FRIDAY_19H)
    assert (code, "no customer 'C-NOBODY' in the store" in output) == (2, True)
    code, output = run(app, "C-SEED-0001", "--db", store_url, "--lang", "de")
    assert (code, "--lang 'de'" in output) == (2, True)
    policies = tmp_path / "policies.yaml"
    policies.write_text("horizon_days: 14\nchanels: {}\n", encoding="utf-8")
    code, output = run(app, "C-SEED-0001", "--db", store_url, "--policies", str(policies))
    assert code == 2
    assert "unknown key 'chanels'; did you mean 'channels'?" in " ".join(output.split())
