"""The decision code never imports the ground truth.

Scans every module of ``src/goodcall``: only ``truth/`` itself, ``synth/`` (which draws its history
from the truth) and ``evaluate/`` (which scores policies against it) may import
``goodcall.truth``. Any other import — ``import goodcall.truth``, ``from goodcall.truth.x import
y``, ``from goodcall import truth`` — fails the test, naming the file and line.
"""

from __future__ import annotations

import ast
from pathlib import Path

import goodcall

ROOT = Path(goodcall.__file__).parent
ALLOWED = ("truth", "synth", "evaluate")


def truth_imports(source: str) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        else:
            continue
        if any(n == "goodcall.truth" or n.startswith("goodcall.truth.") for n in names):
            lines.append(node.lineno)
    return lines


def test_scanner_finds_every_form() -> None:
    assert truth_imports("import goodcall.truth.response\n") == [1]
    assert truth_imports("x = 1\nfrom goodcall.truth.scoring import score_policy\n") == [2]
    assert truth_imports("from goodcall import truth\n") == [1]
    assert truth_imports("from goodcall import truthy, synth\nimport goodcall.truthful\n") == []


def test_no_decision_module_imports_the_truth() -> None:
    offenders = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in ALLOWED:
            continue
        for line in truth_imports(path.read_text(encoding="utf-8")):
            offenders.append(f"{relative}:{line}")
    assert offenders == [], f"modules importing goodcall.truth: {offenders}"
