"""The batch machinery gives what the plain computation gives.

* Slots: a value a sentence only prints is written in after the macro ran; every template must
  use such a value only verbatim (printed, tested for truth or none, iterated and printed).
* French typography in Polars equals the Python function, on every pairing of the characters
  that matter.
* Values once per distinct key: the Python path (a few rows) and the Polars path agree, and a
  failure names the first failing row.
* JSON: the brief part is exactly Pydantic's JSON mode.
* A NUL in customer data (which could pass for a slot marker) is printed as it is.

Bad inputs tried: a NUL in a name, a failing key in the middle of a batch.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from typing import Any

import polars as pl
import pytest
from jinja2 import nodes

from goodcall.brief import words
from goodcall.brief.build import build_brief
from goodcall.brief.distinct import SMALL, RowError, per_distinct
from goodcall.brief.examples import AT, EXAMPLES
from goodcall.brief.model import Brief
from goodcall.brief.render import environment, render_many, render_text
from goodcall.brief.schema import json_ready
from goodcall.brief.words import french_spaces, typeset
from goodcall.catalog.model import Catalog
from tests.brief.conftest import profile_of, rows_of


def _parents(root: nodes.Node) -> Iterator[tuple[nodes.Node, nodes.Node]]:
    for child in root.iter_child_nodes():
        yield child, root
        yield from _parents(child)


def _truth_test(node: nodes.Node, parents: dict[int, nodes.Node]) -> bool:
    """Whether ``node`` is only tested for truth or none (an ``if``, ``and``, ``not``…)."""
    parent = parents[id(node)]
    if isinstance(parent, nodes.If | nodes.CondExpr) and parent.test is node:
        return True
    if isinstance(parent, nodes.Test) and parent.name == "none":
        return _truth_test(parent, parents)
    if isinstance(parent, nodes.And | nodes.Not) or (
        isinstance(parent, nodes.Or) and not isinstance(parents[id(parent)], nodes.Output)
    ):
        return _truth_test(parent, parents)
    return False


def _verbatim_uses(body: nodes.Node, name: str) -> list[str]:
    """Every use of ``name`` in a macro body that is not printing it as it is."""
    parents = {id(child): parent for child, parent in _parents(body)}
    wrong: list[str] = []
    for node in body.find_all(nodes.Name):
        if node.name != name or node.ctx != "load":
            continue
        parent = parents[id(node)]
        if isinstance(parent, nodes.Output) or _truth_test(node, parents):
            continue
        if isinstance(parent, nodes.Or) and isinstance(parents[id(parent)], nodes.Output):
            continue  # ``name or "default"``: printed as it is when given
        if isinstance(parent, nodes.For) and parent.iter is node:
            assert isinstance(parent.target, nodes.Name)
            wrong += _verbatim_uses(parent, parent.target.name)
            continue
        wrong.append(f"{name}: {parent}")
    return wrong


@pytest.fixture(scope="module")
def slots_used(
    example_profiles: pl.DataFrame, example_eval: pl.DataFrame, catalog: Catalog
) -> set[tuple[str, tuple[str, ...]]]:
    """Every (macro, slots) the brief asks for, recorded while the examples are written."""
    seen: set[tuple[str, tuple[str, ...]]] = set()
    prepare = words.Words.prepare

    def recording(self: words.Words, macro: str, *args: Any, **kwargs: Any) -> Any:
        sentence = prepare(self, macro, *args, **kwargs)
        seen.add((macro, tuple(sentence.slots)))
        return sentence

    words.Words.prepare = recording  # type: ignore[method-assign]
    try:
        briefs = [
            build_brief(
                profile_of(example_profiles, e.customer_id),
                e.offer_id,
                e.channel,
                catalog,
                rows_of(example_eval, e.customer_id),
                AT,
            )
            for e in EXAMPLES
        ]
        render_many(briefs, "text")
    finally:
        words.Words.prepare = prepare  # type: ignore[method-assign]
    return seen


def test_templates_print_slots_verbatim(slots_used: set[tuple[str, tuple[str, ...]]]) -> None:
    env = environment("text")
    assert len(slots_used) > 25
    assert any(slots for _, slots in slots_used)
    for lang in ("fr", "en"):
        tree = env.parse(env.loader.get_source(env, f"{lang}.j2")[0])  # type: ignore[union-attr]
        macros = {m.name: m for m in tree.find_all(nodes.Macro)}
        for macro, slots in slots_used:
            for slot in slots:
                assert _verbatim_uses(macros[macro], slot) == [], (lang, macro)


def test_the_slot_check_catches_a_transformed_slot() -> None:
    env = environment("text")
    tree = env.parse(
        "{% macro m(a, b, c, d) %}{{ a|upper }}{% if b > 1 %}x{% endif %}{{ c }}"
        "{% if c is not none %}{{ c or 'none' }}{% endif %}{{ years(d) }}{% endmacro %}"
    )
    macro = next(iter(tree.find_all(nodes.Macro)))
    assert [_verbatim_uses(macro, n) != [] for n in "abcd"] == [True, True, False, True]


def test_typeset_in_polars_equals_python() -> None:
    alphabet = [" ", ":", "«", "»", "a", "\u00a0"]
    strings = ["".join(p) for n in range(5) for p in itertools.product(alphabet, repeat=n)]
    draw = random.Random(3)
    strings += ["".join(draw.choices(alphabet, k=12)) for _ in range(2000)]
    frame = pl.DataFrame({"lang": ["fr"] * len(strings) + ["en"], "text": [*strings, " :"]})
    got = frame.select(typeset(pl.col("lang"), pl.col("text"))).to_series().to_list()
    assert got == [*(french_spaces(s) for s in strings), " :"]


@pytest.mark.parametrize("size", [SMALL // 2, SMALL * 5])
def test_per_distinct_paths_agree_and_name_the_failing_row(size: int) -> None:
    draw = random.Random(size)
    keys = pl.DataFrame(
        {
            "a": [draw.choice(["x", "y", None]) for _ in range(size)],
            "b": [[draw.randint(0, 2)] * draw.randint(0, 2) for _ in range(size)],
        }
    )
    calls: list[Any] = []

    def word(a: str | None, b: list[int]) -> str:
        calls.append((a, tuple(b)))
        return f"{a}:{sum(b)}"

    got = per_distinct(keys, word, pl.String()).to_list()
    assert got == [f"{a}:{sum(b)}" for a, b in keys.iter_rows()]
    assert len(calls) == len(set(calls))
    fail_at = size - 3
    bad = keys.with_columns(
        pl.when(pl.int_range(pl.len()) == fail_at).then(pl.lit("boom")).otherwise("a").alias("a")
    )

    def failing(a: str | None, b: list[int]) -> str:
        if a == "boom":
            raise ValueError("no word for boom")
        return "ok"

    with pytest.raises(RowError, match="no word for boom") as caught:
        per_distinct(bad, failing, pl.String())
    assert caught.value.row == fail_at


def _example_briefs(
    profiles: pl.DataFrame, evaluated: pl.DataFrame, catalog: Catalog
) -> list[Brief]:
    return [
        build_brief(
            profile_of(profiles, e.customer_id),
            e.offer_id,
            e.channel,
            catalog,
            rows_of(evaluated, e.customer_id),
            AT,
        )
        for e in EXAMPLES
    ]


def test_json_is_pydantics_json_mode(
    example_profiles: pl.DataFrame, example_eval: pl.DataFrame, catalog: Catalog
) -> None:
    for brief in _example_briefs(example_profiles, example_eval, catalog):
        assert json_ready(brief.model_dump()) == brief.model_dump(mode="json")


def test_a_nul_in_a_name_is_printed_as_it_is(
    example_profiles: pl.DataFrame, example_eval: pl.DataFrame, catalog: Catalog
) -> None:
    """A NUL could be taken for a slot marker: such a batch is worded without slots."""
    ex = EXAMPLES[2]
    profile = profile_of(example_profiles, ex.customer_id)
    odd = profile | {"last_name": "Ra\x000\x00man"}
    rows = rows_of(example_eval, ex.customer_id)
    brief = build_brief(odd, ex.offer_id, ex.channel, catalog, rows, AT)
    text = render_text(brief)
    assert "Ra\x000\x00man" in text
    plain = render_text(build_brief(profile, ex.offer_id, ex.channel, catalog, rows, AT))
    assert text.replace("Ra\x000\x00man", "Raman") == plain
    many = render_many([brief] * (SMALL + 1), "text")
    assert set(many) == {text}
