"""Hostile policy YAML (issue 19, "Must show"): ``policies check`` exits 0, or 2 naming the file;
never a traceback. A random slice of the shipped policies is replaced by arbitrary text or YAML
constructs, or one value by another of any type. Counts: ``tests/hostile.py``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import strategies as st

from goodcall.policy.loader import shipped_policies_text
from tests.catalog.test_hostile import TEXT, YAML_BITS, check_command
from tests.hostile import hostile

SHIPPED = shipped_policies_text()
VALUES = st.one_of(
    TEXT, st.integers(), st.floats(), st.sampled_from(["[]", "{}", "null", "~", "25:99", "-1"])
)


@st.composite
def policy_files(draw: st.DrawFn) -> str:
    lines = SHIPPED.splitlines(keepends=True)
    if draw(st.booleans()):
        index = draw(st.integers(0, len(lines) - 1))
        key, colon, _ = lines[index].partition(": ")
        if colon:
            lines[index] = f"{key}: {draw(VALUES)}\n"
        return "".join(lines)
    start = draw(st.integers(0, len(SHIPPED)))
    end = draw(st.integers(start, min(len(SHIPPED), start + 60)))
    return SHIPPED[:start] + draw(st.one_of(TEXT, YAML_BITS)) + SHIPPED[end:]


def _policies(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "policies.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        check_command(["policies", "check", str(path)], path)


test_policy_yaml, test_policy_yaml_slow = hostile(text=policy_files())(_policies)
