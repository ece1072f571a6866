"""Control groups: deterministic, independent of the batch, the right share.

Bad inputs tried: a share above 0.5 or negative, an empty campaign id, null customer ids.
"""

from __future__ import annotations

import polars as pl
import pytest

from goodcall.decide.control import ControlGroupError, in_control
from goodcall.hashing import fnv1a64, stable_uniform


def _ids(n: int, prefix: str = "C") -> pl.LazyFrame:
    return pl.LazyFrame({"customer_id": [f"{prefix}-{i:07d}" for i in range(n)]})


def reference_uniform(key: str) -> float:
    """Plain-Python FNV-1a 64 + SplitMix64, the documented definition."""
    h = 0xCBF29CE484222325
    for byte in key.encode("utf-8"):
        h = ((h ^ byte) * 0x100000001B3) % 2**64
    z = (h + 0x9E3779B97F4A7C15) % 2**64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) % 2**64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) % 2**64
    z ^= z >> 31
    return (z >> 11) / 2**53


def test_hash_matches_the_documented_definition() -> None:
    keys = ["", "a", "CMP-1:C-SEED-0001", "Québec:été", "x" * 70]
    got = stable_uniform(pl.Series(keys))
    assert got.tolist() == [reference_uniform(k) for k in keys]
    assert int(fnv1a64(pl.Series(["a"]))[0]) == 0xAF63DC4C8601EC8C  # published FNV-1a test vector


def _held(ids: pl.LazyFrame, campaign_id: str, share: float = 0.05) -> pl.DataFrame:
    return ids.with_columns(in_control(campaign_id, share).alias("in_control")).collect()


def test_membership_is_deterministic_and_independent_of_the_batch() -> None:
    full = _held(_ids(5000), "CMP-A")
    alone = _held(_ids(5000).slice(1234, 1), "CMP-A")
    assert alone["in_control"][0] == full["in_control"][1234]
    again = _held(_ids(5000).reverse(), "CMP-A").reverse()
    assert again["in_control"].to_list() == full["in_control"].to_list()


@pytest.mark.parametrize("share", [0.02, 0.05, 0.2])
def test_share_is_respected(share: float) -> None:
    n = 40_000
    got = _held(_ids(n), "CMP-B", share)["in_control"].mean()
    sd = (share * (1 - share) / n) ** 0.5
    assert abs(float(got) - share) < 4 * sd  # type: ignore[arg-type]


def test_campaigns_draw_independent_groups() -> None:
    a = (
        _ids(40_000)
        .with_columns(in_control("CMP-1", 0.1).alias("in_control"))
        .collect()["in_control"]
    )
    b = (
        _ids(40_000)
        .with_columns(in_control("CMP-2", 0.1).alias("in_control"))
        .collect()["in_control"]
    )
    both = float((a & b).mean())  # type: ignore[arg-type]
    assert abs(both - 0.01) < 0.003


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ControlGroupError, match=r"between 0 and 0\.5"):
        in_control("CMP", 0.6)
    with pytest.raises(ControlGroupError, match=r"between 0 and 0\.5"):
        in_control("CMP", -0.1)
    with pytest.raises(ControlGroupError, match="non-empty"):
        in_control("", 0.05)
    with pytest.raises(Exception, match="must not be null"):
        stable_uniform(pl.Series([None, "a"], dtype=pl.String))
