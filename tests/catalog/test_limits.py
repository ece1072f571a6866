"""Configuration files that would take the machine down are refused, naming the place and the
limit (issue 19, item 5): a YAML alias bomb, nesting deeper than ``MAX_YAML_DEPTH``, a condition
nested deeper than ``MAX_PREDICATE_DEPTH`` (60 parentheses raised an uncaught RecursionError), an
``IN`` list longer than ``MAX_IN_VALUES`` (2,000 values took 40 s: every value re-rendered the
whole list), a ``because`` format of 500,000,000 characters, a text or a file over its limit.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from goodcall.catalog.compile import PREDICATE_FIELDS
from goodcall.catalog.loader import load_catalog
from goodcall.catalog.parse import PredicateError, parse_predicate
from goodcall.catalog.wording import format_profile
from goodcall.catalog.yamlsource import SourceError, read_yaml
from goodcall.limits import (
    MAX_CONFIG_BYTES,
    MAX_FORMAT_WIDTH,
    MAX_IN_VALUES,
    MAX_PREDICATE_CHARS,
    MAX_PREDICATE_DEPTH,
    MAX_TEXT_CHARS,
    MAX_YAML_DEPTH,
)
from goodcall.policy.loader import load_policies
from goodcall.profiles.brands import BrandsFileError, read_brands
from tests.catalog.test_loader import OFFER

WHEN = '"device_age_months >= 24"'
WHEN_AT = "catalog.yaml:15:15: offer HS_TEST, rule old_device: field eligibility[0].when: "
BOMB = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def check(tmp_path: Path, text: str, name: str = "catalog.yaml") -> tuple[int, str]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    from goodcall.cli import app

    result = CliRunner().invoke(app, ["catalog", "check", str(path)], env={"COLUMNS": "300"})
    return result.exit_code, " ".join((result.stderr or result.output).split())


def test_an_alias_bomb_is_refused_at_the_first_alias(tmp_path: Path) -> None:
    code, said = check(tmp_path, BOMB)
    assert code == 2
    assert "catalog.yaml:2:8: malformed YAML: aliases (*name) are not accepted" in said
    with pytest.raises(SourceError, match="aliases"):
        load_policies(_write(tmp_path / "policies.yaml", BOMB))


def test_brands_files_are_read_without_aliases_too(tmp_path: Path) -> None:
    with pytest.raises(BrandsFileError, match="aliases"):
        read_brands(_write(tmp_path / "brands.yaml", BOMB))


def test_yaml_nesting_is_bounded() -> None:
    deep = "[" * (MAX_YAML_DEPTH + 1) + "]" * (MAX_YAML_DEPTH + 1)
    with pytest.raises(SourceError, match=rf"f.yaml:1:{MAX_YAML_DEPTH + 1}: .*MAX_YAML_DEPTH"):
        read_yaml(deep, "f.yaml")
    ok = "[" * MAX_YAML_DEPTH + "]" * MAX_YAML_DEPTH
    assert read_yaml(ok, "f.yaml").data is not None
    with pytest.raises(SourceError, match="MAX_YAML_DEPTH"):  # far deeper: no RecursionError
        read_yaml("[" * 100_000, "f.yaml")


def test_sixty_nested_parentheses_name_the_place_and_the_limit(tmp_path: Path) -> None:
    code, said = check(
        tmp_path, OFFER.replace(WHEN, '"' + "(" * 60 + "plan_tier > 1" + ")" * 60 + '"')
    )
    assert code == 2
    assert (
        WHEN_AT + f"the condition is nested 60 levels deep; the limit is {MAX_PREDICATE_DEPTH}"
        in said
    )
    assert "(MAX_PREDICATE_DEPTH)" in said


@pytest.mark.parametrize(
    "when",
    [
        "NOT " * 2_000 + "plan_tier > 1",
        "ABS(" * 40 + "plan_tier" + ")" * 40 + " > 1",
        "- " * 3_000 + "plan_tier > 1",
    ],
)
def test_other_deep_shapes_are_predicate_errors_not_crashes(when: str) -> None:
    with pytest.raises(PredicateError):
        parse_predicate(when, PREDICATE_FIELDS)


def test_a_long_chain_of_one_operator_is_one_level() -> None:
    chain = " AND ".join(["plan_tier > 1"] * 1_000)
    assert len(parse_predicate(chain, PREDICATE_FIELDS).root.operands) == 1_000  # type: ignore[attr-defined]
    inside = "(" * (MAX_PREDICATE_DEPTH - 3) + "plan_tier > 1" + ")" * (MAX_PREDICATE_DEPTH - 3)
    assert parse_predicate(inside, PREDICATE_FIELDS).fields == ("plan_tier",)


def test_in_lists_load_in_linear_time_up_to_the_limit(tmp_path: Path) -> None:
    values = ", ".join(str(v) for v in range(MAX_IN_VALUES))
    loaded = parse_predicate(f"plan_tier IN ({values})", PREDICATE_FIELDS)
    assert len(loaded.root.values) == MAX_IN_VALUES  # type: ignore[attr-defined]
    longer = ", ".join(str(v) for v in range(2_000))
    code, said = check(tmp_path, OFFER.replace(WHEN, f'"plan_tier IN ({longer})"'))
    assert code == 2
    assert (
        WHEN_AT + f"IN lists 2,000 values; the limit is {MAX_IN_VALUES:,} (MAX_IN_VALUES)" in said
    )


def test_a_condition_over_the_length_limit(tmp_path: Path) -> None:
    long = "plan_tier > 1" + " " * MAX_PREDICATE_CHARS
    code, said = check(tmp_path, OFFER.replace(WHEN, f'"{long}"'))
    assert code == 2
    assert WHEN_AT + f"the condition has {len(long):,} characters" in said
    assert "(MAX_PREDICATE_CHARS)" in said


def test_a_huge_format_width_is_refused_at_catalog_check(tmp_path: Path) -> None:
    code, said = check(
        tmp_path, OFFER.replace('"recent device"', '"{device_age_months:500000000} months"')
    )
    assert code == 2
    assert (
        "catalog.yaml:16:46: offer HS_TEST, rule old_device: field eligibility[0].because.en:"
        in said
    )
    assert (
        "{device_age_months:500000000}: format '500000000' asks for 500,000,000 characters; "
        f"the limit is {MAX_FORMAT_WIDTH} (MAX_FORMAT_WIDTH)"
    ) in said
    for spec in ("{plan_tier:.900000f}", "{plan_tier:{plan_tier}}"):
        code, said = check(tmp_path, OFFER.replace('"recent device"', f'"{spec}"'))
        assert code == 2 and "field eligibility[0].because.en" in said
    # the same width never expands when a text is filled (defence in depth)
    assert format_profile("{n:500000000}", {"n": 3}, "en") == "3"
    assert format_profile("{n:>5}|{n:.1f}", {"n": 3}, "en") == "    3|3.0"


def test_a_because_text_over_the_limit(tmp_path: Path) -> None:
    code, said = check(tmp_path, OFFER.replace('"recent device"', '"' + "x" * 3_000 + '"'))
    assert code == 2
    assert (
        f"the text has 3,000 characters; the limit is {MAX_TEXT_CHARS:,} (MAX_TEXT_CHARS)" in said
    )


def test_a_file_over_the_size_limit_is_not_read(tmp_path: Path) -> None:
    code, said = check(tmp_path, OFFER + "#" * MAX_CONFIG_BYTES + "\n")
    assert code == 2
    assert (
        f"catalog.yaml: larger than {MAX_CONFIG_BYTES:,} bytes, the limit (MAX_CONFIG_BYTES)"
        in said
    )
    with pytest.raises(SourceError, match="MAX_CONFIG_BYTES"):  # a device without a size
        load_catalog(Path("/dev/zero"))


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_control_character_is_a_yaml_error_not_a_crash() -> None:
    """Found by the hostile suite: PyYAML's reader refuses it before parsing starts."""
    with pytest.raises(
        SourceError, match=r"f\.yaml: malformed YAML: unacceptable character #x0008"
    ):
        read_yaml("\x08a: 1\n", "f.yaml")


@pytest.mark.parametrize("text", ["{a: 1}: x\n", "[/bold]: 2\n", "offers:\n  ? [a]\n  : 1\n"])
def test_a_list_or_a_mapping_as_a_key_is_a_clear_error(text: str) -> None:
    """Found by the 1,000-example suite: an unhashable key crashed the loader (TypeError)."""
    with pytest.raises(SourceError, match=r"policies.yaml:\d+:\d+: .*a key must be a plain value"):
        read_yaml(text, "policies.yaml")
