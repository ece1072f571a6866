"""Loading policies: the shipped file loads and resolves; every bad input is refused with its line.

Bad inputs tried: malformed YAML, a misspelt key at the top, in a channel and in a jurisdiction, a
window that starts after it ends, an empty window, overlapping windows, an unknown weekday, a time
that is not HH:MM, a country the holiday calendar does not know, an unknown province, a province
without its country, a malformed jurisdiction name, a country without windows, an unknown
fallback time zone, a missing channel, a negative limit. An unquoted 21:30 (YAML 1.1 would read it
as the number 1290) is read as a clock time.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from goodcall.catalog.yamlsource import SourceError
from goodcall.policy.loader import load_policies, shipped_policies_text
from goodcall.policy.model import Policies
from goodcall.policy.resolve import compile_policies

SHIPPED = shipped_policies_text()


def load_text(tmp_path: Path, text: str) -> Policies:
    path = tmp_path / "policies.yaml"
    path.write_text(text, encoding="utf-8")
    return load_policies(path)


def problems(tmp_path: Path, text: str) -> str:
    with pytest.raises(SourceError) as caught:
        load_text(tmp_path, text)
    return str(caught.value)


def line_of(text: str, fragment: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_shipped_policies_resolve_every_jurisdiction() -> None:
    compiled = compile_policies(load_policies())
    assert {"CA", "CA-QC", "CA-BC", "US", "US-TX", "FR"} <= set(compiled.jurisdictions)
    assert compiled.jurisdictions["CA-QC"].window_source == "CA"
    assert compiled.jurisdictions["US-TX"].window_source == "US-TX"
    assert compiled.jurisdictions["US-NY"].window_source == "US"
    fr = compiled.jurisdictions["FR"]
    assert (fr.attempts.max if fr.attempts else None, fr.refusal_cooldown_days) == (4, 60)
    assert compiled.jurisdictions["CA-ON"].attempts is None  # the global default applies


def test_unquoted_clock_times_are_read_as_times(tmp_path: Path) -> None:
    text = SHIPPED.replace('start: "14:00", end: "20:00"', "start: 14:00, end: 20:00")
    policies = load_text(tmp_path, text)
    assert policies.jurisdictions["FR"].windows is not None
    assert policies.jurisdictions["FR"].windows[1].end == "20:00"


def test_malformed_yaml(tmp_path: Path) -> None:
    text = SHIPPED.replace("horizon_days: 14", "horizon_days: 14: 15")
    message = problems(tmp_path, text)
    assert "malformed YAML: mapping values are not allowed here" in message
    assert f"policies.yaml:{line_of(SHIPPED, 'horizon_days: 14')}:17:" in message


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "horizon_days: 14",
            "horizon_dayz: 14",
            "unknown key 'horizon_dayz'; did you mean 'horizon_days'?",
        ),
        (
            "    preferred_hours: true",
            "    prefered_hours: true",
            "channel phone: field prefered_hours: unknown key 'prefered_hours'; "
            "did you mean 'preferred_hours'?",
        ),
        (
            "    refusal_cooldown_days: 60",
            "    refusal_cooldown: 60",
            "jurisdiction FR: field refusal_cooldown: unknown key 'refusal_cooldown'; "
            "did you mean 'refusal_cooldown_days'?",
        ),
    ],
)
def test_misspelt_keys(tmp_path: Path, old: str, new: str, expected: str) -> None:
    message = problems(tmp_path, SHIPPED.replace(old, new, 1))
    assert expected in message
    assert f"policies.yaml:{line_of(SHIPPED, old)}:" in message


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            'start: "10:00", end: "13:00"',
            'start: "13:00", end: "10:00"',
            "window 13:00–10:00 is empty or reversed",
        ),
        (
            'start: "10:00", end: "13:00"',
            'start: "10:00", end: "10:00"',
            "window 10:00–10:00 is empty or reversed",
        ),
        (
            'start: "10:00", end: "13:00"',
            'start: "10:00", end: "15:00"',
            "windows 10:00–15:00 and 14:00–20:00 overlap on mon",
        ),
        (
            'days: [mon, tue, wed, thu, fri], start: "10:00"',
            'days: [mon, tue, wed, thurs, fri], start: "10:00"',
            "unknown weekday 'thurs' (did you mean 'thu'?)",
        ),
        (
            'start: "10:00", end: "13:00"',
            'start: "10h00", end: "13:00"',
            "time '10h00' is not HH:MM",
        ),
        (
            'start: "10:00", end: "13:00"',
            'start: "10:00", end: "25:00"',
            "time '25:00' is not a clock time",
        ),
    ],
)
def test_bad_windows_in_france(tmp_path: Path, old: str, new: str, expected: str) -> None:
    message = problems(tmp_path, SHIPPED.replace(old, new, 1))
    assert "jurisdiction FR: field windows" in message
    assert expected in message
    assert f"policies.yaml:{line_of(SHIPPED, old)}:" in message


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("  US-OK:", "  XX:", "jurisdiction XX: unknown country 'XX'"),
        ("  US-OK:", "  US-ZZ:", "jurisdiction US-ZZ: unknown subdivision 'ZZ' of US"),
        ("  US-OK:", "  CA-QQ:", "unknown subdivision 'QQ' of CA"),
        ("  US-OK:", "  DE-BY:", "jurisdiction DE-BY: DE-BY refines DE, which is not defined"),
        ("  US-OK:", "  canada:", "jurisdiction canada: jurisdiction 'canada' is not CC or CC-SUB"),
        (
            "    fallback_time_zone: Europe/Paris",
            "    fallback_time_zone: Europe/Pariss",
            "unknown time zone 'Europe/Pariss' (did you mean 'Europe/Paris'?)",
        ),
    ],
)
def test_unknown_jurisdictions_and_time_zones(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    message = problems(tmp_path, SHIPPED.replace(old, new, 1))
    assert expected in message
    assert f"policies.yaml:{line_of(SHIPPED, old)}:" in message


def test_country_needs_windows_and_every_channel_needs_a_policy(tmp_path: Path) -> None:
    text = SHIPPED.replace("  US-FL:", "  DE:\n    name: Germany\n  US-FL:", 1)
    assert "jurisdiction DE: field windows: country DE needs its calling windows" in problems(
        tmp_path, text
    )
    start = SHIPPED.index("  app:\n")
    end = SHIPPED.index("jurisdictions:")
    without_app = SHIPPED[:start] + SHIPPED[end:]
    assert "every channel needs a policy; missing: app" in problems(tmp_path, without_app)


def test_limits_must_be_positive(tmp_path: Path) -> None:
    text = SHIPPED.replace("attempts: {max: 4, days: 30}", "attempts: {max: 0, days: 30}")
    assert "jurisdiction FR: field attempts.max: Input should be greater than or equal to 1" in (
        problems(tmp_path, text)
    )


def test_the_dialling_block_is_read_and_defaults_when_absent(tmp_path: Path) -> None:
    shipped = load_policies().dialling
    assert (shipped.default_mode, shipped.abandonment_limit) == ("preview", 0.03)
    assert (shipped.abandonment_period, shipped.agent_within_seconds) == ("campaign", 2.0)
    start = SHIPPED.index("dialling:")
    end = SHIPPED.index("agent_within_seconds: 2") + len("agent_within_seconds: 2")
    older = load_text(tmp_path, SHIPPED[:start] + SHIPPED[end:])  # a file from before the block
    assert older.dialling == shipped


def test_a_bad_abandonment_limit_is_refused_at_its_line(tmp_path: Path) -> None:
    text = SHIPPED.replace("abandonment_limit: 0.03", "abandonment_limit: 3")
    message = problems(tmp_path, text)
    assert "abandonment_limit" in message and "less than or equal to 0.2" in message
    assert f"policies.yaml:{line_of(SHIPPED, 'abandonment_limit: 0.03')}" in message
