"""The reason-text memo gives exactly what the wording function gives, whatever it reads.

Tried: a wording that reads ``b`` only when ``a`` is true (branches that read different fields),
one that reads a field of one line and the number of lines, one that reads the reason's
evidence, one that tests ``isinstance(profile, dict)`` (which a view cannot pass), one that
prints a whole list (which a view refuses), and batches above and below the size where keys are
computed in Polars rather than in Python.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from typing import Any

import polars as pl
import pytest

from goodcall.brief.distinct import SMALL
from goodcall.brief.memo import COLUMNS, ReasonMemo
from goodcall.catalog.model import Catalog
from tests.brief.handmade import CATALOG

REASON = {"code": "catalog.suitability.x", "ok": False, "rule": "x", "evidence": "a=1"}
LINE = pl.Struct({"plan_id": pl.String(), "n": pl.Int64()})
SCHEMA = {"a": pl.Boolean(), "b": pl.String(), "c": pl.Int64(), "lines": pl.List(LINE)}
Wording = Callable[[Mapping[str, Any], Mapping[str, Any], Catalog, str, str], str]


def _rows(
    profiles: int, reasons: list[dict[str, Any]] | None = None, lang: str = "fr"
) -> pl.DataFrame:
    reasons = reasons or [REASON] * profiles
    return pl.DataFrame(
        [{"offer_id": "O", "lang": lang, **r, "_p": p} for p, r in enumerate(reasons)],
        schema={
            "offer_id": pl.String(),
            "lang": pl.String(),
            "code": pl.String(),
            "ok": pl.Boolean(),
            "rule": pl.String(),
            "evidence": pl.String(),
            "_p": pl.Int64(),
        },
    ).select(*COLUMNS, "_p")


def _direct(wording: Wording, rows: pl.DataFrame, profiles: pl.DataFrame) -> list[str]:
    dicts = profiles.rows(named=True)
    out = []
    for row in rows.iter_rows(named=True):
        reason = {k: row[k] for k in ("code", "ok", "rule", "evidence")}
        out.append(wording(reason, dicts[row["_p"]], CATALOG, row["offer_id"], row["lang"]))
    return out


def branchy(
    reason: Mapping[str, Any], profile: Mapping[str, Any], catalog: Catalog, oid: str, lang: str
) -> str:
    if profile.get("a"):
        return f"a and {profile['b']} ({lang})"
    return f"not a ({lang})"


def test_memo_follows_the_fields_each_call_reads() -> None:
    """``b`` is read only when ``a`` is true: hits and misses stay exact, three calls in all."""
    profiles = pl.DataFrame(
        [
            {"a": True, "b": "x", "c": 1, "lines": []},
            {"a": True, "b": "y", "c": 2, "lines": []},
            {"a": False, "b": "z", "c": 3, "lines": []},
            {"a": True, "b": "x", "c": 4, "lines": []},
            {"a": False, "b": "w", "c": 5, "lines": []},
            {"a": True, "b": "y", "c": 6, "lines": [{"plan_id": "P", "n": 1}]},
        ],
        schema=SCHEMA,
    )
    memo = ReasonMemo(branchy, CATALOG, str.strip)
    rows = _rows(profiles.height)
    assert memo.texts(rows, profiles).to_list() == _direct(branchy, rows, profiles)
    assert memo.calls == 3
    english = _rows(1, lang="en")
    assert memo.texts(english, profiles).to_list() == ["a and x (en)"]
    assert memo.calls == 4
    # the wording never reads the evidence: another evidence is the same input
    other = _rows(1, [REASON | {"evidence": "a=2"}])
    assert memo.texts(other, profiles).to_list() == ["a and x (fr)"]
    assert memo.calls == 4


def nested(
    reason: Mapping[str, Any], profile: Mapping[str, Any], catalog: Catalog, oid: str, lang: str
) -> str:
    lines = profile.get("lines") or []
    for line in lines:
        if line.get("n", 0) > 1:
            return f"{line['plan_id']} / {len(lines)} ({reason['evidence']})"
    return f"none of {len(lines)}"


def typed(
    reason: Mapping[str, Any], profile: Mapping[str, Any], catalog: Catalog, oid: str, lang: str
) -> str:
    kind = "dict" if isinstance(profile, dict) else "other"
    return f"{kind} {profile['c']}"


def printed(
    reason: Mapping[str, Any], profile: Mapping[str, Any], catalog: Catalog, oid: str, lang: str
) -> str:
    return f"lines {profile['lines']}"


def _population(n: int, seed: int) -> pl.DataFrame:
    draw = random.Random(seed)
    rows = []
    for _ in range(n):
        lines = [
            {"plan_id": draw.choice("PQR"), "n": draw.randint(0, 3)}
            for _ in range(draw.randint(0, 3))
        ]
        rows.append(
            {
                "a": draw.random() < 0.5,
                "b": draw.choice("xyzw"),
                "c": draw.randint(0, 4),
                "lines": lines,
            }
        )
    return pl.DataFrame(rows, schema=SCHEMA)


@pytest.mark.parametrize("wording", [branchy, nested, typed, printed])
@pytest.mark.parametrize("size", [SMALL // 2, SMALL * 4])
def test_memo_is_exact_on_small_and_large_batches(wording: Wording, size: int) -> None:
    """Every sentence equals a plain call, in the Python and the Polars key paths alike."""
    profiles = _population(size, seed=size)
    draw = random.Random(7)
    reasons = [
        REASON | {"evidence": draw.choice(["a=1", "a=2"]), "ok": draw.random() < 0.2}
        for _ in range(size)
    ]
    rows = _rows(size, reasons)
    memo = ReasonMemo(wording, CATALOG, str.strip)
    assert memo.texts(rows, profiles).to_list() == _direct(wording, rows, profiles)
    if wording is branchy:
        # shared across customers: per value of ok, "not a" or "a" with one of 4 b; and per
        # head at most one call whose sentence is redone once more is known to be read
        assert memo.calls <= 2 * 5 + 2
