"""Hostile predicates and catalog YAML (issue 19, "Must show"): whatever the text, a clear error
naming the place (``catalog check`` exits 2 naming the file), never a traceback.

The counts are in ``tests/hostile.py``. Generated: conditions built from the grammar's own
tokens (fields, operators, functions, literals, parentheses, SQL that is refused) and from any
text; catalogs whose condition or ``because`` text is replaced by those, or a random slice of
the file by arbitrary text or YAML constructs (anchors, aliases, tags, deep nesting).
"""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import strategies as st
from typer.testing import CliRunner

from goodcall.catalog.compile import PREDICATE_FIELDS
from goodcall.catalog.parse import PredicateError, parse_predicate
from goodcall.catalog.to_polars import to_polars
from tests.catalog.test_loader import OFFER
from tests.hostile import hostile

TOKENS = [
    *sorted(PREDICATE_FIELDS)[:12], "device_os", "plan_tier", "lang", "AND", "OR", "NOT", "(",
    ")", "=", "<>", "<", ">=", "IN", "BETWEEN", "IS", "NULL", "LIKE", "ILIKE", "+", "-", "*", "/",
    ",", "'iOS'", "'x%'", "3", "2.5", "1e400", "TRUE", "ABS(", "COALESCE(", "LOWER(", "LENGTH(",
    "DATE '2026-01-01'", "TIME '25:00'", ";", "--", "SELECT", "read_csv('x')", "now()", "'", '"',
    "{plan_tier}", "%",
]  # fmt: skip

TEXT = st.one_of(st.text(max_size=40), st.sampled_from(["[/bold]", "[red]x[/]", "[vip]"]))
CONDITION = st.one_of(
    st.lists(st.one_of(st.sampled_from(TOKENS), TEXT), min_size=1, max_size=40).map(" ".join),
    st.integers(0, 300).map(lambda n: "(" * n + "plan_tier > 1" + ")" * n),
    TEXT,
)


def _predicate(text: str) -> None:
    try:
        parsed = parse_predicate(text, PREDICATE_FIELDS)
    except PredicateError as err:
        assert str(err)
        return
    to_polars(parsed)


test_predicates, test_predicates_slow = hostile(text=CONDITION)(_predicate)

YAML_BITS = st.sampled_from(
    ["&a x", "*a", "!!python/object:os.system", "<<: *a", "[" * 80, "{a: [b, {c: d}]}", "? x",
     "\t", "%YAML 1.1", "---", "...", "'", '"', ": ", "- ", "@", "`", "\x00", "\ufeff", "é"]
)  # fmt: skip


@st.composite
def catalogs(draw: st.DrawFn) -> str:
    choice = draw(st.integers(0, 2))
    if choice == 0:
        return OFFER.replace('"device_age_months >= 24"', json.dumps(draw(CONDITION)))
    if choice == 1:
        because = draw(st.one_of(TEXT, CONDITION.map(lambda c: "{" + c + "}")))
        return OFFER.replace('"recent device"', json.dumps(because))
    start = draw(st.integers(0, len(OFFER)))
    end = draw(st.integers(start, min(len(OFFER), start + 40)))
    return OFFER[:start] + draw(st.one_of(TEXT, YAML_BITS)) + OFFER[end:]


def check_command(args: list[str], path: Path) -> None:
    """Exit 0, or exit 2 with a message naming the file; never an exception."""
    from goodcall.cli import app

    result = CliRunner().invoke(app, args, env={"COLUMNS": "2000"})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 2:
        said = result.stderr or result.output
        assert path.name in said and "Traceback" not in said


def _catalog(text: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "catalog.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        check_command(["catalog", "check", str(path)], path)


test_catalog_yaml, test_catalog_yaml_slow = hostile(text=catalogs())(_catalog)
