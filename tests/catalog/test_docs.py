"""The catalog and policy documentation lists every field a predicate may use and every code."""

from __future__ import annotations

from pathlib import Path

from goodcall.catalog.checks import BUILTIN_APPLICABILITY
from goodcall.policy.engine import channel_check_codes
from goodcall.policy.loader import load_policies
from goodcall.profiles.fields import PREDICATE_FIELDS

DOC = (Path(__file__).parents[2] / "docs" / "catalog-and-policies.md").read_text("utf-8")


def test_every_predicate_field_is_documented_with_its_type() -> None:
    for name, kind in PREDICATE_FIELDS.items():
        assert f"| `{name}` | {kind} |" in DOC, name


def test_every_reason_code_is_documented() -> None:
    policies = load_policies()
    codes = {c for channel in policies.channels for c in channel_check_codes(policies, channel)}
    codes |= {f"catalog.applicability.{name}" for name in BUILTIN_APPLICABILITY}
    for code in sorted(codes):
        assert f"`{code}`" in DOC, code
