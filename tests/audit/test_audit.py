"""``goodcall audit`` on a call list that makes each blunder once — and on bad input.

The list plans calls to the story's customer (an Android phone for his iPhone, a plan "upgrade"
below his plan, the promotion he already saw, a call at 19:00 when he prefers before 17:00, a
third call in a month) and to copies of him that differ in one fact each. Every row must give
exactly its blunder, nothing more; a clean row nothing at all.

Bad inputs tried: a missing column (with a misspelt one present), an unknown channel, an unknown
register, a bad language tag, a time that is not a time, an empty customer id, a file that does
not exist, an unreadable catalog file, a bad ``--at``.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import polars as pl
import typer
from typer.testing import CliRunner

from tests.audit.conftest import AT, write_calls

LIST_DATE = "2026-12-01"  # the national list will be matched again before the holidays


def call(
    customer: str,
    offer: str,
    planned: str,
    channel: str = "phone",
    language: str = "fr-CA",
    register: str = "formal",
) -> dict[str, str]:
    return {
        "customer_id": customer,
        "offer_id": offer,
        "planned_at": planned,
        "channel": channel,
        "language": language,
        "register": register,
        "agent_note": "ignored",
    }


MON_10 = "2026-11-23T10:00:00-05:00"
ROWS_AND_EXPECTED: list[tuple[dict[str, str], list[str]]] = [
    (call("C-SEED-0001", "HS_GALAXY_A56", MON_10), ["catalog.applicability.device_os"]),
    (
        call("C-SEED-0001", "PL_UP_MAX_60", MON_10, "email"),
        ["catalog.applicability.not_an_upgrade"],
    ),
    (
        call("C-SEED-0001", "HS_IPHONE17_FETES", "2026-11-23 10:30", "app", register="vous"),
        ["catalog.notice.promotion_seen"],
    ),
    (call("C-SEED-0001", "AO_US_ROAMING", "2026-11-24 19:00"), ["policy.preferred_hours"]),
    (
        call("C-SEED-0001", "RT_LOYALTY_CREDIT", "2026-11-25T10:00:00-05:00"),
        ["policy.frequency_cap"],
    ),
    (call("C-TWIN-0008", "AO_US_ROAMING", MON_10, language="en-CA"), ["audit.language"]),
    (call("C-TWIN-0009", "AO_US_ROAMING", MON_10, register="tu"), ["audit.register"]),
    (call("C-VAN-0002", "AO_US_ROAMING", "2026-11-23 08:30"), ["policy.legal_window"]),
    (call("C-VAN-0002", "AO_US_ROAMING", "2026-11-24T19:00:00-05:00"), []),  # 16:00 there
    (call("C-TWIN-0010", "AO_US_ROAMING", "2026-12-25 11:00"), ["policy.holiday"]),
    (call("C-DNC-0003", "AO_US_ROAMING", MON_10), ["policy.dnc_internal"]),
    (call("C-NAT-0004", "AO_US_ROAMING", MON_10), ["policy.dnc_national"]),
    (call("C-SMS-0005", "AO_US_ROAMING", MON_10, "sms"), ["policy.no_consent"]),
    (  # he declined this very offer on the 10th: the offer's cool-down and the policy's
        call("C-REF-0006", "AO_US_ROAMING", MON_10),
        ["catalog.applicability.refusal_cooldown", "policy.cooldown_refusal"],
    ),
    (call("C-RED-0007", "HS_IPHONE17_FETES", MON_10), ["catalog.applicability.promotion_redeemed"]),
    (
        call("C-TWIN-0008", "RT_PRICE_MATCH", "2026-11-24T10:00:00-05:00", "email"),
        ["catalog.validity.channel"],
    ),
    (
        call("C-TWIN-0009", "AO_DATA_TOPUP_10", "2026-11-24T10:00:00-05:00", "email"),
        ["catalog.applicability.near_data_limit"],
    ),
    (  # a year before the audit: the offer had not started, and the time is past
        call("C-TWIN-0010", "AO_US_ROAMING", "2025-12-15 10:00"),
        ["audit.past", "catalog.validity.not_started"],
    ),
    (call("C-NOPE-9999", "AO_US_ROAMING", MON_10), ["audit.unknown_customer"]),
    (call("C-TWIN-0008", "OFFER_X", "2026-11-25T10:00:00-05:00"), ["audit.unknown_offer"]),
]


def run(app: typer.Typer, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        app, ["audit", *args], catch_exceptions=False, env={"COLUMNS": "250"}
    )
    return result.exit_code, result.output


def audit_json(app: typer.Typer, store_url: str, path: Path, *extra: str) -> tuple[int, dict]:
    code, output = run(
        app,
        str(path),
        "--db",
        store_url,
        "--at",
        AT,
        "--national-list-date",
        LIST_DATE,
        "--json",
        *extra,
    )
    return code, json.loads(output)


def test_every_blunder_once_and_nothing_else(
    app: typer.Typer, store_url: str, tmp_path: Path
) -> None:
    path = write_calls(tmp_path / "calls.csv", [row for row, _ in ROWS_AND_EXPECTED])
    code, result = audit_json(app, store_url, path)
    assert code == 1
    found: dict[int, list[str]] = {}
    for finding in result["findings"]:
        found.setdefault(finding["row"], []).append(finding["code"])
    expected = {i: codes for i, (_, codes) in enumerate(ROWS_AND_EXPECTED, 1) if codes}
    assert found == expected
    assert result["rows"] == len(ROWS_AND_EXPECTED)
    assert {s["code"]: s["findings"] for s in result["summary"]} == dict(
        Counter(code for codes in expected.values() for code in codes)
    )
    severities = {f["code"]: f["severity"] for f in result["findings"]}
    assert severities["catalog.notice.promotion_seen"] == "warning"
    assert severities["policy.preferred_hours"] == "error"


def test_findings_carry_the_evidence_and_a_sentence(
    app: typer.Typer, store_url: str, tmp_path: Path
) -> None:
    path = write_calls(tmp_path / "calls.csv", [row for row, _ in ROWS_AND_EXPECTED[:4]])
    _, result = audit_json(app, store_url, path, "--lang", "fr")
    by_code = {f["code"]: f for f in result["findings"]}
    handset = by_code["catalog.applicability.device_os"]
    assert handset["evidence"] == "device_os=iOS, device_make=Apple, device_model=iPhone 13"
    assert handset["message"] == "la ligne principale a un iPhone 13 (iOS), pas un appareil Android"
    evening = by_code["policy.preferred_hours"]
    assert evening["evidence"] == "preferred=09:00-17:00, local_time=2026-11-24T19:00 tue"
    assert evening["planned_at"] == "2026-11-25T00:00:00+00:00"  # 19:00 Montreal, placed in UTC
    seen = by_code["catalog.notice.promotion_seen"]
    assert "ne la présentez pas comme une nouveauté" in seen["message"]


def test_a_clean_list_exits_zero_and_the_report_is_written(
    app: typer.Typer, store_url: str, tmp_path: Path
) -> None:
    path = write_calls(
        tmp_path / "clean.csv",
        [
            call("C-TWIN-0008", "AO_US_ROAMING", MON_10),
            call("C-VAN-0002", "AO_US_ROAMING", "2026-11-24T19:00:00-05:00"),
        ],
    )
    report = tmp_path / "report.csv"
    code, output = run(app, str(path), "--db", store_url, "--at", AT, "--report", str(report))
    assert code == 0, output
    assert "no finding" in output
    assert pl.read_csv(report).height == 0


def test_the_human_output_has_findings_and_a_summary(
    app: typer.Typer, store_url: str, tmp_path: Path
) -> None:
    path = write_calls(tmp_path / "calls.csv", [row for row, _ in ROWS_AND_EXPECTED[:2]])
    report = tmp_path / "findings.parquet"
    code, output = run(app, str(path), "--db", store_url, "--at", AT, "--report", str(report))
    assert code == 1
    assert "Summary by kind of finding" in output
    assert "offer for another device OS" in output
    assert "2 finding(s) (2 error(s)) on 2 of 2 planned contacts" in output
    assert pl.read_parquet(report).get_column("code").to_list() == [
        "catalog.applicability.device_os",
        "catalog.applicability.not_an_upgrade",
    ]


def test_parquet_call_lists_with_typed_times(
    app: typer.Typer, store_url: str, tmp_path: Path
) -> None:
    import datetime as dt

    frame = pl.DataFrame(
        {
            "customer_id": ["C-SEED-0001"],
            "offer_id": ["HS_PIXEL_10"],
            "planned_at": [dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.UTC)],
            "channel": ["phone"],
            "language": ["fr"],
            "register": ["formal"],
        }
    )
    path = tmp_path / "calls.parquet"
    frame.write_parquet(path)
    code, result = audit_json(app, store_url, path)
    assert code == 1
    assert [f["code"] for f in result["findings"]] == ["catalog.applicability.device_os"]


def test_bad_input_exits_two_and_says_where(
    app: typer.Typer, store_url: str, tmp_path: Path
) -> None:
    base = call("C-SEED-0001", "AO_US_ROAMING", MON_10)
    missing = tmp_path / "missing.csv"
    pl.DataFrame(
        [{k: v for k, v in base.items() if k != "customer_id"} | {"customerid": "x"}]
    ).write_csv(missing)
    code, output = run(app, str(missing), "--db", store_url, "--at", AT)
    assert code == 2
    assert "missing required column(s): 'customer_id' (is 'customerid' meant?)" in output

    bad = write_calls(
        tmp_path / "bad.csv",
        [
            base | {"channel": "fax"},
            base | {"register": "casual", "language": "french!"},
            base | {"planned_at": "next tuesday"},
            base | {"customer_id": ""},
        ],
    )
    code, output = run(app, str(bad), "--db", store_url, "--at", AT)
    assert code == 2
    flat = " ".join(output.split())
    assert "row 1, column channel: 'fax' — expected one of phone, sms, email, app" in flat
    assert "row 2, column language: 'french!'" in flat
    assert "row 2, column register: 'casual' — expected formal or informal" in flat
    assert "row 3, column planned_at: 'next tuesday' — expected an ISO 8601 time" in flat
    assert "row 4, column customer_id: ''" in flat

    code, output = run(app, str(tmp_path / "nope.csv"), "--db", store_url, "--at", AT)
    assert (code, "file not found" in output) == (2, True)

    broken = tmp_path / "catalog.yaml"
    broken.write_text("offers: [\n", encoding="utf-8")
    good = write_calls(tmp_path / "good.csv", [base])
    code, output = run(app, str(good), "--db", store_url, "--catalog", str(broken))
    assert code == 2
    assert "malformed YAML" in output

    code, output = run(app, str(good), "--db", store_url, "--at", "tomorrow")
    assert code == 2
    assert "--at 'tomorrow' is not an ISO 8601 time" in output
