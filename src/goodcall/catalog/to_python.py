"""Evaluate a predicate tree directly on one row of Python values.

This is the parity oracle: the property tests check that the Polars compilation of a tree gives,
row by row, exactly what this plain reading of SQL semantics gives (``None`` is SQL NULL).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from goodcall.catalog.predicates import (
    Arithmetic,
    Between,
    Call,
    Column,
    Compare,
    Const,
    InList,
    IsNull,
    Like,
    Logical,
    Negate,
    Node,
    Not,
    Predicate,
    Visitor,
    like_regex,
)


class PythonEvaluator(Visitor[Any]):
    """Predicate tree → value for one row (``True``/``False``/``None`` at the root)."""

    def __init__(self, row: Mapping[str, Any]) -> None:
        self.row = row

    def column(self, node: Column) -> Any:
        return self.row.get(node.name)

    def const(self, node: Const) -> Any:
        return node.value

    def compare(self, node: Compare) -> Any:
        left, right = self.visit(node.left), self.visit(node.right)
        if left is None or right is None:
            return None
        match node.op:
            case "=":
                return bool(left == right)
            case "<>":
                return bool(left != right)
            case "<":
                return bool(left < right)
            case "<=":
                return bool(left <= right)
            case ">":
                return bool(left > right)
        return bool(left >= right)

    def logical(self, node: Logical) -> Any:
        values = [self.visit(o) for o in node.operands]
        decisive = node.op == "or"  # TRUE decides an OR, FALSE decides an AND
        if any(v is decisive for v in values):
            return decisive
        if any(v is None for v in values):
            return None
        return not decisive

    def negation(self, node: Not) -> Any:
        value = self.visit(node.operand)
        return None if value is None else not value

    def in_list(self, node: InList) -> Any:
        value = self.visit(node.operand)
        if value is None:
            return None
        return any(value == v.value for v in node.values)

    def between(self, node: Between) -> Any:
        value, low, high = (self.visit(n) for n in (node.operand, node.low, node.high))
        lower = None if value is None or low is None else value >= low
        upper = None if value is None or high is None else value <= high
        if lower is False or upper is False:
            return False
        if lower is None or upper is None:
            return None
        return True

    def is_null(self, node: IsNull) -> Any:
        return self.visit(node.operand) is None

    def like(self, node: Like) -> Any:
        value = self.visit(node.operand)
        if value is None:
            return None
        flags = re.IGNORECASE if node.case_insensitive else 0
        return re.fullmatch(like_regex(node.pattern), value, flags) is not None

    def arithmetic(self, node: Arithmetic) -> Any:
        left, right = self.visit(node.left), self.visit(node.right)
        if left is None or right is None:
            return None
        match node.op:
            case "+":
                return left + right
            case "-":
                return left - right
            case "*":
                return left * right
        return None if right == 0 else float(left) / float(right)

    def negate(self, node: Negate) -> Any:
        value = self.visit(node.operand)
        return None if value is None else -value

    def call(self, node: Call) -> Any:
        args = [self.visit(a) for a in node.args]
        match node.name:
            case "coalesce":
                return next((a for a in args if a is not None), None)
            case "least":
                present = [a for a in args if a is not None]
                return min(present) if present else None
            case "greatest":
                present = [a for a in args if a is not None]
                return max(present) if present else None
        value = args[0]
        if value is None:
            return None
        match node.name:
            case "lower":
                return value.lower()
            case "upper":
                return value.upper()
            case "length":
                return len(value)
        return abs(value)


def evaluate(predicate: Predicate | Node, row: Mapping[str, Any]) -> bool | None:
    """The predicate's value on one row: ``True``, ``False`` or ``None`` (SQL NULL)."""
    root = predicate.root if isinstance(predicate, Predicate) else predicate
    result = PythonEvaluator(row).visit(root)
    return None if result is None else bool(result)
