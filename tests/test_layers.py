"""The layers only point down, checked on the transitive imports of every module of src/goodcall.

Bottom up (``docs/architecture.md``): the shared vocabulary (reasons, clock, hashing, zones,
channels); profiles, store; catalog, policy; models, arbitrate; decide; campaign, explain, brief,
audit, api, web, timing; truth, synth, evaluate; and ``goodcall.cli``, which assembles every
command. A module may reach (directly or through any chain of imports, including imports inside
functions) only modules of its own layer or below; packages of one layer never import each other
in a cycle; outside ``goodcall.decide`` nothing imports the core's private modules.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"

LAYERS: tuple[tuple[str, ...], ...] = (
    (
        "__init__",
        "reasons",
        "clock",
        "hashing",
        "zones",
        "channels",
        "progress",
        "output",
        "writing",
        "limits",
        "memo",
    ),
    ("profiles", "store"),
    ("catalog", "policy"),
    ("models", "arbitrate"),
    ("decide",),
    ("campaign", "explain", "brief", "audit", "api", "web", "timing"),
    ("truth", "synth", "evaluate"),
    ("cli",),
)
RANK = {part: rank for rank, parts in enumerate(LAYERS) for part in parts}
CORE = "goodcall.decide"


def part_of(module: str) -> str:
    """The top-level part of ``goodcall.<part>...`` (``__init__`` for the package itself)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def module_name(path: Path, src: Path) -> str:
    return ".".join(path.relative_to(src).with_suffix("").parts).removesuffix(".__init__")


def direct_imports(path: Path, module: str, known: set[str]) -> set[str]:
    """Every goodcall module this file imports, resolved to a module that exists."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for name in names:
            while name and name not in known and "." in name:
                name = name.rsplit(".", 1)[0]
            if name in known and name != module:
                found.add(name)
    return found


def import_graph(src: Path) -> dict[str, set[str]]:
    files = {module_name(p, src): p for p in (src / "goodcall").rglob("*.py")}
    known = set(files)
    graph = {m: direct_imports(p, m, known) for m, p in files.items()}
    for module in files:  # importing a.b.c runs a and a.b first
        parent = module.rsplit(".", 1)[0]
        if parent != module and parent in known:
            graph[module].add(parent)
    return graph


def reachable(graph: dict[str, set[str]], start: str) -> dict[str, str]:
    """Every module reachable from ``start``, each with the module that imported it first."""
    via: dict[str, str] = {}
    todo = [start]
    while todo:
        here = todo.pop()
        for there in sorted(graph.get(here, ())):
            if there not in via and there != start:
                via[there] = here
                todo.append(there)
    return via


def chain(via: dict[str, str], start: str, end: str) -> str:
    steps = [end]
    while steps[-1] != start:
        steps.append(via[steps[-1]])
    return " → ".join(reversed(steps))


def layer_violations(graph: dict[str, set[str]]) -> list[str]:
    """One line per module that reaches a module of a higher layer, with the import chain."""
    problems = []
    for module in sorted(graph):
        if part_of(module) not in RANK:
            problems.append(f"{module}: part {part_of(module)!r} is in no layer")
            continue
        via = reachable(graph, module)
        for target in sorted(via):
            if RANK.get(part_of(target), -1) > RANK[part_of(module)]:
                problems.append(f"{module} reaches a higher layer: {chain(via, module, target)}")
                break
    return problems


def package_cycles(graph: dict[str, set[str]]) -> list[str]:
    """Pairs of top-level parts that import each other, directly or transitively."""
    edges: dict[str, set[str]] = {}
    for module, targets in graph.items():
        for target in targets:
            if part_of(target) != part_of(module):
                edges.setdefault(part_of(module), set()).add(part_of(target))
    reach = {p: set(reachable(edges, p)) for p in edges}
    return sorted(f"{a} ↔ {b}" for a in reach for b in reach[a] if a < b and a in reach.get(b, ()))


def private_core_imports(graph: dict[str, set[str]]) -> list[str]:
    return sorted(
        f"{module} imports {target}"
        for module, targets in graph.items()
        if not module.startswith(CORE)
        for target in targets
        if target.startswith(CORE + ".")
    )


def _fake_tree(tmp: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp / "goodcall" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp


def _all(lines: Iterable[str]) -> str:
    return "\n".join(lines)


def test_layers_only_point_down() -> None:
    assert layer_violations(import_graph(SRC)) == []


def test_no_package_imports_another_in_a_cycle() -> None:
    assert package_cycles(import_graph(SRC)) == []


def test_the_core_is_a_closed_room() -> None:
    assert private_core_imports(import_graph(SRC)) == []


def test_an_inverted_import_is_caught_with_its_chain(tmp_path: Path) -> None:
    """A profile module that reaches the core through a function-level import two steps away."""
    src = _fake_tree(
        tmp_path,
        {
            "__init__.py": "",
            "profiles/__init__.py": "",
            "profiles/build.py": "def f():\n    from goodcall.store import reader\n",
            "store/__init__.py": "",
            "store/reader.py": "from goodcall.decide import decide\n",
            "decide/__init__.py": "from goodcall.decide.core import decide\n",
            "decide/core.py": "def decide(): ...\n",
        },
    )
    problems = layer_violations(import_graph(src))
    assert problems == [
        "goodcall.profiles.build reaches a higher layer: goodcall.profiles.build → "
        "goodcall.store.reader → goodcall.decide",
        "goodcall.store.reader reaches a higher layer: goodcall.store.reader → goodcall.decide",
    ], _all(problems)


def test_cycles_and_private_imports_are_caught(tmp_path: Path) -> None:
    src = _fake_tree(
        tmp_path,
        {
            "__init__.py": "",
            "catalog/__init__.py": "from goodcall.policy import rules\n",
            "policy/__init__.py": "",
            "policy/rules.py": "from goodcall.catalog import texts\n",
            "catalog/texts.py": "",
            "campaign/__init__.py": "from goodcall.decide.score import score\n",
            "decide/__init__.py": "",
            "decide/score.py": "def score(): ...\n",
        },
    )
    graph = import_graph(src)
    assert package_cycles(graph) == ["catalog ↔ policy"]
    assert private_core_imports(graph) == ["goodcall.campaign imports goodcall.decide.score"]


@pytest.mark.parametrize("part", ["truth", "synth", "evaluate"])
def test_the_core_never_reaches_the_synthetic_world(part: str) -> None:
    graph = import_graph(SRC)
    reached = {part_of(m) for m in reachable(graph, CORE)} | {
        part_of(m) for core in graph if core.startswith(CORE) for m in reachable(graph, core)
    }
    assert part not in reached
