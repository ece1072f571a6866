"""The reason-text memo gives exactly what the wording function gives, whatever it reads."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from goodcall.brief.donot import MemoReasonText
from goodcall.catalog.model import Catalog
from tests.brief.handmade import CATALOG

REASON = {"code": "catalog.suitability.x", "ok": False, "rule": "x", "evidence": "a=1"}


def test_memo_follows_the_fields_each_call_reads() -> None:
    """A wording that reads ``b`` only when ``a`` is true: hits and misses stay exact."""
    calls: list[str] = []

    def wording(
        reason: Mapping[str, Any], profile: Mapping[str, Any], catalog: Catalog, oid: str, lang: str
    ) -> str:
        calls.append(oid)
        if profile.get("a"):
            return f"a and {profile['b']} ({lang})"
        return f"not a ({lang})"

    memo = MemoReasonText(wording)
    profiles = [
        {"a": True, "b": "x", "c": 1},
        {"a": True, "b": "y", "c": 2},
        {"a": False, "b": "z", "c": 3},
        {"a": True, "b": "x", "c": 4},
        {"a": False, "b": "w", "c": 5},
        {"a": True, "b": "y", "c": 6, "lines": [{"n": 1}]},
    ]
    got = [memo(REASON, p, CATALOG, "O", "fr") for p in profiles]
    assert got == [wording(REASON, p, CATALOG, "O", "fr") for p in profiles]
    assert len(calls) == 3 + len(profiles)  # three distinct inputs, then the direct calls
    assert memo(REASON, profiles[0], CATALOG, "O", "en") == "a and x (en)"
    assert memo(REASON | {"evidence": "a=2"}, profiles[0], CATALOG, "O", "fr") == "a and x (fr)"
    assert len(calls) == 3 + len(profiles) + 2
